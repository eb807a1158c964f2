import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { decodeSum, encodeInput, quantParams, EXTRA_WORDS } from '../../../core/secagg/input.ts';
import { dequantizeSum } from '../../../core/secagg/quantize.ts';
import { openSession, type Session } from '../../../core/secagg/session.ts';
import { addInto } from '../../../core/secagg/ring.ts';

function session(bits: number, d: number, participants = ['a', 'b', 'c']): Session {
  return openSession({
    jobId: 'j',
    round: 1,
    attempt: 1,
    bits,
    threshold: 2,
    degree: participants.length - 1,
    clip: 10,
    participants,
    totalExamples: 1000,
    vectorLength: d + EXTRA_WORDS,
    rosterHash: new Uint8Array(32),
  });
}

/** decodeSum as it was written before it decoded in one pass: the whole sum dequantized, then divided by its weight. */
function reference(s: Session, sum: Uint32Array) {
  const total = dequantizeSum(sum, quantParams(s));
  const d = s.vectorLength - EXTRA_WORDS;
  const weight = total[d]!;
  return {
    meanDelta: Float64Array.from(total.subarray(0, d), (v) => v / weight),
    weight,
    trainLoss: total[d + 1]! / weight,
  };
}

describe('decodeSum', () => {
  it('gives, bit for bit, the dequantized sum divided by its weight', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 32 }),
        fc.array(
          fc.record({
            delta: fc.float32Array({ noNaN: true, noDefaultInfinity: true, minLength: 5, maxLength: 5 }),
            examples: fc.integer({ min: 1, max: 1000 }),
            loss: fc.double({ min: 0, max: 5, noNaN: true }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        (bits, clients) => {
          const s = session(bits, 5);
          const sum = new Uint32Array(s.vectorLength);
          for (const c of clients) addInto(sum, encodeInput(s, c.delta, c.examples, c.loss), bits);
          expect(decodeSum(s, sum)).toEqual(reference(s, sum));
        },
      ),
    );
  });

  it('refuses a word outside Z_2^k (E_UPDATE_RANGE) and a sum without examples (E_ROUND_FAILED)', () => {
    const s = session(16, 2);
    expect(errorCode(() => decodeSum(s, Uint32Array.of(0, 2 ** 16, 1, 0)))).toBe('E_UPDATE_RANGE');
    expect(errorCode(() => decodeSum(s, Uint32Array.of(0, 0, 1, 2 ** 16)))).toBe('E_UPDATE_RANGE');
    expect(errorCode(() => decodeSum(s, Uint32Array.of(3, 4, 0, 0)))).toBe('E_ROUND_FAILED');
    // A negative weight (a word in the upper half) carries no examples either.
    expect(errorCode(() => decodeSum(s, Uint32Array.of(3, 4, 2 ** 15, 0)))).toBe('E_ROUND_FAILED');
  });
});
