/**
 * A coordinator that replays rounds (malicious, or restored from a backup)
 * gets nothing new: a hospital refuses any round older than one it already
 * trained for the job, so a kept DP output is never re-made uncharged, and
 * refuses a job it saw end, so ending a job and offering it again resets
 * nothing (review finding R2: not the rounds, not the attempt cap). Driven
 * by a scripted fake coordinator speaking the wire protocol.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { MAX_ROUND_ATTEMPTS } from '../../core/round/session-params.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { hospitalUnderTest, NETWORK } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const recordLevel = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' } as const;
const plainJob = () =>
  resolveJob(parseJobSpec(syntheticJob({ rounds: 3, secureAggregation: { enabled: false }, privacy: recordLevel })), 1);
const cancel = { kind: 4, reason: 'cancelled' } as const; // JobEvent.Kind.CANCELLED

describe('a coordinator replaying rounds', () => {
  it('gets round 1 refused once round 2 was trained, and the hospital is charged once per round', async () => {
    const h = await hospitalUnderTest(plainJob(), { cleanups });
    const updates = () => h.fake.got.filter((e) => e.body === 'update').map((e) => e.round);
    const errors = () => h.fake.got.filter((e) => e.body === 'error').map((e) => [e.round, e.error?.code]);
    for (const [i, round] of [1, 2, 1, 2].entries()) {
      h.round(round);
      await until(() => updates().length + errors().length >= i + 1, 20_000, `an answer to round ${round}`);
    }
    // Round 1 replayed after round 2: refused. Round 2 again: its kept output re-sent, not re-made.
    expect(updates()).toEqual([1, 2, 2]);
    expect(errors()).toEqual([[1, 'E_ROUND_MISMATCH']]);
    const sent = h.fake.got
      .filter((e) => e.body === 'update' && e.round === 2)
      .map((e) => Buffer.from(e.update!.delta!.data!).toString('hex'));
    expect(sent[0]).toBe(sent[1]);
    expect(h.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1, 2]);
  }, 60_000);

  it("gets a training round beyond the job's rounds refused (E_ROUND_MISMATCH), before anything is evaluated or charged", async () => {
    const h = await hospitalUnderTest(plainJob(), { cleanups }); // 3 rounds
    h.round(4);
    await until(() => h.frames(4).length > 0, 20_000, 'an answer to round 4');
    expect(h.frames(4)).toEqual(['error E_ROUND_MISMATCH']);
    expect(h.state.budget.spends('synthetic-v1')).toEqual([]);
  }, 60_000);
});

describe('a coordinator ending a job and offering it again under the same id (review R2)', () => {
  it('record-level DP: round 1 is not trained again with fresh noise; the offer is declined (E_JOB_STATE), also after a restart', async () => {
    const h = await hospitalUnderTest(plainJob(), { cleanups });
    h.round(1);
    await until(() => h.frames(1).includes('update'), 30_000, 'round 1 trained');
    h.fake.send({ jobId: 'job', jobEvent: cancel });
    h.reoffer();
    await until(() => h.frames().includes('declineJob E_JOB_STATE'), 10_000, 'the re-offer declined');
    // A round of the job now is a protocol error: the daemon closes the connection.
    h.round(1);
    await until(() => h.closed.includes('E_UNKNOWN_JOB'), 10_000, 'round 1 refused');
    expect(h.frames(1).filter((c) => c === 'update')).toHaveLength(1);
    expect(h.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1]);
    // A restarted daemon forgets what it held in memory; its budget store remembers the job ended.
    await h.daemon.stop();
    h.state.close();
    const again = await hospitalUnderTest(plainJob(), { cleanups, dir: h.dir });
    expect(again.frames()).toContain('declineJob E_JOB_STATE');
    expect(again.frames()).not.toContain('joinJob');
    expect(again.state.budget.spends('synthetic-v1').map((s) => s.round)).toEqual([1]);
  }, 90_000);

  it(`secure aggregation: after attempt ${MAX_ROUND_ATTEMPTS} of round 1, the re-offer does not open attempt 1 again (no more seeds per round)`, async () => {
    const spec = resolveJob(
      parseJobSpec(syntheticJob({ rounds: 3, minClients: 3, targetClients: 4, privacy: recordLevel })),
      NETWORK.length,
    );
    const h = await hospitalUnderTest(spec, { cleanups });
    h.round(1, h.secagg(1, MAX_ROUND_ATTEMPTS));
    await until(() => h.frames(1).includes('secaggAdvertise'), 30_000, `attempt ${MAX_ROUND_ATTEMPTS} advertised`);
    h.fake.send({ jobId: 'job', jobEvent: cancel });
    h.reoffer();
    await until(() => h.frames().includes('declineJob E_JOB_STATE'), 10_000, 'the re-offer declined');
    h.round(1, h.secagg(1, 1));
    await until(() => h.closed.includes('E_UNKNOWN_JOB'), 10_000, 'attempt 1 refused');
    expect(h.frames(1).filter((c) => c === 'secaggAdvertise')).toHaveLength(1);
  }, 90_000);
});
