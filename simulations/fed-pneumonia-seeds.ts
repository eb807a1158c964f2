/**
 * Runs fed-pneumonia once per seed, up to `workers` seeds at a time, each in
 * its own worker thread (fed-pneumonia-thread.ts). tfjs's wasm backend is
 * single-threaded in Node (its threaded build is browser-only), so one run
 * uses one core; seeds are independent jobs, each with its own coordinator,
 * hospitals and temporary databases, and run side by side without sharing
 * anything but the images, which each thread gets a copy of. Results come
 * back in the order of `seeds` (a seed may be given twice, to see the spread
 * of reruns); the first failure stops the other seeds' threads and removes
 * their temporary databases.
 *
 * Not with tfjs-node's native backend: its addon loads in one thread of a
 * process only (every later thread fails to load it, tensorflow/tfjs#8388,
 * and would fall back to wasm unseen), and it uses every core itself. When
 * this process would load the native backend, the seeds run here, one after
 * another.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../core/errors.ts';
import { errorFromThread } from '../edge/worker-slot.ts';
import { createLogger, type LogLevel } from '../edge/log.ts';
import { nativeBackendFirst } from '../client/trainer/backend.ts';
import { runFedPneumonia, type PneumoniaOptions, type PneumoniaResult } from './fed-pneumonia.ts';
import { threadEntry } from '../edge/thread-entry.ts';

/**
 * What a seed's thread is given: the run's options (data included; no
 * functions; the database path in a temporary folder of the seed's own)
 * and the log level.
 */
export interface SeedTask {
  options: Omit<PneumoniaOptions, 'log' | 'onRound'> & { dbPath: string };
  logLevel: LogLevel;
}

/** What a seed's thread posts: each round, then its result or its error. */
export type SeedMessage =
  | { kind: 'round'; round: number; total: number }
  | { kind: 'done'; result: PneumoniaResult }
  | { kind: 'error'; code: string; message: string };

export interface SeedRunOptions {
  seeds: readonly number[];
  /** The options every seed runs with (`seed` is set per run). */
  options: Omit<SeedTask['options'], 'seed' | 'dbPath'>;
  logLevel: LogLevel;
  /** Seeds run at once (default: the machine's cores); never more than there are seeds; 1 on the native backend. */
  workers?: number;
  /** Whether tfjs would load its native backend here (default: nativeBackendFirst, told without loading tfjs). */
  native?: boolean;
  onRound?: (seed: number, round: number, total: number) => void;
  /** Each run as it finishes, in the order they finish. */
  onResult?: (result: PneumoniaResult) => void;
}

/** Starts a seed's thread; tests pass a fake that answers as fed-pneumonia-thread.ts does. */
export type SeedThreadFactory = (options: WorkerOptions) => Pick<Worker, 'on' | 'terminate'>;

// The compiled fed-pneumonia-thread.js when there is a fresh one, else the entry .mjs, which loads the thread's
// .ts through tsx (edge/thread-entry.ts).
const ENTRY = threadEntry(import.meta.url, './fed-pneumonia-thread-entry.mjs', './fed-pneumonia-thread.js').url;
const startThread: SeedThreadFactory = (options) => new Worker(ENTRY, options);

export async function runPneumoniaSeeds(
  o: SeedRunOptions,
  start: SeedThreadFactory = startThread,
): Promise<PneumoniaResult[]> {
  const asked = o.workers ?? availableParallelism();
  if (!Number.isInteger(asked) || asked < 1)
    throw new CohortError('E_CONFIG_INVALID', `workers: expected a whole number of at least 1, got ${asked}`);
  const native = o.native ?? nativeBackendFirst();
  if (native && asked > 1 && o.workers !== undefined)
    createLogger({ level: o.logLevel, destination: process.stderr }).warn(
      { workers: asked },
      'the native tensorflow backend runs seeds one at a time in this thread (it loads in one thread only and uses every core)',
    );
  const run = native ? (seed: number) => runSeedHere(seed, o) : (seed: number) => runSeed(seed, o, start);
  const results: PneumoniaResult[] = [];
  const queue = o.seeds.map((seed, at) => ({ seed, at }));
  const running = new Set<SeedThread>();
  const lane = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const thread = run(next.seed);
      running.add(thread);
      const r = await thread.result.finally(() => running.delete(thread));
      results[next.at] = r;
      o.onResult?.(r);
    }
  };
  try {
    await Promise.all(Array.from({ length: native ? 1 : Math.min(asked, o.seeds.length) }, lane));
  } catch (err) {
    // One seed failed: no other seed starts, and those running are stopped rather than left to finish unseen.
    queue.length = 0;
    for (const t of running) t.stop();
    throw err;
  }
  return results;
}

interface SeedThread {
  result: Promise<PneumoniaResult>;
  stop: () => void;
}

/** A seed's databases: a temporary folder of its own, as runFedPneumonia's default, but known here to remove. */
function seedDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'cohort-')), 'coordinator.db');
}

/** One seed in this thread (the native backend), logging as a seed's thread does. */
function runSeedHere(seed: number, o: SeedRunOptions): SeedThread {
  const log = createLogger({ level: o.logLevel, destination: process.stderr }).child({ seed });
  const onRound = (round: number, total: number) => o.onRound?.(seed, round, total);
  // Nothing else runs beside it, so there is nothing to stop.
  return { result: runFedPneumonia({ ...o.options, seed, dbPath: seedDbPath(), log, onRound }), stop: () => {} };
}

/**
 * One seed in a fresh thread; rejects with the thread's typed error, or
 * E_INTERNAL if the thread dies without one. Stopping it terminates the
 * thread before its run can clean up, so its temporary databases (a partial
 * run's, of no use) are removed here.
 */
function runSeed(seed: number, o: SeedRunOptions, start: SeedThreadFactory): SeedThread {
  const task: SeedTask = { options: { ...o.options, seed, dbPath: seedDbPath() }, logLevel: o.logLevel };
  const worker = start({ workerData: task });
  let settled = false;
  const result = new Promise<PneumoniaResult>((resolve, reject) => {
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: SeedMessage) => {
      if (settled) return;
      if (m.kind === 'round') o.onRound?.(seed, m.round, m.total);
      else if (m.kind === 'done') settle(() => resolve(m.result));
      else settle(() => reject(errorFromThread(m)));
    });
    worker.on('error', (err: Error) =>
      settle(() =>
        reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread failed: ${err.message}`, { cause: err })),
      ),
    );
    worker.on('exit', (code: number) =>
      settle(() =>
        reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread exited (code ${code}) without a result`)),
      ),
    );
  });
  const stop = () => {
    settled = true;
    void worker.terminate().finally(() => rmSync(dirname(task.options.dbPath), { recursive: true, force: true }));
  };
  return { result, stop };
}
