import { describe, expect, it } from 'vitest';
import { createStrategy, decodeServerState, encodeServerState } from '../../../core/strategy/index.ts';
import { GLOBAL, ROUND1, ROUND2, itMatchesTwoRounds, spec, thrownCode } from './fixtures.ts';

// Reddi et al. 2021, Algorithm 2, FedAdam; β1 = β2 = 0.5, τ = 1, η = 0.5, m₋₁ = 0, v₋₁ = τ² = 1.
describe('FedAdam (Reddi et al. 2021)', () => {
  itMatchesTwoRounds('fedadam', {
    // Δ₁ = [0.5, −1, 3], Δ₁² = [0.25, 1, 9]
    // m₁ = 0.5·0 + 0.5·Δ₁           = [0.25, −0.5, 1.5]
    // v₁ = 0.5·1 + 0.5·Δ₁²          = [0.625, 1, 5]
    // step = 0.5·m₁ / (√v₁ + 1):
    //   0.125 / (0.790569415 + 1) =  0.069810195
    //  −0.25  / (1 + 1)           = −0.125
    //   0.75  / (2.236067977 + 1) =  0.231762746
    // w₁ = [1, 2, 3] + step = [1.069810195, 1.875, 3.231762746]
    round1: { m: [0.25, -0.5, 1.5], v: [0.625, 1, 5], weights: [1.069810195, 1.875, 3.231762746] },
    // Δ₂ = [−0.5, 2, 1], Δ₂² = [0.25, 4, 1]
    // m₂ = 0.5·[0.25, −0.5, 1.5] + 0.5·Δ₂   = [−0.125, 0.75, 1.25]
    // v₂ = 0.5·[0.625, 1, 5] + 0.5·Δ₂²      = [0.4375, 2.5, 3]
    // step = 0.5·m₂ / (√v₂ + 1):
    //  −0.0625 / (0.661437828 + 1) = −0.037618019
    //   0.375  / (1.581138830 + 1) =  0.145284708
    //   0.625  / (1.732050808 + 1) =  0.228765877
    // w₂ = w₁ + step = [1.032192176, 2.020284708, 3.460528623]
    round2: { m: [-0.125, 0.75, 1.25], v: [0.4375, 2.5, 3], weights: [1.032192176, 2.020284708, 3.460528623] },
  });

  const adam = createStrategy(spec('fedadam'));

  it('persisting the state between rounds changes nothing', () => {
    const r1 = adam.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
    const r2 = adam.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: r1.state });
    const restored = decodeServerState(encodeServerState(r1.state!), 3, 'fedadam');
    const again = adam.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: restored });
    expect(again.weights).toEqual(r2.weights);
    expect(again.state).toEqual(r2.state);
  });

  it('rejects a state of the wrong size', () => {
    const state = { m: new Float32Array(2), v: new Float32Array(2) };
    expect(thrownCode(() => adam.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state }))).toBe(
      'E_STORE',
    );
  });
});
