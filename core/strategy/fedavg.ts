/**
 * FedAvg (McMahan et al. 2017, "Communication-Efficient Learning of Deep
 * Networks from Decentralized Data", Algorithm 1), written as a server step on
 * the mean delta: w' = w + η Δ. With η = 1 this is exactly the example-weighted
 * average of the client models; η ≠ 1 is the "server learning rate" of
 * Reddi et al. 2021 §2 (FedOpt with SGD as the server optimiser).
 */
import { checkLength } from './mean.ts';
import type { AggregateOutput, ServerStep, StepInput } from './types.ts';

export interface FedAvgParams {
  serverLearningRate: number;
}

export function createFedAvg(p: FedAvgParams): ServerStep {
  const eta = p.serverLearningRate;
  return {
    name: 'fedavg',
    step({ global, meanDelta: delta }: StepInput): AggregateOutput {
      checkLength(delta, global.length);
      const weights = new Float32Array(global.length);
      for (let j = 0; j < weights.length; j++) weights[j] = global[j]! + eta * delta[j]!;
      return { weights, state: null };
    },
  };
}
