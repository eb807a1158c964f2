/**
 * A federated job as a pure state machine: waiting for clients, running
 * training rounds, a final evaluation round, then completed (or failed after
 * too many failed attempts at one round, or for not starting by its start
 * deadline). Inputs are events with the current time; outputs are effects
 * for the driver (coordinator/) to carry out: frames to send, a round to
 * persist, when to call `tick` next. The same machine runs under unit
 * tests, the simulator and the server.
 */
import { CohortError, type ErrorCode } from '../errors.ts';
import { deriveSeed } from '../rng.ts';
import type { Metrics } from '../metrics.ts';
import { checkAggregate, checkStateShape, createStrategy, type ServerState, type Strategy } from '../strategy/index.ts';
import { evaluates, type JobSpec } from '../job/spec.ts';
import { constantTimeEqual, openSession, type ClientMessage, type ServerMessage } from '../secagg/index.ts';
import { Round, type ClientUpdate, type RoundKind } from './round.ts';
import { SecureStage } from './secure-stage.ts';
import { secureInput, type SecureInput } from './secure-input.ts';
import { MAX_ROUND_ATTEMPTS, sessionParams } from './session-params.ts';
import { maxParticipants, releasesEvaluation, roundCorrupt, updateWeight } from '../job/privacy.ts';
import { paramCount } from '../model/spec.ts';
import { checkDeclaredWeight, checkPlaintextUpdate } from './update-bound.ts';
import {
  isEnded,
  type JobEffect,
  type JobResume,
  type JobStatus,
  type MemberInfo,
  type RosterRef,
  type SecAggConfig,
} from './job-types.ts';
import { closeRoundRecord, roundResults } from './round-close.ts';

export {
  ENDED_STATUSES,
  isEnded,
  type EndedStatus,
  type JobEffect,
  type JobResume,
  type JobStatus,
  type MemberInfo,
  type OutgoingBody,
  type RosterRef,
  type RoundRecord,
  type SecAggConfig,
} from './job-types.ts';
export { MAX_ROUND_ATTEMPTS };

export class JobMachine {
  readonly spec: JobSpec;
  readonly jobId: string;
  private readonly strategy: Strategy;
  /** How this job's updates enter the secure sum (hospital-level DP or not). */
  private readonly input: SecureInput;
  private readonly joined = new Map<string, MemberInfo>();
  /**
   * Hospitals that may hold a budget reservation for this job: every one it
   * was offered to or that asked to join, member or not (it left, its join was
   * refused, its join had not arrived yet). Each is told when the job ends.
   */
  private readonly concerned = new Set<string>();
  private weights: Float32Array;
  private serverState: ServerState | null;
  private completed: number;
  private current: Round | null = null;
  private secure: SecureStage | null = null;
  /** Attempts started at the round in flight or next (1-based numbers go out as SecAggConfig.attempt). */
  private attempts: number;
  /** Members left out of this round's retries: blamed, or unmasked in a job without DP (SecureStage.sitOut). */
  private readonly sittingOut = new Set<string>();
  private roster: RosterRef | null = null;
  private minReachedAt: number | null = null;
  /** A round was ever opened (now or before a restart): the start deadline no longer applies. */
  private started: boolean;
  private readonly startBy: number | null;
  private _status: JobStatus;

  /**
   * Throws E_UPDATE_LENGTH or E_AGGREGATE_NONFINITE for resumed weights or
   * server state of the wrong length or not finite, and E_STORE for a server
   * state other than the one its strategy keeps: a job is never resumed from
   * a model it could not have committed.
   */
  constructor(jobId: string, spec: JobSpec, resume: JobResume) {
    this.jobId = jobId;
    this.spec = spec;
    this.strategy = createStrategy(spec.strategy);
    this.input = secureInput(spec);
    const d = paramCount(spec.model);
    const s = resume.serverState;
    const stateLengths = s ? (s.v ? [s.m, s.v] : [s.m]).map((x) => x.length) : [];
    if (resume.weights.length !== d || stateLengths.some((n) => n !== d)) {
      const what = `${resume.weights.length} weights (server state ${s ? stateLengths.join('/') : 'none'})`;
      throw new CohortError('E_UPDATE_LENGTH', `job ${jobId} resumes ${what} for a model of ${d}`);
    }
    checkAggregate({ weights: resume.weights, state: s });
    if (s) checkStateShape(spec.strategy.name, s, d);
    this.weights = resume.weights;
    this.serverState = resume.serverState;
    this.completed = resume.completedRounds;
    this.attempts = resume.attempts ?? 0;
    this.started = this.completed > 0 || this.attempts > 0;
    this.startBy = resume.startBy ?? null;
    this._status = this.completed > spec.rounds ? 'completed' : resume.paused ? 'paused' : 'waiting';
  }

