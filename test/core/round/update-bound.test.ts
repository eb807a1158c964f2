/**
 * The plaintext update bound (core/round/update-bound.ts; issue 16,
 * finding 2): without secure aggregation an update's L2 norm is bounded by
 * the spec's updateBound.maxNorm and its weight by what its sender declared
 * at join, itself capped by updateBound.maxExamples. An update outside is
 * refused, not clipped: its sender leaves the round, which completes from
 * the others at once, and the weights never see it.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { JobMachine } from '../../../core/round/job.ts';
import { checkDeclaredWeight, checkPlaintextUpdate } from '../../../core/round/update-bound.ts';
import { DEFAULT_MAX_EXAMPLES, DEFAULT_MAX_UPDATE_NORM, parseJobSpec } from '../../../core/job/spec.ts';
import { errorCode } from '../../helpers/errors.ts';
import { of, plainJobInput } from './fixtures.ts';

const base = plainJobInput;
const spec = parseJobSpec(base);
const w0 = new Float32Array([0, 0]);
const upd = (d: number[], n: number, trainLoss = 0.1) => ({
  delta: new Float32Array(d),
  numExamples: n,
  trainLoss,
  steps: 1,
});
/** The CohortError code `f` throws, or 'ok'. */
const code = (f: () => unknown): string => errorCode(f) ?? 'ok';

describe('updateBound in the job spec', () => {
  it('defaults to an L2 bound of 100 and 10^7 examples, and refuses a bound a hospital could not train from', () => {
    expect(spec.updateBound).toEqual({ maxNorm: DEFAULT_MAX_UPDATE_NORM, maxExamples: DEFAULT_MAX_EXAMPLES });
    expect(DEFAULT_MAX_UPDATE_NORM).toBe(100);
    expect(DEFAULT_MAX_EXAMPLES).toBe(10_000_000);
    expect(code(() => parseJobSpec({ ...base, updateBound: { maxNorm: 2e6 } }))).toBe('E_JOB_SPEC');
    expect(code(() => parseJobSpec({ ...base, updateBound: { maxNorm: Infinity } }))).toBe('E_JOB_SPEC');
    expect(code(() => parseJobSpec({ ...base, updateBound: { maxExamples: 2e9 } }))).toBe('E_JOB_SPEC');
    expect(parseJobSpec({ ...base, updateBound: { maxNorm: 5 } }).updateBound).toEqual({
      maxNorm: 5,
      maxExamples: DEFAULT_MAX_EXAMPLES,
    });
  });
});

describe('checkPlaintextUpdate', () => {
  const bounded = parseJobSpec({ ...base, updateBound: { maxNorm: 5 } });

  it('accepts an update at the L2 bound and refuses one above it, whatever its direction', () => {
    expect(code(() => checkPlaintextUpdate(bounded, 10, upd([3, 4], 10)))).toBe('ok');
    expect(code(() => checkPlaintextUpdate(bounded, 10, upd([3, 4.001], 10)))).toBe('E_UPDATE_BOUND');
    // The red team's vector: 3e38 on every coordinate (its norm overflows no float64 sum).
    expect(code(() => checkPlaintextUpdate(spec, 1e9, upd([3e38, 3e38], 1)))).toBe('E_UPDATE_BOUND');
    fc.assert(
      fc.property(
        fc.float({ min: -1e6, max: 1e6, noNaN: true }),
        fc.float({ min: -1e6, max: 1e6, noNaN: true }),
        (a, b) => {
          const inside = Math.hypot(Math.fround(a), Math.fround(b)) <= 5;
          return code(() => checkPlaintextUpdate(bounded, 1, upd([a, b], 1))) === (inside ? 'ok' : 'E_UPDATE_BOUND');
        },
      ),
    );
  });

  it('refuses an update that weighs more than its sender declared at join; a DP job weighs every update 1 whatever it says', () => {
    expect(code(() => checkPlaintextUpdate(spec, 120, upd([0, 0], 120)))).toBe('ok');
    expect(code(() => checkPlaintextUpdate(spec, 120, upd([0, 0], 121)))).toBe('E_UPDATE_BOUND');
    expect(code(() => checkPlaintextUpdate(spec, 120, upd([0, 0], 1e9)))).toBe('E_UPDATE_BOUND');
    const dp = parseJobSpec({
      ...base,
      privacy: { unit: 'record', epsilon: 5, delta: 1e-5, clip: 1, samplingRate: 0.1, noiseMultiplier: 2 },
    });
    expect(code(() => checkPlaintextUpdate(dp, 1, upd([0, 0], 1e9)))).toBe('ok');
  });

  it('refuses a training loss no float32 model reports (its weighted mean would overflow)', () => {
    expect(code(() => checkPlaintextUpdate(spec, 1, upd([0, 0], 1, 3.4e38)))).toBe('ok');
    expect(code(() => checkPlaintextUpdate(spec, 1, upd([0, 0], 1, 1e300)))).toBe('E_UPDATE_RANGE');
  });

  it('caps the weight a hospital may declare at updateBound.maxExamples', () => {
    expect(code(() => checkDeclaredWeight(spec, DEFAULT_MAX_EXAMPLES))).toBe('ok');
    expect(code(() => checkDeclaredWeight(spec, DEFAULT_MAX_EXAMPLES + 1))).toBe('E_UPDATE_BOUND');
  });
});

