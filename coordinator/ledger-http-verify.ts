/**
 * The ledger endpoint's `GET /ledger/verify`, off its event loop: the whole
 * verification (tree, chain, checkpoints, cosignatures, seals, receipts)
 * runs in a worker thread of its own, which recomputes every ε on `workers`
 * threads more (ledger-audit.ts verifyFilesParallel), so the loop answers
 * the other routes meanwhile (a full verification of 10^5 entries takes
 * about a minute on one core). Every limit is explicit:
 * - one verification at a time; requests that arrive while it runs share
 *   its report;
 * - a report stands until the database changes (its data_version,
 *   ledger-http-version.ts): a request after a change starts a new verification,
 *   or, with one under way, waits for the one that starts after it
 *   (coalesced: any number of such requests, one run);
 * - `memoryLimitMb` of V8 heap for the thread (resourceLimits).
 * A thread that fails or stops answers every request waiting on it with a
 * typed error; the next request starts a new one.
 */
import { availableParallelism } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../core/errors.ts';
import { errorFromThread } from '../edge/worker-slot.ts';
import type { VerifyReport } from '../core/ledger/index.ts';
import type { ThreadError } from '../edge/thread-serve.ts';
import { DataVersion } from './ledger-http-version.ts';
import { threadEntry } from '../edge/thread-entry.ts';

export type EndpointReport = VerifyReport & { pinned: boolean };

/** What a verification thread is given (workerData). */
export interface VerifyThreadInput {
  db: string;
  /** Threads recomputing ε (1: in the verification thread itself). */
  workers: number;
}

export type VerifyThreadReply = { report: EndpointReport } | { error: ThreadError };

/** Starts one verification thread with these options (workerData, resource limits); tests inject their own. */
export type VerifyWorkerFactory = (options: WorkerOptions) => Worker;

export interface SharedVerificationOptions {
  /** Threads recomputing ε (default: the machine's cores, at most 8, as `ledger verify --workers`). */
  workers?: number;
  /** V8 old-generation heap of the verification thread, in MB (default 2048: it holds the whole ledger). */
  memoryLimitMb?: number;
  createWorker?: VerifyWorkerFactory;
}

// The compiled ledger-http-verify-thread.js when there is a fresh one, else ledger-http-verify-entry.mjs, which
// loads the .ts body through tsx (edge/thread-entry.ts).
const ENTRY = threadEntry(import.meta.url, './ledger-http-verify-entry.mjs', './ledger-http-verify-thread.js').url;
const startThread: VerifyWorkerFactory = (options) => new Worker(ENTRY, options);

function checked(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"${name}" expected an integer from ${min} to ${max}, got ${String(value)}`,
    );
  return value;
}

interface Run {
  version: number;
  report: Promise<EndpointReport>;
}

export class SharedVerification {
  private running: Run | null = null;
  private done: { version: number; report: EndpointReport } | null = null;
  /** The run after the one under way, shared by every request that saw the database change during it. */
  private queued: Promise<EndpointReport> | null = null;
  private worker: Worker | null = null;
  private closed = false;
  private readonly workers: number;
  private readonly memoryLimitMb: number;
  private readonly createWorker: VerifyWorkerFactory;

  constructor(
    private readonly db: string,
    o: SharedVerificationOptions = {},
    /** Shared with the endpoint's other derived answers; closed with this. */
    private readonly dataVersion: DataVersion = new DataVersion(db),
  ) {
    this.workers = checked('workers', o.workers ?? Math.min(availableParallelism(), 8), 1, 64);
    this.memoryLimitMb = checked('memoryLimitMb', o.memoryLimitMb ?? 2048, 16, 65_536);
    this.createWorker = o.createWorker ?? startThread;
  }

  /** The report of the database as it is now: the last one if nothing changed since, else a new (or shared) run's. */
  report(): Promise<EndpointReport> {
    if (this.closed) return Promise.reject(new CohortError('E_INTERNAL', 'the ledger endpoint is closing'));
    let version: number;
    try {
      version = this.dataVersion.now();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.done?.version === version) return Promise.resolve(this.done.report);
    if (this.running?.version === version) return this.running.report;
    if (!this.running) return this.start(version);
    this.queued ??= this.running.report.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  /** Stops the thread under way (its waiters get E_INTERNAL) and the connection. */
  close(): void {
    this.closed = true;
    void this.worker?.terminate();
    this.dataVersion.close();
  }

  private next(): Promise<EndpointReport> {
    this.queued = null;
    return this.report();
  }

  private start(version: number): Promise<EndpointReport> {
    const report = this.inThread()
      .then((r) => {
        this.done = { version, report: r };
        return r;
      })
      .finally(() => {
        this.running = null;
      });
    this.running = { version, report };
    return report;
  }

  /** One verification in a thread of its own, ended once it answers (or fails). */
  private inThread(): Promise<EndpointReport> {
    const worker = this.createWorker({
      workerData: { db: this.db, workers: this.workers } satisfies VerifyThreadInput,
      resourceLimits: { maxOldGenerationSizeMb: this.memoryLimitMb },
    });
    this.worker = worker;
    return new Promise<EndpointReport>((resolve, reject) => {
      worker.once('message', (m: VerifyThreadReply) => {
        if ('report' in m) resolve(m.report);
        else reject(errorFromThread(m.error));
      });
      worker.once('error', (err) =>
        reject(
          new CohortError(
            err && (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'E_TOO_COSTLY' : 'E_INTERNAL',
            `the verification thread stopped: ${err.message}`,
          ),
        ),
      );
      // After a message or an error this does nothing (a promise settles once).
      worker.once('exit', (code) =>
        reject(new CohortError('E_INTERNAL', `the verification thread exited (code ${code}) without a report`)),
      );
    }).finally(() => {
      if (this.worker === worker) this.worker = null;
      void worker.terminate();
    });
  }
}
