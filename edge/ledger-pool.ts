/**
 * Worker threads for an auditor's heavy ledger work (edge/ledger-tasks.ts:
 * ε recomputation, Merkle subtree hashing), so an audit uses every core and
 * a server's event loop never runs it. Unlike the coordinator's pool
 * (coordinator/worker-pool.ts), which outlives hostile tasks one by one,
 * this one serves one audit: its threads start at once, take tasks from one
 * queue as they finish (so a thread keeps its accountant memo from one task
 * to the next), and the first thread that fails fails the whole audit.
 * Every limit is explicit:
 * - `workers` threads;
 * - `timeLimitMs` per task, counted from when a thread is given it (its
 *   start-up included): past it the pool stops and every task is refused
 *   with E_TOO_COSTLY;
 * - `memoryLimitMb` of V8 heap per thread (resourceLimits): past it V8 stops
 *   the thread and every task is refused with E_TOO_COSTLY.
 * A thread that crashes or exits refuses every task with E_INTERNAL; a task's
 * own typed error refuses that task only. Nothing waits forever.
 */
import { availableParallelism } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../core/errors.ts';
import type { LedgerReply, LedgerRequest, LedgerTaskInput, LedgerTaskName, LedgerTaskOutput } from './ledger-tasks.ts';
import { errorFromThread, type PendingTask, type WorkerSlot } from './worker-slot.ts';
import { threadEntry } from './thread-entry.ts';

export interface LedgerPoolOptions {
  /** Threads (default: the machine's available parallelism). */
  workers?: number;
  /** Per task, start-up included (default 10 minutes: a 10^5-entry ledger's cold recomputation takes ~15 s on one core). */
  timeLimitMs?: number;
  /** V8 heap per thread (default 2048 MB: a thread may hold half a 10^5-entry ledger, parsed). */
  memoryLimitMb?: number;
  /** Starts a thread with the pool's options; it must answer as ledger-thread.ts does (tests inject failing ones). */
  startWorker?: (options: WorkerOptions) => Worker;
}

export const LEDGER_POOL_DEFAULTS = { timeLimitMs: 600_000, memoryLimitMb: 2048 } as const;
const MAX_WORKERS = 256;

// The compiled ledger-thread.js when there is a fresh one, else ledger-thread-entry.mjs, which loads
// ledger-thread.ts through tsx (edge/thread-entry.ts).
const ENTRY = threadEntry(import.meta.url, './ledger-thread-entry.mjs', './ledger-thread.js').url;

interface Job extends PendingTask<LedgerTaskName> {
  transfer: ArrayBuffer[];
}

type Slot = WorkerSlot<Job>;

function limit(name: string, value: number | undefined, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > max)
    throw new CohortError('E_CONFIG_INVALID', `"${name}" expected an integer from 1 to ${max}, got ${String(value)}`);
  return v;
}

export class LedgerPool {
  readonly workers: number;
  private readonly timeLimitMs: number;
  private readonly memoryLimitMb: number;
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextId = 1;
  private failed: CohortError | null = null;

  /** Starts every thread now (they load while the caller prepares its tasks). E_CONFIG_INVALID for a bad option. */
  constructor(options: LedgerPoolOptions = {}) {
    this.workers = limit('workers', options.workers, availableParallelism(), MAX_WORKERS);
    this.timeLimitMs = limit('timeLimitMs', options.timeLimitMs, LEDGER_POOL_DEFAULTS.timeLimitMs, 2 ** 31 - 1);
    this.memoryLimitMb = limit('memoryLimitMb', options.memoryLimitMb, LEDGER_POOL_DEFAULTS.memoryLimitMb, 2 ** 20);
    const start = options.startWorker ?? ((o: WorkerOptions) => new Worker(ENTRY, o));
    for (let i = 0; i < this.workers; i++) this.spawn(start);
  }

  /** Runs `task` on the next free thread; rejects with the task's CohortError, or the pool's once it has failed. */
  run<K extends LedgerTaskName>(
    task: K,
    input: LedgerTaskInput<K>,
    transfer: ArrayBuffer[] = [],
  ): Promise<LedgerTaskOutput<K>> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, task, input, transfer, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Stops every thread; tasks not yet answered are refused. */
  async close(): Promise<void> {
    this.fail(new CohortError('E_INTERNAL', 'the ledger pool was closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(start: (options: WorkerOptions) => Worker): void {
    let worker: Worker;
    try {
      worker = start({
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
      });
    } catch (err) {
      this.fail(new CohortError('E_INTERNAL', `cannot start a ledger thread: ${(err as Error).message}`));
      return;
    }
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    this.slots.push(slot);
    worker.unref();
    worker.on('message', (m: LedgerReply) => this.onReply(slot, m));
    worker.on('error', (err: Error & { code?: string }) =>
      this.fail(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new CohortError('E_TOO_COSTLY', `a ledger thread passed its memory limit of ${this.memoryLimitMb} MB`)
          : new CohortError('E_INTERNAL', `a ledger thread failed: ${err.message}`),
      ),
    );
    worker.on('exit', (code) => this.fail(new CohortError('E_INTERNAL', `a ledger thread exited (code ${code})`)));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.failed || this.waiting.length === 0) return;
      if (slot.task) continue;
      const job = this.waiting.shift()!;
      slot.task = job;
      slot.worker.ref();
      slot.timer = setTimeout(
        () =>
          this.fail(new CohortError('E_TOO_COSTLY', `a ledger task passed its time limit of ${this.timeLimitMs} ms`)),
        this.timeLimitMs,
      );
      if (slot.ready) this.send(slot);
    }
  }

  private send(slot: Slot): void {
    const job = slot.task!;
    try {
      slot.worker.postMessage({ id: job.id, task: job.task, input: job.input } satisfies LedgerRequest, job.transfer);
    } catch (err) {
      this.fail(new CohortError('E_INTERNAL', `cannot send a task to a ledger thread: ${(err as Error).message}`));
    }
  }

  private onReply(slot: Slot, m: LedgerReply): void {
    if ('ready' in m) {
      slot.ready = true;
      if (slot.task) this.send(slot);
      return;
    }
    const job = slot.task;
    if (!job || job.id !== m.id) return;
    this.idle(slot);
    if ('error' in m) job.reject(errorFromThread(m.error));
    else job.resolve(m.value);
    this.pump();
  }

  private idle(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
  }

  /** The first failure ends the audit: every thread stopped, every task refused with it. */
  private fail(err: CohortError): void {
    if (this.failed) return;
    this.failed = err;
    for (const slot of this.slots) {
      const job = slot.task;
      this.idle(slot);
      job?.reject(err);
      void slot.worker.terminate();
    }
    for (const job of this.waiting.splice(0)) job.reject(err);
  }
}
