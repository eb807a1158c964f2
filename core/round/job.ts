/**
 * A federated job as a pure state machine: waiting for clients, running
 * training rounds, a final evaluation round, then completed (or failed after
 * too many failed attempts at one round). Inputs are events with the current
 * time; outputs are effects for the driver (coordinator/) to carry out:
 * frames to send, a round to persist, when to call `tick` next. The same
 * machine runs under unit tests, the simulator and the server.
 */
import { CohortError, type ErrorCode } from '../errors.ts';
import { deriveSeed } from '../rng.ts';
import { pooledMetrics, type Metrics } from '../metrics.ts';
import { createStrategy, type ServerState, type Strategy } from '../strategy/index.ts';
import { evaluates, type JobSpec } from '../job/spec.ts';
import { constantTimeEqual, openSession, type ClientMessage, type PhaseCounts, type SecureResult, type ServerMessage } from '../secagg/index.ts';
import { Round, type ClientUpdate, type RoundKind } from './round.ts';
import { SecureStage } from './secure-stage.ts';
import { secureInput, type SecureInput } from './secure-input.ts';
import { MAX_ROUND_ATTEMPTS, sessionParams } from './session-params.ts';
import { maxParticipants, releasesEvaluation, roundCorrupt, updateWeight } from '../job/privacy.ts';

/** `paused`: a researcher or admin stopped new rounds; the round in flight still finishes. */
export type JobStatus = 'waiting' | 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export { MAX_ROUND_ATTEMPTS };

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

/** Public parameters of a round's secure-aggregation session, as sent in RoundConfig (core/round/session-params.ts). */
export interface SecAggConfig {
  bits: number;
  threshold: number;
  degree: number;
  clip: number;
  participants: string[];
  totalExamples: number;
  attempt: number;
  rosterHash: Uint8Array;
}

export type OutgoingBody =
  | { roundConfig: { weights: Float32Array; train: boolean; deadlineUnixMs: number; seed: number; secagg: SecAggConfig | null } }
  | ServerMessage
  | { roundResult: { participants: number; dropped: number; metrics: Metrics | null } }
  | { jobEvent: { kind: 'STARTED' | 'COMPLETED' | 'FAILED' | 'CANCELLED'; reason: string } };

export type JobEffect =
  | { type: 'send'; to: string; round: number; body: OutgoingBody }
  | { type: 'roundCompleted'; record: RoundRecord }
  /** An attempt at a round starts: persisted before its configs go out, so a restarted coordinator never reuses an attempt number. */
  | { type: 'attemptStarted'; round: number; attempt: number }
  /** `code`: E_ROUND_FAILED for too few answers, or the typed error that rejected the round's result (E_SECAGG_SUM_BOUND). */
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
}

export class JobMachine {
  readonly spec: JobSpec;
  readonly jobId: string;
  private readonly strategy: Strategy;
  /** How this job's updates enter the secure sum (hospital-level DP or not). */
  private readonly input: SecureInput;
  private readonly joined = new Map<string, MemberInfo>();
  private weights: Float32Array;
  private serverState: ServerState | null;
  private completed: number;
  private current: Round | null = null;
  private secure: SecureStage | null = null;
  /** Attempts started at the round in flight or next (1-based numbers go out as SecAggConfig.attempt). */
  private attempts: number;
  /** Members a failed attempt of this round blamed (a bad share or secret): left out of its retries. */
  private readonly blamed = new Set<string>();
  private roster: RosterRef | null = null;
  private minReachedAt: number | null = null;
  private _status: JobStatus;

