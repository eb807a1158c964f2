import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import {
  DEFAULT_WRAP_PROBABILITY,
  ddgParams,
  planDdg,
  type DdgConfig,
  type DdgParams,
} from '../../../core/secagg/ddg-params.ts';
import { ddgDecode, ddgEncode } from '../../../core/secagg/ddg-encode.ts';
import { addInto } from '../../../core/secagg/ring.ts';
import { ddgEpsilon, ddgRdp } from '../../../core/privacy/index.ts';
import { norm, seedOf } from './rotation-fixtures.ts';

const BETA = Math.exp(-0.5);

function clipped(x: Float64Array, c: number): Float64Array {
  const n = norm(x);
  return n > c ? x.map((v) => (v * c) / n) : x;
}

/** Encode every client, add in Z_{2^k} as the secure sum would, decode. */
function roundTrip(xs: Float64Array[], p: DdgParams, seed: Uint8Array): Float64Array {
  const acc = new Uint32Array(p.paddedDim);
  for (const x of xs) addInto(acc, ddgEncode(x, p, seed), p.bits);
  return ddgDecode(acc, p, seed);
}

/**
 * The exact integer sum in the rotated domain: the same parameters but reduced
 * mod 2^32, where the centred words are the clients' integers themselves.
 */
function integerSum(xs: Float64Array[], p: DdgParams, seed: Uint8Array): Float64Array {
  const wide = { ...p, bits: 32 };
  const acc = new Uint32Array(p.paddedDim);
  for (const x of xs) addInto(acc, ddgEncode(x, wide, seed), 32);
  return Float64Array.from(acc, (w) => (w >= 2 ** 31 ? w - 2 ** 32 : w));
}

function randomVector(d: number, scale: number): Float64Array {
  return Float64Array.from({ length: d }, () => (Math.random() - 0.5) * scale);
}

