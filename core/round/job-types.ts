/**
 * The job machine's vocabulary (core/round/job.ts): a job's statuses, what
 * it is resumed from and told of its members, and the effects it returns for
 * its driver to carry out, a completed round's record among them.
 */
import type { ErrorCode } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { ServerState } from '../strategy/index.ts';
import type { PhaseCounts, ServerMessage, SessionParams } from '../secagg/index.ts';
import type { RoundKind } from './round.ts';

/** `paused`: a researcher or admin stopped new rounds; the round in flight still finishes. */
export type JobStatus = 'waiting' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';
/** Statuses after which a job never runs again. */
export const ENDED_STATUSES = ['completed', 'failed', 'cancelled'] as const satisfies readonly JobStatus[];
export type EndedStatus = (typeof ENDED_STATUSES)[number];

/**
 * Whether `status` is an ended one. Any other value, a stored one no
 * coordinator writes included, is an unfinished job: it counts against its
 * owner's quotas, and a restart resumes it (or ends it as damaged).
 */
export function isEnded(status: string): status is EndedStatus {
  return (ENDED_STATUSES as readonly string[]).includes(status);
}

export interface RoundRecord {
  round: number;
  kind: RoundKind;
  /** Global weights after this round (unchanged by an evaluation round). */
  weights: Float32Array;
  serverState: ServerState | null;
  participants: string[];
  dropped: string[];
  /** Per-client metrics of the model this round started from. */
  evaluations: Record<string, Metrics>;
  /** Pooled metrics of that model over the clients that reported. */
  pooled: Metrics | null;
  /** Example-weighted mean local training loss (train rounds). */
  trainLoss: number | null;
  /** Clients that completed each secure-aggregation phase (secure rounds only). */
  phaseCounts: PhaseCounts | null;
  completedAt: number;
}

/** What the coordinator knows of a member: its identity key from its Hello, and its update's weight from its JoinJob. */
export interface MemberInfo {
  identityKey: Uint8Array | null;
  /** The weight of its update in the job's average: its record count in a job without DP, 1 in a DP job (core/job/privacy.ts updateWeight). */
  numTrain: number;
}

/** The roster the coordinator runs sessions under (core/roster/): its head's hash and members' keys. */
export interface RosterRef {
  hashBytes: Uint8Array;
  members: ReadonlyMap<string, Uint8Array>;
}

/**
 * Public parameters of a round's secure-aggregation session, as sent in
 * RoundConfig: the session's parameters (core/round/session-params.ts) less
 * those every hospital knows already (job, round) or derives from the spec
 * (vector length). Participants are a plain array, as the encoder takes them.
 */
export type SecAggConfig = Omit<SessionParams, 'jobId' | 'round' | 'vectorLength' | 'participants'> & {
  participants: string[];
};

export type OutgoingBody =
  | {
      roundConfig: {
        weights: Float32Array;
        train: boolean;
        deadlineUnixMs: number;
        seed: number;
        secagg: SecAggConfig | null;
      };
    }
  | ServerMessage
  | { roundResult: { participants: number; dropped: number; metrics: Metrics | null } }
  | { jobEvent: { kind: 'STARTED' | 'COMPLETED' | 'FAILED' | 'CANCELLED'; reason: string } };

export type JobEffect =
  | { type: 'send'; to: string; round: number; body: OutgoingBody }
  | { type: 'roundCompleted'; record: RoundRecord }
  /** An attempt at a round starts: persisted before its configs go out, so a restarted coordinator never reuses an attempt number. */
  | { type: 'attemptStarted'; round: number; attempt: number }
  /** `code`: E_ROUND_FAILED for too few answers, or the typed error that rejected the round's result (E_SECAGG_SUM_BOUND, E_AGGREGATE_NONFINITE). */
  /**
   * `charged`: in a hospital-level DP job, the hospitals whose noisy masked
   * inputs reached the coordinator before the attempt failed. Each charged
   * its budget as its input left, so the ledger records the attempt for them.
   */
  | { type: 'roundFailed'; round: number; attempt: number; reason: string; code: ErrorCode; charged: string[] }
  | { type: 'status'; status: JobStatus; reason: string }
  | { type: 'wakeAt'; at: number };

export interface JobResume {
  /** Rounds already completed (training rounds, plus 1 once the evaluation round is done). */
  completedRounds: number;
  weights: Float32Array;
  serverState: ServerState | null;
  /** The job was paused when the coordinator stopped: it stays paused. */
  paused?: boolean;
  /** Attempts already started at the next round (attemptStarted effects persisted). */
  attempts?: number;
  /**
   * When the job must have opened its first round (ms since the epoch; the
   * coordinator: its creation time plus its maximum start wait, so a restart
   * does not move it). A job that has not by then fails, which ends every
   * offered hospital's budget reservation; with at least minClients members
   * it starts then instead. Unset: no deadline.
   */
  startBy?: number;
}
