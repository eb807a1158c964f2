/**
 * Server aggregation strategies: the public door of core/strategy.
 */
import { CohortError } from '../errors.ts';
import type { StrategySpec } from '../job/spec.ts';
import { createFedAdam } from './fedadam.ts';
import { createFedAvg } from './fedavg.ts';
import { createFedAvgM } from './fedavgm.ts';
import { createFedProx } from './fedprox.ts';
import { createFedYogi } from './fedyogi.ts';
import { checkAggregate } from './finite.ts';
import { weightedMeanDelta } from './mean.ts';
import type { ServerStep, Strategy } from './types.ts';

export type {
  AggregateInput,
  AggregateOutput,
  ClientResult,
  ServerState,
  ServerStep,
  StepInput,
  Strategy,
  StrategyName,
} from './types.ts';
export { weightedMeanDelta } from './mean.ts';
export { checkStateShape, decodeServerState, encodeServerState, STATE_VECTORS, stateVectors } from './state.ts';
export { checkAggregate } from './finite.ts';

/**
 * Builds the strategy a validated job spec names. Its every output is
 * checked finite (core/strategy/finite.ts): a step that overflows throws
 * E_AGGREGATE_NONFINITE instead of returning weights that must not be
 * committed.
 */
export function createStrategy(spec: StrategySpec): Strategy {
  const server = createStep(spec);
  return {
    name: server.name,
    step: (input) => checkAggregate(server.step(input)),
    aggregate: ({ round, global, results, state }) =>
      checkAggregate(server.step({ round, global, meanDelta: weightedMeanDelta(results, global.length), state })),
  };
}

function createStep(spec: StrategySpec): ServerStep {
  switch (spec.name) {
    case 'fedavg':
      return createFedAvg(spec);
    case 'fedavgm':
      return createFedAvgM(spec);
    case 'fedprox':
      return createFedProx(spec);
    case 'fedadam':
      return createFedAdam(spec);
    case 'fedyogi':
      return createFedYogi(spec);
    default: {
      const never: never = spec.name;
      throw new CohortError('E_JOB_SPEC', `unknown strategy "${String(never)}"`);
    }
  }
}
