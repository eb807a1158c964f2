/**
 * The discrete Gaussian mechanism's PLD (core/privacy/discrete-gaussian-pld.ts)
 * against its exact hockey-stick curve, computed here by direct summation:
 * with P = N_Z(0, σ²) and Q = N_Z(1, σ²),
 *   δ(ε) = Σ_z (P(z) − e^ε P(z − 1))₊,
 * normalised by Σ_k e^{−k²/2σ²} summed term by term (smallest first), not by
 * the module's Poisson-summation form. The construction follows dp_accounting's
 * from_discrete_gaussian_mechanism (pessimistic_estimate=True).
 */
import { describe, it, expect } from 'vitest';
import { errorCode } from '../../helpers/errors.ts';
import { discreteGaussianPmf, logDiscreteGaussianNorm } from '../../../core/privacy/discrete-gaussian-pld.ts';
import {
  composeSymmetricPmf,
  DEFAULT_DISCRETIZATION,
  DEFAULT_MAX_BINS,
  pldDelta,
  pldDeltaFor,
  pldEpsilonFor,
  sampledGaussianPld,
  type SampledGaussianPld,
} from '../../../core/privacy/pld.ts';
import { accountSpend, type Mechanism } from '../../../core/privacy/spend.ts';
import { rdpSampledGaussian, DEFAULT_ORDERS } from '../../../core/privacy/rdp.ts';

/** The discrete Gaussian's masses on [−Z, Z], Z = 40σ (beyond it they underflow), normalised by direct summation. */
function masses(sigma: number): { lo: number; p: Float64Array } {
  const z = Math.ceil(40 * sigma);
  const w = new Float64Array(2 * z + 1);
  for (let k = -z; k <= z; k++) w[k + z] = Math.exp(-(k * k) / (2 * sigma * sigma));
  let norm = 0;
  for (let k = z; k >= 1; k--) norm += w[z + k]! + w[z - k]!;
  norm += 1;
  return { lo: -z, p: w.map((v) => v / norm) };
}

/** Exact δ(ε) of P = `p` (on lo..) against P shifted right by `shift`: Σ_s (P(s) − e^ε P(s − shift))₊, small terms first. */
function exactDelta(p: Float64Array, shift: number, epsilon: number): number {
  const terms: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const below = i - shift >= 0 ? p[i - shift]! : 0;
    const t = p[i]! - Math.exp(epsilon) * below;
    if (t > 0) terms.push(t);
  }
  terms.sort((a, b) => a - b);
  return terms.reduce((a, b) => a + b, 0);
}

/** Linear convolution of two pmfs. */
function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j]! += a[i]! * b[j]!;
  return out;
}

const none = (): SampledGaussianPld => sampledGaussianPld({ q: 0, sigma: 1, steps: 0 });
const pldOf = (sigma: number, steps: number): SampledGaussianPld =>
  composeSymmetricPmf(none(), discreteGaussianPmf(sigma, DEFAULT_DISCRETIZATION, DEFAULT_MAX_BINS), steps);

