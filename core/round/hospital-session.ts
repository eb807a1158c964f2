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

/** What a hospital's attempt log holds for one job: the last (round, attempt) it opened, and whether it answered that round's unmask request. */
export interface AttemptMark {
  round: number;
  attempt: number;
  unmasked: boolean;
}

/**
 * Where an AttemptLog keeps its marks, one per job. The daemon's is its state
 * database (client/attempt-log-store.ts): each change is written there, durably,
 * before the machine returns what follows from it (a session's first message,
 * an unmask answer), so a restarted daemon reads every mark it had. A mark it
 * cannot read is an error (E_STORE), never an absent one: the round is refused
 * rather than opened as if the hospital had never seen it.
 */
export interface AttemptStore {
  get(jobId: string): AttemptMark | null;
  put(jobId: string, mark: AttemptMark): void;
}

/** Marks in memory: a machine without a state database (the tests, a daemon without --state). */
export class MemoryAttempts implements AttemptStore {
  private readonly marks = new Map<string, AttemptMark>();
  get(jobId: string): AttemptMark | null {
    const m = this.marks.get(jobId);
    return m ? { ...m } : null;
  }
  put(jobId: string, mark: AttemptMark): void {
    this.marks.set(jobId, { ...mark });
  }
}

/**
 * The last (round, attempt) a hospital opened per job: a session for an older
 * round, or an attempt at most the last one, is refused, so a coordinator
 * cannot replay an attempt (with its transcripts) or take more seeds per
 * round than MAX_ROUND_ATTEMPTS. It also remembers whether the hospital has
 * answered an unmask request at the round: its input may then be in a sum the
 * coordinator unmasked, and a later attempt must not put the same input into
 * a second sum, which would differ from the first by the hospitals left out
 * (HospitalSession.open, hospital-round.ts startTraining); until a fresh
 * record-level output has replaced the kept one (`renewed`). Kept in its
 * store (AttemptStore): the daemon's state database, so a restarted daemon
 * refuses what it refused before (docs/threat-model.md); in memory without one.
 * A job's mark outlives the job: the coordinator's word that a job ended, then
 * a re-offer, must not start its attempts afresh (HospitalMachine.end).
 */
export class AttemptLog {
  constructor(private readonly store: AttemptStore = new MemoryAttempts()) {}

  admit(jobId: string, round: number, attempt: number): void {
    const seen = this.store.get(jobId);
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
    this.store.put(jobId, { round, attempt, unmasked: seen?.round === round && seen.unmasked });
  }

  /**
   * The hospital is answering an unmask request at `round`: its later attempts
   * there need a fresh input. Stored before the answer is returned (and so
   * before it leaves); a store that cannot write it throws, and the answer is not sent.
   */
  unmasking(jobId: string, round: number): void {
    const seen = this.store.get(jobId);
    if (seen?.round === round) this.store.put(jobId, { ...seen, unmasked: true });
  }

  /**
   * A record-level DP round's fresh output, trained because the one before
   * may be in a sum this hospital helped unmask, has replaced it as the kept
   * output: that one is in no such sum, and a later attempt may re-send it
   * until the hospital answers another unmask request at the round.
   */
  renewed(jobId: string, round: number): void {
    const seen = this.store.get(jobId);
    if (seen?.round === round && seen.unmasked) this.store.put(jobId, { ...seen, unmasked: false });
  }

  /** Whether the hospital has answered an unmask request at `round` of `jobId`. */
  unmasked(jobId: string, round: number): boolean {
    const seen = this.store.get(jobId);
    return seen?.round === round && seen.unmasked;
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
  /**
   * This hospital answered an unmask request at an earlier attempt of this
   * round: its input from then may be in a sum, so this attempt's must be
   * fresh (a record-level DP round is trained and charged again rather than
   * its kept output re-sent).
   */
  readonly inputUnmasked: boolean;

  private constructor(session: Session, client: SecAggClient, input: SecureInput, attempts: AttemptLog) {
    this.session = session;
    this.client = client;
    this.input = input;
    this.attempts = attempts;
    this.inputUnmasked = attempts.unmasked(session.jobId, session.round);
  }

  /**
   * Checks the offered session and opens this hospital's machine for it;
   * throws a typed error naming what differs. At a round whose unmask request
   * it answered before, a job without DP is refused (E_SECAGG_ATTEMPT): its
   * update would be retrained bit for bit, and a second sum over it without
   * some hospital would differ from the first by that hospital's update. A
   * DP job's later attempt goes ahead with a fresh input (inputUnmasked).
   */
  static open(a: OpenArgs): HospitalSession {
    const session = checkOfferedSession(a.spec, a.offered, a.view);
    const unmasked = a.attempts.unmasked(session.jobId, session.round);
    if (unmasked && !a.spec.privacy)
      throw new CohortError(
        'E_SECAGG_ATTEMPT',
        `this hospital helped unmask an earlier attempt at round ${session.round}: without DP its update would be the ` +
          'same, and a second sum over it could be subtracted from the first',
      );
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

  /**
   * Answers the unmask request; from here its later attempts at the round need
   * a fresh input (AttemptLog). The request is checked first (one that is
   * refused marks nothing), then the mark is stored, then the answer returned
   * to be sent: a daemon that dies in between has the mark and sent nothing.
   */
  onUnmaskRequest(msg: M.SecAggUnmaskRequest): M.SecAggUnmask {
    const answer = this.client.onUnmaskRequest(msg);
    this.attempts.unmasking(this.session.jobId, this.session.round);
    return answer;
  }

  /** This attempt's input is a fresh output, now the one kept (AttemptLog.renewed); called once it is trained. */
  inputRenewed(): void {
    if (this.inputUnmasked) this.attempts.renewed(this.session.jobId, this.session.round);
  }

  forget(): void {
    this.client.forget();
  }
}
