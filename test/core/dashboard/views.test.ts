/** The dashboard's pure views: role filtering through the policy table, curves, privacy over rounds, dropouts per phase. */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  DROPOUT_PHASES,
  addLedgerEntries,
  emptyJobSeries,
  curvesView,
  hospitalPageView,
  hospitalsView,
  jobParticipants,
  extendLedgerTally,
  ledgerTally,
  roundsTally,
  jobPhase,
  jobView,
  privacyView,
  roundDropouts,
  visibleJobs,
  type JobRecord,
  type RoundRow,
  type Viewer,
} from '../../../core/dashboard/index.ts';
import type { LedgerEntry, RoundBody } from '../../../core/ledger/types.ts';
import type { JobSpec } from '../../../core/job/spec.ts';
import { buildFixture, recordSpec } from '../ledger/fixture.ts';

/** The privacy view of a job's whole ledger, read at once. */
const privacyOf = (spec: JobSpec, entries: readonly LedgerEntry[]) =>
  privacyView(spec, ledgerTally(entries), addLedgerEntries(emptyJobSeries(), entries)!);

const metrics = (loss: number, accuracy: number, auc = 0.9) => ({
  numExamples: 10,
  numCorrect: Math.round(accuracy * 10),
  loss,
  accuracy,
  auc,
});
const round = (r: number, o: Partial<RoundRow> = {}): RoundRow => ({
  round: r,
  kind: 'train',
  participants: ['a', 'b'],
  dropped: [],
  evaluations: {},
  pooled: null,
  trainLoss: null,
  phaseCounts: null,
  completedAt: r,
  ...o,
});

/** A running job of rita's on the record-level spec, two rounds in; `o` overrides any field. */
const jobRecord = (o: Partial<JobRecord> = {}): JobRecord => ({
  id: 'j',
  spec: recordSpec(),
  status: 'running',
  reason: '',
  completedRounds: 2,
  owner: 'rita',
  createdAt: 1,
  updatedAt: 2,
  lastParticipants: ['h2', 'h1'],
  ...o,
});

describe('visibleJobs', () => {
  const owners = fc.array(fc.constantFrom('rita', 'rob', null), { maxLength: 12 });
  it('a researcher sees exactly her own jobs; auditors and admins every job; hospitals none', () => {
    fc.assert(
      fc.property(owners, (os) => {
        const jobs = os.map((owner, i) => ({ id: `j${i}`, owner }));
        const as = (v: Viewer) => visibleJobs(v, jobs).map((j) => j.id);
        expect(as({ name: 'rita', role: 'researcher' })).toEqual(
          jobs.filter((j) => j.owner === 'rita').map((j) => j.id),
        );
        expect(as({ name: 'aud', role: 'auditor' })).toEqual(jobs.map((j) => j.id));
        expect(as({ name: 'ada', role: 'admin' })).toEqual(jobs.map((j) => j.id));
        expect(as({ name: 'h1', role: 'hospital' })).toEqual([]);
      }),
    );
  });
});

describe('jobView', () => {
  const record = jobRecord();
  it('takes round, phase and members from the live state, else the last round', () => {
    expect(jobView(record, { round: 3, phase: 'masked', members: ['h3', 'h1'] })).toMatchObject({
      currentRound: 3,
      phase: 'masked',
      participants: ['h1', 'h3'],
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5 },
    });
    expect(jobView({ ...record, status: 'completed' }, undefined)).toMatchObject({
      currentRound: null,
      phase: 'completed',
      participants: ['h2', 'h1'],
    });
    expect(Object.keys(jobView(record, undefined))).not.toContain('weights');
  });

  it('counts training rounds only: the final evaluation round makes no "3 of 2"', () => {
    const rounds = record.spec.rounds;
    expect(jobView({ ...record, completedRounds: rounds + 1, status: 'completed' }, undefined)).toMatchObject({
      completedRounds: rounds,
      rounds,
      evaluated: true,
    });
    expect(jobView({ ...record, completedRounds: rounds }, undefined)).toMatchObject({
      completedRounds: rounds,
      evaluated: false,
    });
  });

  it('names the phase a job machine is in', () => {
    const open = { status: 'open' };
    expect(jobPhase({ finished: true, currentRound: open, secureStage: null })).toBe('finished');
    expect(jobPhase({ finished: false, currentRound: null, secureStage: null })).toBe('waiting');
    expect(jobPhase({ finished: false, currentRound: open, secureStage: null })).toBe('collect');
    expect(jobPhase({ finished: false, currentRound: open, secureStage: { serverPhase: 'share' } })).toBe('share');
    expect(jobPhase({ finished: false, currentRound: open, secureStage: { serverPhase: 'done' } })).toBe('collect');
    expect(
      jobPhase({ finished: false, currentRound: { status: 'complete' }, secureStage: { serverPhase: 'done' } }),
    ).toBe('waiting');
  });
});