  get status(): JobStatus {
    return this._status;
  }

  get completedRounds(): number {
    return this.completed;
  }

  get currentRound(): Round | null {
    return this.current;
  }

  get globalWeights(): Float32Array {
    return this.weights;
  }

  get members(): ReadonlySet<string> {
    return new Set(this.joined.keys());
  }

  get secureStage(): SecureStage | null {
    return this.secure;
  }

  /** Total rounds including the final evaluation round. */
  get totalRounds(): number {
    return this.spec.rounds + 1;
  }

  get finished(): boolean {
    return isEnded(this._status);
  }

  /**
   * The roster secure rounds run under: participants' identity keys come
   * from it, never from a Hello. Members no longer listed leave the job.
   */
  useRoster(roster: RosterRef, now: number): JobEffect[] {
    this.roster = roster;
    if (!this.spec.secureAggregation.enabled) return [];
    const gone = [...this.joined.keys()].filter((c) => !roster.members.has(c));
    return gone.flatMap((c) => this.clientLeft(c, now));
  }

  /** The job was offered to `client`: accepting, it reserves budget for the job, so it is told when the job ends. */
  offered(client: string): void {
    if (!this.finished) this.concerned.add(client);
  }

  clientJoined(client: string, now: number, info: MemberInfo = { identityKey: null, numTrain: 1 }): JobEffect[] {
    if (this.finished) throw new CohortError('E_UNKNOWN_JOB', `job ${this.jobId} is ${this._status}`);
    this.concerned.add(client); // told of the job's end even if its join is refused below
    if (this.spec.secureAggregation.enabled) {
      const listed = this.roster?.members.get(client);
      if (!listed)
        throw new CohortError(
          'E_ROSTER_NOT_MEMBER',
          `${client} is not in the roster this job's secure aggregation runs under`,
        );
      if (!info.identityKey || !constantTimeEqual(listed, info.identityKey))
        throw new CohortError('E_ROSTER_NOT_MEMBER', `${client} presented another key than its roster key`);
    }
    // A DP job weights every hospital equally, whatever weight it declares: no record count enters it (core/job/privacy.ts).
    const numTrain = updateWeight(this.spec, info.numTrain);
    checkDeclaredWeight(this.spec, numTrain);
    this.joined.set(client, { ...info, numTrain });
    return this.tick(now);
  }

  clientLeft(client: string, now: number): JobEffect[] {
    if (!this.joined.delete(client)) return [];
    if (this.joined.size < this.spec.minClients) this.minReachedAt = null;
    this.current?.drop(client);
    return [...this.relay(this.secure?.drop(client, now) ?? []), ...this.tick(now)];
  }

  /**
   * A participant said it will not finish this round (local training failed,
   * or its privacy budget refused the round): it leaves the round now rather
   * than at the deadline, and stays a member of the job.
   */
  clientAbandoned(client: string, round: number, now: number): JobEffect[] {
    this.openRound(client, round).drop(client);
    return [...this.relay(this.secure?.drop(client, now) ?? []), ...this.tick(now)];
  }

  /**
   * A secure-aggregation message from a client. An invalid one drops its
   * sender from the session and comes back as `rejected` for the caller to
   * report, beside the effects the session produced without it.
   */
  submitSecAgg(
    client: string,
    round: number,
    msg: ClientMessage,
    now: number,
  ): { effects: JobEffect[]; rejected: CohortError | null } {
    this.openRound(client, round);
    if (!this.secure) throw new CohortError('E_WIRE_UNEXPECTED', `round ${round} does not use secure aggregation`);
    const { out, rejected } = this.secure.receive(client, msg, now);
    return { effects: [...this.relay(out), ...this.tick(now)], rejected };
  }

  private relay(out: { to: string; body: ServerMessage }[]): JobEffect[] {
    const round = this.current?.round ?? 0;
    return out.map(({ to, body }) => ({ type: 'send', to, round, body }) as JobEffect);
  }

