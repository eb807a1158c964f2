/**
 * Red-team review: a researcher's spec at the accountant's edge (tiny q, large σ). Where A_α − 1 is below the
 * fractional-order series' rounding, that series gave RDP exactly 0, which converts to ε = 0 at any δ and composes
 * to 0 over any number of steps: a job of this mechanism was priced, and charged, ε = 0 however long it ran, and a
 * hospital's budget admitted such jobs without end. The bounds below are from the mechanism itself, not our code.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ORDERS, composeRdp, rdpSampledGaussian } from '../../../core/privacy/rdp.ts';
import { accountSpend, type Mechanism } from '../../../core/privacy/spend.ts';

const q = 1e-5;
const sigma = 1000;
const sg = (steps: number): Mechanism => ({ kind: 'sampled-gaussian', q, sigma, steps });

/**
 * A lower bound on the total-variation distance of one step, the δ it has at ε = 0: the mixture
 * (1 − q)N(0, σ²) + qN(1, σ²) against N(0, σ²) is q·TV(N(1, σ²), N(0, σ²)) = q·(2Φ(1/2σ) − 1) ≥ q·2x·φ(x), x = 1/2σ.
 */
function oneStepTvLowerBound(): number {
  const x = 1 / (2 * sigma);
  return (q * 2 * x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI);
}

describe('the RDP accountant at tiny q/σ (red-team review)', () => {
  it('one step at δ below its TV distance is charged ε > 0 (ε ≥ log(1 + TV − δ)), by both accountants', () => {
    const delta = 1e-9;
    const tv = oneStepTvLowerBound();
    expect(tv).toBeGreaterThan(3.9e-9);
    // (ε, δ)-DP needs δ ≥ TV − (e^ε − 1), so any valid ε is at least log(1 + TV − δ).
    const least = Math.log1p(tv - delta);
    for (const accountant of ['rdp', 'pld'] as const) {
      const r = accountSpend([sg(1)], delta, accountant);
      expect(r.epsilon, `${accountant}: charged ${r.epsilon} (${r.bound})`).toBeGreaterThanOrEqual(least);
      expect(r.rdp.epsilon).toBeGreaterThanOrEqual(least);
    }
  });

  it('every order of the RDP curve is positive: a run composes to more than nothing', () => {
    const perStep = rdpSampledGaussian(q, sigma, DEFAULT_ORDERS);
    DEFAULT_ORDERS.forEach((alpha, k) => expect(perStep[k]!, `order ${alpha}`).toBeGreaterThan(0));
    // The longest record-level job a spec allows (10^4 rounds of 10^6 steps), in the budget's own composition.
    const job = composeRdp([{ q, sigma, steps: 1e10 }]);
    DEFAULT_ORDERS.forEach((alpha, k) => expect(job[k]!, `order ${alpha}`).toBeGreaterThan(0));
    expect(accountSpend([sg(1e10)], 1e-9, 'rdp').epsilon).toBeGreaterThan(0);
  });

  it('the fractional orders stay an upper bound: within the chord of their integer neighbours, above the series', () => {
    for (const [qq, s] of [
      [q, sigma],
      [0.01, 1],
      [0.3, 5],
    ] as const) {
      const [lo, mid, hi] = rdpSampledGaussian(qq, s, [2, 2.5, 3]);
      // log A is convex in α: (α − 1)·r(α) at 2.5 is at most the average of its values at 2 and 3.
      expect(1.5 * mid!).toBeLessThanOrEqual((lo! + 2 * hi!) / 2 + 1e-15);
      expect(mid!).toBeGreaterThanOrEqual(lo!);
    }
  });
});
