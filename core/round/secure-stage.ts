/**
 * The secure-aggregation stage of a training round: one SecAggServer session
 * plus the per-phase deadlines the job machine enforces on it. Each phase
 * gets the job's round timeout; a client silent past it is dropped, so one
 * straggler can delay a phase but never stall the round.
 */
import type { PrivacyUnit } from '../job/guarantee.ts';
import { CohortError } from '../errors.ts';
import type { SecureInput } from './secure-input.ts';
import {
  SecAggServer,
  type ClientMessage,
  type Outgoing,
  type PhaseCounts,
  type SecureResult,
  type Session,
  type ServerPhase,
} from '../secagg/index.ts';

export class SecureStage {
  private readonly server: SecAggServer;
  private phase: ServerPhase;
  private _deadline: number;

  constructor(
    readonly session: Session,
    identityKeys: ReadonlyMap<string, Uint8Array>,
    private readonly phaseTimeoutMs: number,
    now: number,
    private readonly input: SecureInput,
    /** Each participant's declared training examples (its JoinJob's weight, 1 in a DP job): the weights an honest sum carries. */
    private readonly declaredExamples: ReadonlyMap<string, number>,
    /** The colluders the job assumes (C): how much evidence blames a client. */
    corrupt: number,
  ) {
    this.server = new SecAggServer(session, identityKeys, corrupt);
    this.phase = this.server.phase;
    this._deadline = now + phaseTimeoutMs;
  }

  get status(): 'open' | 'complete' | 'failed' {
    const p = this.server.phase;
    return p === 'done' ? 'complete' : p === 'failed' ? 'failed' : 'open';
  }

  get failure(): string {
    return this.server.failure;
  }

  get deadline(): number {
    return this._deadline;
  }

  /** The session's current phase ('done' or 'failed' once over). */
  get serverPhase(): ServerPhase {
    return this.server.phase;
  }

  get counts(): PhaseCounts {
    return this.server.counts;
  }

  get survivors(): readonly string[] {
    return this.server.survivors;
  }

  /**
   * After this attempt failed for `why`: adds to `sittingOut` the clients
   * who sit out the round's retries, and returns `why` with them named. They
   * are those it blamed and, in a job without DP (`unmaskedToo`), those whose
   * unmask answer arrived (SecAggServer.unmaskedBy), which refuse another
   * attempt at the round (core/round/hospital-session.ts); in a DP job they
   * take part again with a fresh input.
   */
  sitOut(why: string, sittingOut: Set<string>, unmaskedToo: boolean): string {
    const blamed = [...this.server.blamed.keys()].sort();
    const unmasked = unmaskedToo ? this.server.unmaskedBy.filter((c) => !this.server.blamed.has(c)) : [];
    for (const c of [...blamed, ...unmasked]) sittingOut.add(c);
    const named = [
      ...(blamed.length > 0 ? [`blamed: ${blamed.join(', ')}`] : []),
      ...(unmasked.length > 0 ? [`unmasked: ${unmasked.join(', ')}`] : []),
    ];
    return named.length > 0 ? `${why} (left out of the retries, ${named.join('; ')})` : why;
  }

  /**
   * Whose input this failed attempt may have released, each charged for it,
   * for the ledger (coordinator/effects.ts): in a hospital-level DP job every
   * input that arrived (each charged as it left); in a record-level one those
   * whose unmask answer arrived, since each trains and is charged afresh if
   * the round is retried (core/round/hospital-round.ts); none without DP.
   */
  releasedBy(unit: PrivacyUnit | undefined): string[] {
    if (unit === 'hospital') return this.server.inputsFrom;
    return unit === 'record' ? this.server.unmaskedBy : [];
  }

  receive(from: string, msg: ClientMessage, now: number): { out: Outgoing[]; rejected: CohortError | null } {
    const r = this.server.receive(from, msg);
    this.onProgress(now);
    return r;
  }

  drop(client: string, now: number): Outgoing[] {
    const out = this.server.drop(client);
    this.onProgress(now);
    return out;
  }

  /** Drops the current phase's silent clients once its deadline passed. */
  expire(now: number): Outgoing[] {
    if (now < this._deadline) return [];
    const out = this.server.expire();
    this.onProgress(now);
    return out;
  }

  /** The survivors' mean update; throws E_SECAGG_SUM_BOUND for a sum they cannot have produced honestly. */
  result(): SecureResult {
    const examples = this.server.survivors.map((c) => this.declaredExamples.get(c) ?? 0);
    return this.input.decode(this.session, this.server.seed, this.server.sum, examples);
  }

  private onProgress(now: number): void {
    if (this.server.phase !== this.phase) {
      this.phase = this.server.phase;
      this._deadline = now + this.phaseTimeoutMs;
    }
  }
}
