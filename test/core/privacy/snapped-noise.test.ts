import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianNoise } from '../../../core/privacy/gaussian.ts';
import {
  GRID_FACTOR,
  MAX_GRID_SIGMA,
  MAX_SENSITIVITY_INFLATION,
  privatizeSum,
  snapPlan,
} from '../../../core/privacy/snapped-noise.ts';
import { seededRng } from '../../../core/rng.ts';
import { errorCode } from '../../helpers/errors.ts';

/** x/γ is an integer (γ a power of two, so the division is exact). */
function onGrid(x: number, gamma: number): boolean {
  return Number.isInteger(x / gamma);
}

function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

describe('snapPlan', () => {
  it('γ is a power of two with clip/γ in [G√d, 2G√d); the sensitivity inflation is at most the declared factor', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (clip, d, sigma) => {
          const p = snapPlan(clip, d, sigma);
          expect(Number.isInteger(Math.log2(p.gamma))).toBe(true);
          const cells = clip / p.gamma;
          expect(cells).toBeGreaterThanOrEqual(GRID_FACTOR * Math.sqrt(d));
          expect(cells).toBeLessThan(2 * GRID_FACTOR * Math.sqrt(d));
          expect(p.sensitivity).toBeGreaterThanOrEqual(cells + Math.sqrt(d));
          expect(p.sensitivity * p.gamma).toBeLessThanOrEqual(clip * MAX_SENSITIVITY_INFLATION * (1 + 1e-12));
          expect(p.gridSigma).toBeGreaterThanOrEqual(sigma * p.sensitivity);
          // σ² is an exact rational at least s², so never less noise than accounted for.
          expect(Number(p.sigma2!.num) / Number(p.sigma2!.den)).toBeGreaterThanOrEqual(p.gridSigma * p.gridSigma);
          expect(p.std).toBeLessThanOrEqual(sigma * clip * MAX_SENSITIVITY_INFLATION * (1 + 1e-12));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses invalid parameters and noise beyond the exact sampler with E_PRIVACY_PARAMS', () => {
    for (const [clip, d, sigma] of [
      [0, 10, 1],
      [-1, 10, 1],
      [NaN, 10, 1],
      [Infinity, 10, 1],
      [1e-300, 10, 1],
      [1, 0, 1],
      [1, 1.5, 1],
      [1, 2 ** 28, 1],
      [1, 10, -1],
      [1, 10, NaN],
      [1, 10, Infinity],
      [1, 10_000, MAX_GRID_SIGMA / 10_000],
    ] as const) {
      expect(
        errorCode(() => snapPlan(clip, d, sigma)),
        `${clip}, ${d}, ${sigma}`,
      ).toBe('E_PRIVACY_PARAMS');
    }
    expect(snapPlan(1, 10, 0).sigma2).toBeNull();
  });
});

