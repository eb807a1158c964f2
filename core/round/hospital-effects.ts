/**
 * What the hospital's machine (core/round/hospital.ts) takes and gives: the
 * inputs the daemon decodes from the wire or reads from its stores, and the
 * effects it carries out (frames to send, a budget to reserve or charge, a
 * model to evaluate or train, a job to end). Core's own types: the daemon
 * maps them to the wire (edge/wire/codec.ts).
 */
import type { ErrorCode } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import type { Metrics } from '../metrics.ts';
import type { Confusion, NoisyCounts } from '../privacy/noisy-counts.ts';
import type { Mechanism } from '../privacy/spend.ts';
import type { ClientMessage, ServerMessage } from '../secagg/index.ts';

/** A round's local output: the model delta and what the round's update declares. */
export interface TrainOutput {
  delta: Float32Array;
  numExamples: number;
  loss: number;
  steps: number;
}

/** What a hospital answers for an evaluated round: exact metrics (no DP), noisy counts (record-level DP) or nothing. */
export type EvaluationBody = { metrics: Metrics } | { withheld: true } | { noisy: NoisyCounts };

export type HospitalBody =
  | { joinJob: { weight: number } }
  | { declineJob: { code: ErrorCode; reason: string } }
  | { error: { code: ErrorCode; message: string } }
  | { update: { delta: Float32Array; numExamples: number; trainLoss: number; steps: number } }
  | { evaluation: EvaluationBody }
  // The hospital's side of a secure-aggregation session: the messages the coordinator's server takes.
  | ClientMessage;

/** A secure-aggregation message from the coordinator (its server's messages), as the round's session takes it. */
export type SecAggIn = ServerMessage;

/** The session parameters a RoundConfig offers (proto-shaped: every field optional). */
export interface OfferedSecAgg {
  attempt?: number | null;
  bits?: number | null;
  threshold?: number | null;
  degree?: number | null;
  clip?: number | null;
  participants?: string[] | null;
  totalExamples?: number | null;
  rosterHash?: Uint8Array | null;
}

export interface RoundInput {
  jobId: string;
  round: number;
  train: boolean;
  seed: number;
  weights: Float32Array;
  secagg: OfferedSecAgg | null;
  /** The connection the round came on (HospitalMachine.connected): its results go out on it alone. */
  link: number;
}

/**
 * What the hospital's stores say about a round, read by the daemon before the
 * round starts: the latest round charged for the job, this round's charge,
 * and a kept output of this round (from these weights) or of any start.
 */
export interface RoundFacts {
  latest: number;
  charged: Mechanism | null;
  kept: TrainOutput | null;
  keptAny: boolean;
}

export const NO_FACTS: RoundFacts = { latest: 0, charged: null, kept: null, keptAny: false };

/** A budget's answer to a reservation or a charge; an error while pricing is a refusal (fail closed). */
export type BudgetAnswer =
  { allowed: true; projected?: { epsilon: number; bound: string } } | { allowed: false; reason: string };

export interface Evaluated {
  metrics: Metrics;
  counts: Confusion;
}

export type HospitalEffect =
  /** `link` null: the current connection. */
  | { type: 'send'; jobId: string; round: number; link: number | null; body: HospitalBody }
  | { type: 'reserve'; jobId: string; mechanisms: Mechanism[] }
  | { type: 'charge'; jobId: string; round: number; mechanism: Mechanism }
  | { type: 'evaluate'; jobId: string; round: number; spec: JobSpec; weights: Float32Array }
  /** `keep`: store the output (keyed by the starting weights) before it is sent, so a retry re-sends it. */
  | { type: 'train'; jobId: string; round: number; spec: JobSpec; weights: Float32Array; seed: number; keep: boolean }
  /** This hospital's part in the job is over: close its budget reservation, forget its kept outputs. */
  | { type: 'end'; jobId: string; why: string }
  | { type: 'joined'; jobId: string; spec: JobSpec }
  | { type: 'declined'; jobId: string; code: ErrorCode; reason: string }
  | { type: 'refused'; jobId: string; round: number; reason: string }
  | {
      type: 'evaluated';
      jobId: string;
      round: number;
      train: boolean;
      metrics: Metrics;
      sent: 'exact' | 'noisy counts' | 'nothing';
    }
  | { type: 'log'; level: 'debug' | 'info' | 'warn'; fields: Record<string, unknown>; msg: string };

export const log = (
  level: 'debug' | 'info' | 'warn',
  fields: Record<string, unknown>,
  msg: string,
): HospitalEffect => ({ type: 'log', level, fields, msg });
