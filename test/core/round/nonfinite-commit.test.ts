/**
 * Non-finite weights are never committed (issue 16, finding 2): a round
 * whose aggregate (new weights or server-optimiser state) is not finite
 * fails with E_AGGREGATE_NONFINITE, no roundCompleted effect goes out, the
 * previous weights and state stay, and after MAX_ROUND_ATTEMPTS the job
 * fails. A machine is never resumed from a state it could not have
 * committed.
 */
import { describe, it, expect } from 'vitest';
import { JobMachine, MAX_ROUND_ATTEMPTS } from '../../../core/round/job.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { errorCode } from '../../helpers/errors.ts';
import { of, plainJobInput } from './fixtures.ts';

/** One hospital, five plaintext rounds, each starting as soon as it joins. */
const base = { ...plainJobInput, rounds: 5, minClients: 1, targetClients: 1, joinWaitMs: 0 };
const upd = (d: number[]) => ({ delta: new Float32Array(d), numExamples: 1, trainLoss: 0.1, steps: 1 });
/** The CohortError code `f` throws, or 'ok'. */
const code = (f: () => unknown): string => errorCode(f) ?? 'ok';

describe('the commit check', () => {
  // FedAdam with the smallest τ the spec allows: v starts at τ² (0 in float32), a tiny delta leaves it 0 in float32,
  // and the next round's step η·m/(√v + τ) is ~10^273: Infinity as float32. Every update is within the bound.
  const adam = parseJobSpec({ ...base, strategy: { name: 'fedadam', tau: 1e-300 } });

  it('fails a round whose aggregate is not finite; the weights and server state stay, and the job fails after MAX_ROUND_ATTEMPTS', () => {
    const m = new JobMachine('j', adam, { completedRounds: 0, weights: new Float32Array([0, 0]), serverState: null });
    m.clientJoined('a', 0);
    const first = of(m.submitUpdate('a', 1, upd([1e-25, 0]), 1).effects, 'roundCompleted')[0]!.record;
    expect(first.weights.every(Number.isFinite)).toBe(true);
    const weights = [...m.globalWeights];
    let now = 2;
    for (let attempt = 1; attempt <= MAX_ROUND_ATTEMPTS; attempt++) {
      const fx = m.submitUpdate('a', 2, upd([0, 0]), now++).effects;
      expect(of(fx, 'roundCompleted')).toHaveLength(0);
      expect(of(fx, 'roundFailed')[0]).toMatchObject({ round: 2, attempt, code: 'E_AGGREGATE_NONFINITE' });
      expect([...m.globalWeights]).toEqual(weights);
      expect(m.completedRounds).toBe(1);
      if (attempt === MAX_ROUND_ATTEMPTS)
        expect(of(fx, 'status')[0]).toMatchObject({
          status: 'failed',
          reason: expect.stringMatching(/not committed: aggregated weight 0 is Infinity/),
        });
    }
    expect(m.status).toBe('failed');
  });

  it('the same rounds commit under FedAvg (the check refuses nothing finite)', () => {
    const m = new JobMachine('j', parseJobSpec(base), {
      completedRounds: 0,
      weights: new Float32Array([0, 0]),
      serverState: null,
    });
    m.clientJoined('a', 0);
    expect(of(m.submitUpdate('a', 1, upd([1e-25, 0]), 1).effects, 'roundCompleted')).toHaveLength(1);
    expect(of(m.submitUpdate('a', 2, upd([0, 0]), 2).effects, 'roundCompleted')).toHaveLength(1);
  });

  it('refuses to resume from weights or a server state it could not have committed', () => {
    const spec = parseJobSpec(base);
    const resume = (weights: number[], m?: number[], v?: number[]) =>
      code(
        () =>
          new JobMachine('j', spec, {
            completedRounds: 1,
            weights: new Float32Array(weights),
            serverState: m && v ? { m: new Float32Array(m), v: new Float32Array(v) } : null,
          }),
      );
    expect(resume([0, 0])).toBe('ok');
    expect(resume([Infinity, 0])).toBe('E_AGGREGATE_NONFINITE');
    expect(resume([Number.NaN, 0])).toBe('E_AGGREGATE_NONFINITE');
    expect(resume([0, 0, 0])).toBe('E_UPDATE_LENGTH');
    expect(resume([0, 0], [0, Infinity], [0, 0])).toBe('E_AGGREGATE_NONFINITE');
    expect(resume([0, 0], [0, 0], [0, -1])).toBe('E_AGGREGATE_NONFINITE');
    expect(resume([0, 0], [0], [0])).toBe('E_UPDATE_LENGTH');
  });
});
