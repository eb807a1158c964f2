/**
 * The dashboard's audit of the coordinator's ledger, kept between database
 * changes: the first run verifies every row (coordinator/ledger-audit.ts
 * verifyData, as `cohort ledger verify`) and keeps the VerifyCheckpoint it
 * leaves; each later run reads only the rows after that checkpoint and
 * verifies them from it (core/ledger/verify.ts `from`), as
 * `cohort ledger verify --checkpoint` does. It runs in the dashboard's
 * verifier thread (ledger-verifier-thread.ts), which opens the database
 * read-only for each run.
 *
 * What an incremental run cannot see is a row before the checkpoint rewritten
 * in place: that is caught when the row the checkpoint ends at is the one
 * changed (then the run turns into a full one), and otherwise by the next
 * full pass, which the main thread asks for at most `fullEveryMs` after any
 * change (ledger-verifier.ts). A failed ledger stays failed: the checkpoint
 * never moves past a failure, and a failed full pass drops it, so every run
 * after is a full one until the ledger verifies again.
 */
import type { VerifyCheckpoint, VerifyReport } from '../../core/ledger/index.ts';
import { readAfterCheckpoint, verifyAfterCheckpoint, verifyData } from '../ledger-audit.ts';
import { readCoordinatorLedger } from '../ledger-reader.ts';

/** Counters an auditing helper may add to VerifyReport (issue 20: tree, checkpoints, cosignatures); shown when present. */
export const EXTRA_COUNTERS = ['checkpointsVerified', 'cosignaturesVerified', 'spendsWitnessed'] as const;
export type ExtraCounter = (typeof EXTRA_COUNTERS)[number];

/** What one run reports: the report of the whole ledger as far as it was verified, however it was obtained. */
export interface AuditReport {
  ok: boolean;
  /** Rows verified so far: those of the last full pass and of every incremental run since. */
  entries: number;
  head: { seq: number; hash: string } | null;
  receiptsVerified: number;
  spendsRecomputed: number;
  failures: VerifyReport['failures'];
  notes: string[];
  /** How this run verified: every row, or the rows after `from`. */
  mode: 'full' | 'incremental';
  /** The seq the run started after (0 for a full run). */
  from: number;
  /** When the last full pass that succeeded ran (ms since the epoch; null before one has). */
  fullAt: number | null;
  /** The last run's own figures of EXTRA_COUNTERS, where the verifier reports them. */
  extra: Partial<Record<ExtraCounter, number>>;
}

/** The figures every report shows, however it verified; a full `ledger verify` of the same rows gives the same. */
export type AuditFigures = Pick<
  AuditReport,
  'ok' | 'entries' | 'head' | 'receiptsVerified' | 'spendsRecomputed' | 'failures'
>;

/** A report's AuditFigures, its head reduced to seq and hash (a VerifyReport's also carries a signature and key). */
export function auditFigures(r: AuditFigures): AuditFigures {
  return {
    ok: r.ok,
    entries: r.entries,
    head: r.head && { seq: r.head.seq, hash: r.head.hash },
    receiptsVerified: r.receiptsVerified,
    spendsRecomputed: r.spendsRecomputed,
    failures: r.failures,
  };
}

/** At most this many notes are kept (each run adds its own): the oldest give way. */
export const MAX_NOTES = 50;

interface Verified {
  checkpoint: VerifyCheckpoint;
  entries: number;
  head: { seq: number; hash: string };
  receiptsVerified: number;
  spendsRecomputed: number;
  notes: string[];
  fullAt: number;
}

export class IncrementalAudit {
  /** The ledger as far as it verified; null before a run succeeded, and after a full run failed. */
  private verified: Verified | null = null;
  /** The key of the first ledger that verified: later runs verify under it, not under whatever the database then says. */
  private pinnedKey: string | undefined;

  constructor(
    private readonly dbPath: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Verifies what is new since the last run, or everything when `full` (or when nothing verified yet). */
  run(full: boolean): AuditReport {
    const v = this.verified;
    return full || !v ? this.full() : this.incremental(v);
  }

  private full(why?: string): AuditReport {
    const at = this.now();
    const r = verifyData(readCoordinatorLedger(this.dbPath), {
      db: this.dbPath,
      ...(this.pinnedKey ? { coordinatorKey: this.pinnedKey } : {}),
    });
    const notes = why ? [why, ...r.notes] : r.notes;
    if (r.ok && r.checkpoint && r.head) {
      this.pinnedKey ??= r.checkpoint.coordinatorKey;
      this.verified = {
        checkpoint: r.checkpoint,
        entries: r.entries,
        head: { seq: r.head.seq, hash: r.head.hash },
        receiptsVerified: r.receiptsVerified,
        spendsRecomputed: r.spendsRecomputed,
        notes: notes.slice(-MAX_NOTES),
        fullAt: at,
      };
    } else {
      // An empty ledger leaves no checkpoint (nothing to continue from); a failed one must not be continued from.
      this.verified = null;
    }
    return {
      ...auditFigures(r),
      notes: notes.slice(-MAX_NOTES),
      mode: 'full',
      from: 0,
      fullAt: r.ok ? at : (this.verified?.fullAt ?? null),
      extra: extraOf(r),
    };
  }

  private incremental(v: Verified): AuditReport {
    const cp = v.checkpoint;
    const { data, tipFailure } = readAfterCheckpoint(this.dbPath, cp);
    // The checkpoint's own row must still be the entry it names; if not, history was rewritten: verify it all again.
    if (tipFailure)
      return this.full(
        `entry ${cp.seq}, where the previous verification ended, ${tipFailure.code === 'head-missing' ? 'is gone' : 'changed'} since: the ledger was verified again in full`,
      );
    const r = verifyAfterCheckpoint(data, cp);
    const notes = [...v.notes, ...r.notes.map((n) => `entries ${cp.seq + 1}–${r.head?.seq ?? cp.seq}: ${n}`)].slice(
      -MAX_NOTES,
    );
    const head = r.head ? { seq: r.head.seq, hash: r.head.hash } : v.head;
    const sums = {
      entries: v.entries + r.entries,
      receiptsVerified: v.receiptsVerified + r.receiptsVerified,
      spendsRecomputed: v.spendsRecomputed + r.spendsRecomputed,
    };
    // Only a verified run moves the checkpoint: a failure found after it is found again by every later run.
    if (r.ok && r.checkpoint) this.verified = { ...v, ...sums, checkpoint: r.checkpoint, head, notes };
    return {
      ok: r.ok,
      ...sums,
      head,
      failures: r.failures,
      notes,
      mode: 'incremental',
      from: cp.seq,
      fullAt: v.fullAt,
      extra: extraOf(r),
    };
  }
}

function extraOf(r: VerifyReport): AuditReport['extra'] {
  const out: AuditReport['extra'] = {};
  for (const k of EXTRA_COUNTERS) {
    const value = (r as unknown as Record<string, unknown>)[k];
    if (typeof value === 'number') out[k] = value;
  }
  return out;
}