describe('curvesView', () => {
  it('aligns pooled and per-hospital metrics by round, with null for NaN AUC and absent hospitals', () => {
    const c = curvesView([
      round(2, { evaluations: { b: metrics(0.5, 0.7, Number.NaN) }, pooled: metrics(0.5, 0.7), trainLoss: 0.4 }),
      round(1, { evaluations: { a: metrics(0.9, 0.5), b: metrics(0.8, 0.6) }, pooled: metrics(0.85, 0.55) }),
    ]);
    expect(c.x).toEqual([1, 2]);
    expect(c.aggregate.loss).toEqual([0.85, 0.5]);
    expect(c.trainLoss).toEqual([null, 0.4]);
    expect(c.hospitals).toEqual({
      a: { loss: [0.9, null], accuracy: [0.5, null], auc: [0.9, null] },
      b: { loss: [0.8, 0.5], accuracy: [0.6, 0.7], auc: [0.9, null] },
    });
  });
});

describe('privacyView', () => {
  const f = buildFixture();
  const entries = f.entries.map((e) => JSON.parse(e.canonical) as LedgerEntry).filter((e) => e.jobId === 'job-record');
  const v = privacyOf(recordSpec(), entries);

  it("follows each hospital's cumulative epsilon over the job's round entries, carried over rounds it sat out", () => {
    const rounds = entries.filter((e) => e.kind === 'round');
    expect(v.x).toEqual(rounds.map((e) => e.round));
    for (const [h, series] of Object.entries(v.hospitals)) {
      expect(series).toHaveLength(v.x.length);
      const first = series.findIndex((s) => s !== null);
      expect(series.slice(first).every((s) => s !== null)).toBe(true);
      for (let i = first + 1; i < series.length; i++) expect(series[i]!).toBeGreaterThanOrEqual(series[i - 1]!);
      const spends = rounds.flatMap((e) => (e.body as RoundBody).spends.filter((s) => s.hospital === h));
      expect(v.remaining.find((r) => r.hospital === h)).toEqual({
        hospital: h,
        rounds: spends.length,
        spent: spends.at(-1)!.cumulativeEpsilon,
        remaining: 8 - spends.at(-1)!.cumulativeEpsilon,
      });
    }
    expect(v.target).toEqual({ unit: 'record', epsilon: 8, delta: 1e-5 });
    // The fixture's dropouts: some hospital sat a round out, so its spend was carried.
    expect(v.remaining.some((r) => r.rounds < v.x.length)).toBe(true);
  });

  it('lists as participants every hospital the ledger charged, those no longer taking part marked dropped', () => {
    const charged = v.remaining.filter((r) => r.rounds > 0).map((r) => r.hospital);
    expect(charged.length).toBeGreaterThanOrEqual(2);
    const [gone, ...staying] = charged;
    expect(jobParticipants({ participants: staying }, v)).toEqual(
      charged.map((name) => ({ name, dropped: name === gone })).sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(jobParticipants({ participants: ['new'] }, { remaining: [] })).toEqual([{ name: 'new', dropped: false }]);
  });

  it("a hospital's page: its epsilon in each job from the ledger, its refusals, and no budget the coordinator does not hold", () => {
    const job = jobRecord({
      id: 'job-record',
      status: 'completed',
      completedRounds: 3,
      owner: null,
      lastParticipants: [],
    });
    // A second job with the same spends: the page's totals add the two, not keep the last.
    const again = { ...job, id: 'job-again' };
    for (const r of v.remaining) {
      const refusal = {
        kind: 'budget-refusal',
        jobId: 'job-record',
        round: 11,
        body: { hospital: r.hospital, code: 'E_BUDGET_EXCEEDED', reason: `over for ${r.hospital}` },
      } as unknown as LedgerEntry;
      const page = hospitalPageView(r.hospital, [
        { job, tally: ledgerTally([...entries, refusal]) },
        { job: again, tally: ledgerTally(entries) },
      ]);
      expect(page.budget).toBeNull();
      expect(page.jobs).toEqual(
        ['job-record', 'job-again'].map((jobId) =>
          expect.objectContaining({ jobId, rounds: r.rounds, epsilon: r.spent, target: { epsilon: 8, delta: 1e-5 } }),
        ),
      );
      expect(page.totals).toEqual([{ unit: 'record', epsilon: 2 * r.spent, delta: 2e-5, jobs: 2 }]);
      // Its own refusals, as the ledger records them, job by job; no other hospital's.
      const recorded = (jobId: string) =>
        entries
          .filter((e) => e.kind === 'budget-refusal' && (e.body as { hospital: string }).hospital === r.hospital)
          .map((e) => ({ jobId, round: e.round, ...(e.body as { code: string; reason: string }) }))
          .map(({ jobId: j, round, code, reason }) => ({ jobId: j, round, code, reason }));
      expect(page.refusals).toEqual([
        ...recorded('job-record'),
        { jobId: 'job-record', round: 11, code: 'E_BUDGET_EXCEEDED', reason: `over for ${r.hospital}` },
        ...recorded('job-again'),
      ]);
    }
    expect(hospitalPageView('nobody', [{ job, tally: ledgerTally(entries) }])).toMatchObject({
      jobs: [],
      totals: [],
      refusals: [],
    });
  });

  it("a job's ledger tally, added on entry by entry, is the tally of the whole; an earlier round cannot be added on", () => {
    const whole = ledgerTally(entries);
    expect([...whole.spends].map(([hospital, c]) => ({ hospital, ...c }))).toEqual(
      v.remaining.map(({ hospital, rounds, spent }) => ({ hospital, rounds, spent })),
    );
    for (let cut = 0; cut <= entries.length; cut++) {
      const head = ledgerTally(entries.slice(0, cut));
      expect(extendLedgerTally(head, entries.slice(cut))).toEqual(whole);
    }
    const early = entries.find((e) => e.kind === 'round')!;
    expect(whole.lastRound).toBeGreaterThan(early.round);
    expect(extendLedgerTally(whole, [early])).toBeNull();
  });

  it('is empty before the first round entry', () => {
    expect(
      privacyOf(
        recordSpec(),
        entries.filter((e) => e.kind !== 'round'),
      ),
    ).toEqual({ target: v.target, x: [], hospitals: {}, remaining: [] });
  });
});

describe('dropouts per phase', () => {
  // Phase counts of a secure round only ever shrink: survivors of a phase are a subset of the previous one's.
  const chain = fc.integer({ min: 1, max: 40 }).chain((n) =>
    fc.array(fc.nat(), { minLength: 6, maxLength: 6 }).map((cuts) => {
      let left = n;
      const counts = cuts.map((c) => (left = Math.max(0, left - (c % 4))));
      return { n, counts };
    }),
  );

  it('a secure round loses in each phase what the previous phase counted more; the losses add up to participants less unmask', () => {
    fc.assert(
      fc.property(chain, ({ n, counts }) => {
        const [advertise, reveal, share, masked, consistency, unmask] = counts as [
          number,
          number,
          number,
          number,
          number,
          number,
        ];
        const d = roundDropouts({
          participants: Array.from({ length: n }, (_, i) => `h${i}`),
          dropped: [],
          phaseCounts: { advertise, reveal, share, masked, consistency, unmask },
        });
        expect(d.update).toBe(0);
        expect(d.advertise).toBe(n - advertise);
        expect(d.unmask).toBe(consistency - unmask);
        expect(DROPOUT_PHASES.reduce((s, p) => s + d[p], 0)).toBe(n - unmask);
      }),
    );
  });

  it('a plaintext round loses its dropped participants before their update', () => {
    expect(roundDropouts({ participants: ['a', 'b', 'c'], dropped: ['b'], phaseCounts: null })).toMatchObject({
      update: 1,
      advertise: 0,
    });
  });

  it('the hospitals view counts rounds and dropouts per hospital, including hospitals never connected', () => {
    const presence = [
      { name: 'a', connected: true, connectedAt: 5, lastSeen: 9 },
      { name: 'z', connected: false, connectedAt: null, lastSeen: null },
    ];
    const rounds = [
      round(1, { dropped: ['b'] }),
      round(2, {
        participants: ['a', 'b', 'c'],
        phaseCounts: { advertise: 3, reveal: 3, share: 3, masked: 2, consistency: 2, unmask: 2 },
        dropped: ['c'],
      }),
    ];
    // Two jobs' tallies add up to one tally of their rounds together, and so does one added on to the other.
    const v = hospitalsView(presence, [roundsTally(rounds.slice(0, 1)), roundsTally(rounds.slice(1))]);
    expect(hospitalsView(presence, [roundsTally(rounds)])).toEqual(v);
    expect(roundsTally(rounds.slice(1), roundsTally(rounds.slice(0, 1)))).toEqual(roundsTally(rounds));
    expect(v.hospitals.map((h) => [h.name, h.connected, h.rounds, h.dropped])).toEqual([
      ['a', true, 2, 0],
      ['b', false, 2, 1],
      ['c', false, 1, 1],
      ['z', false, 0, 0],
    ]);
    expect(v.dropoutsByPhase).toEqual({
      update: 1,
      advertise: 0,
      reveal: 0,
      share: 0,
      masked: 1,
      consistency: 0,
      unmask: 0,
    });
  });
});
