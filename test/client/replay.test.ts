/**
 * A coordinator that replays rounds (malicious, or restored from a backup)
 * gets nothing new: a hospital refuses any round older than one it already
 * trained for the job, so a kept DP output is never re-made uncharged, and
 * refuses a job it saw end, so ending a job and offering it again resets
 * nothing (review finding R2: not the rounds, not the attempt cap). Driven
 * by a scripted fake coordinator speaking the wire protocol.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientDaemon } from '../../client/daemon.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { jobSpecToWire, tensorOf } from '../../proto/codec.ts';
import { fakeCoordinator } from '../helpers/fake-coordinator.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { MAX_ROUND_ATTEMPTS, sessionParams } from '../../core/round/session-params.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('a coordinator replaying rounds', () => {
  it('gets round 1 refused once round 2 was trained, and the hospital is charged once per round', async () => {
    const spec = resolveJob(parseJobSpec(syntheticJob({
      rounds: 3, secureAggregation: { enabled: false },
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
    })), 1);
    const fake = await fakeCoordinator((send) => send({ jobId: 'j', jobOffer: { spec: jobSpecToWire(spec), owner: '' } }));
    cleanups.push(() => fake.close());
    const { got, send } = fake;

    const state = openHospitalState(join(mkdtempSync(join(tmpdir(), 'cohort-replay-')), 'state.db'));
    cleanups.push(() => state.close());
    state.budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    const d = new ClientDaemon({ coordinatorUrl: fake.url, name: 'h', dataset: syntheticDataset(5), identity: ed25519KeyPair(), budget: state.budget, ledger: state.ledger, outputs: state.outputs });
    cleanups.push(() => d.stop());
    d.start();
    await until(() => got.some((e) => e.body === 'joinJob'), 10_000, 'the hospital joining');

    const weights = new Float32Array(4);
    const updates = () => got.filter((e) => e.body === 'update').map((e) => e.round);
    const errors = () => got.filter((e) => e.body === 'error').map((e) => [e.round, e.error?.code]);
    for (const [i, round] of [1, 2, 1, 2].entries()) {
      send({ jobId: 'j', round, roundConfig: { weights: tensorOf(weights), train: true, deadlineUnixMs: Date.now() + 60_000, seed: 1 } });
      await until(() => updates().length + errors().length >= i + 1, 20_000, `an answer to round ${round}`);
    }
    // Round 1 replayed after round 2: refused. Round 2 again: its kept output re-sent, not re-made.
    expect(updates()).toEqual([1, 2, 2]);
    expect(errors()).toEqual([[1, 'E_ROUND_MISMATCH']]);
    const sent = got.filter((e) => e.body === 'update' && e.round === 2).map((e) => Buffer.from(e.update!.delta!.data!).toString('hex'));
    expect(sent[0]).toBe(sent[1]);
    expect(state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1, 2]);
  }, 60_000);
});

describe('a coordinator ending a job and offering it again under the same id (review R2)', () => {
  const names = ['h', 'i', 'j', 'k'];
  const cancel = { kind: 4, reason: 'cancelled' } as const; // JobEvent.Kind.CANCELLED

  /** A hospital with a budget, under a fake coordinator that offers `spec` as job "j" on every Hello. */
  async function hospital(spec: ReturnType<typeof resolveJob>, dir = mkdtempSync(join(tmpdir(), 'cohort-reoffer-'))) {
    const net = simulatedNetwork(names, 'reoffer');
    const offer = { jobId: 'j', jobOffer: { spec: jobSpecToWire(spec), owner: '' } };
    const fake = await fakeCoordinator((send) => send(offer));
    cleanups.push(() => fake.close());
    const state = openHospitalState(join(dir, 'state.db'));
    cleanups.push(() => state.close());
    state.budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
    const d = new ClientDaemon({
      coordinatorUrl: fake.url, name: 'h', dataset: syntheticDataset(5), identity: net.identity('h'), roster: net.chain,
      budget: state.budget, ledger: state.ledger, outputs: state.outputs,
    });
    cleanups.push(() => d.stop());
    /** Why the daemon closed its connections (a round for a job it does not hold is a protocol error). */
    const closed: string[] = [];
    d.on('disconnected', ({ reason }) => closed.push(reason));
    d.start();
    await until(() => fake.got.some((e) => e.body === 'joinJob' || e.body === 'declineJob'), 10_000, 'an answer to the offer');
    const bodies = (round?: number) => fake.got.filter((e) => (round === undefined || e.round === round) && e.body !== 'ledgerReceipt');
    const codes = (round?: number) => bodies(round).map((e) => (e.body === 'error' ? e.error!.code : e.body === 'declineJob' ? e.declineJob!.code : e.body));
    return { net, fake, state, daemon: d, dir, codes, closed, reoffer: () => fake.send(offer) };
  }
  const roundConfig = (round: number, secagg?: object) => ({
    jobId: 'j', round, roundConfig: { weights: tensorOf(new Float32Array(4)), train: true, deadlineUnixMs: Date.now() + 60_000, seed: 1, ...(secagg ? { secagg } : {}) },
  });

  it('record-level DP: round 1 is not trained again with fresh noise; the offer is declined (E_JOB_STATE), also after a restart', async () => {
    const spec = resolveJob(parseJobSpec(syntheticJob({
      rounds: 3, secureAggregation: { enabled: false },
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
    })), 1);
    const h = await hospital(spec);
    h.fake.send(roundConfig(1));
    await until(() => h.codes(1).includes('update'), 30_000, 'round 1 trained');
    h.fake.send({ jobId: 'j', jobEvent: cancel });
    h.reoffer();
    await until(() => h.codes().includes('E_JOB_STATE'), 10_000, 'the re-offer declined');
    h.fake.send(roundConfig(1));
    await until(() => h.closed.includes('E_UNKNOWN_JOB'), 10_000, 'round 1 refused');
    expect(h.codes(1).filter((c) => c === 'update')).toHaveLength(1);
    expect(h.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1]);
    // A restarted daemon forgets what it held in memory; its budget store remembers the job ended.
    await h.daemon.stop();
    h.state.close();
    const again = await hospital(spec, h.dir);
    expect(again.codes()).toContain('E_JOB_STATE');
    expect(again.codes()).not.toContain('joinJob');
    expect(again.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1]);
  }, 90_000);

  it(`secure aggregation: after attempt ${MAX_ROUND_ATTEMPTS} of round 1, the re-offer does not open attempt 1 again (no more seeds per round)`, async () => {
    const spec = resolveJob(parseJobSpec(syntheticJob({
      rounds: 3, minClients: 3, targetClients: 4,
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
    })), names.length);
    const h = await hospital(spec);
    const session = (attempt: number) => {
      const p = sessionParams(spec, { jobId: 'j', round: 1, attempt, participants: names, rosterHash: h.net.head.hashBytes, totalExamples: 4 * 120 });
      return { bits: p.bits, threshold: p.threshold, degree: p.degree, clip: p.clip, participants: [...p.participants], totalExamples: p.totalExamples, attempt, rosterHash: p.rosterHash };
    };
    h.fake.send(roundConfig(1, session(MAX_ROUND_ATTEMPTS)));
    await until(() => h.codes(1).includes('secaggAdvertise'), 30_000, `attempt ${MAX_ROUND_ATTEMPTS} advertised`);
    h.fake.send({ jobId: 'j', jobEvent: cancel });
    h.reoffer();
    await until(() => h.codes().includes('E_JOB_STATE'), 10_000, 'the re-offer declined');
    h.fake.send(roundConfig(1, session(1)));
    await until(() => h.closed.includes('E_UNKNOWN_JOB'), 10_000, 'attempt 1 refused');
    expect(h.codes(1).filter((c) => c === 'secaggAdvertise')).toHaveLength(1);
  }, 90_000);
});
