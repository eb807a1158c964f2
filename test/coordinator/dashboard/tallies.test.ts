/**
 * The hospitals views' per-job tallies (coordinator/dashboard/tallies.ts):
 * after rounds and ledger entries are added to a job, including a budget
 * refusal to an old one, the views a warm cache gives equal those of a
 * fresh reader (cold cache); and a request re-reads only the jobs whose
 * stamp moved, counted by spying on the reader, not by timing it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { DashboardApi } from '../../../coordinator/dashboard/api.ts';
import { DashboardReader } from '../../../coordinator/dashboard/reader.ts';
import type { LedgerVerifier } from '../../../coordinator/dashboard/ledger-verifier.ts';
import type { Viewer } from '../../../core/dashboard/index.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
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
const VIEWERS: Viewer[] = [
  { name: 'aud', role: 'auditor' },
  { name: 'rita', role: 'researcher' },
];

function roundRecord(round: number, dropped: string[] = []): RoundRecord {
  return committedRound(round, HOSPITALS, { dropped, trainLoss: 0.5 });
}

/** A coordinator database with three DP jobs of two rounds each (two rita's, one rob's), and a writer to add to them. */
function database() {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-tallies-')), 'c.db');
  const store = new CoordinatorStore(path);
  closing.push(store);
  const ledger = new CoordinatorLedger(store, ed25519KeyPair(), () => AT);
  const spec: JobSpec = parseJobSpec(syntheticJob({ rounds: 5, privacy: RECORD_DP }));
  const jobs = { a: 'job-a', b: 'job-b', c: 'job-c' };
  const owners = { a: 'rita', b: 'rob', c: 'rita' };
  for (const k of ['a', 'b', 'c'] as const) {
    const id = jobs[k];
    store.createJob(id, spec, new Float32Array(4), AT, ledger.jobCreated(id, spec, 'ab'.repeat(32)), owners[k]);
    for (const r of [1, 2]) commit(id, roundRecord(r, r === 2 ? ['h3'] : []));
  }
  function commit(id: string, rec: RoundRecord): void {
    store.commitRound(id, rec, ledger.round(id, spec, rec));
  }
  return {
    path,
    jobs,
    commit,
    /** A round entry alone, as for a failed attempt's charge (coordinator/ledger.ts failedAttempt), possibly of an earlier round. */
    charge: (id: string, round: number) => store.appendEntry(ledger.round(id, spec, roundRecord(round))),
    refuse: (id: string, round: number, hospital: string) =>
      store.appendEntry(ledger.refusal(id, round, hospital, 'E_BUDGET_EXCEEDED', `over budget at ${hospital}`)),
  };
}

function api(path: string): { api: DashboardApi; reader: DashboardReader } {
  const reader = new DashboardReader(path);
  closing.push(reader);
  return { api: new DashboardApi(reader, {} as LedgerVerifier, () => ({ hospitals: [], jobs: {} })), reader };
}

/** Every hospitals view each viewer gets. */
const views = (a: DashboardApi) =>
  VIEWERS.map((v) => ({ all: a.hospitals(v), each: HOSPITALS.map((h) => a.hospital(v, h)) }));

describe("the hospitals views' per-job tallies", () => {
  it('give what a fresh reader gives after rounds and ledger entries are added to one job and a refusal to an old one', () => {
    const db = database();
    const warm = api(db.path).api;
    const before = views(warm);
    expect(before).toEqual(views(api(db.path).api));
    db.commit(db.jobs.a, roundRecord(3, ['h2']));
    db.refuse(db.jobs.c, 1, 'h3'); // job-c's rounds are done; its ledger grows
    const after = views(warm);
    expect(after).toEqual(views(api(db.path).api));
    db.charge(db.jobs.b, 1); // a round entry of an earlier round than job-b's last: its tally starts over
    db.charge(db.jobs.c, 2); // of the same round as job-c's last: added on
    expect(views(warm)).toEqual(views(api(db.path).api));
    // What changed shows: job-a's third round (h2 dropped) and job-c's refusal of h3.
    const [aud] = after;
    expect(aud!.all.hospitals.find((h) => h.name === 'h2')).toMatchObject({ rounds: 7, dropped: 1 });
    expect(aud!.each[0]!.jobs.find((j) => j.jobId === db.jobs.a)).toMatchObject({ rounds: 3 });
    expect(aud!.each[2]!.refusals).toEqual([
      { jobId: db.jobs.c, round: 1, code: 'E_BUDGET_EXCEEDED', reason: 'over budget at h3' },
    ]);
    expect(after).not.toEqual(before);
  });

  it('read only the jobs whose rounds or ledger changed since the last request, and only what was appended', () => {
    const db = database();
    const { api: a, reader } = api(db.path);
    const rounds = vi.spyOn(reader, 'rounds');
    const ledger = vi.spyOn(reader, 'ledgerOfJob');
    const aud = VIEWERS[0]!;
    const read = () => {
      const ids = { rounds: rounds.mock.calls, ledger: ledger.mock.calls };
      rounds.mockClear();
      ledger.mockClear();
      return ids;
    };
    a.hospitals(aud);
    a.hospital(aud, 'h1');
    const all = [
      ['job-a', 0],
      ['job-b', 0],
      ['job-c', 0],
    ];
    expect(read()).toEqual({ rounds: all, ledger: all });
    const seqOf = (id: string) => reader.jobs().find((j) => j.id === id)!.stamp.seq;
    const [b, c] = [seqOf('job-b'), seqOf('job-c')];
    a.hospitals(aud);
    a.hospital(aud, 'h2');
    a.hospital({ name: 'rita', role: 'researcher' }, 'h1'); // another viewer: the same tallies
    expect(read()).toEqual({ rounds: [], ledger: [] });
    db.commit(db.jobs.b, roundRecord(3));
    db.refuse(db.jobs.c, 1, 'h3');
    a.hospitals(aud);
    a.hospital(aud, 'h3');
    // Only what was appended: job-b's rounds after its second, each job's ledger after the seq last read.
    expect(read()).toEqual({
      rounds: [['job-b', 2]],
      ledger: [
        ['job-b', b],
        ['job-c', c],
      ],
    });
  });

  it('list the jobs again only after a commit, and parse each stored spec once', () => {
    const db = database();
    const { reader } = api(db.path);
    const first = reader.jobs();
    expect(reader.jobs()).toBe(first);
    db.commit(db.jobs.a, roundRecord(3));
    const second = reader.jobs();
    expect(second).not.toBe(first);
    expect(second.map((j) => j.stamp.round)).toEqual([3, 2, 2]);
    second.forEach((j, i) => expect(j.spec).toBe(first[i]!.spec));
  });
});
