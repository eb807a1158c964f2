import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import { randomUint32 } from '../../../core/privacy/random.ts';
import { snapPlan } from '../../../core/privacy/snapped-noise.ts';
import {
  discreteGaussianVector,
  discreteGaussianVectorCks,
  MAX_SIGMA2,
  rationalFromNumber,
  type Rational,
} from '../../../core/privacy/discrete-gaussian.ts';
import {
  acceptanceBracket,
  ceilHalfKSigma,
  karneyPlan,
  karneySample,
  SLACK,
} from '../../../core/privacy/discrete-gaussian-karney.ts';
import {
  fixedMultiplier,
  isqrt,
  MAX_SQUARE_ROOT,
  scaleWord,
  squareTimesFloor,
  SQUARE_TIMES_FLOOR_DEFICIT,
  wordScaler,
} from '../../../core/privacy/exact-int.ts';
import { cdfBounds, halfGaussianIndexFrom, MAX_INDEX } from '../../../core/privacy/half-discrete-gaussian.ts';
import { normalCdf } from '../../helpers/normal.ts';

/*
 * Karney's sampler (discrete-gaussian-karney.ts) and its integer helpers.
 * The helpers are checked against bigint arithmetic on random inputs; the
 * sampler's law against the exact pmf and against CKS20 Algorithm 3 (the
 * previous sampler, discreteGaussianVectorCks). The samplers draw from the
 * CSPRNG and cannot be seeded: each statistical check fails a correct
 * sampler with probability 1e−5 (about 2e−4 for the file), and the power
 * check shows a 5 % error in σ is caught (χ² about 4 times the critical value).
 */

const TWO_32 = 2 ** 32;

/** z for a one-sided 1e−5 tail of N(0, 1), for the Wilson–Hilferty chi-square quantile. */
const Z_1E5 = 4.264891;

/** Upper 1e−5 quantile of χ² with k degrees of freedom (Wilson–Hilferty; relative error below 1 % for k ≥ 3). */
function chiSquareCritical(k: number): number {
  const c = 2 / (9 * k);
  return k * (1 - c + Z_1E5 * Math.sqrt(c)) ** 3;
}

/** z with normalCdf(z) = p, by bisection: only bin edges depend on it, not the bins' probabilities. */
function normalQuantile(p: number): number {
  let lo = -10;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const BINS = 50;

/**
 * Bins of N_Z(0, σ²) with about equal probability: cells (−∞, e_1), [e_1, e_2),
 * …, [e_{B−1}, ∞) for integer edges e_j ≈ σ·z_{j/B}, with their exact
 * probabilities summed from the pmf ∝ exp(−x²/(2σ²)) over |x| ≤ 12σ + 2
 * (beyond is below e^−72). Above σ = 3·10^6, where that sum is too long,
 * Σ_{x<e} pmf(x) is Φ((e − 1/2)/σ) up to O(σ^−2) (Euler–Maclaurin), far
 * below what 10^5 samples resolve.
 */
function pmfBins(sigma2: number): { edges: number[]; probs: number[] } {
  const sigma = Math.sqrt(sigma2);
  const edges: number[] = [];
  for (let j = 1; j < BINS; j++) {
    const e = Math.round(sigma * normalQuantile(j / BINS));
    if (edges.length === 0 || e > edges[edges.length - 1]!) edges.push(e);
  }
  const probs = new Array<number>(edges.length + 1).fill(0);
  if (sigma <= 3e6) {
    const width = Math.ceil(12 * sigma) + 2;
    let cell = 0;
    let z = 0;
    for (let x = -width; x <= width; x++) {
      while (cell < edges.length && x >= edges[cell]!) cell++;
      const w = Math.exp((-x * x) / (2 * sigma2));
      probs[cell]! += w;
      z += w;
    }
    for (let c = 0; c < probs.length; c++) probs[c]! /= z;
  } else {
    let below = 0;
    for (let c = 0; c < edges.length; c++) {
      const at = normalCdf((edges[c]! - 0.5) / sigma);
      probs[c] = at - below;
      below = at;
    }
    probs[edges.length] = 1 - below;
  }
  return { edges, probs };
}

function binCounts(samples: ArrayLike<number>, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    let lo = 0;
    let hi = edges.length; // cell = number of edges ≤ x
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]!++;
  }
  return counts;
}

