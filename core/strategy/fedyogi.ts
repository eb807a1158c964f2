/**
 * FedYogi (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2,
 * the FedYogi line, after Zaheer et al. 2018):
 * v_t = v_{t-1} − (1 − β2) Δ_t² sign(v_{t-1} − Δ_t²).
 * Unlike Adam, v moves towards Δ² by an additive step rather than a
 * multiplicative one, so a burst of large deltas raises v only gradually;
 * sign(0) = 0 leaves v unchanged.
 */
import { createAdaptive, type AdaptiveParams } from './adaptive.ts';
import type { ServerStep } from './types.ts';

export function createFedYogi(p: AdaptiveParams): ServerStep {
  return createAdaptive(
    'fedyogi',
    p,
    (vPrev, deltaSq, beta2) => vPrev - (1 - beta2) * deltaSq * Math.sign(vPrev - deltaSq),
  );
}
