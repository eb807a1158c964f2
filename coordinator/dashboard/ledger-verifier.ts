/**
 * The dashboard's ledger verification, off the event loop: one long-lived
 * worker thread (started on the first change it is told of) keeps an
 * IncrementalAudit (incremental-audit.ts) and verifies, at each change, only
 * the rows written since the last verification; the dashboard answers with
 * the latest completed report, marked `pending` while a run is under way or
 * queued. Every limit is explicit:
 * - one thread, one run at a time: changes during a run queue one more run
 *   (coalesced: any number of changes, one run);
 * - `memoryLimitMb` of V8 heap for the thread (resourceLimits);
 * - a full pass at most `fullEveryMs` after a change, whatever the incremental
 *   runs found: they cannot see a row rewritten before their checkpoint.
 * A thread that stops (a crash, its memory limit) is reported in the view as
 * an error, with the last report kept; the next change starts a new thread,
 * whose first run is a full one. close() terminates the thread.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError, type ErrorCode } from '../../core/errors.ts';
import { silentLogger, type Logger } from '../../edge/log.ts';
import type { AuditReport, ExtraCounter } from './incremental-audit.ts';
import { threadEntry } from '../../edge/thread-entry.ts';

export interface LedgerVerifierOptions {
  /** V8 old-generation heap of the verifier thread, in MB (the whole ledger is held during a full pass). */
  memoryLimitMb: number;
  /** A full pass runs at most this long after a change to the database (0: every run is a full one). */
  fullEveryMs: number;
}

export const DEFAULT_LEDGER_VERIFIER: LedgerVerifierOptions = { memoryLimitMb: 2048, fullEveryMs: 5 * 60_000 };
// setTimeout's longest delay.
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The options with their defaults, each checked once (E_CONFIG_INVALID naming the option). */
export function ledgerVerifierOptions(o: Partial<LedgerVerifierOptions> = {}): LedgerVerifierOptions {
  const out = { ...DEFAULT_LEDGER_VERIFIER, ...o };
  const check = (name: keyof LedgerVerifierOptions, min: number, max: number) => {
    const v = out[name];
    if (!Number.isInteger(v) || v < min || v > max)
      throw new CohortError('E_CONFIG_INVALID', `"${name}" expected an integer in ${min}..${max}, got ${String(v)}`);
  };
  check('memoryLimitMb', 16, 65_536);
  check('fullEveryMs', 0, MAX_DELAY_MS);
  return out;
}

export interface VerifierRequest {
  id: number;
  full: boolean;
}

export type VerifierReply =
  { id: number; report: AuditReport } | { id: number; error: { code: ErrorCode; message: string; detail?: string } };

/** The ledger view's verification: the last completed report, and where verification stands now. */
export interface LedgerVerifyView extends Partial<Record<ExtraCounter, number>> {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  receiptsVerified: number;
  spendsRecomputed: number;
  failures: AuditReport['failures'];
  notes: string[];
  /** The last entry the report covers (null: no verification has completed yet, and `ok` is false). */
  verifiedThrough: number | null;
  /** A verification is running or queued: the database has changed since the report was made. */
  pending: boolean;
  /** How the report was obtained: every row, or the rows after `from` (null before any). */
  mode: AuditReport['mode'] | null;
  from: number;
  /** When the last successful full pass ran (ms since the epoch). */
  fullAt: number | null;
  /** Why the last run gave no report (the thread stopped, the database could not be read); the report is older. */
  error: { code: ErrorCode; message: string } | null;
}

/** Starts the verifier thread with these options (workerData, resource limits). */
export type VerifierWorkerFactory = (options: WorkerOptions) => Worker;

// The compiled ledger-verifier-thread.js when there is a fresh one, else ledger-verifier-entry.mjs, which loads
// the .ts body through tsx (edge/thread-entry.ts).
const ENTRY = threadEntry(import.meta.url, './ledger-verifier-entry.mjs', './ledger-verifier-thread.js').url;
export const startVerifierThread: VerifierWorkerFactory = (options) => new Worker(ENTRY, options);

export interface LedgerVerifierDeps {
  log?: Logger;
  /** How the thread is started (tests start one that fails). */
  createWorker?: VerifierWorkerFactory;
  now?: () => number;
  /** Called after each report or error (the view changed). */
  onUpdate?: () => void;
}

interface Run {
  id: number;
  full: boolean;
  startedAt: number;
  /** `changes` when the run started: a full run covers every change up to it. */
  changesAtStart: number;
}

export class LedgerVerifier {
  private worker: Worker | null = null;
  private running: Run | null = null;
  private queued: 'none' | 'incremental' | 'full' = 'none';
  private latest: AuditReport | null = null;
  private error: LedgerVerifyView['error'] = null;
  private nextId = 1;
  private changes = 0;
  private fullCovered = 0;
  private lastFullStart = -Infinity;
  private fullTimer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Moves with every report or error: pages are told to look again. */
  generation = 0;

  private readonly log: Logger;
  private readonly createWorker: VerifierWorkerFactory;
  private readonly now: () => number;

  constructor(
    private readonly dbPath: string,
    private readonly opts: LedgerVerifierOptions = DEFAULT_LEDGER_VERIFIER,
    private readonly deps: LedgerVerifierDeps = {},
  ) {
    this.log = deps.log ?? silentLogger;
    this.createWorker = deps.createWorker ?? startVerifierThread;
    this.now = deps.now ?? Date.now;
  }

