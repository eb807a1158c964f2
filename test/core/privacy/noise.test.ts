import { describe, it, expect, vi } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import {
  randomBigIntBelow,
  randomBit,
  randomBits,
  randomIntBelow,
  randomUint32,
  randomUint53,
  randomUniform,
} from '../../../core/privacy/random.ts';
import { gaussianNoise } from '../../../core/privacy/gaussian.ts';
import { normalCdf } from '../../helpers/normal.ts';
import {
  MAX_SIGMA2,
  bernoulliExp,
  discreteGaussian,
  discreteGaussianVector,
  discreteLaplace,
  rationalFromNumber,
  type Rational,
} from '../../../core/privacy/discrete-gaussian.ts';

/*
 * The samplers draw from the CSPRNG, so these tests cannot be seeded. Each
 * statistical check is set so that a correct sampler fails it rarely: mean and
 * variance at 5 standard errors (two-sided 6e−7), chi-square at 1e−5, and KS
 * at 0.001 as asked; the whole file fails spuriously about once in 1,000 runs,
 * almost all of it from the KS test. A wrong sampler fails by a wide margin
 * (the power checks below show a 12 % error in σ² is caught).
 */

/** Samples below which a chi-square cell is pooled into the tails: the usual "expected count ≥ 5" rule. */
const MIN_EXPECTED = 5;
/** z for a one-sided 1e−5 tail of N(0, 1), used in the Wilson–Hilferty chi-square quantile. */
const Z_1E5 = 4.264891;

/**
 * Upper 1e−5 quantile of χ² with k degrees of freedom, by Wilson and
 * Hilferty's cube-root approximation (J. Am. Stat. Assoc., 1931; relative
 * error below 1 % for k ≥ 3, far inside the margin a wrong sampler misses by).
 */
function chiSquareCritical(k: number): number {
  const c = 2 / (9 * k);
  return k * (1 - c + Z_1E5 * Math.sqrt(c)) ** 3;
}

/**
 * Pearson's chi-square of integer samples against a symmetric pmf (given up
 * to normalisation, summed over |x| ≤ width). Cells: each x in [−L, L] on its
 * own, plus the two tails x < −L and x > L, where L is the largest value
 * leaving every cell an expected count ≥ 5. Degrees of freedom: cells − 1
 * (no parameter is estimated). Returns the statistic and its critical value.
 */
function chiSquare(
  samples: ArrayLike<number>,
  weight: (x: number) => number,
  width: number,
): { stat: number; df: number; critical: number } {
  const n = samples.length;
  let z = 0;
  for (let x = -width; x <= width; x++) z += weight(x);
  const p = (x: number) => weight(x) / z;
  const tailAbove = (l: number) => {
    let s = 0;
    for (let x = l + 1; x <= width; x++) s += p(x);
    return s;
  };
  let l = 0;
  while (n * p(l + 1) >= MIN_EXPECTED && n * tailAbove(l + 1) >= MIN_EXPECTED) l++;
  const observed = new Map<number, number>();
  let below = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    if (x < -l) below++;
    else if (x > l) above++;
    else observed.set(x, (observed.get(x) ?? 0) + 1);
  }
  const tail = tailAbove(l); // symmetric: the same for x < −L
  let stat = (below - n * tail) ** 2 / (n * tail) + (above - n * tail) ** 2 / (n * tail);
  for (let x = -l; x <= l; x++) {
    const e = n * p(x);
    stat += ((observed.get(x) ?? 0) - e) ** 2 / e;
  }
  const df = 2 * l + 2;
  return { stat, df, critical: chiSquareCritical(df) };
}

/** Discrete Gaussian weight exp(−x²/(2σ²)) and support half-width (40σ: the rest is below e^−800). */
function dgWeight(sigma2: number): [(x: number) => number, number] {
  return [(x) => Math.exp((-x * x) / (2 * sigma2)), Math.ceil(40 * Math.sqrt(sigma2)) + 2];
}