describe('discrete Gaussian PLD', () => {
  it('normalises by Poisson summation as direct summation does', () => {
    for (const sigma of [1, 1.5, 2, 5, 20, 333.3]) {
      const z = Math.ceil(40 * sigma);
      let norm = 0;
      for (let k = z; k >= 1; k--) norm += 2 * Math.exp(-(k * k) / (2 * sigma * sigma));
      expect(logDiscreteGaussianNorm(sigma)).toBeCloseTo(Math.log1p(norm), 13);
    }
  });

  // Each loss is rounded up by less than one grid step Δ, so δ_PLD(ε) ≤ δ_exact(ε − Δ): exact where the losses
  // (1 − 2z)/2σ² lie on the grid (σ = 1, 2, 5 at Δ = 1e-4), within 0.5 % at σ = 20 where half of them lie between.
  const cases: [number, number[]][] = [
    [1, [0, 0.5, 1, 2, 3, 4.5]],
    [2, [0, 0.25, 0.5, 1, 1.5, 2]],
    [5, [0, 0.1, 0.3, 0.5, 0.8]],
    [20, [0, 0.02, 0.05, 0.1, 0.2]],
  ];
  for (const [sigma, epsilons] of cases) {
    it(`bounds the exact δ(ε) from above, tightly, at σ = ${sigma}`, () => {
      const pld = pldOf(sigma, 1);
      const { p } = masses(sigma);
      for (const epsilon of epsilons) {
        const exact = exactDelta(p, 1, epsilon);
        const got = pldDeltaFor(pld, epsilon);
        expect(got).toBeGreaterThanOrEqual(exact * (1 - 1e-12));
        expect(got).toBeLessThanOrEqual(exactDelta(p, 1, epsilon - DEFAULT_DISCRETIZATION) * (1 + 1e-8) + 1e-20);
        expect(got).toBeLessThanOrEqual(exact * (sigma === 20 ? 1.005 : 1 + 1e-8) + 1e-20);
      }
    });
  }

  it('is one PLD for add and remove', () => {
    const pld = pldOf(2, 1);
    expect(pld.add).toBe(pld.remove);
  });

  it('exceeds the continuous Gaussian δ at σ = 1 and 2: the continuous PLD undercharges it', () => {
    for (const [sigma, epsilons] of [
      [1, [1, 2, 3]],
      [2, [1, 1.5, 2]],
    ] as const) {
      const pld = pldOf(sigma, 1);
      for (const epsilon of epsilons)
        expect(pldDeltaFor(pld, epsilon), `σ=${sigma} ε=${epsilon}`).toBeGreaterThan(
          pldDelta({ q: 1, sigma, steps: 1, epsilon }),
        );
    }
    // At the ε the continuous Gaussian charges for δ = 1e-5, the discrete one's exact δ is larger (1.648e-5 at σ = 1,
    // 1.119e-5 at σ = 2); the new charge meets δ = 1e-5, and is within one grid step of the exact ε.
    for (const sigma of [1, 2]) {
      const old = accountSpend([{ kind: 'sampled-gaussian', q: 1, sigma, steps: 1 }], 1e-5, 'pld').epsilon;
      const now = accountSpend([{ kind: 'discrete-gaussian', sigma, steps: 1 }], 1e-5, 'pld');
      const { p } = masses(sigma);
      expect(exactDelta(p, 1, old)).toBeGreaterThan(1.1e-5);
      expect(now.bound).toBe('pld');
      expect(now.epsilon).toBeGreaterThan(old);
      expect(exactDelta(p, 1, now.epsilon)).toBeLessThanOrEqual(1e-5 * (1 + 1e-9));
    }
    for (const sigma of [1, 2, 5, 20]) {
      const now = accountSpend([{ kind: 'discrete-gaussian', sigma, steps: 1 }], 1e-5, 'pld');
      const { p } = masses(sigma);
      expect(exactDelta(p, 1, now.epsilon)).toBeLessThanOrEqual(1e-5 * (1 + 1e-9));
      expect(exactDelta(p, 1, now.epsilon - DEFAULT_DISCRETIZATION)).toBeGreaterThan(1e-5);
    }
  });

  for (const sigma of [1, 2]) {
    it(`composes: two releases match the exact 2-fold δ(ε) at σ = ${sigma}`, () => {
      const { p } = masses(sigma);
      const p2 = convolve(p, p); // the sum of two releases; the neighbour's is it shifted by 2
      const twice = pldOf(sigma, 2);
      const oneThenOne = composeSymmetricPmf(
        pldOf(sigma, 1),
        discreteGaussianPmf(sigma, DEFAULT_DISCRETIZATION, DEFAULT_MAX_BINS),
        1,
      );
      for (const epsilon of [0, 0.5, 1, 2, 3]) {
        const exact = exactDelta(p2, 2, epsilon);
        for (const pld of [twice, oneThenOne]) {
          const got = pldDeltaFor(pld, epsilon);
          expect(got).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
          expect(got).toBeLessThanOrEqual(exact * (1 + 1e-8) + 1e-14);
        }
      }
    });
  }

  it('is charged in accountSpend: RDP α/2σ² a step, PLD composed with sampled-Gaussian runs', () => {
    const dg: Mechanism = { kind: 'discrete-gaussian', sigma: 3, steps: 2 };
    const rdpOnly = accountSpend([dg], 1e-5, 'rdp');
    const gauss = accountSpend([{ kind: 'sampled-gaussian', q: 1, sigma: 3, steps: 2 }], 1e-5, 'rdp');
    expect(rdpOnly.rdp).toEqual(gauss.rdp);
    expect(rdpSampledGaussian(1, 3, DEFAULT_ORDERS)[0]).toBeCloseTo(DEFAULT_ORDERS[0]! / 18, 12);
    // Equal mechanisms merge; split steps cost what summed steps cost.
    const split = accountSpend(
      [
        { kind: 'discrete-gaussian', sigma: 3, steps: 1 },
        { kind: 'discrete-gaussian', sigma: 3, steps: 1 },
      ],
      1e-5,
      'pld',
    );
    expect(split).toEqual(accountSpend([dg], 1e-5, 'pld'));
    // After training, the composed ε is at least either part's and at most their sum.
    const train: Mechanism = { kind: 'sampled-gaussian', q: 0.05, sigma: 1.2, steps: 50 };
    const a = accountSpend([train], 1e-5, 'pld').epsilon;
    const b = accountSpend([{ kind: 'discrete-gaussian', sigma: 20, steps: 1 }], 1e-5, 'pld').epsilon;
    const both = accountSpend([train, { kind: 'discrete-gaussian', sigma: 20, steps: 1 }], 1e-5, 'pld');
    expect(both.pld).not.toBeNull();
    expect(both.epsilon).toBeGreaterThan(Math.max(a, b));
    expect(both.epsilon).toBeLessThan(a + b);
    // The same by hand: compose the training PLD with the discrete Gaussian's.
    const byHand = composeSymmetricPmf(
      sampledGaussianPld({ q: 0.05, sigma: 1.2, steps: 50 }),
      discreteGaussianPmf(20, DEFAULT_DISCRETIZATION, DEFAULT_MAX_BINS),
      1,
    );
    expect(both.pld).toBeCloseTo(pldEpsilonFor(byHand, 1e-5), 9);
    expect(accountSpend([{ kind: 'discrete-gaussian', sigma: 5, steps: 0 }], 1e-5, 'pld').epsilon).toBe(0);
  });

  it('rejects invalid parameters with E_PRIVACY_PARAMS', () => {
    const bad: unknown[] = [
      { kind: 'discrete-gaussian', sigma: 0.5, steps: 1 },
      { kind: 'discrete-gaussian', sigma: Number.NaN, steps: 1 },
      { kind: 'discrete-gaussian', sigma: Infinity, steps: 1 },
      { kind: 'discrete-gaussian', sigma: '2', steps: 1 },
      { kind: 'discrete-gaussian', sigma: 2, steps: 1.5 },
      { kind: 'discrete-gaussian', sigma: 2, steps: -1 },
      { kind: 'discrete-gaussians', sigma: 2, steps: 1 },
    ];
    for (const m of bad) expect(errorCode(() => accountSpend([m as Mechanism], 1e-5, 'pld'))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteGaussianPmf(2, 0, DEFAULT_MAX_BINS))).toBe('E_PRIVACY_PARAMS');
    expect(errorCode(() => discreteGaussianPmf(1, 1e-6, 1000))).toBe('E_PRIVACY_PARAMS');
  });
});