describe('privatizeSum', () => {
  it('every output is on the public γ grid', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 64 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (sum, clip, sigma) => {
          const { gamma } = snapPlan(clip, sum.length, sigma);
          const out = privatizeSum(sum, clip, sigma);
          expect(out.length).toBe(sum.length);
          for (const v of out) expect(onGrid(v, gamma)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('without noise it is the snapped sum round(sum/γ)·γ; it writes to `out` and leaves `sum` alone', () => {
    const sum = Float32Array.of(0.3, -1.7, 2.25, 0, 1e-9);
    const copy = sum.slice();
    const out = new Float64Array(8).fill(7);
    const { gamma } = snapPlan(1, 5, 0);
    expect(privatizeSum(sum, 1, 0, out)).toBe(out);
    for (let i = 0; i < 5; i++) expect(out[i]).toBe(Math.round(sum[i]! / gamma) * gamma);
    expect(out[5]).toBe(7);
    expect(sum).toEqual(copy);
  });

  it('has std noiseMultiplier·Δ₂·γ and mean 0 per coordinate', () => {
    const d = 20_000;
    for (const [clip, sigma] of [
      [1, 1],
      [0.1, 3],
    ] as const) {
      const plan = snapPlan(clip, d, sigma);
      const out = privatizeSum(new Float64Array(d), clip, sigma);
      let s = 0;
      let sq = 0;
      for (const v of out) {
        s += v;
        sq += v * v;
      }
      const mean = s / d;
      const std = Math.sqrt(sq / d - mean * mean);
      // Relative standard error of a sample std: 1/√(2d) = 0.5 %; 3 % is 6 of them.
      expect(Math.abs(std / plan.std - 1)).toBeLessThan(0.03);
      expect(Math.abs(mean)).toBeLessThan((6 * plan.std) / Math.sqrt(d));
      // The discrete noise std against the continuous mechanism's σ·C: up by at most the declared factor.
      expect(plan.std / (sigma * clip)).toBeGreaterThanOrEqual(1);
      expect(plan.std / (sigma * clip)).toBeLessThanOrEqual(MAX_SENSITIVITY_INFLATION);
    }
  });

  it('sensitivity: ‖round((a+g)/γ) − round(a/γ)‖₂ ≤ Δ₂ whenever ‖g‖₂ ≤ clip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.boolean(),
        (d, clip, seed, adversarial) => {
          const rng = seededRng(seed);
          const { gamma, sensitivity } = snapPlan(clip, d, 1);
          // Adversarial a sits just below a rounding boundary, and g pushes each coordinate across the next one.
          const a = Float64Array.from({ length: d }, () => {
            const m = Math.floor(rng.float() * 2000) - 1000;
            return adversarial ? (m + 0.5 - 1e-9) * gamma : (rng.float() * 2000 - 1000) * gamma;
          });
          const dir = Float64Array.from({ length: d }, () => (adversarial ? 1 : rng.float() * 2 - 1));
          const scale = (clip * (adversarial ? 1 : rng.float())) / (l2(dir) || 1);
          const g = dir.map((v) => v * scale);
          const shift = a.map((v, i) => Math.round((v + g[i]!) / gamma) - Math.round(v / gamma));
          expect(l2(shift)).toBeLessThanOrEqual(sensitivity);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses a non-finite or out-of-range sum and a bad `out` with E_PRIVACY_PARAMS', () => {
    for (const bad of [NaN, Infinity, -Infinity])
      expect(errorCode(() => privatizeSum([0, bad], 1, 1))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => privatizeSum([1e300], 1, 1))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => privatizeSum([], 1, 1))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => privatizeSum([1, 2], 1, 1, new Float64Array(1)))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => privatizeSum([1, 2], 1, 1, new Float32Array(2) as unknown as Float64Array))).toBe(
      'E_PRIVACY_PARAMS',
    );
    expect(errorCode(() => privatizeSum(null as unknown as number[], 1, 1))).toBe('E_PRIVACY_PARAMS');
  });
});

describe('floating-point porosity (Mironov, CCS 2012): the old float32 path leaks, the snapped one does not', () => {
  // Two neighbouring one-coordinate sums, a = 0 and a' = 0.5, clip 1, noise multiplier 1.
  // Distinguisher: an output y with |y| < 1/4 that is not a multiple of 2^−26. From a' such an
  // output is impossible in the old path: y = fl32(0.5 + fl32(z)) with z ∈ (−3/4, −1/4), where
  // fl32(z) is a multiple of 2^−26 and so is the exact sum. From a it happens whenever
  // |z| < 1/8 lands on a finer float32 (about 5 % of draws).
  const N = 20_000;
  const reveals = (y: number) => Math.abs(y) < 0.25 && !Number.isInteger(y * 2 ** 26);

  function oldPath(a: number): number[] {
    const z = gaussianNoise(N, 1, new Float32Array(N));
    return Array.from(z, (v) => Math.fround(Math.fround(a) + v));
  }

  function newPath(a: number): number[] {
    return Array.from({ length: N / 1000 }, () =>
      Array.from(privatizeSum(new Float64Array(1000).fill(a), 1, 1)),
    ).flat();
  }

  it('old float32 Box–Muller path: the low bits tell the neighbours apart', () => {
    const from0 = oldPath(0).filter(reveals).length;
    const fromHalf = oldPath(0.5).filter(reveals).length;
    expect(fromHalf).toBe(0);
    expect(from0).toBeGreaterThan(N / 50); // ≈ N/20 expected; N/50 is > 15 sd below
  });

  it('snapped discrete path: every output from either neighbour is on the public grid, with the same support structure', () => {
    // d = 1000 per call (as DP-SGD's sums are vectors): the grid depends only on (clip, d).
    const { gamma } = snapPlan(1, 1000, 1);
    const outputs = [newPath(0), newPath(0.5)];
    for (const ys of outputs) {
      for (const y of ys) expect(onGrid(y, gamma)).toBe(true);
      // The distinguisher finds nothing: γ = 2^−12 here, so every output is a multiple of 2^−26.
      expect(ys.filter(reveals).length).toBe(0);
      // Both cover every residue class of the grid index modulo 16: the representation carries k + Z and nothing else.
      const residues = new Set(ys.map((y) => (((y / gamma) % 16) + 16) % 16));
      expect(residues.size).toBe(16);
    }
  });
});
