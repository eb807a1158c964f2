/**
 * One round of one job, as a pure state machine: who was asked, who answered,
 * who dropped, and whether the round can still complete. No sockets, no
 * timers: the caller reports arrivals, departures and the passing of the
 * deadline, and reads `status`.
 *
 * A training round completes when every participant still connected has
 * answered and at least `minClients` did, or at the deadline with at least
 * `minClients` answers (stragglers are dropped, never waited for). It fails as
 * soon as too few participants remain to reach `minClients`.
 */
import { CohortError } from '../errors.ts';
import type { Metrics } from '../metrics.ts';

export type RoundKind = 'train' | 'evaluate';
export type RoundStatus = 'open' | 'complete' | 'failed';

export interface ClientUpdate {
  delta: Float32Array;
  numExamples: number;
  trainLoss: number;
  steps: number;
}

export interface RoundParams {
  round: number;
  kind: RoundKind;
  participants: readonly string[];
  minClients: number;
  deadline: number;
  /**
   * 'external': the round's outcome is decided by another stage (secure
   * aggregation) through `conclude`; the round only keeps membership and
   * evaluations.
   */
  decidedBy?: 'answers' | 'external';
}

export class Round {
  readonly round: number;
  readonly kind: RoundKind;
  readonly participants: readonly string[];
  readonly minClients: number;
  readonly deadline: number;
  readonly external: boolean;
  readonly updates = new Map<string, ClientUpdate>();
  readonly evaluations = new Map<string, Metrics>();
  /** Participants that answered an evaluation by keeping it to themselves (their policy, or the job's DP unit). */
  readonly withheld = new Set<string>();
  /** Participants that disconnected or missed the deadline without answering. */
  readonly dropped = new Set<string>();
  private _status: RoundStatus = 'open';
  private _failure = '';

  constructor(p: RoundParams) {
    if (p.participants.length < p.minClients) {
      throw new CohortError(
        'E_ROUND_FAILED',
        `round ${p.round} needs ${p.minClients} participants, has ${p.participants.length}`,
      );
    }
    this.round = p.round;
    this.kind = p.kind;
    this.participants = [...p.participants];
    this.minClients = p.minClients;
    this.deadline = p.deadline;
    this.external = p.decidedBy === 'external';
  }

  /** Closes an externally decided round. */
  conclude(status: 'complete' | 'failed', reason = ''): void {
    if (!this.external || this._status !== 'open') return;
    if (status === 'complete') this._status = 'complete';
    else this.fail(reason);
  }

  get status(): RoundStatus {
    return this._status;
  }

  get failure(): string {
    return this._failure;
  }

  /** Clients whose answer decides the round: updates (train) or evaluations (evaluate). */
  get answered(): number {
    return this.kind === 'train' ? this.updates.size : this.evaluations.size + this.withheld.size;
  }

  /**
   * Throws for an update the round cannot take at all (not a participant,
   * closed, a duplicate, fields out of range), changing nothing. Then
   * `bound`, the job's check of the update's content (core/round/update-bound.ts),
   * if given: an update it refuses drops its sender from the round, and its
   * error is returned (null: accepted).
   */
  submitUpdate(client: string, update: ClientUpdate, bound?: (u: ClientUpdate) => void): CohortError | null {
    this.checkOpen(client);
    if (this.kind !== 'train') throw new CohortError('E_WIRE_UNEXPECTED', `round ${this.round} is evaluation-only`);
    if (this.updates.has(client))
      throw new CohortError('E_DUPLICATE_UPDATE', `${client} already sent an update for round ${this.round}`);
    if (!Number.isInteger(update.numExamples) || update.numExamples < 1 || update.numExamples > 1e9) {
      throw new CohortError('E_UPDATE_RANGE', 'numExamples must be an integer in [1, 10^9]');
    }
    if (!Number.isFinite(update.trainLoss) || update.trainLoss < 0)
      throw new CohortError('E_UPDATE_RANGE', 'trainLoss must be finite and >= 0');
    try {
      bound?.(update);
    } catch (err) {
      if (!(err instanceof CohortError)) throw err;
      this.drop(client);
      return err;
    }
    this.updates.set(client, update);
    this.settle();
    return null;
  }

  /** An evaluation of the round's starting model: its metrics, or null when the participant withheld them. */
  submitEvaluation(client: string, metrics: Metrics | null): void {
    this.checkOpen(client);
    if (this.evaluations.has(client) || this.withheld.has(client))
      throw new CohortError('E_DUPLICATE_UPDATE', `${client} already sent an evaluation for round ${this.round}`);
    if (metrics) this.evaluations.set(client, metrics);
    else this.withheld.add(client);
    this.settle();
  }

  /** A participant disconnected. Its answer, if already in, still counts. */
  drop(client: string): void {
    if (this._status !== 'open' || !this.participants.includes(client) || this.hasAnswered(client)) return;
    this.dropped.add(client);
    this.settle();
  }

  /** The deadline passed: close with what arrived. */
  expire(now: number): void {
    if (this.external || this._status !== 'open' || now < this.deadline) return;
    for (const c of this.participants) if (!this.hasAnswered(c)) this.dropped.add(c);
    if (this.answered >= this.minClients) this._status = 'complete';
    else this.fail(`deadline passed with ${this.answered} answers; ${this.minClients} required`);
  }

  private hasAnswered(client: string): boolean {
    return this.kind === 'train' ? this.updates.has(client) : this.evaluations.has(client) || this.withheld.has(client);
  }

  private checkOpen(client: string): void {
    if (!this.participants.includes(client))
      throw new CohortError('E_NOT_PARTICIPANT', `${client} is not a participant of round ${this.round}`);
    if (this._status !== 'open') throw new CohortError('E_ROUND_MISMATCH', `round ${this.round} is closed`);
    if (this.dropped.has(client))
      throw new CohortError('E_ROUND_MISMATCH', `${client} was dropped from round ${this.round}`);
  }

  private settle(): void {
    if (this.external) return;
    const pending = this.participants.length - this.answered - this.dropped.size;
    if (this.answered + pending < this.minClients) {
      this.fail(
        `only ${this.answered + pending} of ${this.participants.length} participants can still answer; ${this.minClients} required`,
      );
    } else if (pending === 0) {
      this._status = 'complete';
    }
  }

  private fail(reason: string): void {
    this._status = 'failed';
    this._failure = reason;
  }
}
