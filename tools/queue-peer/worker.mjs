// One worker process: runs the peer's worker with CONCURRENCY slots until the parent says stop,
// then reports how many jobs its handlers ran and when it was ready.
import { PEERS } from './peers.mjs';

const { peer: peerName, url, concurrency, settings, t0 } = JSON.parse(process.env.QUEUE_PEER_WORKER);
const peer = PEERS[peerName];
let ran = 0;
let lastJobAt = 0;
const stop = await peer.startWorker(url, concurrency, settings, (n) => { ran += n; lastJobAt = Date.now(); });
const readyS = (Date.now() - t0) / 1000;
process.on('message', async (msg) => {
  if (msg !== 'stop') return;
  await Promise.race([stop(), new Promise((r) => setTimeout(r, 3000))]).catch(() => {});
  process.send({ pid: process.pid, ran, ready_s: readyS, last_job_s: lastJobAt ? (lastJobAt - t0) / 1000 : null },
    () => process.exit(0));
});
process.send({ pid: process.pid, ready: true });
