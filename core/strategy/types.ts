/**
 * The shapes a server strategy consumes and produces. A strategy is pure: it
 * maps (round, results, failures, server state) to new global weights and the
 * next server state (Flower `strategy.py`: `aggregate_fit`); persisting the
 * state and choosing clients live elsewhere.
 */
import type { StrategyName } from '../job/spec.ts';

export type { StrategyName };

export interface ClientResult {
  client: string;
  /** Local weights after training minus the global weights the client received. */
  delta: Float32Array;
  /** Training examples behind the update; its weight in the mean. */
  numExamples: number;
}

/**
 * What a stateful strategy keeps between rounds: the momentum m (FedAvgM's
 * server momentum, the first moment of FedAdam and FedYogi) and, for FedAdam
 * and FedYogi only, the second moment v. Which strategy keeps which is
 * core/strategy/state.ts's STATE_VECTORS.
 */
export interface ServerState {
  m: Float32Array;
  v?: Float32Array;
}

export interface AggregateInput {
  round: number;
  global: Float32Array;
  results: readonly ClientResult[];
  /**
   * Clients that were asked and did not answer. Data, not exceptions: the
   * round machine has already decided the round may complete, so the built-in
   * strategies aggregate what arrived (Flower's `accept_failures=True`).
   */
  failures: readonly string[];
  /** Previous server state; null on the first round and for stateless strategies. */
  state: ServerState | null;
}

export interface AggregateOutput {
  weights: Float32Array;
  /** State to persist and pass to the next round; null for stateless strategies. */
  state: ServerState | null;
}

/**
 * The server step alone, on an already averaged delta: how secure
 * aggregation (which yields only the mean) and plaintext rounds share one
 * optimiser.
 */
export interface StepInput {
  round: number;
  global: Float32Array;
  /** The example-weighted mean of the round's client deltas. */
  meanDelta: ArrayLike<number>;
  state: ServerState | null;
}

export interface ServerStep {
  readonly name: StrategyName;
  step(input: StepInput): AggregateOutput;
}

export interface Strategy extends ServerStep {
  /** Plaintext path: weighted mean of the results, then `step`. */
  aggregate(input: AggregateInput): AggregateOutput;
}
