/**
 * The dashboard's JSON API, built per viewer: each response holds only what
 * the viewer's role may see (core/auth/policy.ts through core/dashboard), and
 * none holds weights. Jobs another role may not see answer as unknown.
 */
import { CohortError } from '../../core/errors.ts';
import {
  allowed,
  curvesView,
  hospitalsView,
  jobView,
  privacyView,
  roundDropouts,
  visibleJobs,
  type CoordinatorSnapshot,
  type CurvesView,
  type DropoutPhase,
  type HospitalsView,
  type JobView,
  type PrivacyView,
  type Viewer,
} from '../../core/dashboard/index.ts';
import type { VerifyFailure } from '../../core/ledger/index.ts';
import { ledgerRows, readCoordinatorLedger, type CoordinatorLedgerData, type LedgerRow } from '../ledger-reader.ts';
import { verifyData } from '../ledger-audit.ts';
import type { DashboardReader } from './reader.ts';

/** The ledger view lists at most this many rows (the latest). */
export const MAX_LEDGER_ROWS = 2000;

export interface MeView extends Viewer {
  expiresAt: number;
  views: { ledger: boolean; hospitals: boolean };
}

export interface JobDetailView {
  job: JobView;
  curves: CurvesView;
  privacy: PrivacyView;
  dropouts: ({ round: number; kind: string; participants: number } & Record<DropoutPhase, number>)[];
}

export interface LedgerView {
  rows: (LedgerRow | { seq: number; kind: 'unreadable'; hash: string })[];
  truncated: boolean;
  receipts: { seq: number; hospital: string }[];
  verify: {
    ok: boolean;
    entries: number;
    head: { seq: number; hash: string } | null;
    receiptsVerified: number;
    spendsRecomputed: number;
    failures: VerifyFailure[];
    notes: string[];
  };
}

export class DashboardApi {
  private verified: { version: number; report: LedgerView['verify'] } | null = null;

  constructor(
    private readonly reader: DashboardReader,
    private readonly dbPath: string,
    private readonly snapshot: () => CoordinatorSnapshot,
  ) {}

  me(viewer: Viewer, expiresAt: number): MeView {
    return {
      name: viewer.name,
      role: viewer.role,
      expiresAt,
      views: { ledger: allowed(viewer, 'dashboard.ledger'), hospitals: allowed(viewer, 'dashboard.hospitals') },
    };
  }

  jobs(viewer: Viewer): JobView[] {
    const live = this.snapshot().jobs;
    return visibleJobs(viewer, this.reader.jobs()).map((j) => jobView(j, live[j.id]));
  }

  job(viewer: Viewer, id: string): JobDetailView {
    const j = visibleJobs(viewer, this.reader.jobs()).find((x) => x.id === id);
    if (!j) throw new CohortError('E_NOT_FOUND', 'no such job');
    const rounds = this.reader.rounds(id);
    return {
      job: jobView(j, this.snapshot().jobs[id]),
      curves: curvesView(rounds),
      privacy: privacyView(j.spec, this.reader.ledgerOfJob(id)),
      dropouts: rounds.map((r) => ({
        round: r.round,
        kind: r.kind,
        participants: r.participants.length,
        ...roundDropouts(r),
      })),
    };
  }

  hospitals(viewer: Viewer): HospitalsView {
    if (!allowed(viewer, 'dashboard.hospitals'))
      throw new CohortError('E_FORBIDDEN', `a ${viewer.role} may not see the hospitals view`);
    const snap = this.snapshot();
    const present = new Map(snap.hospitals.map((h) => [h.name, h]));
    for (const name of this.reader.hospitals())
      if (!present.has(name)) present.set(name, { name, connected: false, connectedAt: null, lastSeen: null });
    const rounds = visibleJobs(viewer, this.reader.jobs()).flatMap((j) => this.reader.rounds(j.id));
    return hospitalsView([...present.values()], rounds);
  }

  /** Entries, receipts and the verification report of the whole chain (core/ledger/verify.ts, as `cohort ledger verify`). */
  ledger(viewer: Viewer): LedgerView {
    if (!allowed(viewer, 'dashboard.ledger'))
      throw new CohortError('E_FORBIDDEN', `a ${viewer.role} may not see the ledger view`);
    // The version first: a commit landing while the rows are read makes the next request verify again.
    const version = this.reader.dataVersion();
    const data = readCoordinatorLedger(this.dbPath);
    const rows: LedgerView['rows'] = [];
    for (const e of data.entries.slice(-MAX_LEDGER_ROWS)) {
      try {
        rows.push(...ledgerRows({ ...data, entries: [e] }));
      } catch {
        rows.push({ seq: e.seq, kind: 'unreadable', hash: e.hash });
      }
    }
    return {
      rows,
      truncated: data.entries.length > MAX_LEDGER_ROWS,
      receipts: data.receipts.map((r) => ({ seq: r.seq, hospital: r.hospital })),
      verify: this.verify(data, version),
    };
  }

  /** Verification recomputes every ε: done once per database change, not per page refresh. */
  private verify(data: CoordinatorLedgerData, version: number): LedgerView['verify'] {
    if (this.verified?.version !== version) {
      const r = verifyData(data, { db: this.dbPath });
      this.verified = {
        version,
        report: {
          ok: r.ok,
          entries: r.entries,
          head: r.head && { seq: r.head.seq, hash: r.head.hash },
          receiptsVerified: r.receiptsVerified,
          spendsRecomputed: r.spendsRecomputed,
          failures: r.failures,
          notes: r.notes,
        },
      };
    }
    return this.verified.report;
  }
}
