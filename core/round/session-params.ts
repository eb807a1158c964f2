/**
 * A round's secure-aggregation parameters, computed by one function that the
 * coordinator runs to offer them and every hospital runs to check them: a
 * hospital takes nothing the coordinator says about t, k, bits, clip, the
 * vector length, the colluder count or the roster on trust. Inputs the
 * hospital cannot recompute (who takes part, the examples bound, the
 * attempt) are checked against what they must satisfy.
 *
 * What each parameter comes from:
 *   t, k   core/secagg/params.ts for n = |participants|, the spec's dropout
 *          fraction and C = min(corruptClients, n − 1) colluders (all of a
 *          network's colluders may sit in one round); t raised to n_min for
 *          hospital-level DP (core/round/secure-input.ts);
 *   C      the spec's corruptClients, at least ⌈γ·N⌉ for this hospital's
 *          roster of N and the larger of the spec's γ and the policy's;
 *   bits, clip, vector length   the spec;
 *   roster the hash of the hospital's own roster head;
 *   seed   not a parameter: agreed inside the session (core/secagg/seed.ts).
 */
import { CohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import { maxParticipants, requireCorrupt, roundCorrupt } from '../job/privacy.ts';
import { corruptCount } from '../secagg/params.ts';
import { chooseParams, constantTimeEqual, openSession, type Session, type SessionParams } from '../secagg/index.ts';
import { secureInput } from './secure-input.ts';

/**
 * Attempts at one round, coordinator and hospitals alike: a failed attempt
 * is retried with fresh keys, commitments and seed, and each attempt is one
 * more seed a coordinator could abort until it likes (core/secagg/seed.ts),
 * so hospitals refuse attempt MAX_ROUND_ATTEMPTS + 1.
 */
export const MAX_ROUND_ATTEMPTS = 5;

export interface SessionInputs {
  jobId: string;
  round: number;
  attempt: number;
  /** Sorted, distinct roster members taking part. */
  participants: readonly string[];
  rosterHash: Uint8Array;
  totalExamples: number;
}

/** The session parameters a round of `spec` must use (E_SECAGG_PARAMS if no threshold is safe and live). */
export function sessionParams(spec: JobSpec, inputs: SessionInputs): SessionParams {
  const sa = spec.secureAggregation;
  const n = inputs.participants.length;
  const input = secureInput(spec);
  const p = chooseParams({ n, dropoutFraction: sa.dropoutFraction, corrupt: roundCorrupt(spec, n) });
  const threshold = Math.max(p.t, input.minSurvivors);
  const degree = p.full ? n - 1 : p.k;
  if (threshold > degree + 1)
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `${n} participants cannot give the ${threshold} survivors hospital-level DP needs`,
    );
  return {
    jobId: inputs.jobId,
    round: inputs.round,
    attempt: inputs.attempt,
    bits: sa.bits,
    threshold,
    degree,
    clip: sa.clip,
    participants: inputs.participants,
    totalExamples: inputs.totalExamples,
    vectorLength: input.vectorLength,
    rosterHash: inputs.rosterHash,
  };
}

/** What a hospital checks an offered session against. */
export interface HospitalView {
  name: string;
  /** The head of the hospital's own roster (core/roster/). */
  roster: { hashBytes: Uint8Array; members: ReadonlyMap<string, Uint8Array>; size: number };
  /** The hospital's policy: assume at least this fraction of the network colludes (core/job/policy.ts). */
  minCorruptFraction?: number;
  /** This hospital's training examples: the examples bound cannot be below them. */
  numTrain: number;
}

/**
 * The colluder count a job must assume for this hospital to take part:
 * E_SECAGG_PARAMS naming corruptClients if the spec assumes fewer.
 */
export function checkCorruptClients(spec: JobSpec, view: Pick<HospitalView, 'roster' | 'minCorruptFraction'>): void {
  const gamma = Math.max(spec.secureAggregation.corruptFraction, view.minCorruptFraction ?? 0);
  const least = corruptCount(gamma, view.roster.size);
  const given = requireCorrupt(spec);
  if (given < least) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"corruptClients": the job assumes ${given} colluding hospitals; this hospital assumes ${least} (fraction ${gamma} of its roster of ${view.roster.size})`,
    );
  }
}

/**
 * Checks every offered parameter against this hospital's own computation and
 * returns the session; throws a typed error naming the first field that
 * differs (E_ROSTER_MISMATCH, E_ROSTER_NOT_MEMBER, E_SECAGG_ATTEMPT,
 * E_SECAGG_PARAMS).
 */
export function checkOfferedSession(spec: JobSpec, offered: SessionParams, view: HospitalView): Session {
  if (!spec.secureAggregation.enabled)
    throw new CohortError('E_SECAGG_PARAMS', 'the job turns secure aggregation off, yet the round carries a session');
  if (!(offered.rosterHash instanceof Uint8Array) || !constantTimeEqual(offered.rosterHash, view.roster.hashBytes)) {
    throw new CohortError('E_ROSTER_MISMATCH', '"rosterHash": the session names another roster than this hospital\'s');
  }
  checkParticipants(spec, offered.participants, view);
  checkCorruptClients(spec, view);
  if (!Number.isSafeInteger(offered.attempt) || offered.attempt < 1 || offered.attempt > MAX_ROUND_ATTEMPTS) {
    throw new CohortError('E_SECAGG_ATTEMPT', `"attempt": ${offered.attempt} is outside 1..${MAX_ROUND_ATTEMPTS}`);
  }
  if (!Number.isSafeInteger(offered.totalExamples) || offered.totalExamples < view.numTrain) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"totalExamples": ${offered.totalExamples} is below this hospital's own ${view.numTrain} examples`,
    );
  }
  const expected = sessionParams(spec, { ...offered });
  for (const field of ['bits', 'threshold', 'degree', 'clip', 'vectorLength'] as const) {
    if (offered[field] !== expected[field]) {
      throw new CohortError(
        'E_SECAGG_PARAMS',
        `"${field}": offered ${offered[field]}, this hospital computes ${expected[field]}`,
      );
    }
  }
  return openSession(offered);
}

function checkParticipants(spec: JobSpec, participants: readonly string[], view: HospitalView): void {
  if (!Array.isArray(participants)) throw new CohortError('E_SECAGG_PARAMS', '"participants": not a list');
  const stranger = participants.find((p) => !view.roster.members.has(p));
  if (stranger !== undefined)
    throw new CohortError('E_ROSTER_NOT_MEMBER', `"participants": "${stranger}" is not in this hospital's roster`);
  if (!participants.includes(view.name))
    throw new CohortError('E_SECAGG_PARAMS', `"participants": the list omits ${view.name}`);
  if (participants.length < spec.minClients) {
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"participants": ${participants.length} is below the job's minClients ${spec.minClients}`,
    );
  }
  // A hospital-level job's modulus is sized for this many (core/job/privacy.ts).
  const cap = maxParticipants(spec);
  if (participants.length > cap)
    throw new CohortError(
      'E_SECAGG_PARAMS',
      `"participants": ${participants.length} is above the ${cap} the job's noise and modulus are sized for`,
    );
}
