import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { dequantizeSum, quantize, quantizeInPlace, scaleFor, type QuantParams } from '../../../core/secagg/quantize.ts';
import { addInto } from '../../../core/secagg/ring.ts';

const code = errorCode;

/** Rounding always up (u = 0) or never up (u just below 1): the two extremes of randomised rounding. */
const ALWAYS_UP = (): number => 0;
const NEVER_UP = (): number => 1 - 2 ** -53;

/** Valid parameters: any k and n, with c at most the largest clip that leaves s ≥ 1. */
const paramsArb: fc.Arbitrary<QuantParams> = fc
  .record({
    bits: fc.integer({ min: 8, max: 32 }),
    maxClients: fc.integer({ min: 1, max: 50 }),
    frac: fc.double({ min: 0.001, max: 1, noNaN: true }),
  })
  .filter(({ bits, maxClients }) => (2 ** (bits - 1) - 1) / maxClients - 1 >= 1)
  .map(({ bits, maxClients, frac }) => ({
    bits,
    maxClients,
    clip: Math.fround(frac * ((2 ** (bits - 1) - 1) / maxClients - 1)),
  }))
  .filter((p) => p.clip > 0 && (2 ** (p.bits - 1) - 1) / p.maxClients - 1 >= p.clip);

function sumOf(vs: Uint32Array[], bits: number): Uint32Array {
  const acc = new Uint32Array(vs[0]!.length);
  for (const v of vs) addInto(acc, v, bits);
  return acc;
}

describe('scaleFor', () => {
  it('is the largest integer s with n·(c·s + 1) ≤ 2^(k−1) − 1', () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        const s = scaleFor(p);
        const limit = 2 ** (p.bits - 1) - 1;
        expect(Number.isInteger(s) && s >= 1).toBe(true);
        expect(p.maxClients * (p.clip * s + 1)).toBeLessThanOrEqual(limit);
        expect(p.maxClients * (p.clip * (s + 1) + 1)).toBeGreaterThan(limit);
      }),
    );
  });

  it('matches a worked example: k = 16, n = 100, c = 10 → s = floor((32767/100 − 1)/10) = 32', () => {
    expect(scaleFor({ bits: 16, maxClients: 100, clip: 10 })).toBe(32);
  });

  it('rejects parameters without headroom or out of range', () => {
    expect(code(() => scaleFor({ bits: 8, maxClients: 100, clip: 1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 16, maxClients: 1, clip: 40_000 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 1, maxClients: 1, clip: 1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 33, maxClients: 1, clip: 1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 0, clip: 1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 1.5, clip: 1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 4, clip: 0 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 4, clip: -1 }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 4, clip: Number.NaN }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 4, clip: Infinity }))).toBe('E_CONFIG_INVALID');
    expect(code(() => scaleFor({ bits: 32, maxClients: 4, clip: 1e-300 }))).toBe('E_CONFIG_INVALID');
  });
});

