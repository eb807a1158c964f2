/**
 * A job's page, /api/jobs/:id (coordinator/dashboard/api.ts job()), in a size
 * bounded whatever the job's length: a job of few rounds is returned whole, as
 * the handler did before it sampled (the reference below is that handler);
 * a long job's curves and ε series hold at most MAX_CHART_POINTS rounds, the
 * first and the latest among them, and its dropouts the latest
 * MAX_DROPOUT_ROWS; a warm cache gives what a fresh reader gives, and reads
 * only what was appended (counted by spying on the reader, not by timing).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { DashboardApi, type JobDetailView } from '../../../coordinator/dashboard/api.ts';
import { DashboardReader } from '../../../coordinator/dashboard/reader.ts';
import { MAX_SERIES_JOBS } from '../../../coordinator/dashboard/tallies.ts';
import type { LedgerVerifier } from '../../../coordinator/dashboard/ledger-verifier.ts';
import {
  MAX_CHART_POINTS,
  MAX_DROPOUT_ROWS,
  curvesView,
  roundDropouts,
  type PrivacyView,
  type Series,
  type Viewer,
} from '../../../core/dashboard/index.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import type { LedgerEntry, RoundBody } from '../../../core/ledger/types.ts';
import { roundRecord as committedRound } from '../../helpers/round-record.ts';
import type { RoundRecord } from '../../../core/round/job.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';
import { RECORD_DP } from '../../helpers/privacy.ts';

const closing: { close(): void }[] = [];
afterEach(() => {
  for (const c of closing.splice(0)) c.close();
});

const AT = 1_700_000_000_000;
const HOSPITALS = ['h1', 'h2', 'h3'];
const AUD: Viewer = { name: 'aud', role: 'auditor' };
const JOB = 'job-a';

function roundRecord(round: number): RoundRecord {
  const m = { numExamples: 10, numCorrect: round % 10, loss: 1 / round, accuracy: (round % 10) / 10, auc: 0.5 };
  const dropped = round % 7 === 0 ? ['h3'] : [];
  return committedRound(round, HOSPITALS, { dropped, evaluations: { h1: m, h2: m }, pooled: m, trainLoss: 0.5 });
}

/**
 * A coordinator database with one DP job of `rounds` rounds, a writer to add
 * to it, and a reader's API over it. `signed`: each round's ledger entry made
 * by the coordinator's ledger (its accountant takes a good part of a second a
 * round); else written straight into the ledger table, as bench/dashboard-hospitals.ts does.
 */
function database(rounds: number, signed = true) {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-job-page-')), 'c.db');
  const store = new CoordinatorStore(path);
  closing.push(store);
  const ledger = new CoordinatorLedger(store, ed25519KeyPair(), () => AT);
  const spec: JobSpec = parseJobSpec(syntheticJob({ rounds: rounds + 10, privacy: RECORD_DP }));
  store.createJob(JOB, spec, new Float32Array(4), AT, ledger.jobCreated(JOB, spec, 'ab'.repeat(32)), 'rita');
  const raw = new Database(path);
  closing.push(raw);
  const entry = raw.prepare(
    `INSERT INTO ledger (seq, canonical, hash, signature, job_id) VALUES ((SELECT MAX(seq) + 1 FROM ledger), ?, 'h', 's', ?)`,
  );
  const commit = (r: number) => {
    if (signed) return store.commitRound(JOB, roundRecord(r), ledger.round(JOB, spec, roundRecord(r)));
    store.commitRound(JOB, roundRecord(r));
    const spends = HOSPITALS.map((h) => ({ hospital: h, cumulativeEpsilon: r * 0.01 }));
    entry.run(JSON.stringify({ kind: 'round', jobId: JOB, round: r, body: { kind: 'train', spends } }), JOB);
  };
  for (let r = 1; r <= rounds; r++) commit(r);
  const api = () => {
    const reader = new DashboardReader(path);
    closing.push(reader);
    return { api: new DashboardApi(reader, {} as LedgerVerifier, () => ({ hospitals: [], jobs: {} })), reader };
  };
  /** A round entry alone, of an earlier round (a failed attempt's charge, coordinator/ledger.ts). */
  const charge = (r: number) => store.appendEntry(ledger.round(JOB, spec, roundRecord(r)));
  /** Another job of rita's, with no rounds. */
  const other = (id: string) => store.createJob(id, spec, new Float32Array(4), AT, undefined, 'rita');
  return { spec, commit, charge, other, api };
}

/** The privacy view as the handler computed it before it sampled: every round entry of the whole ledger. */
function privacyBefore(spec: JobSpec, entries: readonly LedgerEntry[]): PrivacyView {
  const rounds = entries.filter((e) => e.kind === 'round').sort((a, b) => a.round - b.round);
  const names = [...new Set(rounds.flatMap((e) => (e.body as RoundBody).spends.map((s) => s.hospital)))].sort();
  const hospitals: Record<string, Series> = Object.fromEntries(names.map((n) => [n, []]));
  const last = new Map<string, number>();
  const charged = new Map<string, number>();
  for (const e of rounds) {
    const spends = new Map((e.body as RoundBody).spends.map((s) => [s.hospital, s.cumulativeEpsilon]));
    for (const n of names) {
      const v = spends.get(n);
      if (v !== undefined) [last, charged].forEach((m, i) => m.set(n, i === 0 ? v : (m.get(n) ?? 0) + 1));
      hospitals[n]!.push(last.get(n) ?? null);
    }
  }
  const p = spec.privacy!;
  return {
    target: { unit: p.unit, epsilon: p.epsilon, delta: p.delta },
    x: rounds.map((e) => e.round),
    hospitals,
    remaining: names.map((n) => ({
      hospital: n,
      rounds: charged.get(n) ?? 0,
      spent: last.get(n) ?? 0,
      remaining: p.epsilon - (last.get(n) ?? 0),
    })),
  };
}

