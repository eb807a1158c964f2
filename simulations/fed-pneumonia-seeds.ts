/**
 * Runs fed-pneumonia once per seed, up to `workers` seeds at a time, each in
 * its own worker thread (fed-pneumonia-thread.ts). tfjs's wasm backend is
 * single-threaded in Node (its threaded build is browser-only), so one run
 * uses one core; seeds are independent jobs, each with its own coordinator,
 * hospitals and databases, and run side by side without sharing anything
 * but the images, which each thread gets a copy of. Results come back in
 * seed order.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CohortError, isErrorCode } from '../core/errors.ts';
import type { LogLevel } from '../edge/log.ts';
import type { PneumoniaOptions, PneumoniaResult } from './fed-pneumonia.ts';

/** What a seed's thread is given: the run's options (data included, no functions) and the log level. */
export interface SeedTask {
  options: Omit<PneumoniaOptions, 'log' | 'onRound'>;
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
  /** Seeds run at once (default: the machine's cores, at most one per seed). */
  workers?: number;
  onRound?: (seed: number, round: number, total: number) => void;
  /** Each run as it finishes, in the order they finish. */
  onResult?: (result: PneumoniaResult) => void;
}

// From source a thread starts in the entry .mjs, which loads the thread's .ts through tsx; from dist/ in the
// compiled fed-pneumonia-thread.js beside this file (as coordinator/worker-pool.ts does).
const ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './fed-pneumonia-thread-entry.mjs' : './fed-pneumonia-thread.js',
  import.meta.url,
);

export async function runPneumoniaSeeds(o: SeedRunOptions): Promise<PneumoniaResult[]> {
  const workers = Math.max(1, Math.min(o.workers ?? availableParallelism(), o.seeds.length));
  const results = new Map<number, PneumoniaResult>();
  const queue = [...o.seeds];
  const lane = async () => {
    for (let seed = queue.shift(); seed !== undefined; seed = queue.shift()) {
      const r = await runSeed(seed, o);
      results.set(seed, r);
      o.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: workers }, lane));
  return o.seeds.map((s) => results.get(s)!);
}

/** One seed in a fresh thread; rejects with the thread's typed error, or E_INTERNAL if the thread dies without one. */
function runSeed(seed: number, o: SeedRunOptions): Promise<PneumoniaResult> {
  const task: SeedTask = { options: { ...o.options, seed }, logLevel: o.logLevel };
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: task });
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void worker.terminate();
    };
    worker.on('message', (m: SeedMessage) => {
      if (m.kind === 'round') o.onRound?.(seed, m.round, m.total);
      else if (m.kind === 'done') settle(() => resolve(m.result));
      else settle(() => reject(new CohortError(isErrorCode(m.code) ? m.code : 'E_INTERNAL', m.message)));
    });
    worker.on('error', (err) =>
      settle(() => reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread failed: ${err.message}`))),
    );
    worker.on('exit', (code) =>
      settle(() =>
        reject(new CohortError('E_INTERNAL', `seed ${seed}'s thread exited (code ${code}) without a result`)),
      ),
    );
  });
}
