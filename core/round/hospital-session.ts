/**
 * A hospital's side of one round's secure aggregation, as the daemon and the
 * adversarial-coordinator tests both drive it: the offered parameters are
 * checked against the hospital's own computation (session-params.ts), the
 * attempt must move forward, peers' keys come from the hospital's roster,
 * and the input is encoded only once the seed is agreed (the DDG rotation
 * depends on it). No sockets, no budget: the daemon charges the budget
 * between `onShares` and `maskInput` for hospital-level DP, the latest point
 * at which the hospital still controls whether its noisy input leaves.
 */
import { CohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import type * as M from '../secagg/messages.ts';
import { SecAggClient, type Identity, type Session, type SessionParams } from '../secagg/index.ts';
import { checkOfferedSession, type HospitalView } from './session-params.ts';
import { secureInput, type SecureInput } from './secure-input.ts';

/**
 * The last (round, attempt) a hospital opened per job: a session for an older
 * round, or an attempt at most the last one, is refused, so a coordinator
 * cannot replay an attempt (with its transcripts) or take more seeds per
 * round than MAX_ROUND_ATTEMPTS. Once the hospital has answered an unmask
 * request, no later attempt at that round is admitted: its input is in a sum
 * the coordinator may have unmasked, and a second sum over the same input
 * (retrained bit for bit, or a record-level DP round's kept output) without
 * one member would differ from the first by that member's update alone.
 * Kept in memory: a restarted daemon starts afresh (docs/threat-model.md).
 */
export class AttemptLog {
  private readonly last = new Map<string, { round: number; attempt: number; unmasked: boolean }>();

  admit(jobId: string, round: number, attempt: number): void {
    const seen = this.last.get(jobId);
    if (seen && round < seen.round)
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `round ${round} is older than round ${seen.round}, which this hospital already opened`,
      );
    if (seen?.round === round && seen.unmasked)
      throw new CohortError(
        'E_SECAGG_ATTEMPT',
        `this hospital helped unmask attempt ${seen.attempt} at round ${round}: its input may be in that sum, ` +
          'and it takes part in no other attempt at the round',
      );
    if (seen && round === seen.round && attempt <= seen.attempt) {
      throw new CohortError(
        'E_SECAGG_ATTEMPT',
        `attempt ${attempt} at round ${round} does not follow attempt ${seen.attempt}: a replayed or reordered session`,
      );
    }
    this.last.set(jobId, { round, attempt, unmasked: false });
  }

  /** The hospital is answering the unmask request of its latest attempt at `round`: no later attempt there is admitted. */
  unmasking(jobId: string, round: number): void {
    const seen = this.last.get(jobId);
    if (seen?.round === round) seen.unmasked = true;
  }

  forgetJob(jobId: string): void {
    this.last.delete(jobId);
  }
}

export interface OpenArgs {
  spec: JobSpec;
  offered: SessionParams;
  view: HospitalView;
  identity: Identity;
  attempts: AttemptLog;
}

export class HospitalSession {
  readonly session: Session;
  private readonly client: SecAggClient;
  private readonly input: SecureInput;
  private readonly attempts: AttemptLog;

  private constructor(session: Session, client: SecAggClient, input: SecureInput, attempts: AttemptLog) {
    this.session = session;
    this.client = client;
    this.input = input;
    this.attempts = attempts;
  }

  /** Checks the offered session and opens this hospital's machine for it; throws a typed error naming what differs. */
  static open(a: OpenArgs): HospitalSession {
    const session = checkOfferedSession(a.spec, a.offered, a.view);
    a.attempts.admit(session.jobId, session.round, session.attempt);
    return new HospitalSession(
      session,
      new SecAggClient(session, a.view.name, a.identity, a.view.roster.members),
      secureInput(a.spec),
      a.attempts,
    );
  }

  advertise(): M.SecAggAdvertise {
    return this.client.advertise();
  }

  onCommitments(msg: M.SecAggCommitments): M.SecAggReveal {
    return this.client.onCommitments(msg);
  }

  onKeys(msg: M.SecAggKeys): M.SecAggShares {
    return this.client.onKeys(msg);
  }

  onShares(msg: M.SecAggShares): void {
    this.client.onShares(msg);
  }

  /** Encodes the round's output under the agreed seed (fresh DDG noise for this attempt) and masks it. */
  maskInput(delta: Float32Array, numExamples: number, trainLoss: number): M.SecAggMaskedInput {
    const x = this.input.encode(this.session, this.client.seed, delta, numExamples, trainLoss);
    try {
      return this.client.maskInput(x);
    } finally {
      x.fill(0);
    }
  }

  onSurvivors(msg: M.SecAggSurvivors): M.SecAggConsistency {
    // The session threshold already enforces this; checked here too, against the spec itself.
    const survivors = msg.survivors?.length ?? 0;
    if (survivors < this.input.minSurvivors)
      throw new CohortError(
        'E_SECAGG_TOO_FEW',
        `${survivors} survivors; this job's DP noise needs ${this.input.minSurvivors}`,
      );
    return this.client.onSurvivors(msg);
  }

  /** Answers the unmask request; from here this hospital takes part in no other attempt at the round (AttemptLog). */
  onUnmaskRequest(msg: M.SecAggUnmaskRequest): M.SecAggUnmask {
    const answer = this.client.onUnmaskRequest(msg);
    this.attempts.unmasking(this.session.jobId, this.session.round);
    return answer;
  }

  forget(): void {
    this.client.forget();
  }
}
