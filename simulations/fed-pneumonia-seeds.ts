/**
 * Runs fed-pneumonia once per seed, up to `workers` seeds at a time, each in
 * its own worker thread (fed-pneumonia-thread.ts). tfjs's wasm backend is
 * single-threaded in Node (its threaded build is browser-only), so one run
 * uses one core; seeds are independent jobs, each with its own coordinator,
 * hospitals and temporary databases, and run side by side without sharing
 * anything but the images, which each thread gets a copy of. Results come
 * back in seed order; the first failure stops the other seeds' threads.
 */
import { availableParallelism } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../core/errors.ts';
import { errorFromThread } from '../edge/worker-slot.ts';
import type { LogLevel } from '../edge/log.ts';
import type { PneumoniaOptions, PneumoniaResult } from './fed-pneumonia.ts';

/**
 * What a seed's thread is given: the run's options (data included; no
 * functions, and no database path, which two seeds at once would share)
 * and the log level.
 */
export interface SeedTask {
  options: Omit<PneumoniaOptions, 'log' | 'onRound' | 'dbPath'>;
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
  options: Omit<SeedTask['options'], 'seed'>;
  logLevel: LogLevel;
  /** Seeds run at once (default: the machine's cores); never more than there are seeds. */
  workers?: number;
  onRound?: (seed: number, round: number, total: number) => void;
  /** Each run as it finishes, in the order they finish. */
  onResult?: (result: PneumoniaResult) => void;
}

/** Starts a seed's thread; tests pass a fake that answers as fed-pneumonia-thread.ts does. */
export type SeedThreadFactory = (options: WorkerOptions) => Pick<Worker, 'on' | 'terminate'>;

// From source a thread starts in the entry .mjs, which loads the thread's .ts through tsx; from dist/ in the
// compiled fed-pneumonia-thread.js beside this file (as coordinator/worker-pool.ts does).
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './fed-pneumonia-thread-entry.mjs' : './fed-pneumonia-thread.js',
  import.meta.url,
);
const startThread: SeedThreadFactory = (options) => new Worker(ENTRY, options);

export async function runPneumoniaSeeds(
  o: SeedRunOptions,
  start: SeedThreadFactory = startThread,
): Promise<PneumoniaResult[]> {
  const asked = o.workers ?? availableParallelism();
  if (!Number.isInteger(asked) || asked < 1)
    throw new CohortError('E_CONFIG_INVALID', `workers: expected a whole number of at least 1, got ${asked}`);
  const results = new Map<number, PneumoniaResult>();
  const queue = [...o.seeds];
  const running = new Set<SeedThread>();
  const lane = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const thread = runSeed(seed, o, start);
      running.add(thread);
      const r = await thread.result.finally(() => running.delete(thread));
      results.set(seed, r);
      o.onResult?.(r);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(asked, o.seeds.length) }, lane));
  } catch (err) {
    // One seed failed: no other seed starts, and those running are stopped rather than left to finish unseen.
    queue.length = 0;
    for (const t of running) t.stop();
    throw err;
  }
  return o.seeds.map((s) => results.get(s)!);
}

interface SeedThread {
  result: Promise<PneumoniaResult>;
  stop: () => void;
}

/** One seed in a fresh thread; rejects with the thread's typed error, or E_INTERNAL if the thread dies without one. */
function runSeed(seed: number, o: SeedRunOptions, start: SeedThreadFactory): SeedThread {
  const task: SeedTask = { options: { ...o.options, seed }, logLevel: o.logLevel };
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
      settle(() => reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread failed: ${err.message}`))),
    );
    worker.on('exit', (code: number) =>
      settle(() =>
        reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread exited (code ${code}) without a result`)),
      ),
    );
  });
  const stop = () => {
    settled = true;
    void worker.terminate();
  };
  return { result, stop };
}
