/**
 * Closing a round (core/round/job.ts): from the round's answers, or its
 * secure sum, to the record the coordinator commits, with the model the
 * job's strategy makes of them (Flower's strategy split: the aggregation is a
 * function of the round's results and the server state); and the result each
 * survivor is sent. A result that cannot be committed is a failure as data,
 * for the machine to retry.
 */
import { CohortError, type ErrorCode } from '../errors.ts';
import { pooledMetrics } from '../metrics.ts';
import type { AggregateOutput, ClientResult, ServerState, Strategy } from '../strategy/index.ts';
import type { JobSpec } from '../job/spec.ts';
import type { SecureResult } from '../secagg/index.ts';
import { updateWeight } from '../job/privacy.ts';
import type { Round } from './round.ts';
import type { SecureStage } from './secure-stage.ts';
import type { JobEffect, RoundRecord } from './job-types.ts';

/** What closing a round reads of its job: the terms, the strategy, and the model the round started from. */
export interface ClosingJob {
  spec: JobSpec;
  strategy: Strategy;
  weights: Float32Array;
  serverState: ServerState | null;
}

/** A round's record (with the new model when it trained one), or why it cannot be committed. */
export type RoundClose = { record: RoundRecord } | { failure: { why: string; code: ErrorCode } };

/**
 * Closes round `r`, which did not fail on its own: its secure sum (if it ran
 * one) is taken, the strategy steps or aggregates, and the record carries the
 * new model; or a failure, the model unchanged. A secure sum the survivors
 * cannot have produced honestly, and an aggregate that is not finite
 * (E_AGGREGATE_NONFINITE), fail the round with their codes.
 */
export function closeRoundRecord(job: ClosingJob, r: Round, secure: SecureStage | null, now: number): RoundClose {
  let sum: SecureResult | null = null;
  if (secure) {
    // The coordinator sees only the sum of the survivors' inputs, and rejects one they cannot have produced honestly.
    try {
      sum = secure.result();
    } catch (err) {
      if (!(err instanceof CohortError)) throw err;
      return { failure: { why: err.message, code: err.code } };
    }
  }
  const record = startingRecord(job, r, now);
  const results = !secure && r.kind === 'train' ? plaintextResults(job.spec, r) : null;
  let out: AggregateOutput | null;
  try {
    out = aggregate(job, r, sum, results, record.dropped);
  } catch (err) {
    // E_AGGREGATE_NONFINITE (core/strategy/finite.ts) or a result the strategy cannot use: the round fails, the weights stay.
    if (!(err instanceof CohortError)) throw err;
    return { failure: { why: `round ${r.round} not committed: ${err.message}`, code: err.code } };
  }
  if (secure && sum && out) {
    record.weights = out.weights;
    record.serverState = out.state;
    // A DP job releases no training loss: it is computed on the records without noise.
    record.trainLoss = job.spec.privacy ? null : sum.trainLoss;
    record.phaseCounts = { ...secure.counts };
    const survivors = new Set(secure.survivors);
    record.dropped = r.participants.filter((c) => !survivors.has(c));
  } else if (results && out) {
    record.weights = out.weights;
    record.serverState = out.state;
    const n = results.reduce((s, x) => s + x.numExamples, 0);
    record.trainLoss = job.spec.privacy
      ? null
      : [...r.updates.values()].reduce((s, u) => s + u.trainLoss * u.numExamples, 0) / n;
  }
  return { record };
}

/** The round's record before aggregation: the model it started from, and the evaluations of those that did not drop. */
function startingRecord(job: ClosingJob, r: Round, now: number): RoundRecord {
  const evaluations = Object.fromEntries([...r.evaluations].filter(([c]) => !r.dropped.has(c)));
  const perClient = Object.values(evaluations);
  return {
    round: r.round,
    kind: r.kind,
    weights: job.weights,
    serverState: job.serverState,
    participants: [...r.participants],
    dropped: [...r.dropped].sort(),
    evaluations,
    pooled: perClient.length > 0 ? pooledMetrics(perClient) : null,
    trainLoss: null,
    phaseCounts: null,
    completedAt: now,
  };
}

/** The strategy's step on a secure mean, or its aggregate of plaintext results; null for a round with neither (evaluation). */
function aggregate(
  job: ClosingJob,
  r: Round,
  sum: SecureResult | null,
  results: ClientResult[] | null,
  failures: string[],
): AggregateOutput | null {
  if (sum)
    return job.strategy.step({ round: r.round, global: job.weights, meanDelta: sum.meanDelta, state: job.serverState });
  if (results)
    return job.strategy.aggregate({ round: r.round, global: job.weights, results, failures, state: job.serverState });
  return null;
}

/** A plaintext round's updates with their weights, in client-name order, not arrival order, so a seed reproduces the same weights bit for bit. */
export function plaintextResults(spec: JobSpec, r: Round): ClientResult[] {
  return [...r.updates]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([client, u]) => ({ client, delta: u.delta, numExamples: updateWeight(spec, u.numExamples) }));
}

/** The round's result, sent to each participant that is in the record's sum and still a member. */
export function roundResults(r: Round, record: RoundRecord, isMember: (client: string) => boolean): JobEffect[] {
  const dropped = new Set(record.dropped);
  const effects: JobEffect[] = [];
  for (const to of r.participants) {
    if (dropped.has(to) || !isMember(to)) continue;
    effects.push({
      type: 'send',
      to,
      round: r.round,
      body: {
        roundResult: {
          participants: r.participants.length - dropped.size,
          dropped: dropped.size,
          metrics: record.pooled,
        },
      },
    });
  }
  return effects;
}