/** The parts the handler before sampling returned whole, as it computed them. */
function before(reader: DashboardReader, spec: JobSpec): Pick<JobDetailView, 'curves' | 'privacy' | 'dropouts'> {
  const rounds = reader.rounds(JOB);
  return {
    curves: curvesView(rounds),
    privacy: privacyBefore(spec, reader.ledgerOfJob(JOB).entries),
    dropouts: rounds.map((r) => ({
      round: r.round,
      kind: r.kind,
      participants: r.participants.length,
      ...roundDropouts(r),
    })),
  };
}

describe("a job's page", () => {
  it('is returned whole for a job of few rounds, as before; a warm cache gives what a fresh reader gives', () => {
    const db = database(5);
    const { api, reader } = db.api();
    const whole = () => ({ ...before(reader, db.spec), dropoutsLeftOut: 0 });
    const page = ({ curves, privacy, dropouts, dropoutsLeftOut }: JobDetailView) => ({
      curves,
      privacy,
      dropouts,
      dropoutsLeftOut,
    });
    expect(page(api.job(AUD, JOB))).toEqual(whole());
    expect(api.job(AUD, JOB).curves.x).toEqual([1, 2, 3, 4, 5]);
    db.commit(6);
    db.charge(2); // a round entry of an earlier round than the last: the ε series is read again whole
    expect(page(api.job(AUD, JOB))).toEqual(whole());
    expect(api.job(AUD, JOB)).toEqual(db.api().api.job(AUD, JOB));
  });

  it('of a long job holds at most MAX_CHART_POINTS rounds, the first and the latest, and the latest MAX_DROPOUT_ROWS dropouts', () => {
    const n = MAX_CHART_POINTS + 100;
    const db = database(n, false);
    const { api, reader } = db.api();
    const rounds = vi.spyOn(reader, 'rounds');
    const ledger = vi.spyOn(reader, 'ledgerOfJob');
    const check = (d: JobDetailView, last: number) => {
      for (const x of [d.curves.x, d.privacy.x]) {
        expect(x.length).toBeLessThanOrEqual(MAX_CHART_POINTS);
        expect(x.length).toBeGreaterThan(MAX_CHART_POINTS / 4);
        expect([x[0], x.at(-1)]).toEqual([1, last]);
      }
      expect(d.curves.aggregate.loss.at(-1)).toBe(1 / last);
      expect(d.privacy.hospitals.h1!.length).toBe(d.privacy.x.length);
      expect(d.dropouts.map((r) => r.round)).toEqual(
        Array.from({ length: MAX_DROPOUT_ROWS }, (_, i) => last - MAX_DROPOUT_ROWS + 1 + i),
      );
      expect(d.dropoutsLeftOut).toBe(last - MAX_DROPOUT_ROWS);
      expect(d.sampledFrom).toEqual({ rounds: last, roundEntries: last });
      // What each hospital was charged in all is the whole ledger's, not the sample's.
      expect(d.privacy.remaining).toEqual(before(reader, db.spec).privacy.remaining);
    };
    check(api.job(AUD, JOB), n);
    db.commit(n + 1);
    [rounds, ledger].forEach((s) => s.mockClear());
    const d = api.job(AUD, JOB);
    // Only what was appended was read: the rounds after the last, the entries after the last seq.
    expect(rounds.mock.calls).toEqual([[JOB, n]]);
    expect(ledger.mock.calls.length).toBeGreaterThan(0);
    expect(ledger.mock.calls.every(([, after]) => (after ?? 0) > n)).toBe(true);
    // Once: the series and the ledger tally share one read of the appended entries.
    expect(ledger.mock.calls).toHaveLength(1);
    check(d, n + 1);
    expect(d).toEqual(db.api().api.job(AUD, JOB));
  });

  it('are kept for the MAX_SERIES_JOBS jobs read last; an older one is read whole again', () => {
    const db = database(3, false);
    const others = Array.from({ length: MAX_SERIES_JOBS }, (_, i) => `job-${i}`);
    others.forEach(db.other);
    const { api, reader } = db.api();
    const rounds = vi.spyOn(reader, 'rounds');
    const readWhole = () => rounds.mock.calls.filter(([id, after]) => id === JOB && (after ?? 0) === 0).length;
    api.job(AUD, JOB);
    for (const id of others.slice(1)) api.job(AUD, id);
    api.job(AUD, JOB); // among the last MAX_SERIES_JOBS read: kept
    expect(readWhole()).toBe(1);
    for (const id of others) api.job(AUD, id);
    api.job(AUD, JOB); // pushed out by MAX_SERIES_JOBS others
    expect(readWhole()).toBe(2);
  });
});