describe('ddgParams', () => {
  it('γ is the smallest with t·sqrt(n²c²/L + nσ²)/γ + n ≤ 2^(k−1) − 1, t from η over L coordinates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 10, noNaN: true })),
        fc.integer({ min: 12, max: 32 }),
        (n, d, clip, rel, bits) => {
          const sigma = rel * clip;
          const p = ddgParams({ n, d, clip, sigma, bits, beta: BETA });
          const L = p.paddedDim;
          const t = Math.sqrt(2 * Math.log((2 * L) / DEFAULT_WRAP_PROBABILITY));
          const sd = Math.sqrt((n * n * clip * clip) / L + n * sigma * sigma) / p.gamma;
          expect(t * sd + n).toBeLessThanOrEqual((2 ** (bits - 1) - 1) * (1 + 1e-12));
          expect(t * sd + n).toBeGreaterThanOrEqual((2 ** (bits - 1) - 1) * (1 - 1e-12));
          expect(p.wrapBound).toBeLessThanOrEqual(DEFAULT_WRAP_PROBABILITY * (1 + 1e-9));
          expect(p.noiseStddev).toBeCloseTo(sigma / p.gamma, 9);
          expect(p.maxNormSq).toBeLessThanOrEqual(p.roundedBound ** 2);
          expect(p.maxNormSq).toBeGreaterThan(p.roundedBound ** 2 - 1 - 1e-6 * p.roundedBound ** 2);
          expect(p.mechanism).toEqual({
            clients: n,
            sigma: p.noiseStddev,
            l2Sensitivity: p.l2Sensitivity,
            l1Sensitivity: p.l1Sensitivity,
            dim: L,
          });
          if (sigma > 0) {
            // The sampler's s² is the rational rounded up from σ²/γ², never below what the accountant assumed.
            const { num, den } = p.noiseVariance!;
            expect(Number(num) / Number(den)).toBeGreaterThanOrEqual(p.noiseStddev ** 2 * (1 - 1e-15));
            expect(Number(num) / Number(den)).toBeLessThanOrEqual(p.noiseStddev ** 2 * (1 + 2 ** -19));
          } else expect(p.noiseVariance).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a larger γ is accepted, a smaller one refused; nMin defaults to n', () => {
    const base = { n: 10, d: 1000, clip: 1, sigma: 0.1, bits: 16, beta: BETA };
    const p = ddgParams(base);
    expect(p.nMin).toBe(10);
    expect(ddgParams({ ...base, nMin: 6 }).mechanism.clients).toBe(6);
    const q = ddgParams({ ...base, gamma: 2 * p.gamma });
    expect(q.gamma).toBe(2 * p.gamma);
    expect(q.wrapBound).toBeLessThan(p.wrapBound);
    expect(errorCode(() => ddgParams({ ...base, gamma: p.gamma * 0.999 }))).toBe('E_CONFIG_INVALID');
  });

  it('invalid options give E_CONFIG_INVALID', () => {
    const base: DdgConfig = { n: 10, d: 1000, clip: 1, sigma: 0.1, bits: 16, beta: BETA };
    const cases: Partial<Record<keyof DdgConfig, unknown[]>> = {
      n: [0, 1.5, NaN, -3, 2_000_000],
      nMin: [0, 11, 2.5, NaN],
      d: [0, -1, 1.5, NaN, 2 ** 24 + 1],
      clip: [0, -1, NaN, Infinity],
      sigma: [-1, NaN, Infinity],
      bits: [1, 33, 16.5, NaN],
      beta: [1, -0.1, NaN],
      wrapProbability: [0, 1, NaN],
      gamma: [0, -1, NaN, Infinity],
    };
    for (const [k, values] of Object.entries(cases)) {
      for (const v of values!)
        expect(
          errorCode(() => ddgParams({ ...base, [k]: v })),
          `${k} = ${String(v)}`,
        ).toBe('E_CONFIG_INVALID');
    }
    // Too few bits for the clients' rounding errors alone.
    expect(errorCode(() => ddgParams({ ...base, n: 40, bits: 6 }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => ddgParams(null as unknown as DdgConfig))).toBe('E_CONFIG_INVALID');
  });
});

describe('encode → secure sum → decode', () => {
  it('σ = 0: recovers Σ clip(x_i) within the rounding error', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.constantFrom(12, 16, 24, 32),
        fc.constantFrom(0, BETA),
        (n, d, bits, beta) => {
          const clip = 2;
          const p = ddgParams({ n, d, clip, sigma: 0, bits, beta });
          const seed = seedOf(n + d);
          // Half the clients above the clip, half below.
          const xs = Array.from({ length: n }, (_, i) => randomVector(d, i % 2 ? 10 : 0.01));
          const got = roundTrip(xs, p, seed);
          const want = new Float64Array(d);
          for (const x of xs) clipped(x, clip).forEach((v, j) => (want[j]! += v));
          const err = got.map((v, j) => v - want[j]!);
          // Each client's rounding error is below 1 per rotated coordinate, so the decoded
          // error has norm below n·γ·√L. It is also a sum of n independent errors in (−1, 1)
          // per coordinate, sub-Gaussian with proxy n, so by Hsu, Kakade and Zhang (2012,
          // Thm. 1) ‖err/γ‖² ≤ n(L + 2√(Lτ) + 2τ) except with probability e^−τ (here 2^−30,
          // over the conditioning of conditional rounding at most 1/(1 − β) more). (A bound
          // at 1.5 times the mean norm stood here before; it is exceeded now and then.)
          const L = p.paddedDim;
          const tau = 30 * Math.LN2;
          expect(norm(err)).toBeLessThan(n * p.gamma * Math.sqrt(L));
          expect(norm(err)).toBeLessThan(p.gamma * Math.sqrt(n * (L + 2 * Math.sqrt(L * tau) + 2 * tau)) + 1e-9);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('σ = 0: unbiased, the mean error over repeated encodings tends to 0', () => {
    const p = ddgParams({ n: 1, d: 64, clip: 1, sigma: 0, bits: 8, beta: 0 });
    const x = randomVector(64, 0.2);
    const reps = 2000;
    const mean = new Float64Array(64);
    for (let r = 0; r < reps; r++) roundTrip([x], p, seedOf(5)).forEach((v, j) => (mean[j]! += (v - x[j]!) / reps));
    // Per-coordinate rounding sd ≤ γ/2; 5 standard errors of the mean.
    for (const m of mean) expect(Math.abs(m)).toBeLessThan((5 * p.gamma) / 2 / Math.sqrt(reps));
  });

  it('σ > 0: the decoded sum is Σ clip(x_i) plus noise of standard deviation √n·σ per coordinate', () => {
    const n = 4;
    const d = 1 << 14;
    const sigma = 0.05;
    const p = ddgParams({ n, d, clip: 1, sigma, bits: 20, beta: BETA });
    expect(p.noiseStddev).toBeGreaterThan(20); // rounding variance (≤ 1/4 unit) is < 0.1 % of the noise
    const xs = Array.from({ length: n }, () => randomVector(d, 0.02));
    const got = roundTrip(xs, p, seedOf(9));
    let sum = 0;
    let sumSq = 0;
    for (let j = 0; j < d; j++) {
      let want = 0;
      for (const x of xs) want += clipped(x, 1)[j]!;
      const e = got[j]! - want;
      sum += e;
      sumSq += e * e;
    }
    const mean = sum / d;
    const sd = Math.sqrt(sumSq / d - mean * mean);
    const expected = Math.sqrt(n) * sigma;
    // The sd estimate's relative standard error is 1/√(2d) ≈ 0.55 %; 3 % is over 5 of them.
    expect(Math.abs(sd / expected - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(d));
  });

  it('noise above the int32 sampler limit (s > 2^26, 32 bits) takes the BigInt64Array path with the same law', () => {
    const p = ddgParams({ n: 1, d: 16, clip: 1e-3, sigma: 1, bits: 32, beta: BETA });
    expect(p.noiseStddev).toBeGreaterThan(2 ** 26);
    const x = randomVector(16, 1e-4);
    let sumSq = 0;
    const reps = 50;
    for (let r = 0; r < reps; r++)
      for (const [j, v] of roundTrip([x], p, seedOf(r)).entries()) sumSq += (v - x[j]!) ** 2;
    // 800 samples: the sd's relative standard error is 2.5 %; 15 % is 6 of them.
    expect(Math.abs(Math.sqrt(sumSq / (reps * 16)) - 1)).toBeLessThan(0.15);
  });

  it('conditional rounding holds each rounded vector within the bound the accountant uses', () => {
    for (const beta of [0, 1e-6, BETA, 0.99]) {
      const p = ddgParams({ n: 1, d: 3000, clip: 1, sigma: 0, bits: 12, beta });
      const z = integerSum([randomVector(3000, 100)], p, seedOf(2));
      let sq = 0;
      for (const v of z) sq += v * v;
      expect(sq).toBeLessThanOrEqual(p.maxNormSq);
      expect(Math.sqrt(sq)).toBeLessThanOrEqual(p.l2Sensitivity);
      expect(p.l2Sensitivity).toBeLessThanOrEqual(1 / p.gamma + Math.sqrt(p.paddedDim));
    }
  });

  it('no wrap-around at the chosen γ for extreme but valid inputs', () => {
    const d = 2000;
    const cases: [string, (i: number) => Float64Array][] = [
      // Every client at the clip, all aligned: ‖Σx‖ = n·c, the worst case the headroom is sized for.
      [
        'aligned spikes',
        () => {
          const x = new Float64Array(d);
          x[17] = 1e6; // clipped down to c
          return x;
        },
      ],
      ['aligned flat', () => new Float64Array(d).fill(-1 / Math.sqrt(d))],
      [
        'aligned random direction',
        (() => {
          const x = randomVector(d, 1);
          return () => x;
        })(),
      ],
      ['alternating signs', (i) => new Float64Array(d).fill(i % 2 ? 1 : -1)],
    ];
    for (const [n, bits, rel] of [
      [8, 10, 0.2],
      [50, 14, 1],
      [3, 8, 3],
    ] as const) {
      const clip = 1;
      const p = ddgParams({ n, d, clip, sigma: (rel * clip) / Math.sqrt(n), bits, beta: BETA });
      const half = 2 ** (bits - 1);
      for (const [name, make] of cases) {
        for (let trial = 0; trial < 3; trial++) {
          const seed = seedOf(trial * 31 + n);
          const xs = Array.from({ length: n }, (_, i) => make(i));
          const s = integerSum(xs, p, seed);
          let max = 0;
          for (const v of s) max = Math.max(max, Math.abs(v));
          expect(max, `${name}, n = ${n}, bits = ${bits}`).toBeLessThan(half);
          // Not vacuous: the largest of L coordinates (about 3.3 standard deviations of t ≈ 7.6) uses a good part of the range.
          expect(max).toBeGreaterThan(0.2 * half);
          // …and the modular decode agrees with the exact sum.
          const got = roundTrip(xs, p, seed);
          const want = new Float64Array(d);
          for (const x of xs) clipped(x, clip).forEach((v, j) => (want[j]! += v));
          const err = norm(got.map((v, j) => v - want[j]!));
          expect(err).toBeLessThan(6 * Math.sqrt(n * p.paddedDim) * (p.sigma + p.gamma));
        }
      }
    }
  });
});

describe('planDdg: σ and γ for a privacy target', () => {
  it('meets the target, fits the headroom, and decodes', () => {
    const options = {
      n: 20,
      nMin: 15,
      d: 5000,
      clip: 1,
      bits: 16,
      beta: BETA,
      targetEpsilon: 4,
      delta: 1e-6,
      rounds: 30,
    };
    const p = planDdg(options);
    expect(ddgEpsilon({ ...p.mechanism, rounds: 30, delta: 1e-6 }).epsilon).toBeLessThanOrEqual(4);
    expect(p.mechanism.clients).toBe(15);
    // The headroom holds: ddgParams at the planned σ accepts the planned γ.
    expect(ddgParams({ ...options, sigma: p.sigma, gamma: p.gamma }).gamma).toBe(p.gamma);
    // Slightly less noise misses the target.
    const less = ddgParams({ ...options, sigma: p.sigma * 0.99, gamma: p.gamma });
    expect(ddgEpsilon({ ...less.mechanism, rounds: 30, delta: 1e-6 }).epsilon).toBeGreaterThan(4);
    // Rounding at 16 bits inflates the sensitivity, so σ is above the unrounded Gaussian's need.
    expect(p.l2Sensitivity * p.gamma).toBeGreaterThan(1);
  });

  it('more bits: finer γ, less rounding inflation, less noise', () => {
    const base = { n: 10, d: 1 << 14, clip: 1, beta: BETA, targetEpsilon: 2, delta: 1e-5, rounds: 10 };
    const [a, b] = [14, 20].map((bits) => planDdg({ ...base, bits }));
    expect(b!.gamma).toBeLessThan(a!.gamma);
    expect(b!.sigma).toBeLessThan(a!.sigma);
    expect(b!.l2Sensitivity * b!.gamma).toBeLessThan(a!.l2Sensitivity * a!.gamma);
  });

  it('too few bits for the target gives E_CONFIG_INVALID', () => {
    // At 12 bits the rounding error over 2^14 coordinates (≈ γ√L/2) outgrows the clip before the noise fits.
    expect(
      errorCode(() =>
        planDdg({ n: 10, d: 1 << 14, clip: 1, bits: 12, beta: BETA, targetEpsilon: 2, delta: 1e-5, rounds: 10 }),
      ),
    ).toBe('E_CONFIG_INVALID');
    expect(
      errorCode(() =>
        planDdg({ n: 100, d: 1 << 16, clip: 1, bits: 8, beta: BETA, targetEpsilon: 0.5, delta: 1e-6, rounds: 100 }),
      ),
    ).toBe('E_CONFIG_INVALID');
  });
});

describe('encoder and decoder bad inputs', () => {
  const p = ddgParams({ n: 3, d: 10, clip: 1, sigma: 0.1, bits: 16, beta: BETA });

  it('typed errors', () => {
    const x = new Float64Array(10);
    expect(errorCode(() => ddgEncode(new Float64Array(9), p, seedOf(1)))).toBe('E_UPDATE_LENGTH');
    expect(
      errorCode(() =>
        ddgEncode(
          Float64Array.from({ length: 10 }, (_, i) => (i === 3 ? NaN : 0)),
          p,
          seedOf(1),
        ),
      ),
    ).toBe('E_UPDATE_NONFINITE');
    expect(
      errorCode(() =>
        ddgEncode(
          Float32Array.from({ length: 10 }, (_, i) => (i === 3 ? -Infinity : 0)),
          p,
          seedOf(1),
        ),
      ),
    ).toBe('E_UPDATE_NONFINITE');
    expect(errorCode(() => ddgEncode(x, p, new Uint8Array(16)))).toBe('E_SECAGG_BAD_INPUT');
    expect(errorCode(() => ddgEncode([0] as unknown as Float64Array, p, seedOf(1)))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => ddgEncode(x, {} as DdgParams, seedOf(1)))).toBe('E_CONFIG_INVALID');
    for (const maxTries of [0, 1.5, NaN, 1e9])
      expect(errorCode(() => ddgEncode(x, p, seedOf(1), { maxTries }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => ddgDecode(new Uint32Array(15), p, seedOf(1)))).toBe('E_UPDATE_LENGTH');
    expect(errorCode(() => ddgDecode(new Uint32Array(16).fill(2 ** 16), p, seedOf(1)))).toBe('E_UPDATE_RANGE');
    expect(errorCode(() => ddgDecode(new Uint32Array(16), p, seedOf(0).subarray(1)))).toBe('E_SECAGG_BAD_INPUT');
  });

  it('a rounding bound no draw can meet gives E_PRIVACY_ROUNDING after maxTries', () => {
    const impossible = { ...p, maxNormSq: 0 };
    expect(
      errorCode(() =>
        ddgEncode(
          Float64Array.from({ length: 10 }, () => 0.3),
          impossible,
          seedOf(1),
          { maxTries: 3 },
        ),
      ),
    ).toBe('E_PRIVACY_ROUNDING');
  });

  it('the accountant refuses a noise level Prop. 14 does not cover', () => {
    const weak = ddgParams({ n: 3, d: 10, clip: 1, sigma: 1e-9, bits: 16, beta: BETA });
    expect(weak.noiseStddev).toBeLessThan(0.5);
    expect(errorCode(() => ddgRdp(weak.mechanism))).toBe('E_PRIVACY_PARAMS');
  });
});