/** Exact variance and fourth moment of N_Z(0, σ²) by direct summation over |x| ≤ 40σ + 2. */
function dgMoments(sigma2: number): { variance: number; fourth: number } {
  const [w, width] = dgWeight(sigma2);
  let z = 0;
  let m2 = 0;
  let m4 = 0;
  for (let x = width; x >= 1; x--) {
    // small terms first, for accuracy
    const v = w(x);
    z += 2 * v;
    m2 += 2 * x * x * v;
    m4 += 2 * x ** 4 * v;
  }
  z += 1;
  return { variance: m2 / z, fourth: m4 / z };
}

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    ss += xs[i]! * xs[i]!;
  }
  return { mean: s / xs.length, variance: ss / xs.length };
}

const r = (num: bigint, den: bigint): Rational => ({ num, den });

describe('random.ts: CSPRNG helpers', () => {
  it('randomIntBelow is uniform, including where plain reduction would be biased', () => {
    // 2^32 mod 3·2^30 = 2^30: reducing a word would put half the mass below 2^30 instead of a third.
    for (const n of [3 * 2 ** 30, 3 * 2 ** 40]) {
      const trials = 30_000;
      let low = 0;
      for (let i = 0; i < trials; i++) {
        const x = randomIntBelow(n);
        expect(Number.isInteger(x) && x >= 0 && x < n).toBe(true);
        if (x < n / 3) low++;
      }
      expect(Math.abs(low / trials - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / trials));
    }
  });

  it('randomBigIntBelow is uniform', () => {
    const n = 3n << 70n;
    const trials = 30_000;
    let low = 0;
    for (let i = 0; i < trials; i++) {
      const x = randomBigIntBelow(n);
      expect(x >= 0n && x < n).toBe(true);
      if (x < 1n << 70n) low++;
    }
    expect(Math.abs(low / trials - 1 / 3)).toBeLessThan(5 * Math.sqrt(2 / 9 / trials));
  });

  it('randomUniform lies in (0, 1), has mean 1/2 and uses all 53 bits', () => {
    const trials = 100_000;
    let s = 0;
    let odd = 0;
    for (let i = 0; i < trials; i++) {
      const u = randomUniform();
      expect(u > 0 && u < 1).toBe(true);
      s += u;
      odd += (u * 2 ** 53) % 2; // the lowest of the 53 bits
    }
    expect(Math.abs(s / trials - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / trials));
    expect(Math.abs(odd / trials - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / trials));
  });

  it('property: outputs stay in range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const x = randomIntBelow(n);
        return Number.isInteger(x) && x >= 0 && x < n;
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 300n }), (n) => {
        const x = randomBigIntBelow(n);
        return x >= 0n && x < n;
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (k) => {
        const x = randomBits(k);
        return x >= 0n && x < 1n << BigInt(k);
      }),
    );
    for (let i = 0; i < 1000; i++) {
      const w = randomUint53();
      expect(Number.isSafeInteger(w) && w >= 0).toBe(true);
      expect(randomUint32() >>> 0).toBeLessThan(2 ** 32);
      expect([0, 1]).toContain(randomBit());
    }
  });

  it('rejects invalid bounds with E_PRIVACY_PARAMS', () => {
    for (const n of [0, -1, 1.5, NaN, 2 ** 53 + 2])
      expect(
        errorCode(() => randomIntBelow(n)),
        String(n),
      ).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => randomBigIntBelow(0n))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => randomBigIntBelow(5 as unknown as bigint))).toBe('E_PRIVACY_PARAMS');
    for (const k of [-1, 0.5, 2 ** 21])
      expect(
        errorCode(() => randomBits(k)),
        String(k),
      ).toBe('E_PRIVACY_PARAMS');
  });
});

