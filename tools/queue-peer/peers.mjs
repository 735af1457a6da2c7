// The two peers behind one interface: settings per tuning, schema install, bulk enqueue, the
// "jobs not yet completed" query the parent polls, and the worker a child process runs.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const TASK = 'noop';

/** The installed version of an npm package of this directory. */
export function versionOf(pkg) {
  return require(`${pkg}/package.json`).version;
}

/** Quiet loggers: the no-op jobs must not measure console output (graphile-worker logs every
 * completed job at `info`). Warnings and errors still reach stderr. */
async function graphileLogger() {
  const { Logger } = await import('graphile-worker');
  return new Logger(() => (level, message) => {
    if (level === 'error' || level === 'warning') console.error(`[graphile-worker ${level}] ${message}`);
  });
}

const graphileWorker = {
  name: 'graphile-worker',
  package: 'graphile-worker',
  // `default`: the library's defaults with `concurrency` set (one job fetched per worker slot,
  // one DELETE per completed job). `tuned`: its documented batching (the pool locks
  // `localQueue.size` jobs per fetch and serves its slots from them; completions are batched
  // into one DELETE per `completeJobBatchDelay` window) and Node's clock.
  settings(tuning) {
    const common = { pollInterval: 2000, maxPoolSize: 10 };
    if (tuning === 'default') return { ...common, useNodeTime: false, localQueueSize: -1, completeJobBatchDelay: -1 };
    return {
      ...common,
      useNodeTime: true,
      localQueueSize: Number(process.env.GW_LOCAL_QUEUE_SIZE ?? 32),
      completeJobBatchDelay: Number(process.env.GW_COMPLETE_JOB_BATCH_DELAY ?? 0),
    };
  },
  async install(url) {
    const { runMigrations } = await import('graphile-worker');
    await runMigrations({ connectionString: url, logger: await graphileLogger() });
  },
  /** Returns a function that enqueues `jobs` jobs in one `addJobs` call (one statement). */
  async enqueuer(url) {
    const { makeWorkerUtils } = await import('graphile-worker');
    const utils = await makeWorkerUtils({ connectionString: url, logger: await graphileLogger() });
    return {
      enqueue: (jobs) => utils.addJobs(Array.from({ length: jobs }, () => ({ identifier: TASK, payload: {} }))),
      release: () => utils.release(),
    };
  },
  // Completed jobs are deleted; failed ones stay with `last_error` set.
  remainingSql: `select count(*)::int as remaining,
                        count(*) filter (where last_error is not null)::int as failed
                 from graphile_worker._private_jobs`,
  async startWorker(url, concurrency, s, onJobs) {
    const { run } = await import('graphile-worker');
    const worker = {};
    if (s.localQueueSize > 0) worker.localQueue = { size: s.localQueueSize };
    if (s.completeJobBatchDelay >= 0) worker.completeJobBatchDelay = s.completeJobBatchDelay;
    const runner = await run({
      connectionString: url,
      concurrency,
      pollInterval: s.pollInterval,
      maxPoolSize: s.maxPoolSize,
      useNodeTime: s.useNodeTime,
      noHandleSignals: true,
      logger: await graphileLogger(),
      taskList: { [TASK]: async () => { onJobs(1); } },
      preset: { worker },
    });
    return () => runner.stop();
  },
};

const pgBoss = {
  name: 'pg-boss',
  package: 'pg-boss',
  // pg-boss has no cross-process wake-up: every `work()` loop fetches `batchSize` jobs, runs
  // the handler on the batch, completes the batch in one UPDATE (not awaited) and then sleeps
  // until `pollingIntervalSeconds` has passed since the fetch began — even when it found jobs.
  // `default`: batchSize 1, 2 s. `tuned`: the minimum interval it accepts (0.5 s) and a batch.
  settings(tuning) {
    if (tuning === 'default') return { batchSize: 1, pollingIntervalSeconds: 2, max: 10 };
    return { batchSize: Number(process.env.PGBOSS_BATCH_SIZE ?? 32), pollingIntervalSeconds: 0.5, max: 10 };
  },
  async boss(url, extra) {
    const { default: PgBoss } = await import('pg-boss');
    const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, ...extra });
    boss.on('error', (e) => console.error(`[pg-boss error] ${e.message}`));
    await boss.start();
    return boss;
  },
  async install(url) {
    const boss = await this.boss(url, { migrate: true });
    await boss.createQueue(TASK);
    await boss.stop({ graceful: false, wait: true });
  },
  /** Returns a function that enqueues `jobs` jobs in one `insert` call (one statement). */
  async enqueuer(url) {
    const boss = await this.boss(url, { migrate: false });
    return {
      enqueue: (jobs) => boss.insert(Array.from({ length: jobs }, () => ({ name: TASK, data: {} }))),
      release: () => boss.stop({ graceful: false, wait: true }),
    };
  },
  remainingSql: `select count(*) filter (where state <> 'completed')::int as remaining,
                        count(*) filter (where state in ('retry', 'failed'))::int as failed
                 from pgboss.job where name = '${TASK}'`,
  async startWorker(url, concurrency, s, onJobs) {
    const boss = await this.boss(url, { migrate: false, max: s.max });
    // pg-boss 10 dropped `teamSize`: concurrency is one `work()` loop per slot.
    for (let i = 0; i < concurrency; i += 1) {
      await boss.work(TASK, { batchSize: s.batchSize, pollingIntervalSeconds: s.pollingIntervalSeconds },
        async (jobs) => { onJobs(jobs.length); });
    }
    return () => boss.stop({ graceful: true, wait: true, timeout: 2000 });
  },
};

export const PEERS = { 'graphile-worker': graphileWorker, 'pg-boss': pgBoss };