/** Pearson's chi-square of samples against the binned pmf of N_Z(0, σ²). */
function chiSquareVsPmf(samples: ArrayLike<number>, sigma2: number): { stat: number; df: number; critical: number } {
  const { edges, probs } = pmfBins(sigma2);
  const counts = binCounts(samples, edges);
  const n = samples.length;
  let stat = 0;
  for (let c = 0; c < counts.length; c++) stat += (counts[c]! - n * probs[c]!) ** 2 / (n * probs[c]!);
  const df = counts.length - 1;
  return { stat, df, critical: chiSquareCritical(df) };
}

/** Two-sample chi-square (equal sizes): Σ (O₁ − O₂)²/(O₁ + O₂) over bins, df = bins − 1. */
function chiSquareTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  sigma2: number,
): { stat: number; df: number; critical: number } {
  const { edges } = pmfBins(sigma2);
  const ca = binCounts(a, edges);
  const cb = binCounts(b, edges);
  let stat = 0;
  for (let c = 0; c < ca.length; c++) if (ca[c]! + cb[c]! > 0) stat += (ca[c]! - cb[c]!) ** 2 / (ca[c]! + cb[c]!);
  const df = ca.length - 1;
  return { stat, df, critical: chiSquareCritical(df) };
}

function asNumber(r: Rational): number {
  return Number(r.num) / Number(r.den);
}

function samples(n: number, sigma2: Rational, sampler = discreteGaussianVector): number[] {
  const int32 = sigma2.num <= (1n << 52n) * sigma2.den;
  return int32
    ? Array.from(sampler(n, sigma2, new Int32Array(n)))
    : Array.from(sampler(n, sigma2, new BigInt64Array(n)), Number);
}

/** σ² = s² as snapped-noise.ts builds it: rounded up to a multiple of 2^−32 (so not an integer). */
function dpSigma2(s: number): Rational {
  return rationalFromNumber(s * s * (1 + 2 ** -40), 1n << 32n);
}

const bitLen = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

/** Random σ² = a/b in [1, 2^64]: b of 1 to 100 bits (including 1 and 2^32), a/b spread over the whole range. */
const arbSigma2 = fc
  .tuple(
    fc.oneof(fc.constant(1n), fc.constant(3n), fc.constant(1n << 32n), fc.bigInt({ min: 1n, max: 1n << 100n })),
    fc.integer({ min: 0, max: 63 }),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  )
  .map(([b, e, frac]) => {
    // a ∈ [b·2^e, b·2^(e+1)), so σ² ∈ [2^e, 2^(e+1)) ⊂ [1, 2^64].
    const a = (b << BigInt(e)) + ((b << BigInt(e)) * frac) / (1n << 64n);
    return { a, b };
  });