describe('gaussian.ts: continuous Gaussian noise', () => {
  const n = 100_000;
  const sigma = 2.5;
  const xs = gaussianNoise(n, sigma);

  it('has mean 0 and variance σ² within 5 standard errors', () => {
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(n));
    // Var of the sample second moment of N(0, σ²) is 2σ⁴/n.
    expect(Math.abs(variance - sigma ** 2)).toBeLessThan(5 * sigma ** 2 * Math.sqrt(2 / n));
  });

  it('passes Kolmogorov–Smirnov against the normal CDF at α = 0.001', () => {
    const sorted = Float64Array.from(xs).sort();
    let d = 0;
    for (let i = 0; i < n; i++) {
      const f = normalCdf(sorted[i]! / sigma);
      d = Math.max(d, (i + 1) / n - f, f - i / n);
    }
    // Asymptotic Kolmogorov critical value: sqrt(−ln(α/2)/2)/√n = 1.9495/√n for α = 0.001.
    expect(d).toBeLessThan(1.9495 / Math.sqrt(n));
  });

  it('fills a given Float32Array (first n entries) and returns it', () => {
    const out = new Float32Array(10_001).fill(7);
    expect(gaussianNoise(10_000, 3, out)).toBe(out);
    expect(out[10_000]).toBe(7);
    const { variance } = moments(out.subarray(0, 10_000));
    expect(Math.abs(variance - 9)).toBeLessThan(5 * 9 * Math.sqrt(2 / 10_000));
    expect(gaussianNoise(0, 1).length).toBe(0);
    expect(gaussianNoise(3, 1).length).toBe(3); // odd n: the last pair's second value is dropped
  });

  it('rejects σ ≤ 0, NaN, ∞ and bad lengths with E_PRIVACY_PARAMS', () => {
    for (const s of [0, -1, NaN, Infinity, '1' as unknown as number]) {
      expect(
        errorCode(() => gaussianNoise(4, s)),
        String(s),
      ).toBe('E_PRIVACY_PARAMS');
    }
    for (const len of [-1, 1.5, NaN])
      expect(
        errorCode(() => gaussianNoise(len, 1)),
        String(len),
      ).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => gaussianNoise(5, 1, new Float64Array(4)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => gaussianNoise(5, 1, [0, 0, 0, 0, 0] as unknown as Float64Array))).toBe('E_PRIVACY_PARAMS');
  });
});

describe('discrete-gaussian.ts: Algorithm 1, Bernoulli(exp(−γ))', () => {
  it('is always 1 for γ = 0', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 1n << 200n }), (den) => bernoulliExp(r(0n, den))));
  });

  it.each([
    ['1/3', r(1n, 3n)],
    ['1', r(1n, 1n)],
    ['3/2', r(3n, 2n)],
    ['7/3', r(7n, 3n)],
    ['3', r(3n, 1n)],
    // Denominators above 2^53 take the bigint path.
    ['(2^100 + 1)/2^100', r((1n << 100n) + 1n, 1n << 100n)],
    ['(5·2^90 + 1)/2^91', r(5n * (1n << 90n) + 1n, 1n << 91n)],
  ])('frequency matches exp(−γ) for γ = %s', (_, gamma) => {
    const trials = 20_000;
    const p = Math.exp(-Number(gamma.num) / Number(gamma.den));
    let ones = 0;
    for (let i = 0; i < trials; i++) if (bernoulliExp(gamma)) ones++;
    expect(Math.abs(ones / trials - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / trials));
  });
});

describe('discrete-gaussian.ts: Algorithm 2, discrete Laplace', () => {
  it.each([
    ['2', r(2n, 1n)],
    ['3/2 (s = 2: floor division)', r(3n, 2n)],
  ])('matches the pmf ∝ exp(−|x|/b) by chi-square, b = %s', (_, scale) => {
    const b = Number(scale.num) / Number(scale.den);
    const xs = Array.from({ length: 20_000 }, () => discreteLaplace(scale));
    const { stat, critical, df } = chiSquare(xs, (x) => Math.exp(-Math.abs(x) / b), Math.ceil(60 * b));
    expect(df).toBeGreaterThan(8);
    expect(stat, `χ² = ${stat.toFixed(1)} on ${df} df`).toBeLessThan(critical);
  });
});