  constructor(jobId: string, spec: JobSpec, resume: JobResume) {
    this.jobId = jobId;
    this.spec = spec;
    this.strategy = createStrategy(spec.strategy);
    this.input = secureInput(spec);
    this.weights = resume.weights;
    this.serverState = resume.serverState;
    this.completed = resume.completedRounds;
    this.attempts = resume.attempts ?? 0;
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
    return this._status === 'completed' || this._status === 'failed' || this._status === 'cancelled';
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

  clientJoined(client: string, now: number, info: MemberInfo = { identityKey: null, numTrain: 1 }): JobEffect[] {
    if (this.finished) throw new CohortError('E_UNKNOWN_JOB', `job ${this.jobId} is ${this._status}`);
    if (this.spec.secureAggregation.enabled) {
      const listed = this.roster?.members.get(client);
      if (!listed) throw new CohortError('E_ROSTER_NOT_MEMBER', `${client} is not in the roster this job's secure aggregation runs under`);
      if (!info.identityKey || !constantTimeEqual(listed, info.identityKey)) throw new CohortError('E_ROSTER_NOT_MEMBER', `${client} presented another key than its roster key`);
    }
    // A DP job weights every hospital equally, whatever weight it declares: no record count enters it (core/job/privacy.ts).
    this.joined.set(client, { ...info, numTrain: updateWeight(this.spec, info.numTrain) });
    return this.tick(now);
  }

  clientLeft(client: string, now: number): JobEffect[] {
    if (!this.joined.delete(client)) return [];
    if (this.joined.size < this.spec.minClients) this.minReachedAt = null;
    this.current?.drop(client);
    const out = this.secure?.drop(client, now) ?? [];
    return [...this.relay(out), ...this.tick(now)];
  }

  /**
   * A participant said it will not finish this round (local training failed,
   * or its privacy budget refused the round): it leaves the round now rather
   * than at the deadline, and stays a member of the job.
   */
  clientAbandoned(client: string, round: number, now: number): JobEffect[] {
    this.openRound(client, round).drop(client);
    const out = this.secure?.drop(client, now) ?? [];
    return [...this.relay(out), ...this.tick(now)];
  }

  /**
   * A secure-aggregation message from a client. An invalid one drops its
   * sender from the session and comes back as `rejected` for the caller to
   * report, beside the effects the session produced without it.
   */
  submitSecAgg(client: string, round: number, msg: ClientMessage, now: number): { effects: JobEffect[]; rejected: CohortError | null } {
    this.openRound(client, round);
    if (!this.secure) throw new CohortError('E_WIRE_UNEXPECTED', `round ${round} does not use secure aggregation`);
    const { out, rejected } = this.secure.receive(client, msg, now);
    return { effects: [...this.relay(out), ...this.tick(now)], rejected };
  }

  private relay(out: { to: string; body: ServerMessage }[]): JobEffect[] {
    const round = this.current?.round ?? 0;
    return out.map(({ to, body }) => ({ type: 'send', to, round, body }) as JobEffect);
  }

  submitUpdate(client: string, round: number, update: ClientUpdate, now: number): JobEffect[] {
    this.openRound(client, round).submitUpdate(client, update);
    return this.tick(now);
  }

  /**
   * A participant's evaluation of the round's starting model: exact metrics
   * (a job without DP), metrics read off noisy counts (`released`, a
   * record-level DP job), or null (withheld). Refused (E_WIRE_UNEXPECTED) for
   * a round the job does not evaluate, and when its kind does not fit the
   * job: exact metrics in a DP job, a release in a job that releases none.
   */
  submitEvaluation(client: string, round: number, evaluation: { metrics: Metrics; released: boolean } | null, now: number): JobEffect[] {
    const r = this.openRound(client, round);
    if (!evaluates(this.spec, round)) throw new CohortError('E_WIRE_UNEXPECTED', `round ${round} of job ${this.jobId} is not evaluated`);
    if (evaluation?.released === false && this.spec.privacy) throw new CohortError('E_WIRE_UNEXPECTED', 'exact metrics in a DP job: a hospital releases only noisy counts');
    if (evaluation?.released && !releasesEvaluation(this.spec)) throw new CohortError('E_WIRE_UNEXPECTED', 'noisy counts in a job that releases no evaluation');
    r.submitEvaluation(client, evaluation?.metrics ?? null);
    return this.tick(now);
  }

  cancel(reason: string): JobEffect[] {
    if (this.finished) return [];
    return this.finish('cancelled', reason);
  }

  /**
   * Stops new rounds. The round in flight runs to its end: its hospitals have
   * already charged their budgets for it, and aborting would waste that spend.
   */
  pause(reason: string): JobEffect[] {
    if (this.finished) throw new CohortError('E_JOB_STATE', `job ${this.jobId} is ${this._status}: it cannot be paused`);
    if (this._status === 'paused') return [];
    this._status = 'paused';
    return [{ type: 'status', status: 'paused', reason }];
  }

  /** Lets rounds start again; the next one opens as soon as enough members are connected. */
  resume(reason: string, now: number): JobEffect[] {
    if (this._status !== 'paused') throw new CohortError('E_JOB_STATE', `job ${this.jobId} is ${this._status}, not paused`);
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
      if (typeof start === 'number') effects.push({ type: 'wakeAt', at: start });
      break;
    }
    return effects;
  }

