/**
 * FedAdam (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2,
 * the FedAdam line): v_t = β2 v_{t-1} + (1 − β2) Δ_t².
 */
import { createAdaptive, type AdaptiveParams } from './adaptive.ts';
import type { ServerStep } from './types.ts';

export function createFedAdam(p: AdaptiveParams): ServerStep {
  return createAdaptive('fedadam', p, (vPrev, deltaSq, beta2) => beta2 * vPrev + (1 - beta2) * deltaSq);
}