describe('discrete-gaussian.ts: Algorithm 3, discrete Gaussian', () => {
  const n = 20_000;
  const cases: [string, Rational, number][] = [
    ['4', r(4n, 1n), 4],
    ['7/3', r(7n, 3n), 7 / 3],
    ['1/4', r(1n, 4n), 1 / 4],
    // D = 2abt² > 2^53: the bigint acceptance path; σ² differs from 7/3 by 2^−60/3.
    ['(7·2^60 + 1)/(3·2^60)', r(7n * (1n << 60n) + 1n, 3n << 60n), 7 / 3],
  ];

  describe.each(cases)('σ² = %s', (_, sigma2, s2) => {
    const xs = discreteGaussianVector(n, sigma2, new Int32Array(n));

    it('matches the exact pmf ∝ exp(−x²/(2σ²)) by chi-square', () => {
      const [w, width] = dgWeight(s2);
      const { stat, critical, df } = chiSquare(xs, w, width);
      expect(df).toBeGreaterThanOrEqual(s2 < 1 ? 4 : 10);
      expect(stat, `χ² = ${stat.toFixed(1)} on ${df} df, critical ${critical.toFixed(1)}`).toBeLessThan(critical);
    });

    it('is symmetric, with mean 0 and the exact variance (below σ²)', () => {
      let pos = 0;
      let neg = 0;
      for (const x of xs) {
        if (x > 0) pos++;
        else if (x < 0) neg++;
      }
      expect(Math.abs(pos - neg)).toBeLessThan(5 * Math.sqrt(pos + neg)); // sign test: Binomial(pos + neg, 1/2)
      const exact = dgMoments(s2);
      const { mean, variance } = moments(xs);
      expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(exact.variance / n));
      expect(Math.abs(variance - exact.variance)).toBeLessThan(5 * Math.sqrt((exact.fourth - exact.variance ** 2) / n));
      expect(exact.variance).toBeLessThanOrEqual(s2); // strictly below, but by less than an ulp of σ² here (next test)
    });
  });

  it('the exact variance is below σ² as CKS show, matching their Poisson-summation identity', () => {
    // discretegauss.py `variance` (CKS arXiv:2004.00010v3, Lemma 20): Var(σ²) = σ²·(1 − 4π²σ²·Var(1/(4π²σ²))),
    // so σ² − Var(σ²) = 4π²σ⁴·Var(1/(4π²σ²)) > 0: about 2e−7 at σ² = 1, 4e−18 at 7/3, 6e−32 at 4.
    for (const s2 of [0.25, 0.5, 1, 7 / 3, 4]) {
      const v = dgMoments(s2).variance;
      const gap = 4 * Math.PI ** 2 * s2 ** 2 * dgMoments(1 / (4 * Math.PI ** 2 * s2)).variance;
      expect(Math.abs(v - (s2 - gap))).toBeLessThan(1e-12 * s2);
      expect(gap).toBeGreaterThan(0);
      if (s2 <= 1) expect(v).toBeLessThan(s2); // above, the gap is below a double's resolution of σ²
    }
    // At σ² = 1/4 the gap is large: Var ≈ 0.2150.
    expect(dgMoments(0.25).variance).toBeCloseTo(0.215, 3);
  });

  it('the chi-square test has power: σ² = 4 samples fail against σ² = 4.5', () => {
    const xs = discreteGaussianVector(n, r(4n, 1n), new Int32Array(n));
    const [w, width] = dgWeight(4.5);
    const { stat, critical } = chiSquare(xs, w, width);
    expect(stat).toBeGreaterThan(critical);
  });

  it('handles large σ² into a BigInt64Array (bigint path): mean and variance', () => {
    const s2 = 2 ** 40;
    const out = discreteGaussianVector(n, r(1n << 40n, 1n), new BigInt64Array(n));
    const xs = Array.from(out, Number);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(s2 / n));
    expect(Math.abs(variance - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / n));
  });

  it('discreteGaussian returns safe integers; rationalFromNumber rounds σ² up exactly', () => {
    for (let i = 0; i < 100; i++) expect(Number.isSafeInteger(discreteGaussian(r(10n, 1n)))).toBe(true);
    expect(rationalFromNumber(0.1, 10n)).toEqual({ num: 2n, den: 10n }); // the double 0.1 is just above 1/10
    expect(rationalFromNumber(0.5, 4n)).toEqual({ num: 2n, den: 4n });
    expect(rationalFromNumber(3, 1)).toEqual({ num: 3n, den: 1n });
    // x = k·2^−j exactly, so ⌈x·den⌉ = ⌈k·den/2^j⌉ can be checked in bigint arithmetic.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: -80, max: 80 }),
        fc.bigInt({ min: 1n, max: 1n << 100n }),
        (k, j, den) => {
          const x = k * 2 ** -j;
          const want =
            j >= 0 ? (BigInt(k) * den + (1n << BigInt(j)) - 1n) >> BigInt(j) : (BigInt(k) * den) << BigInt(-j);
          const got = rationalFromNumber(x, den);
          return got.num === want && got.den === den;
        },
      ),
    );
  });

  it('rejects invalid parameters with E_PRIVACY_PARAMS', () => {
    const bad: unknown[] = [
      r(0n, 1n),
      r(-1n, 1n),
      r(1n, 0n),
      r(1n, -3n),
      { num: 1, den: 1 },
      null,
      4,
      r(MAX_SIGMA2 + 1n, 1n),
      r(1n << 300n, 3n),
    ];
    for (const s of bad) {
      expect(
        errorCode(() => discreteGaussian(s as Rational)),
        String(s),
      ).toBe('E_PRIVACY_PARAMS');
      expect(
        errorCode(() => discreteGaussianVector(2, s as Rational, new Int32Array(2))),
        String(s),
      ).toBe('E_PRIVACY_PARAMS');
    }
    expect(errorCode(() => discreteGaussianVector(2, r((1n << 52n) + 1n, 1n), new Int32Array(2)))).toBe(
      'E_PRIVACY_PARAMS',
    );
    expect(errorCode(() => discreteGaussianVector(2, r((1n << 52n) + 1n, 1n), new BigInt64Array(2)))).toBeUndefined();
    expect(errorCode(() => discreteGaussianVector(3, r(4n, 1n), new Int32Array(2)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteGaussianVector(-1, r(4n, 1n), new Int32Array(2)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteGaussianVector(2, r(4n, 1n), new Float64Array(2) as unknown as Int32Array))).toBe(
      'E_PRIVACY_PARAMS',
    );
    expect(errorCode(() => bernoulliExp(r(-1n, 2n)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteLaplace(r(0n, 1n)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteLaplace(r((1n << 36n) + 1n, 1n)))).toBe('E_PRIVACY_PARAMS');
    for (const x of [NaN, -1, Infinity])
      expect(
        errorCode(() => rationalFromNumber(x, 10n)),
        String(x),
      ).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => rationalFromNumber(1, 0n))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => rationalFromNumber(1, 1.5))).toBe('E_PRIVACY_PARAMS');
  });
});

describe('randomness source', () => {
  it('never calls Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    try {
      randomUint32();
      randomUint53();
      randomUniform();
      randomBit();
      randomIntBelow(10);
      randomIntBelow(2 ** 40);
      randomBits(100);
      randomBigIntBelow(1n << 80n);
      gaussianNoise(1000, 1);
      gaussianNoise(1000, 1, new Float32Array(1000));
      bernoulliExp(r(7n, 3n));
      discreteLaplace(r(3n, 2n));
      discreteGaussian(r(7n, 3n));
      discreteGaussianVector(1000, r(4n, 1n), new Int32Array(1000));
      discreteGaussianVector(1000, r(7n * (1n << 60n) + 1n, 3n << 60n), new BigInt64Array(1000));
      expect(spy).toHaveBeenCalledTimes(0);
    } finally {
      spy.mockRestore();
    }
  });
});