  /** The database changed: verify what is new (after the run under way, if any). */
  changed(): void {
    this.changes++;
    this.schedule('incremental');
  }

  /** Verify every row again (after the run under way, if any). */
  verifyFully(): void {
    this.schedule('full');
  }

  /** Resolves once no run is under way or queued (a full pass armed for later does not count). */
  settled(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  view(): LedgerVerifyView {
    const r = this.latest;
    return {
      ok: r?.ok ?? false,
      entries: r?.entries ?? 0,
      head: r?.head ?? null,
      receiptsVerified: r?.receiptsVerified ?? 0,
      spendsRecomputed: r?.spendsRecomputed ?? 0,
      failures: r?.failures ?? [],
      notes: r?.notes ?? [],
      ...r?.extra,
      verifiedThrough: r ? (r.head?.seq ?? 0) : null,
      pending: this.busy,
      mode: r?.mode ?? null,
      from: r?.from ?? 0,
      fullAt: r?.fullAt ?? null,
      error: this.error,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.disarm();
    const w = this.worker;
    this.worker = null;
    this.running = null;
    this.queued = 'none';
    this.settle();
    await w?.terminate();
  }

  private get busy(): boolean {
    return this.running !== null || this.queued !== 'none';
  }

  private schedule(kind: 'incremental' | 'full'): void {
    if (this.closed) return;
    this.queued = kind === 'full' || this.queued === 'full' ? 'full' : 'incremental';
    this.pump();
  }

  private pump(): void {
    if (this.running || this.queued === 'none' || this.closed) return;
    const full = this.queued === 'full' || this.now() - this.lastFullStart >= this.opts.fullEveryMs;
    this.queued = 'none';
    let worker: Worker;
    try {
      worker = this.worker ?? this.spawn();
    } catch (err) {
      this.log.error({ err }, 'cannot start the ledger verifier thread');
      return this.finish({ error: { code: 'E_INTERNAL', message: 'the ledger verifier thread could not start' } });
    }
    const run: Run = { id: this.nextId++, full, startedAt: this.now(), changesAtStart: this.changes };
    this.running = run;
    if (full) this.disarm();
    worker.ref();
    worker.postMessage({ id: run.id, full } satisfies VerifierRequest);
  }

  private spawn(): Worker {
    const worker = this.createWorker({
      workerData: { dbPath: this.dbPath },
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: this.opts.memoryLimitMb,
        maxYoungGenerationSizeMb: Math.min(32, this.opts.memoryLimitMb),
        stackSizeMb: 4,
      },
    });
    this.worker = worker;
    worker.on('message', (m: VerifierReply) => {
      if (worker === this.worker && this.running?.id === m.id) this.finish(m);
    });
    worker.on('error', (err: Error & { code?: string }) => this.stopped(worker, err));
    worker.on('exit', () => this.stopped(worker, null));
    return worker;
  }

  /** The thread stopped without being asked: reported, and replaced at the next change (its state went with it). */
  private stopped(worker: Worker, err: (Error & { code?: string }) | null): void {
    if (worker !== this.worker) return;
    this.worker = null;
    void worker.terminate();
    const error =
      err?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new CohortError(
            'E_TOO_COSTLY',
            `the ledger verifier passed its memory limit of ${this.opts.memoryLimitMb} MB: the report shown is older`,
          )
        : new CohortError('E_INTERNAL', 'the ledger verifier thread stopped: the report shown is older');
    if (error.code === 'E_INTERNAL') this.log.error({ err }, 'ledger verifier thread stopped');
    // Not restarted here: a thread that dies at every run would otherwise be restarted without end.
    this.queued = 'none';
    this.disarm();
    this.finish({ error: { code: error.code, message: error.message } });
  }

  /** A run ended (or could not run): its report or error becomes the view's, and what is queued runs next. */
  private finish(m: { report: AuditReport } | { error: { code: ErrorCode; message: string; detail?: string } }): void {
    const run = this.running;
    this.running = null;
    this.worker?.unref();
    if ('report' in m) {
      this.latest = m.report;
      this.error = null;
      if (m.report.mode === 'full' && run) {
        this.lastFullStart = run.startedAt;
        this.fullCovered = Math.max(this.fullCovered, run.changesAtStart);
      }
    } else {
      if (m.error.detail) this.log.error({ detail: m.error.detail }, 'internal error in the ledger verifier');
      this.error = { code: m.error.code, message: m.error.message };
    }
    this.generation++;
    this.deps.onUpdate?.();
    this.pump();
    if (!this.busy) {
      this.armFullPass();
      this.settle();
    }
  }

  /** Changes no full pass has covered yet get one, at most fullEveryMs after the last full pass started. */
  private armFullPass(): void {
    if (this.closed || this.fullTimer || this.worker === null || this.changes <= this.fullCovered) return;
    const wait = Math.max(0, Math.min(MAX_DELAY_MS, this.lastFullStart + this.opts.fullEveryMs - this.now()));
    this.fullTimer = setTimeout(() => {
      this.fullTimer = null;
      this.verifyFully();
    }, wait);
    // The dashboard's server keeps the process up; a pending full pass alone must not.
    this.fullTimer.unref();
  }

  private disarm(): void {
    if (this.fullTimer) clearTimeout(this.fullTimer);
    this.fullTimer = null;
  }

  private settle(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
