/**
 * FedAvgM (Hsu, Qi and Brown 2019, "Measuring the Effects of Non-Identical
 * Data Distribution for Federated Visual Classification", §3.2): FedAvg with
 * server momentum, their remedy for label skew across clients.
 *
 *   m_t     = β m_{t-1} + Δ_t            (m_0 = 0, so m_1 = Δ_1)
 *   w_{t+1} = w_t + η m_t
 *
 * Δ_t is the example-weighted mean delta (the negative of Flower's
 * pseudo-gradient, so the same update as Flower's `fedavgm.py`). β is the
 * spec's `beta1`. Hsu et al. compare settings at the effective learning rate
 * η / (1 − β): at η = 1 − β (the spec's default for this strategy) a steady
 * Δ moves the model as far each round as FedAvg's once the momentum has
 * built up (round t moves (1 − β^t) Δ: 0.1 Δ in the first round at β = 0.9,
 * 0.88 Δ by the twentieth), and momentum smooths the direction across rounds.
 * The state is m alone (core/strategy/state.ts): FedAvgM has no second moment.
 */
import { checkLength } from './mean.ts';
import { checkStateShape } from './state.ts';
import type { AggregateOutput, ServerStep, StepInput } from './types.ts';

export interface FedAvgMParams {
  serverLearningRate: number;
  /** The momentum β. */
  beta1: number;
}

export function createFedAvgM(p: FedAvgMParams): ServerStep {
  const { serverLearningRate: eta, beta1: beta } = p;
  return {
    name: 'fedavgm',
    step({ global, meanDelta: delta, state }: StepInput): AggregateOutput {
      const d = global.length;
      checkLength(delta, d);
      if (state) checkStateShape('fedavgm', state, d);
      const m = new Float32Array(d);
      const weights = new Float32Array(d);
      for (let j = 0; j < d; j++) {
        const mj = (state ? beta * state.m[j]! : 0) + delta[j]!;
        m[j] = mj;
        weights[j] = global[j]! + eta * mj;
      }
      return { weights, state: { m } };
    },
  };
}
