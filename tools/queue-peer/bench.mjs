// The parent: fresh database, peer schema, one bulk enqueue of JOBS no-op jobs, PROCESSES worker
// processes with CONCURRENCY slots each, then polls the peer's job table every 20 ms until no job
// is left uncompleted (as `trainload bench scheduler` polls its run), and prints one JSON line.
//
//   node bench.mjs JOBS PROCESSES CONCURRENCY
//   env: PEER (graphile-worker | pg-boss), TUNING (default | tuned),
//        DATABASE_URL (admin URL), BENCH_DB (database to drop and recreate)
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PEERS, versionOf } from './peers.mjs';

const [jobs = 2000, processes = 4, concurrency = 4] = process.argv.slice(2).map(Number);
const peerName = process.env.PEER ?? 'graphile-worker';
const tuning = process.env.TUNING ?? 'default';
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DB ?? 'queue_peer_bench';
const limitMs = Number(process.env.LIMIT_S ?? 900) * 1000;
const peer = PEERS[peerName];
if (!peer) throw new Error(`unknown PEER ${peerName}; one of ${Object.keys(PEERS).join(', ')}`);
if (!['default', 'tuned'].includes(tuning)) throw new Error(`TUNING is default or tuned, not ${tuning}`);
if (!(jobs > 0 && processes > 0 && concurrency > 0)) throw new Error('JOBS, PROCESSES and CONCURRENCY must be positive');

const round = (x, digits = 2) => Number(x.toFixed(digits));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

async function admin(sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try { return await client.query(sql); } finally { await client.end(); }
}

const ident = pg.Client.prototype.escapeIdentifier(dbName);
await admin(`drop database if exists ${ident} with (force)`);
await admin(`create database ${ident}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const benchUrl = url.toString();
const server = (await admin(`select current_setting('server_version') as v,
  current_setting('synchronous_commit') as sc, current_setting('fsync') as fsync`)).rows[0];

const settings = peer.settings(tuning);
const children = [];
let result;
try {
  await peer.install(benchUrl);
  const poll = new pg.Client({ connectionString: benchUrl });
  await poll.connect();
  const { enqueue, release } = await peer.enqueuer(benchUrl);
  const load = os.loadavg();

  const enqueueStart = now();
  await enqueue(jobs);
  const started = now();
  const enqueueS = (started - enqueueStart) / 1000;
  await release();

  // Worker processes start after the enqueue, as `bench scheduler --processes N` spawns its
  // workers after the fan-out: their start-up is inside work_s for both.
  const reports = [];
  for (let i = 0; i < processes; i += 1) {
    const child = fork(fileURLToPath(new URL('./worker.mjs', import.meta.url)), [], {
      env: { ...process.env, QUEUE_PEER_WORKER: JSON.stringify({ peer: peerName, url: benchUrl, concurrency, settings, t0: started }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m) => { if (!m.ready) reports.push(m); });
    child.exited = new Promise((r) => child.on('exit', r));
    children.push(child);
  }

  let row;
  for (;;) {
    ({ rows: [row] } = await poll.query(peer.remainingSql));
    if (row.remaining === 0) break;
    if (row.failed > 0) throw new Error(`${row.failed} jobs failed`);
    if (now() - started > limitMs) throw new Error(`${row.remaining} jobs still waiting after ${limitMs / 1000} s`);
    if (children.some((c) => c.exitCode !== null)) throw new Error('a worker process exited early');
    await sleep(20);
  }
  const workS = (now() - started) / 1000;
  await poll.end();

  for (const c of children) c.send('stop');
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(10000)]);
  const ran = reports.reduce((a, r) => a + r.ran, 0);
  result = {
    peer: peerName, version: versionOf(peer.package), tuning, settings,
    jobs, processes, concurrency,
    enqueue_s: round(enqueueS, 3),
    work_s: round(workS, 3),
    jobs_completed_per_s: round(jobs / workS, 1),
    jobs_run_by_handlers: ran,
    // Node start-up plus the peer's connection and schema check, under this machine's load:
    // the first moment any worker process was ready to take jobs, and the rate from then on.
    first_ready_s: round(Math.min(...reports.map((r) => r.ready_s)), 3),
    jobs_per_s_after_first_ready: round(jobs / (workS - Math.min(...reports.map((r) => r.ready_s))), 1),
    per_process: reports.map((r) => ({ ran: r.ran, ready_s: round(r.ready_s, 3), last_job_s: r.last_job_s && round(r.last_job_s, 3) })),
    load_avg_at_start: load.map((x) => round(x)),
    node: process.version,
    postgres: server.v, synchronous_commit: server.sc, fsync: server.fsync,
    at: new Date().toISOString(),
  };
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await admin(`drop database if exists ${ident} with (force)`).catch((e) => console.error(`dropping ${dbName}: ${e.message}`));
}
console.log(JSON.stringify(result));
