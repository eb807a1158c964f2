/**
 * FedProx (Li et al. 2020, "Federated Optimization in Heterogeneous
 * Networks", Algorithm 2). Its proximal term (μ/2)‖w − w_t‖² is part of each
 * client's local objective and lives in the client trainer; the server step is
 * FedAvg's weighted average, as in the paper and in Flower's `fedprox.py`.
 */
import { createFedAvg, type FedAvgParams } from './fedavg.ts';
import type { ServerStep } from './types.ts';

export function createFedProx(p: FedAvgParams): ServerStep {
  const { step } = createFedAvg(p);
  return { name: 'fedprox', step };
}
