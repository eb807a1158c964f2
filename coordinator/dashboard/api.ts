/**
 * The dashboard's JSON API, built per viewer: each response holds only what
 * the viewer's role may see (core/auth/policy.ts through core/dashboard), and
 * none holds weights. Jobs another role may not see answer as unknown.
 */
import { CohortError } from '../../core/errors.ts';
import {
  allowed,
  curvesView,
  hospitalPageView,
  hospitalsView,
  jobParticipants,
  jobView,
  privacyView,
  sampleItems,
  visibleJobs,
  type CoordinatorSnapshot,
  type CurvesView,
  type DropoutRow,
  type HospitalPageView,
  type HospitalsView,
  type JobView,
  type PrivacyView,
  type Viewer,
} from '../../core/dashboard/index.ts';
import type { Receipt } from '../../core/ledger/index.ts';
import { REFUSAL_SHOWN_TO_RESEARCHERS } from '../../core/privacy/budget.ts';
import { ledgerRows, type LedgerRow } from '../ledger-reader.ts';
import type { LedgerVerifier, LedgerVerifyView } from './ledger-verifier.ts';
import type { DashboardJob, DashboardReader } from './reader.ts';
import { JobTallies } from './tallies.ts';

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
  /** Current participants and every hospital charged in the job's ledger entries, those no longer taking part marked dropped. */
  participants: { name: string; dropped: boolean }[];
  /** The latest rounds' dropouts, in round order. */
  dropouts: DropoutRow[];
  /** The rounds the curves and the ledger's round entries the ε series were sampled from: more than drawn means sampled. */
  sampledFrom: { rounds: number; roundEntries: number };
  /** Rounds before those in `dropouts`. */
  dropoutsLeftOut: number;
}

export interface LedgerView {
  rows: (LedgerRow | { seq: number; kind: 'unreadable'; hash: string })[];
  truncated: boolean;
  /** The receipts of the entries listed. */
  receipts: { seq: number; hospital: string }[];
  verify: LedgerVerifyView;
}

export class DashboardApi {
  /** The database version the verifier was last told of. */
  private seenVersion: number | null = null;
  /** Per-job figures of the hospitals views (tallies.ts). */
  private readonly tallies: JobTallies;

  constructor(
    private readonly reader: DashboardReader,
    private readonly verifier: LedgerVerifier,
    private readonly snapshot: () => CoordinatorSnapshot,
  ) {
    this.tallies = new JobTallies(reader);
  }

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
    return this.jobsSeenBy(viewer).map((j) => jobView(j, live[j.id]));
  }

  /**
   * A job's page, in a size bounded whatever the job's length: its curves
   * and ε series sampled to at most MAX_CHART_POINTS rounds, its dropouts the
   * latest MAX_DROPOUT_ROWS rounds (core/dashboard/job-series.ts), kept
   * between requests and brought up to date by reading what was appended
   * (tallies.ts). A job of fewer rounds is returned whole.
   */
  job(viewer: Viewer, id: string): JobDetailView {
    const j = this.jobsSeenBy(viewer).find((x) => x.id === id);
    if (!j) throw new CohortError('E_NOT_FOUND', 'no such job');
    const job = jobView(j, this.snapshot().jobs[id]);
    const series = this.tallies.seriesOf(j);
    const privacy = privacyView(j.spec, this.tallies.ledgerOf(j), series);
    return {
      job,
      curves: curvesView(sampleItems(series.curves)),
      privacy,
      participants: jobParticipants(job, privacy),
      dropouts: [...series.dropouts],
      sampledFrom: { rounds: series.curves.count, roundEntries: series.epsilon.count },
      dropoutsLeftOut: series.curves.count - series.dropouts.length,
    };
  }

  hospitals(viewer: Viewer): HospitalsView {
    if (!allowed(viewer, 'dashboard.hospitals'))
      throw new CohortError('E_FORBIDDEN', `a ${viewer.role} may not see the hospitals view`);
    const snap = this.snapshot();
    const present = new Map(snap.hospitals.map((h) => [h.name, h]));
    for (const name of this.reader.hospitals())
      if (!present.has(name)) present.set(name, { name, connected: false, connectedAt: null, lastSeen: null });
    return hospitalsView(
      [...present.values()],
      this.jobsSeenBy(viewer).map((j) => this.tallies.roundsOf(j)),
    );
  }

  /**
   * One hospital's ε across the jobs the viewer may see; its budget is the
   * hospital's, unknown here (core/dashboard/hospital.ts). Its budget
   * refusals' reasons state that budget and its spend on every job, so a
   * viewer who may not read the ledger they come from (a researcher) gets
   * each refusal's code and round, its reason replaced.
   */
  hospital(viewer: Viewer, name: string): HospitalPageView {
    if (!allowed(viewer, 'dashboard.hospitals'))
      throw new CohortError('E_FORBIDDEN', `a ${viewer.role} may not see the hospitals view`);
    const jobs = this.jobsSeenBy(viewer).map((job) => ({ job, tally: this.tallies.ledgerOf(job) }));
    const v = hospitalPageView(name, jobs);
    if (!allowed(viewer, 'dashboard.ledger'))
      v.refusals = v.refusals.map((r) => ({ ...r, reason: REFUSAL_SHOWN_TO_RESEARCHERS }));
    const known = this.reader.hospitals().includes(name) || this.snapshot().hospitals.some((x) => x.name === name);
    if (!known && v.jobs.length === 0 && v.refusals.length === 0)
      throw new CohortError('E_NOT_FOUND', 'no such hospital');
    return v;
  }

  /**
   * The latest entries and their receipts, and the latest completed
   * verification of the whole ledger (core/ledger/verify.ts, as `cohort
   * ledger verify`), which runs in the verifier's thread (ledger-verifier.ts):
   * this never waits for it. A database changed since that verification
   * starts the next one, and the report says `pending` until it is done.
   */
  ledger(viewer: Viewer): LedgerView {
    if (!allowed(viewer, 'dashboard.ledger'))
      throw new CohortError('E_FORBIDDEN', `a ${viewer.role} may not see the ledger view`);
    this.noticeChanges();
    const tail = this.reader.ledgerTail(MAX_LEDGER_ROWS);
    const receiptsOf = new Map<number, Receipt[]>();
    for (const r of tail.receipts) receiptsOf.set(r.seq, [...(receiptsOf.get(r.seq) ?? []), r]);
    const rows: LedgerView['rows'] = [];
    for (const e of tail.entries) {
      try {
        const data = {
          entries: [e],
          receipts: receiptsOf.get(e.seq) ?? [],
          coordinatorKey: null,
          hospitalKeys: new Map(),
        };
        rows.push(...ledgerRows(data));
      } catch {
        rows.push({ seq: e.seq, kind: 'unreadable', hash: e.hash });
      }
    }
    return {
      rows,
      truncated: tail.truncated,
      receipts: tail.receipts.map((r) => ({ seq: r.seq, hospital: r.hospital })),
      verify: this.verifier.view(),
    };
  }

  /** The stored jobs the viewer may see; tallies of jobs no longer stored are dropped on the way. */
  private jobsSeenBy(viewer: Viewer): DashboardJob[] {
    const all = this.reader.jobs();
    this.tallies.retain(all);
    return visibleJobs(viewer, all);
  }

  /** Tells the verifier of a commit since it was last told (SQLite's data_version: any other connection's commit). */
  noticeChanges(): void {
    const version = this.reader.dataVersion();
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    this.verifier.changed();
  }
}