  private readyToStart(now: number): boolean | number {
    if (this._status === 'paused') return false;
    const n = this.joined.size;
    if (n >= this.spec.targetClients) return true;
    if (n < this.spec.minClients) return false;
    this.minReachedAt ??= now;
    const at = this.minReachedAt + this.spec.joinWaitMs;
    return now >= at ? true : at;
  }

  private openRound(client: string, round: number): Round {
    if (!this.joined.has(client)) throw new CohortError('E_NOT_PARTICIPANT', `${client} has not joined job ${this.jobId}`);
    const r = this.current;
    if (!r || r.round !== round) throw new CohortError('E_ROUND_MISMATCH', `round ${round} of job ${this.jobId} is not open`);
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
        return this.finish('failed', `secure aggregation cannot run round ${round} with ${participants.length} clients: ${err.message}`);
      }
    }
    this.current = new Round({ round, kind, participants, minClients: this.spec.minClients, deadline, decidedBy: secagg ? 'external' : 'answers' });
    const effects: JobEffect[] = [{ type: 'attemptStarted', round, attempt }];
    if (this._status === 'waiting') {
      this._status = 'running';
      effects.push({ type: 'status', status: 'running', reason: `round ${round} started with ${participants.length} clients` });
    }
    for (const to of participants) {
      effects.push({
        type: 'send',
        to,
        round,
        body: { roundConfig: { weights: this.weights, train: kind === 'train', deadlineUnixMs: deadline, seed: deriveSeed(this.spec.seed, round, attempt - 1, to), secagg } },
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
    const all = [...this.joined.keys()].filter((c) => !this.blamed.has(c)).sort();
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
    if (!roster) throw new CohortError('E_ROSTER_MISSING', 'no roster: secure aggregation takes identity keys from the hospitals\' signed roster only');
    const totalExamples = participants.reduce((sum, c) => sum + this.joined.get(c)!.numTrain, 0);
    const params = sessionParams(this.spec, { jobId: this.jobId, round, attempt, participants, rosterHash: roster.hashBytes, totalExamples });
    const session = openSession(params);
    const keys = new Map(participants.map((c) => [c, roster.members.get(c)!]));
    const declared = new Map(participants.map((c) => [c, this.joined.get(c)!.numTrain]));
    this.secure = new SecureStage(session, keys, this.spec.roundTimeoutMs, now, this.input, declared, roundCorrupt(this.spec, participants.length));
    const { bits, threshold, degree, clip } = params;
    return { bits, threshold, degree, clip, participants, totalExamples, attempt, rosterHash: roster.hashBytes };
  }

  private closeRound(now: number): JobEffect[] {
    const r = this.current!;
    const secure = this.secure;
    this.current = null;
    this.secure = null;
    if (r.status === 'failed') return this.roundFailed(r.round, r.failure, 'E_ROUND_FAILED', secure);
    let sum: SecureResult | null = null;
    if (secure) {
      // The coordinator sees only the sum of the survivors' inputs, and rejects one they cannot have produced honestly.
      try {
        sum = secure.result();
      } catch (err) {
        if (!(err instanceof CohortError)) throw err;
        return this.roundFailed(r.round, err.message, err.code, secure);
      }
    }
    const evaluations = Object.fromEntries([...r.evaluations].filter(([c]) => !r.dropped.has(c)));
    const perClient = Object.values(evaluations);
    const record: RoundRecord = {
      round: r.round,
      kind: r.kind,
      weights: this.weights,
      serverState: this.serverState,
      participants: [...r.participants],
      dropped: [...r.dropped].sort(),
      evaluations,
      pooled: perClient.length > 0 ? pooledMetrics(perClient) : null,
      trainLoss: null,
      phaseCounts: null,
      completedAt: now,
    };
    if (secure && sum) {
      const out = this.strategy.step({ round: r.round, global: this.weights, meanDelta: sum.meanDelta, state: this.serverState });
      this.weights = out.weights;
      this.serverState = out.state;
      record.weights = out.weights;
      record.serverState = out.state;
      // A DP job releases no training loss: it is computed on the records without noise.
      record.trainLoss = this.spec.privacy ? null : sum.trainLoss;
      record.phaseCounts = { ...secure.counts };
      const survivors = new Set(secure.survivors);
      record.dropped = r.participants.filter((c) => !survivors.has(c));
    } else if (r.kind === 'train') {
      // Aggregate in client-name order, not arrival order, so a seed reproduces the same weights bit for bit.
      const results = [...r.updates]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([client, u]) => ({ client, delta: u.delta, numExamples: updateWeight(this.spec, u.numExamples) }));
      const out = this.strategy.aggregate({ round: r.round, global: this.weights, results, failures: record.dropped, state: this.serverState });
      this.weights = out.weights;
      this.serverState = out.state;
      record.weights = out.weights;
      record.serverState = out.state;
      const n = results.reduce((s, x) => s + x.numExamples, 0);
      record.trainLoss = this.spec.privacy ? null : [...r.updates.values()].reduce((s, u) => s + u.trainLoss * u.numExamples, 0) / n;
    }
    this.completed = r.round;
    this.attempts = 0;
    this.blamed.clear();
    const effects: JobEffect[] = [{ type: 'roundCompleted', record }];
    const dropped = new Set(record.dropped);
    for (const to of r.participants) {
      if (dropped.has(to) || !this.joined.has(to)) continue;
      effects.push({ type: 'send', to, round: r.round, body: { roundResult: { participants: r.participants.length - dropped.size, dropped: dropped.size, metrics: record.pooled } } });
    }
    if (this.completed >= this.totalRounds) effects.push(...this.finish('completed', `${this.spec.rounds} rounds trained and evaluated`));
    return effects;
  }

  /**
   * A failed attempt at a round: retried, until MAX_ROUND_ATTEMPTS fail the
   * job. The global weights stay as they were. Members the session blamed
   * (a wrong share, a secret that does not rebuild) sit out the retries.
   */
  private roundFailed(round: number, why: string, code: ErrorCode, secure: SecureStage | null): JobEffect[] {
    const blamed = [...(secure?.blamed.keys() ?? [])].sort();
    for (const c of blamed) this.blamed.add(c);
    const reason = blamed.length > 0 ? `${why} (left out of the retries: ${blamed.join(', ')})` : why;
    const charged = secure && this.spec.privacy?.unit === 'hospital' ? secure.inputsFrom : [];
    const effects: JobEffect[] = [{ type: 'roundFailed', round, attempt: this.attempts, reason, code, charged }];
    if (this.attempts >= MAX_ROUND_ATTEMPTS) effects.push(...this.finish('failed', `round ${round} failed ${this.attempts} times: ${reason}`));
    return effects;
  }

  private finish(status: 'completed' | 'failed' | 'cancelled', reason: string): JobEffect[] {
    this._status = status;
    this.current = null;
    this.secure = null;
    const kind = status === 'completed' ? 'COMPLETED' : status === 'failed' ? 'FAILED' : 'CANCELLED';
    const effects: JobEffect[] = [{ type: 'status', status, reason }];
    for (const to of [...this.joined.keys()].sort()) effects.push({ type: 'send', to, round: this.completed, body: { jobEvent: { kind, reason } } });
    return effects;
  }
}