  /**
   * A participant's plaintext update. One outside the job's bound
   * (core/round/update-bound.ts) drops its sender from the round and comes
   * back as `rejected` for the caller to report, beside the effects of the
   * drop; other errors (not a participant, round not open, a duplicate)
   * throw and change nothing.
   */
  submitUpdate(
    client: string,
    round: number,
    update: ClientUpdate,
    now: number,
  ): { effects: JobEffect[]; rejected: CohortError | null } {
    const r = this.openRound(client, round);
    // With secure aggregation the masked sum is checked instead (core/secagg/sum-bound.ts); a plaintext update there is never aggregated.
    const declared = this.joined.get(client)!.numTrain;
    const bound = this.secure ? undefined : (u: ClientUpdate) => checkPlaintextUpdate(this.spec, declared, u);
    const rejected = r.submitUpdate(client, update, bound);
    return { effects: this.tick(now), rejected };
  }

  /**
   * A participant's evaluation of the round's starting model: exact metrics
   * (a job without DP), metrics read off noisy counts (`released`, a
   * record-level DP job), or null (withheld). Refused (E_WIRE_UNEXPECTED) for
   * a round the job does not evaluate, and when its kind does not fit the
   * job: exact metrics in a DP job, a release in a job that releases none.
   */
  submitEvaluation(
    client: string,
    round: number,
    evaluation: { metrics: Metrics; released: boolean } | null,
    now: number,
  ): JobEffect[] {
    const r = this.openRound(client, round);
    if (!evaluates(this.spec, round))
      throw new CohortError('E_WIRE_UNEXPECTED', `round ${round} of job ${this.jobId} is not evaluated`);
    if (evaluation?.released === false && this.spec.privacy)
      throw new CohortError('E_WIRE_UNEXPECTED', 'exact metrics in a DP job: a hospital releases only noisy counts');
    if (evaluation?.released && !releasesEvaluation(this.spec))
      throw new CohortError('E_WIRE_UNEXPECTED', 'noisy counts in a job that releases no evaluation');
    r.submitEvaluation(client, evaluation?.metrics ?? null);
    return this.tick(now);
  }

  cancel(reason: string): JobEffect[] {
    if (this.finished) return [];
    return this.finish('cancelled', reason);
  }

  /**
   * Every hospital it could run at declined it before its first round (the
   * coordinator decides who could: coordinator/job-registry.ts): it fails now
   * rather than at its start deadline. A job that has started is left alone.
   */
  declinedByAll(reason: string): JobEffect[] {
    return this.finished || this.started || this.joined.size > 0 ? [] : this.finish('failed', reason);
  }

  /**
   * Stops new rounds. The round in flight runs to its end: its hospitals have
   * already charged their budgets for it, and aborting would waste that spend.
   */
  pause(reason: string): JobEffect[] {
    if (this.finished)
      throw new CohortError('E_JOB_STATE', `job ${this.jobId} is ${this._status}: it cannot be paused`);
    if (this._status === 'paused') return [];
    this._status = 'paused';
    return [{ type: 'status', status: 'paused', reason }];
  }

  /** Lets rounds start again; the next one opens as soon as enough members are connected. */
  resume(reason: string, now: number): JobEffect[] {
    if (this._status !== 'paused')
      throw new CohortError('E_JOB_STATE', `job ${this.jobId} is ${this._status}, not paused`);
    this._status = this.completed > 0 || this.current ? 'running' : 'waiting';
    return [{ type: 'status', status: this._status, reason }, ...this.tick(now)];
  }

