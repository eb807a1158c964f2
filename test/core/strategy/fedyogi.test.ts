import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../../core/strategy/index.ts';
import { GLOBAL, ROUND1, ROUND2, expectClose, spec } from './fixtures.ts';

// Reddi et al. 2021, Algorithm 2, FedYogi; β1 = β2 = 0.5, τ = 1, η = 0.5, m₋₁ = 0, v₋₁ = τ² = 1.
// v_t = v_{t−1} − 0.5·Δ²·sign(v_{t−1} − Δ²)
describe('FedYogi (Reddi et al. 2021)', () => {
  const yogi = createStrategy(spec('fedyogi'));

  it('round 1 takes every sign branch', () => {
    // Δ₁² = [0.25, 1, 9]; v₀ − Δ₁² = [0.75, 0, −8] → sign [+1, 0, −1]
    // v₁ = [1 − 0.125, 1 − 0, 1 + 4.5]   = [0.875, 1, 5.5]
    // m₁ = 0.5·Δ₁                       = [0.25, −0.5, 1.5]
    // step = 0.5·m₁ / (√v₁ + 1):
    //   0.125 / (0.935414347 + 1) =  0.064585653
    //  −0.25  / 2                 = −0.125
    //   0.75  / (2.345207880 + 1) =  0.224201313
    // w₁ = [1.064585653, 1.875, 3.224201313]
    const out = yogi.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
    expect(Array.from(out.state!.m)).toEqual([0.25, -0.5, 1.5]);
    expect(Array.from(out.state!.v)).toEqual([0.875, 1, 5.5]);
    expectClose(out.weights, [1.064585653, 1.875, 3.224201313]);
  });

  it('round 2 carries the state over, v falling and rising', () => {
    const r1 = yogi.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
    // Δ₂² = [0.25, 4, 1]; v₁ − Δ₂² = [0.625, −3, 4.5] → sign [+1, −1, +1]
    // v₂ = [0.875 − 0.125, 1 + 2, 5.5 − 0.5] = [0.75, 3, 5]
    // m₂ = 0.5·m₁ + 0.5·Δ₂                   = [−0.125, 0.75, 1.25]
    // step = 0.5·m₂ / (√v₂ + 1):
    //  −0.0625 / (0.866025404 + 1) = −0.033493649
    //   0.375  / (1.732050808 + 1) =  0.137259526
    //   0.625  / (2.236067977 + 1) =  0.193135621
    // w₂ = w₁ + step = [1.031092004, 2.012259526, 3.417336934]
    const r2 = yogi.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: r1.state });
    expect(Array.from(r2.state!.m)).toEqual([-0.125, 0.75, 1.25]);
    expect(Array.from(r2.state!.v)).toEqual([0.75, 3, 5]);
    expectClose(r2.weights, [1.031092004, 2.012259526, 3.417336934]);
  });
});