describe('JobMachine with the plaintext bound', () => {
  const started = () => {
    const m = new JobMachine('j', spec, { completedRounds: 0, weights: w0, serverState: null });
    m.clientJoined('a', 0, { identityKey: null, numTrain: 10 });
    m.clientJoined('b', 0, { identityKey: null, numTrain: 10 });
    m.clientJoined('evil', 0, { identityKey: null, numTrain: 10 });
    return m;
  };

  it('refuses a declared weight over the cap at join, in a job with or without secure aggregation', () => {
    const m = new JobMachine('j', spec, { completedRounds: 0, weights: w0, serverState: null });
    expect(code(() => m.clientJoined('evil', 0, { identityKey: null, numTrain: 1e9 }))).toBe('E_UPDATE_BOUND');
    expect(m.members.size).toBe(0);
    const secure = new JobMachine('j', parseJobSpec({ ...base, secureAggregation: {} }), {
      completedRounds: 0,
      weights: w0,
      serverState: null,
    });
    const key = new Uint8Array(32).fill(7);
    secure.useRoster({ hashBytes: new Uint8Array(32), members: new Map([['evil', key]]) }, 0);
    expect(code(() => secure.clientJoined('evil', 0, { identityKey: key, numTrain: 1e9 }))).toBe('E_UPDATE_BOUND');
    expect(secure.members.size).toBe(0);
  });

  it('drops the sender of an update over the bound from the round; the round completes from the others at once and the weights never see it', () => {
    const m = started();
    m.submitUpdate('a', 1, upd([1, 0], 10), 10);
    m.submitUpdate('b', 1, upd([0, 1], 10), 10);
    const { effects, rejected } = m.submitUpdate('evil', 1, upd([3e38, 3e38], 1e9), 20);
    expect(rejected?.code).toBe('E_UPDATE_BOUND');
    const done = of(effects, 'roundCompleted')[0]!.record; // no wait for the deadline
    expect(done.dropped).toEqual(['evil']);
    expect([...done.weights]).toEqual([0.5, 0.5]);
    // Refused, not recorded: the same sender cannot answer that round again.
    expect(code(() => m.submitUpdate('evil', 1, upd([0, 0], 1), 30))).toBe('E_ROUND_MISMATCH');
    // It stays a member and is invited to the next round.
    expect(m.members.has('evil')).toBe(true);
    expect(m.currentRound?.participants).toContain('evil');
  });

  it('a refused update that leaves too few answers fails the round; the weights stay', () => {
    const m = new JobMachine(
      'j',
      { ...spec, targetClients: 2 },
      { completedRounds: 0, weights: w0, serverState: null },
    );
    m.clientJoined('a', 0, { identityKey: null, numTrain: 10 });
    m.clientJoined('evil', 0, { identityKey: null, numTrain: 10 });
    const { effects, rejected } = m.submitUpdate('evil', 1, upd([200, 0], 10), 10);
    expect(rejected?.code).toBe('E_UPDATE_BOUND');
    expect(of(effects, 'roundFailed')).toHaveLength(1);
    expect([...m.globalWeights]).toEqual([0, 0]);
  });

  it('a protocol error is thrown and changes nothing (not a participant, a duplicate)', () => {
    const m = started();
    expect(code(() => m.submitUpdate('zed', 1, upd([0, 0], 1), 10))).toBe('E_NOT_PARTICIPANT');
    expect(m.submitUpdate('a', 1, upd([0, 0], 1), 10).rejected).toBeNull();
    expect(code(() => m.submitUpdate('a', 1, upd([500, 0], 1), 10))).toBe('E_DUPLICATE_UPDATE');
    expect(m.currentRound?.dropped.size).toBe(0);
  });
});
