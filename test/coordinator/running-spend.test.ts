/**
 * The coordinator's running per-job spend (coordinator/ledger.ts
 * priorMechanisms): what a round entry composes each hospital's figures
 * from. It must equal a full re-read of the job's ledger entries however
 * the ledger got there (many rounds, failed attempts, a commit that rolled
 * back, a restart), and must not re-read the ledger once it is current.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import type { RoundRecord } from '../../core/round/job.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { rereadJobMechanisms } from '../helpers/reread-ledger.ts';

const identity = ed25519KeyPair();
const spec: JobSpec = parseJobSpec(
  syntheticJob({
    rounds: 100,
    privacy: { ...RECORD_DP, epsilon: 100, samplingRate: 0.05, noiseMultiplier: 3 },
  }),
);
const weights = new Float32Array(4);
const HOSPITALS = ['h0', 'h1', 'h2'];

const opened: CoordinatorStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function open(path: string): { store: CoordinatorStore; ledger: CoordinatorLedger } {
  const store = new CoordinatorStore(path);
  opened.push(store);
  return { store, ledger: new CoordinatorLedger(store, identity, () => 1_700_000_000_000) };
}

/** The old way: every round entry of the job parsed again. */
const fullRead = rereadJobMechanisms;

function record(round: number, participants: string[], dropped: string[] = []): RoundRecord {
  return {
    round,
    kind: 'train',
    weights,
    serverState: null,
    participants,
    dropped,
    evaluations: {},
    pooled: null,
    trainLoss: null,
    phaseCounts: null,
    completedAt: 1_700_000_000_000 + round,
  };
}

/** Commits `rounds` rounds after `from`, each with a different set of survivors, a failed attempt and a refusal now and then. */
function runRounds(store: CoordinatorStore, ledger: CoordinatorLedger, jobId: string, from: number, rounds: number) {
  for (let r = from + 1; r <= from + rounds; r++) {
    ledger.priorMechanisms(jobId); // the pricing-ahead read at the attempt's start
    if (r % 7 === 0) store.appendEntry(ledger.failedAttempt(jobId, spec, r, ['h0', 'h2'], weights));
    if (r % 5 === 0) store.appendEntry(ledger.refusal(jobId, r, 'h1', 'E_BUDGET_EXHAUSTED', 'spent'));
    store.commitRound(
      jobId,
      record(r, HOSPITALS, r % 3 === 0 ? ['h1'] : []),
      ledger.round(jobId, spec, record(r, HOSPITALS, r % 3 === 0 ? ['h1'] : [])),
    );
  }
}

function newJob(store: CoordinatorStore, ledger: CoordinatorLedger, jobId: string): void {
  store.createJob(jobId, spec, weights, 1_700_000_000_000, ledger.jobCreated(jobId, spec, 'ab'.repeat(32)));
}

describe("the coordinator's running spend of a job", () => {
  it('equals a full re-read of the ledger after many rounds, failed attempts and refusals', () => {
    const { store, ledger } = open(join(mkdtempSync(join(tmpdir(), 'cohort-spend-')), 'c.db'));
    newJob(store, ledger, 'job-a');
    newJob(store, ledger, 'job-b');
    runRounds(store, ledger, 'job-a', 0, 25);
    runRounds(store, ledger, 'job-b', 0, 3);
    const expected = fullRead(store, 'job-a');
    expect(expected.get('h0')).toHaveLength(25 + 3);
    expect(expected.get('h1')).toHaveLength(25 - 8);
    expect(ledger.priorMechanisms('job-a')).toEqual(expected);
    expect(ledger.priorMechanisms('job-b')).toEqual(fullRead(store, 'job-b'));
  });

  it('forgets an entry whose commit rolled back, and agrees with the ledger after', () => {
    const { store, ledger } = open(join(mkdtempSync(join(tmpdir(), 'cohort-spend-')), 'c.db'));
    newJob(store, ledger, 'job-a');
    newJob(store, ledger, 'job-b');
    runRounds(store, ledger, 'job-a', 0, 4);
    const build = ledger.failedAttempt('job-a', spec, 5, HOSPITALS, weights);
    // The entry is built (and folded in) inside the transaction, which then fails: nothing of it is stored.
    expect(() =>
      store.appendEntry((seq, prev) => {
        build(seq, prev);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(ledger.priorMechanisms('job-a')).toEqual(fullRead(store, 'job-a'));
    // Another job's entry now holds the position the lost one had: still the ledger's figures.
    const lost = ledger.round('job-a', spec, record(5, HOSPITALS));
    expect(() =>
      store.appendEntry((seq, prev) => {
        lost(seq, prev);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    runRounds(store, ledger, 'job-b', 0, 1);
    expect(ledger.priorMechanisms('job-a')).toEqual(fullRead(store, 'job-a'));
    runRounds(store, ledger, 'job-a', 4, 3);
    expect(ledger.priorMechanisms('job-a')).toEqual(fullRead(store, 'job-a'));
    // Rounds 1..7 and round 7's failed attempt; not the lost attempt at round 5.
    expect(fullRead(store, 'job-a').get('h0')).toHaveLength(8);
  });

  it('is rebuilt from the ledger by a restarted coordinator, and continues from there', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-spend-')), 'c.db');
    const first = open(path);
    newJob(first.store, first.ledger, 'job-a');
    runRounds(first.store, first.ledger, 'job-a', 0, 12);
    const before = first.ledger.priorMechanisms('job-a');
    first.store.close();
    opened.splice(opened.indexOf(first.store), 1);
    const again = open(path);
    expect(again.ledger.priorMechanisms('job-a')).toEqual(before);
    runRounds(again.store, again.ledger, 'job-a', 12, 10);
    expect(again.ledger.priorMechanisms('job-a')).toEqual(fullRead(again.store, 'job-a'));
  });

  it('reads no ledger entry once current: a committed round is folded in as it is built', () => {
    const { store, ledger } = open(join(mkdtempSync(join(tmpdir(), 'cohort-spend-')), 'c.db'));
    newJob(store, ledger, 'job-a');
    runRounds(store, ledger, 'job-a', 0, 30);
    ledger.priorMechanisms('job-a');
    const after = vi.spyOn(store, 'ledgerEntriesAfter');
    const ofJob = vi.spyOn(store, 'ledgerEntriesOfJob');
    const rowsRead = () =>
      [...after.mock.results, ...ofJob.mock.results].reduce((n, r) => n + (r.value as unknown[]).length, 0);
    for (const r of [31, 32, 33]) {
      store.commitRound('job-a', record(r, HOSPITALS), ledger.round('job-a', spec, record(r, HOSPITALS)));
      const prior = ledger.priorMechanisms('job-a');
      expect(prior.get('h0')).toHaveLength(r + 4);
    }
    // Without the append at the commit, each read after it would fetch the new entry from the ledger.
    expect(rowsRead()).toBe(0);
    expect(ledger.priorMechanisms('job-a')).toEqual(fullRead(store, 'job-a'));
  });

  it('hands out lists a caller cannot change under it', () => {
    const { store, ledger } = open(join(mkdtempSync(join(tmpdir(), 'cohort-spend-')), 'c.db'));
    newJob(store, ledger, 'job-a');
    runRounds(store, ledger, 'job-a', 0, 2);
    const prior = ledger.priorMechanisms('job-a');
    expect(() => prior.get('h0')!.push(prior.get('h0')![0]!)).toThrow(TypeError);
    prior.delete('h0');
    expect(ledger.priorMechanisms('job-a')).toEqual(fullRead(store, 'job-a'));
  });
});