describe('quantize / dequantizeSum', () => {
  it('the decoded sum of n encodings is within n/s of the true sum, per coordinate', () => {
    fc.assert(
      fc.property(
        paramsArb.chain((p) =>
          fc.integer({ min: 1, max: 40 }).chain((d) =>
            fc.record({
              p: fc.constant(p),
              xs: fc.array(fc.float32Array({ minLength: d, maxLength: d, min: -p.clip, max: p.clip, noNaN: true }), {
                minLength: 1,
                maxLength: p.maxClients,
              }),
            }),
          ),
        ),
        ({ p, xs }) => {
          const s = scaleFor(p);
          const decoded = dequantizeSum(
            sumOf(
              xs.map((x) => quantize(x, p)),
              p.bits,
            ),
            p,
          );
          // Each client's rounding error is < 1/s; the float products add far less than the slack here.
          const bound = (xs.length / s) * (1 + 1e-9);
          for (let i = 0; i < decoded.length; i++) {
            const truth = xs.reduce((acc, x) => acc + x[i]!, 0);
            if (!(Math.abs(decoded[i]! - truth) <= bound))
              expect.fail(`coordinate ${i}: ${decoded[i]} vs ${truth}, bound ${bound}`);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never wraps at the extremes: n inputs of +c (rounded up) and of −c (rounded down)', () => {
    fc.assert(
      fc.property(paramsArb, (p) => {
        const s = scaleFor(p);
        const c = p.clip;
        const n = p.maxClients;
        const up = dequantizeSum(
          sumOf(
            Array.from({ length: n }, () => quantize(Float32Array.of(c, c), p, ALWAYS_UP)),
            p.bits,
          ),
          p,
        );
        const down = dequantizeSum(
          sumOf(
            Array.from({ length: n }, () => quantize(Float32Array.of(-c, -c), p, NEVER_UP)),
            p.bits,
          ),
          p,
        );
        for (const v of up) expect(Math.abs(v - n * c)).toBeLessThanOrEqual((n / s) * (1 + 1e-9));
        for (const v of down) expect(Math.abs(v + n * c)).toBeLessThanOrEqual((n / s) * (1 + 1e-9));
      }),
      { numRuns: 300 },
    );
  });

  it('survives the tightest case, k = 32 and c·s not an integer, at the top of the signed range', () => {
    const p = { bits: 32, maxClients: 3, clip: 1.3 };
    const s = scaleFor(p);
    const q = quantize(Float32Array.of(Math.fround(1.3)), p, ALWAYS_UP);
    const sum = sumOf([q, q, q], 32);
    expect(sum[0]!).toBeLessThan(2 ** 31);
    expect(dequantizeSum(sum, p)[0]!).toBeCloseTo(3 * 1.3, 4);
    expect(3 * (1.3 * s + 1)).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it("encodes negatives as two's complement mod 2^k", () => {
    const p = { bits: 16, maxClients: 1, clip: 1 };
    const s = scaleFor(p);
    const [w] = quantize(Float32Array.of(-1), p);
    expect(w).toBe(2 ** 16 - s);
    const p32 = { bits: 32, maxClients: 1, clip: 1 };
    expect(quantize(Float32Array.of(-1), p32)[0]).toBe(2 ** 32 - scaleFor(p32));
  });

  it('clips values beyond ±c', () => {
    const p = { bits: 24, maxClients: 4, clip: 2 };
    const s = scaleFor(p);
    const q = quantize(Float32Array.of(5, -1e30, 2, 3.0000001, -2.5), p);
    const decoded = dequantizeSum(q, p);
    expect(Array.from(decoded)).toEqual([2, -2, 2, 2, -2]);
    expect(Math.abs(decoded[0]! * s)).toBe(2 * s);
  });

  it('keeps every encoded word below 2^k', () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.float32Array({ minLength: 1, maxLength: 64, noNaN: true, noDefaultInfinity: true }),
        (p, x) => {
          const limit = 2 ** p.bits;
          for (const w of quantize(x, p)) expect(w).toBeLessThan(limit);
        },
      ),
    );
  });

  it('rounds without bias: the mean of many encodings of 0.3/s is 0.3 (in units of 1/s)', () => {
    const p = { bits: 32, maxClients: 10, clip: 1 };
    const s = scaleFor(p);
    const x = Math.fround(0.3 / s);
    const trials = 40_000;
    const q = quantize(new Float32Array(trials).fill(x), p);
    const decoded = dequantizeSum(q, p);
    let mean = 0;
    for (const v of decoded) mean += v * s;
    mean /= trials;
    // Bernoulli(0.3): σ of the mean = sqrt(0.21 / 40000) ≈ 0.0023; allow 6σ.
    expect(Math.abs(mean - x * s)).toBeLessThan(0.014);
    // Both neighbours occur: the rounding is random, not nearest.
    expect(new Set(decoded).size).toBe(2);
  });

  it('uses the injected rng: u < frac rounds up, otherwise down', () => {
    const p = { bits: 16, maxClients: 1, clip: 1 };
    const s = scaleFor(p);
    const x = Float32Array.of(Math.fround(2.25 / s));
    const v = x[0]! * s;
    expect(quantize(x, p, ALWAYS_UP)[0]).toBe(Math.floor(v) + 1);
    expect(quantize(x, p, NEVER_UP)[0]).toBe(Math.floor(v));
  });

  it('rejects NaN and infinities with E_UPDATE_NONFINITE', () => {
    const p = { bits: 32, maxClients: 4, clip: 1 };
    expect(code(() => quantize(Float32Array.of(0, Number.NaN), p))).toBe('E_UPDATE_NONFINITE');
    expect(code(() => quantize(Float32Array.of(Infinity), p))).toBe('E_UPDATE_NONFINITE');
    expect(code(() => quantize(Float32Array.of(-Infinity, 0), p))).toBe('E_UPDATE_NONFINITE');
  });

  it('dequantizeSum rejects words outside Z_2^k', () => {
    const p = { bits: 16, maxClients: 4, clip: 1 };
    expect(code(() => dequantizeSum(Uint32Array.of(0, 2 ** 16), p))).toBe('E_UPDATE_RANGE');
  });

  it('encodes an empty vector to an empty vector', () => {
    expect(quantize(new Float32Array(0), { bits: 32, maxClients: 1, clip: 1 }).length).toBe(0);
  });

  it('quantizeInPlace gives the words quantize gives, written over x', () => {
    fc.assert(
      fc.property(
        paramsArb,
        fc.float32Array({ noNaN: true, noDefaultInfinity: true, minLength: 1, maxLength: 64 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 64, maxLength: 64 }),
        (p, xs, us) => {
          const draw = () => {
            let i = 0;
            return () => us[i++ % us.length]!;
          };
          const expected = quantize(xs, p, draw());
          // A scratch copy inside a larger buffer, at a non-zero offset, as a caller's view may be.
          const scratch = new Float32Array(xs.length + 2);
          const x = scratch.subarray(1, 1 + xs.length);
          x.set(xs);
          const q = quantizeInPlace(x, p, draw());
          expect(q.buffer).toBe(scratch.buffer);
          expect(q.byteOffset).toBe(x.byteOffset);
          expect([...q]).toEqual([...expected]);
        },
      ),
    );
  });
});
