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
 * round than MAX_ROUND_ATTEMPTS. Kept in memory: a restarted daemon starts
 * afresh (docs/threat-model.md).
 */
export class AttemptLog {
  private readonly last = new Map<string, { round: number; attempt: number }>();

  admit(jobId: string, round: number, attempt: number): void {
    const seen = this.last.get(jobId);
    if (seen && round < seen.round)
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `round ${round} is older than round ${seen.round}, which this hospital already opened`,
      );
    if (seen && round === seen.round && attempt <= seen.attempt) {
      throw new CohortError(
        'E_SECAGG_ATTEMPT',
        `attempt ${attempt} at round ${round} does not follow attempt ${seen.attempt}: a replayed or reordered session`,
      );
    }
    this.last.set(jobId, { round, attempt });
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

  private constructor(session: Session, client: SecAggClient, input: SecureInput) {
    this.session = session;
    this.client = client;
    this.input = input;
  }

  /** Checks the offered session and opens this hospital's machine for it; throws a typed error naming what differs. */
  static open(a: OpenArgs): HospitalSession {
    const session = checkOfferedSession(a.spec, a.offered, a.view);
    a.attempts.admit(session.jobId, session.round, session.attempt);
    return new HospitalSession(
      session,
      new SecAggClient(session, a.view.name, a.identity, a.view.roster.members),
      secureInput(a.spec),
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

  onUnmaskRequest(msg: M.SecAggUnmaskRequest): M.SecAggUnmask {
    return this.client.onUnmaskRequest(msg);
  }

  forget(): void {
    this.client.forget();
  }
}