describe('exact-int.ts against bigint arithmetic', () => {
  it('isqrt is ⌊√n⌋', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 300n }), (n) => {
        const r = isqrt(n);
        return r * r <= n && n < (r + 1n) * (r + 1n);
      }),
      { numRuns: 2000 },
    );
  });

  it('squareTimesFloor is at most 3 below ⌊i²·q/2^F⌋, never above', () => {
    const edges = [0, 1, 2 ** 26 - 1, 2 ** 26, 94_906_265, 94_906_266, 2 ** 32, MAX_SQUARE_ROOT - 1];
    const arbI = fc.oneof(
      fc.constantFrom(...edges),
      fc.bigInt({ min: 0n, max: BigInt(MAX_SQUARE_ROOT) - 1n }).map(Number),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    );
    fc.assert(
      fc.property(
        arbI,
        fc.bigInt({ min: 1n << 51n, max: (1n << 52n) - 1n }),
        fc.integer({ min: 0, max: 60 }),
        (i, q, extra) => {
          const product = BigInt(i) * BigInt(i) * q;
          // The precondition i²q/2^F < 2^53: F ≥ bitLength(i²q) − 53.
          const shift = Math.min(200, Math.max(-200, bitLen(product) - 53 + extra));
          const exact = shift >= 0 ? product >> BigInt(shift) : product << BigInt(-shift);
          if (exact >= 1n << 53n) return true; // outside the precondition (shift capped)
          const x = squareTimesFloor(i, fixedMultiplier(q, shift));
          return Number.isSafeInteger(x) && BigInt(x) <= exact && exact <= BigInt(x + SQUARE_TIMES_FLOOR_DEFICIT);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('scaleWord is ⌊w·m/2^32⌋, or −1 when w·m mod 2^32 < 2^32 mod m (Lemire)', () => {
    const arbM = fc.oneof(
      fc.constantFrom(1, 2, 3, 2 ** 16, 2 ** 16 + 1, 2 ** 31, TWO_32 - 1, TWO_32),
      fc.integer({ min: 1, max: 2 ** 31 - 1 }),
      fc.double({ min: 1, max: TWO_32, noNaN: true }).map(Math.floor),
    );
    const arbW = fc.oneof(
      fc.constantFrom(0, 1, 2 ** 31, TWO_32 - 1),
      fc.double({ min: 0, max: TWO_32 - 1, noNaN: true }).map(Math.floor),
    );
    fc.assert(
      fc.property(arbW, arbM, (w, m) => {
        const product = BigInt(w) * BigInt(m);
        const low = product & 0xffffffffn;
        const want = low < (1n << 32n) % BigInt(m) ? -1 : Number(product >> 32n);
        return scaleWord(w, wordScaler(m)) === want;
      }),
      { numRuns: 20_000 },
    );
  });

  it('maps exactly ⌊2^32/m⌋ words to each j in [0, m), counted over every word near j·2^32/m', () => {
    for (const m of [65_537, 100_003, 2 ** 20 + 7, 123_456_789, 2 ** 31 - 1, 2 ** 31 + 11, TWO_32 - 5]) {
      const s = wordScaler(m);
      for (const j of [0, 1, Math.floor(m / 2), m - 1]) {
        const from = Math.max(0, Math.ceil((j * TWO_32) / m) - 2);
        const to = Math.min(TWO_32 - 1, Math.ceil(((j + 1) * TWO_32) / m) + 2);
        let hits = 0;
        for (let w = from; w <= to; w++) if (scaleWord(w, s) === j) hits++;
        expect(hits, `m = ${m}, j = ${j}`).toBe(Math.floor(TWO_32 / m));
      }
    }
  });

  it('rejects out-of-range helper parameters with E_INTERNAL', () => {
    expect(errorCode(() => fixedMultiplier(1n << 50n, 0))).toBe('E_INTERNAL');
    expect(errorCode(() => fixedMultiplier(1n << 52n, 0))).toBe('E_INTERNAL');
    expect(errorCode(() => fixedMultiplier(1n << 51n, 201))).toBe('E_INTERNAL');
    expect(errorCode(() => wordScaler(0))).toBe('E_INTERNAL');
    expect(errorCode(() => wordScaler(TWO_32 + 1))).toBe('E_INTERNAL');
    expect(errorCode(() => karneyPlan(1n, 2n))).toBe('E_INTERNAL'); // σ² < 1 is Algorithm 3's
    expect(errorCode(() => karneyPlan((1n << 64n) + 1n, 1n))).toBe('E_INTERNAL');
  });
});

describe('half-discrete-gaussian.ts: k with Pr[k] ∝ exp(−k²/8)', () => {
  const float = (() => {
    const w = Array.from({ length: 60 }, (_, k) => Math.exp((-k * k) / 8));
    const z = w.reduceRight((s, v) => s + v, 0);
    let s = 0;
    return w.map((v) => (s += v) / z);
  })();

  it('certified CDF bounds: 2^P·F(k) in [lo, hi], hi − lo ≤ 2, consistent across precisions and with a float reference', () => {
    const all = [32, 64, 96, 256, 1024].map(cdfBounds);
    for (const b of all) {
      const top = 1n << BigInt(b.precision);
      for (let k = 0; k <= MAX_INDEX; k++) {
        expect(b.lo[k]! <= b.hi[k]!).toBe(true);
        expect(b.hi[k]! - b.lo[k]! <= 2n).toBe(true);
        expect(b.hi[k]! <= top).toBe(true);
        if (k > 0) expect(b.lo[k]! >= b.lo[k - 1]! && b.hi[k]! >= b.hi[k - 1]!).toBe(true);
      }
    }
    // The same real lies in every interval: each pair overlaps once scaled to the finer precision.
    for (const coarse of all) {
      for (const fine of all) {
        if (fine.precision <= coarse.precision) continue;
        const s = BigInt(fine.precision - coarse.precision);
        for (let k = 0; k <= MAX_INDEX; k++) {
          expect(coarse.lo[k]! << s <= fine.hi[k]!).toBe(true);
          expect(fine.lo[k]! <= coarse.hi[k]! << s).toBe(true);
        }
      }
    }
    const b32 = all[0]!;
    for (let k = 0; k < 40; k++) expect(Math.abs(Number(b32.lo[k]!) / TWO_32 - float[k]!)).toBeLessThan(1e-9);
  });

  it('returns the least k with U < F(k), with ties at 32 bits settled by further words', () => {
    const b32 = cdfBounds(32);
    const b64 = cdfBounds(64);
    /** The index for the 64-bit prefix W, or undefined if 64 bits do not settle it. */
    const reference = (w: bigint): number | undefined => {
      for (let k = 0; k <= MAX_INDEX; k++) {
        if (w + 1n <= b64.lo[k]!) return k;
        if (w < b64.hi[k]!) return undefined;
      }
      return undefined;
    };
    const arbFirst = fc.oneof(
      fc.double({ min: 0, max: TWO_32 - 1, noNaN: true }).map(Math.floor),
      // Words inside the 32-bit brackets, where the second word decides.
      fc.integer({ min: 0, max: 20 }).map((k) => Number(b32.lo[k]!)),
      fc.constant(TWO_32 - 1),
    );
    fc.assert(
      fc.property(arbFirst, fc.double({ min: 0, max: TWO_32 - 1, noNaN: true }).map(Math.floor), (first, second) => {
        const want = reference((BigInt(first) << 32n) | BigInt(second));
        if (want === undefined) return true;
        let calls = 0;
        const got = halfGaussianIndexFrom(first, () => {
          calls++;
          return calls === 1 ? second : randomUint32();
        });
        return got === want;
      }),
      { numRuns: 5000 },
    );
  });

  it('matches exp(−k²/8)/Z by chi-square', () => {
    const n = 200_000;
    const counts = new Array<number>(MAX_INDEX + 1).fill(0);
    for (let i = 0; i < n; i++) counts[halfGaussianIndexFrom(randomUint32(), randomUint32)]!++;
    // Cells k = 0..7 and k ≥ 8 (expected count ≥ 5 for each).
    const p = float.map((f, k) => f - (k > 0 ? float[k - 1]! : 0));
    let stat = 0;
    for (let k = 0; k < 8; k++) stat += (counts[k]! - n * p[k]!) ** 2 / (n * p[k]!);
    const tail = 1 - float[7]!;
    const tailCount = counts.slice(8).reduce((s, c) => s + c, 0);
    stat += (tailCount - n * tail) ** 2 / (n * tail);
    expect(stat).toBeLessThan(chiSquareCritical(8));
  });
});

describe('discrete-gaussian-karney.ts: plan and bracket against bigint arithmetic', () => {
  it('ceilHalfKSigma(k) is the least i with 4i²·b ≥ k²·a, that is ⌈kσ/2⌉', () => {
    fc.assert(
      fc.property(arbSigma2, fc.integer({ min: 0, max: MAX_INDEX + 1 }), ({ a, b }, k) => {
        const v = BigInt(ceilHalfKSigma(karneyPlan(a, b), k));
        const t = BigInt(k) * BigInt(k) * a;
        return 4n * v * v * b >= t && (v === 0n || 4n * (v - 1n) * (v - 1n) * b < t);
      }),
      { numRuns: 2000 },
    );
  });

  it('the bracket L ≤ V < L + SLACK holds for V = 2^29·(4i²b − k²a)/a on every proposal', () => {
    fc.assert(
      fc.property(
        arbSigma2,
        fc.integer({ min: 0, max: MAX_INDEX }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        ({ a, b }, k, u) => {
          const p = karneyPlan(a, b);
          const from = ceilHalfKSigma(p, k);
          const to = ceilHalfKSigma(p, k + 1); // i < (k+1)σ/2 ⟺ i < ⌈(k+1)σ/2⌉
          if (to <= from) return true;
          const i = from + Math.floor(u * (to - from));
          const l = acceptanceBracket(p, i, k);
          const num = (4n * BigInt(i) * BigInt(i) * b - BigInt(k) * BigInt(k) * a) << 29n; // V·a
          return Number.isSafeInteger(l) && l >= 0 && BigInt(l) * a <= num && num < BigInt(l + SLACK) * a;
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('discrete-gaussian-karney.ts: the law of the samples', () => {
  const n = 100_000;
  const cases: [string, Rational][] = [
    ['1 (the smallest σ² it serves)', { num: 1n, den: 1n }],
    ['7/5', { num: 7n, den: 5n }],
    ['10007/10', { num: 10007n, den: 10n }],
    ['s = 100, σ² over 2^32', dpSigma2(100)],
    ['s = 16,520: the MLP of bench/dpsgd.ts', snapPlan(1, 18_433, 1).sigma2!],
    ['s = 10^6, σ² over 2^32', dpSigma2(1e6)],
    ['(7·2^60·10^6 + 1)/(3·2^60): a 62-bit denominator', { num: 7n * (1n << 60n) * 1_000_000n + 1n, den: 3n << 60n }],
    ['2^62 + 1/3: i² beyond 2^53, three limbs', { num: (3n << 62n) + 1n, den: 3n }],
  ];

  it.each(cases)('matches the exact pmf by chi-square, σ² = %s', (_, sigma2) => {
    const xs = samples(n, sigma2);
    const { stat, df, critical } = chiSquareVsPmf(xs, asNumber(sigma2));
    expect(df).toBeGreaterThanOrEqual(sigma2.num < 2n * sigma2.den ? 4 : 40);
    expect(stat, `χ² = ${stat.toFixed(1)} on ${df} df, critical ${critical.toFixed(1)}`).toBeLessThan(critical);
  });

  it('the binned test has power: s = 10^4 samples fail against s = 1.05·10^4', () => {
    const xs = samples(n, dpSigma2(1e4));
    const { stat, critical } = chiSquareVsPmf(xs, 1.05e4 ** 2);
    expect(stat, `χ² = ${stat.toFixed(1)}, critical ${critical.toFixed(1)}`).toBeGreaterThan(critical);
  });

  it.each([
    ['7/3', { num: 7n, den: 3n }],
    ['s = 16,520 (bench/dpsgd.ts)', snapPlan(1, 18_433, 1).sigma2!],
    ['(7·2^60·10^6 + 1)/(3·2^60)', { num: 7n * (1n << 60n) * 1_000_000n + 1n, den: 3n << 60n }],
  ] as [string, Rational][])('agrees in law with CKS20 Algorithm 3 (two-sample chi-square), σ² = %s', (_, sigma2) => {
    const fast = samples(n, sigma2);
    const old = samples(n, sigma2, discreteGaussianVectorCks);
    const { stat, df, critical } = chiSquareTwoSample(fast, old, asNumber(sigma2));
    expect(stat, `χ² = ${stat.toFixed(1)} on ${df} df, critical ${critical.toFixed(1)}`).toBeLessThan(critical);
  });

  it.each([
    // 2^31 puts the bracket's bottom a whole word low: both the per-word bigint tie and the straddle branch are frequent.
    ['2^31', 2 ** 31],
    // Beyond 2^32 every bracket straddles: every acceptance test runs in bigints (CKS20 Algorithm 1).
    ['2^33', 2 ** 33],
  ])('keeps its law with the bracket widened by %s (the bigint branches)', (_, widen) => {
    for (const sigma2 of [{ num: 7n, den: 3n }, dpSigma2(100)]) {
      const p = karneyPlan(sigma2.num, sigma2.den, widen);
      const xs = Array.from({ length: 30_000 }, () => karneySample(p));
      const { stat, df, critical } = chiSquareVsPmf(xs, asNumber(sigma2));
      expect(stat, `σ² = ${asNumber(sigma2)}: χ² = ${stat.toFixed(1)} on ${df} df`).toBeLessThan(critical);
    }
  });

  it('reaches σ² = MAX_SIGMA2 = 2^64 (BigInt64Array): mean 0 and variance σ²', () => {
    const m = 20_000;
    const xs = Array.from(discreteGaussianVector(m, { num: MAX_SIGMA2, den: 1n }, new BigInt64Array(m)), Number);
    const s2 = 2 ** 64;
    let sum = 0;
    let sq = 0;
    for (const x of xs) {
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / m)).toBeLessThan(5 * Math.sqrt(s2 / m));
    expect(Math.abs(sq / m - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / m));
  });

  it('never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    try {
      discreteGaussianVector(1000, dpSigma2(16_520), new Int32Array(1000));
      discreteGaussianVector(1000, { num: MAX_SIGMA2, den: 1n }, new BigInt64Array(1000));
      const p = karneyPlan(7n, 3n, 2 ** 33);
      for (let i = 0; i < 100; i++) karneySample(p);
      expect(spy).toHaveBeenCalledTimes(0);
    } finally {
      spy.mockRestore();
    }
  });
});
