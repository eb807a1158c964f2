/**
 * The adaptive server optimisers of Reddi et al. 2021, "Adaptive Federated
 * Optimization" (ICLR), Algorithm 2 (FedAdagrad / FedYogi / FedAdam):
 *
 *   m_t     = β1 m_{t-1} + (1 − β1) Δ_t
 *   v_t     = rule(v_{t-1}, Δ_t²)                 (Adam or Yogi, per coordinate)
 *   w_{t+1} = w_t + η m_t / (√v_t + τ)
 *
 * with no bias correction: the paper has none. Δ_t is the example-weighted
 * mean of client deltas (as in Flower's FedAdam/FedYogi); Algorithm 2 writes an
 * unweighted mean over the sampled clients, which is the same when every
 * client holds the same number of examples.
 */
import type { StrategyName } from '../job/spec.ts';
import { checkLength } from './mean.ts';
import { checkStateShape } from './state.ts';
import type { AggregateOutput, ServerState, ServerStep, StepInput } from './types.ts';

export interface AdaptiveParams {
  serverLearningRate: number;
  beta1: number;
  beta2: number;
  tau: number;
}

/** The second-moment update v_t from v_{t-1} and Δ_t² for one coordinate. */
export type SecondMomentRule = (vPrev: number, deltaSq: number, beta2: number) => number;

export function createAdaptive(name: StrategyName, p: AdaptiveParams, rule: SecondMomentRule): ServerStep {
  const { serverLearningRate: eta, beta1, beta2, tau } = p;
  return {
    name,
    step({ global, meanDelta: delta, state }: StepInput): AggregateOutput {
      const d = global.length;
      checkLength(delta, d);
      const prev = state ?? initialState(d, tau);
      checkStateShape(name, prev, d);
      const pv = prev.v!; // checkStateShape: an adaptive strategy's state holds v
      const m = new Float32Array(d);
      const v = new Float32Array(d);
      const weights = new Float32Array(d);
      for (let j = 0; j < d; j++) {
        const dj = delta[j]!;
        const mj = beta1 * prev.m[j]! + (1 - beta1) * dj;
        const vj = rule(pv[j]!, dj * dj, beta2);
        m[j] = mj;
        v[j] = vj;
        weights[j] = global[j]! + (eta * mj) / (Math.sqrt(vj) + tau);
      }
      return { weights, state: { m, v } };
    },
  };
}

/**
 * m_{-1} = 0 and v_{-1} = τ²: Algorithm 2 takes v_{-1} ≥ τ² as input, and τ²
 * is the smallest value it allows. Flower's FedAdam and FedYogi start v at 0
 * instead, so their early rounds differ from ours.
 */
function initialState(d: number, tau: number): ServerState {
  return { m: new Float32Array(d), v: new Float32Array(d).fill(tau * tau) };
}