  /** Advances time: starts, closes or fails rounds as the rules say. */
  tick(now: number): JobEffect[] {
    const effects: JobEffect[] = [];
    // Each pass may close a round and open the next; bounded by the number of rounds.
    for (let guard = 0; guard < 3 && !this.finished; guard++) {
      if (this.current) {
        if (this.secure) {
          effects.push(...this.relay(this.secure.expire(now)));
          if (this.secure.status !== 'open') this.current.conclude(this.secure.status, this.secure.failure);
        }
        this.current.expire(now);
        if (this.current.status === 'open') {
          effects.push({ type: 'wakeAt', at: this.secure ? this.secure.deadline : this.current.deadline });
          break;
        }
        effects.push(...this.closeRound(now));
        continue;
      }
      const start = this.readyToStart(now);
      if (start === true) {
        effects.push(...this.openNextRound(now));
        continue;
      }
      const deadline = this.startDeadline;
      if (deadline !== null && now >= deadline) {
        // Its offered hospitals hold a reservation of its whole budget while it waits: the job's end releases them.
        const why =
          this._status === 'paused'
            ? 'it was paused before its first round'
            : `${this.joined.size} of the ${this.spec.minClients} hospitals it needs had joined`;
        effects.push(
          ...this.finish('failed', `not started by its start deadline (${new Date(deadline).toISOString()}): ${why}`),
        );
        break;
      }
      const wake = Math.min(typeof start === 'number' ? start : Infinity, deadline ?? Infinity);
      if (wake !== Infinity) effects.push({ type: 'wakeAt', at: wake });
      break;
    }
    return effects;
  }

  /** When the job fails if it has not opened a round by then; null once it has, or without a deadline. */
  private get startDeadline(): number | null {
    return this.started ? null : this.startBy;
  }

  private readyToStart(now: number): boolean | number {
    if (this._status === 'paused') return false;
    const n = this.joined.size;
    if (n >= this.spec.targetClients) return true;
    if (n < this.spec.minClients) return false;
    this.minReachedAt ??= now;
    // Enough members to run: at the start deadline it starts with them rather than fail.
    const at = Math.min(this.minReachedAt + this.spec.joinWaitMs, this.startDeadline ?? Infinity);
    return now >= at ? true : at;
  }

  private openRound(client: string, round: number): Round {
    if (!this.joined.has(client))
      throw new CohortError('E_NOT_PARTICIPANT', `${client} has not joined job ${this.jobId}`);
    const r = this.current;
    if (!r || r.round !== round)
      throw new CohortError('E_ROUND_MISMATCH', `round ${round} of job ${this.jobId} is not open`);
    return r;
  }

  private openNextRound(now: number): JobEffect[] {
    const round = this.completed + 1;
    const kind: RoundKind = round <= this.spec.rounds ? 'train' : 'evaluate';
    const participants = this.pickParticipants(round, kind);
    const deadline = now + this.spec.roundTimeoutMs;
    const attempt = ++this.attempts;
    let secagg: SecAggConfig | null = null;
    if (kind === 'train' && this.spec.secureAggregation.enabled) {
      try {
        secagg = this.openSecure(round, attempt, participants, now);
      } catch (err) {
        // No safe threshold exists for this many participants: retrying cannot help.
        if (!(err instanceof CohortError)) throw err;
        return this.finish(
          'failed',
          `secure aggregation cannot run round ${round} with ${participants.length} clients: ${err.message}`,
        );
      }
    }
    this.current = new Round({
      round,
      kind,
      participants,
      minClients: this.spec.minClients,
      deadline,
      decidedBy: secagg ? 'external' : 'answers',
    });
    this.started = true;
    const effects: JobEffect[] = [{ type: 'attemptStarted', round, attempt }];
    if (this._status === 'waiting') {
      this._status = 'running';
      effects.push({
        type: 'status',
        status: 'running',
        reason: `round ${round} started with ${participants.length} clients`,
      });
    }
    for (const to of participants) {
      effects.push({
        type: 'send',
        to,
        round,
        body: {
          roundConfig: {
            weights: this.weights,
            train: kind === 'train',
            deadlineUnixMs: deadline,
            seed: deriveSeed(this.spec.seed, round, attempt - 1, to),
            secagg,
          },
        },
      });
    }
    effects.push({ type: 'wakeAt', at: this.secure ? this.secure.deadline : deadline });
    return effects;
  }

  /**
   * Every member takes part, except in a training round of a hospital-level
   * DP job, whose modulus and accounting are sized for at most targetClients
   * (core/job/privacy.ts): then a window of that many, moving round to round
   * so no member is always left out.
   */
  private pickParticipants(round: number, kind: RoundKind): string[] {
    const all = [...this.joined.keys()].filter((c) => !this.sittingOut.has(c)).sort();
    const cap = kind === 'train' ? maxParticipants(this.spec) : Infinity;
    if (all.length <= cap) return all;
    const start = ((round - 1) * cap) % all.length;
    return [...all, ...all].slice(start, start + cap).sort();
  }

