/**
 * A small pool of worker threads (node:worker_threads) for the work an
 * enrolled party's input can make expensive (worker-tasks.ts), so the event
 * loop that serves every hospital never runs it. Every limit is explicit:
 * - `workers` threads, each running one task at a time, started on demand;
 * - a queue of at most `queue` tasks waiting for one (beyond: E_BUSY);
 * - `timeLimitMs` per task, counted from when a thread is given it (a new
 *   thread's start-up included, so a thread that hangs while loading is
 *   stopped too): past it the thread is terminated and the task refused
 *   (E_TOO_COSTLY);
 * - `memoryLimitMb` of V8 heap per thread (resourceLimits): past it V8
 *   stops the thread and the task is refused (E_TOO_COSTLY).
 * A stopped thread is replaced by the next task that needs one; a thread
 * that cannot be started refuses the tasks waiting (E_INTERNAL).
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError, asCohortError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { errorFromThread, type PendingTask, type WorkerSlot } from '../edge/worker-slot.ts';
import type { TaskInput, TaskName, TaskOutput, WorkerReply, WorkerRequest } from './worker-tasks.ts';
import { threadEntry } from '../edge/thread-entry.ts';

export interface WorkerPoolLimits {
  workers: number;
  queue: number;
  timeLimitMs: number;
  memoryLimitMb: number;
}

/** Starts a thread with the pool's options (resource limits); it must answer as worker-thread.ts does. */
export type WorkerFactory = (options: WorkerOptions) => Worker;

interface Task extends PendingTask<TaskName> {
  /** What the task does, for the refusal's message ("preparing the job"). */
  what: string;
}

type Slot = WorkerSlot<Task>;

// The compiled worker-thread.js when there is a fresh one, else worker-entry.mjs, which loads worker-thread.ts
// through tsx (edge/thread-entry.ts).
const ENTRY = threadEntry(import.meta.url, './worker-entry.mjs', './worker-thread.js').url;
const startThread: WorkerFactory = (options) => new Worker(ENTRY, options);
const shuttingDown = () => new CohortError('E_BUSY', 'the coordinator is shutting down');

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly limits: WorkerPoolLimits,
    private readonly log: Logger = silentLogger,
    private readonly createWorker: WorkerFactory = startThread,
  ) {}

  /** Whether a task given now would be refused with E_BUSY (every thread busy, the queue full). */
  get full(): boolean {
    const idle = [...this.slots].some((s) => s.task === null);
    return !idle && this.slots.size >= this.limits.workers && this.waiting.length >= this.limits.queue;
  }

  /**
   * Runs `task` in a worker thread; rejects with a CohortError (the task's
   * own, E_TOO_COSTLY, E_BUSY or E_INTERNAL). `admit`, when given, is called
   * once the pool has room for the task, before it is queued: what it throws
   * refuses the task (so a caller's quota counts only tasks the pool takes).
   */
  run<K extends TaskName>(task: K, input: TaskInput<K>, what: string, admit?: () => void): Promise<TaskOutput<K>> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (this.full) {
      return Promise.reject(
        new CohortError(
          'E_BUSY',
          `${what}: every worker thread is busy and ${this.limits.queue} tasks are waiting: try again later`,
        ),
      );
    }
    try {
      admit?.();
    } catch (err) {
      return Promise.reject(asCohortError(err));
    }
    return new Promise<TaskOutput<K>>((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, task, input, what, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  /** Stops every thread; tasks waiting or running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.reject(shuttingDown());
    await Promise.all([...this.slots].map((s) => this.stop(s, shuttingDown())));
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      let slot = [...this.slots].find((s) => s.task === null);
      if (!slot && this.slots.size < this.limits.workers) {
        try {
          slot = this.spawn();
        } catch (err) {
          // No thread to run them on: the waiting tasks are refused now rather than left waiting for one that may never start.
          this.log.error({ err }, 'cannot start a worker thread');
          for (const t of this.waiting.splice(0)) t.reject(new CohortError('E_INTERNAL', 'internal error'));
          return;
        }
      }
      if (!slot) return;
      this.assign(slot, this.waiting.shift()!);
    }
  }

  private spawn(): Slot {
    const worker = this.createWorker({
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: this.limits.memoryLimitMb,
        maxYoungGenerationSizeMb: Math.min(32, this.limits.memoryLimitMb),
        stackSizeMb: 4,
      },
    });
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    this.slots.add(slot);
    worker.on('message', (m: WorkerReply) => this.onReply(slot, m));
    worker.on('error', (err: Error & { code?: string }) => {
      const e =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new CohortError(
              'E_TOO_COSTLY',
              `${slot.task?.what ?? 'a task'} passed its memory limit of ${this.limits.memoryLimitMb} MB`,
            )
          : new CohortError('E_INTERNAL', 'internal error');
      if (e.code === 'E_INTERNAL') this.log.error({ err }, 'worker thread failed');
      void this.stop(slot, e);
    });
    worker.on('exit', () => void this.stop(slot, new CohortError('E_INTERNAL', 'internal error')));
    return slot;
  }

  /** Gives `task` to `slot`, its time limit running from now; it is sent once the thread is loaded. */
  private assign(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      void this.stop(
        slot,
        new CohortError('E_TOO_COSTLY', `${task.what} passed its time limit of ${this.limits.timeLimitMs} ms`),
      );
    }, this.limits.timeLimitMs);
    if (slot.ready) this.send(slot);
  }

  private send(slot: Slot): void {
    const task = slot.task!;
    try {
      slot.worker.postMessage({ id: task.id, task: task.task, input: task.input } satisfies WorkerRequest);
    } catch (err) {
      this.log.error({ err, task: task.task }, 'cannot send a task to its worker thread');
      void this.stop(slot, new CohortError('E_INTERNAL', 'internal error'));
    }
  }

  private onReply(slot: Slot, m: WorkerReply): void {
    if ('ready' in m) {
      slot.ready = true;
      if (slot.task) this.send(slot);
      else slot.worker.unref();
      return;
    }
    const task = slot.task;
    if (!task || task.id !== m.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
    if ('error' in m) {
      if (m.error.detail)
        this.log.error({ task: task.task, detail: m.error.detail }, 'internal error in a worker task');
      task.reject(errorFromThread(m.error));
    } else {
      task.resolve(m.value);
    }
    this.pump();
  }

  /** Ends a thread (if it is still ours) and refuses its task with `err`; the next task gets a fresh thread. */
  private async stop(slot: Slot, err: CohortError): Promise<void> {
    if (!this.slots.delete(slot)) return;
    if (slot.timer) clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    task?.reject(err);
    await slot.worker.terminate();
    if (!this.closed) this.pump();
  }
}