  /**
   * Sets up the round's secure-aggregation session with the parameters every
   * hospital recomputes (core/round/session-params.ts); the graph seed is
   * agreed by the participants inside the session.
   */
  private openSecure(round: number, attempt: number, participants: string[], now: number): SecAggConfig {
    const roster = this.roster;
    if (!roster)
      throw new CohortError(
        'E_ROSTER_MISSING',
        "no roster: secure aggregation takes identity keys from the hospitals' signed roster only",
      );
    const totalExamples = participants.reduce((sum, c) => sum + this.joined.get(c)!.numTrain, 0);
    const params = sessionParams(this.spec, {
      jobId: this.jobId,
      round,
      attempt,
      participants,
      rosterHash: roster.hashBytes,
      totalExamples,
    });
    const session = openSession(params);
    const keys = new Map(participants.map((c) => [c, roster.members.get(c)!]));
    const declared = new Map(participants.map((c) => [c, this.joined.get(c)!.numTrain]));
    this.secure = new SecureStage(
      session,
      keys,
      this.spec.roundTimeoutMs,
      now,
      this.input,
      declared,
      roundCorrupt(this.spec, participants.length),
    );
    const { bits, threshold, degree, clip } = params;
    return { bits, threshold, degree, clip, participants, totalExamples, attempt, rosterHash: roster.hashBytes };
  }

  private closeRound(now: number): JobEffect[] {
    const r = this.current!;
    const secure = this.secure;
    this.current = null;
    this.secure = null;
    if (r.status === 'failed') return this.roundFailed(r.round, r.failure, 'E_ROUND_FAILED', secure);
    const job = { spec: this.spec, strategy: this.strategy, weights: this.weights, serverState: this.serverState };
    const closed = closeRoundRecord(job, r, secure, now);
    if ('failure' in closed) return this.roundFailed(r.round, closed.failure.why, closed.failure.code, secure);
    const { record } = closed;
    // The record's model: the new one after a training round, the same one after an evaluation round.
    this.weights = record.weights;
    this.serverState = record.serverState;
    this.completed = r.round;
    this.attempts = 0;
    this.sittingOut.clear();
    const effects: JobEffect[] = [
      { type: 'roundCompleted', record },
      ...roundResults(r, record, (c) => this.joined.has(c)),
    ];
    if (this.completed >= this.totalRounds)
      effects.push(...this.finish('completed', `${this.spec.rounds} rounds trained and evaluated`));
    return effects;
  }

  /**
   * A failed attempt at a round: retried, until MAX_ROUND_ATTEMPTS fail the
   * job, or too few members are left for one. The global weights stay as
   * they were. SecureStage.sitOut says who sits out the retries.
   */
  private roundFailed(round: number, why: string, code: ErrorCode, secure: SecureStage | null): JobEffect[] {
    const reason = secure ? secure.sitOut(why, this.sittingOut, !this.spec.privacy) : why;
    const charged = secure?.releasedBy(this.spec.privacy?.unit) ?? [];
    const effects: JobEffect[] = [{ type: 'roundFailed', round, attempt: this.attempts, reason, code, charged }];
    const left = [...this.joined.keys()].filter((c) => !this.sittingOut.has(c)).length;
    if (this.attempts >= MAX_ROUND_ATTEMPTS)
      effects.push(...this.finish('failed', `round ${round} failed ${this.attempts} times: ${reason}`));
    else if (this.sittingOut.size > 0 && left < this.spec.minClients)
      effects.push(...this.finish('failed', `round ${round} cannot be retried with ${left} members: ${reason}`));
    return effects;
  }

  private finish(status: 'completed' | 'failed' | 'cancelled', reason: string): JobEffect[] {
    this._status = status;
    this.current = null;
    this.secure = null;
    const kind = status === 'completed' ? 'COMPLETED' : status === 'failed' ? 'FAILED' : 'CANCELLED';
    const effects: JobEffect[] = [{ type: 'status', status, reason }];
    // Not only the members: a hospital that left or never got in may still hold a reservation that only this ends.
    const told = new Set([...this.joined.keys(), ...this.concerned]);
    for (const to of [...told].sort())
      effects.push({ type: 'send', to, round: this.completed, body: { jobEvent: { kind, reason } } });
    return effects;
  }
}
