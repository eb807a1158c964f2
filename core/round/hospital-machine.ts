/**
 * A hospital's side of every job, as a pure machine: the daemon (client/)
 * feeds it offers, rounds, secure-aggregation messages and what its effects
 * gave, and carries out the effects it returns (core/round/hospital-effects.ts).
 * Per job: offered -> admitted (reserved against the budget) -> rounds
 * (core/round/hospital-round.ts, one at a time) -> ended. No sockets, timers,
 * stores or tfjs: the same machine runs under the daemon and the tests.
 */
import { CohortError, asCohortError } from '../errors.ts';
import type { JobSpec } from '../job/spec.ts';
import { roundMechanism, updateWeight } from '../job/privacy.ts';
import type { Mechanism } from '../privacy/spend.ts';
import { AttemptLog, HospitalSession } from './hospital-session.ts';
import { secureInput } from './secure-input.ts';
import { admit, hospitalView, type HospitalConfig } from './hospital-admission.ts';
import { HospitalRound, type RoundContext, type RoundStage } from './hospital-round.ts';
import {
  log,
  type BudgetAnswer,
  type Evaluated,
  type HospitalEffect,
  type OfferedSecAgg,
  type RoundFacts,
  type RoundInput,
  type SecAggIn,
  type TrainOutput,
} from './hospital-effects.ts';

export type { HospitalConfig } from './hospital-admission.ts';

export interface OfferInput {
  jobId: string;
  /** The offered spec, or why it could not be read (a decline). */
  spec: JobSpec | CohortError;
  owner: string | null;
  /** The budget store closed this job's reservation (it ended here, maybe before a restart). */
  endedHere: boolean;
  /** The budget store holds an open reservation for it. */
  reservedHere: boolean;
}

export class HospitalMachine {
  private link = 0;
  private readonly jobs = new Map<string, JobSpec>();
  /** Offers that passed every check and wait for the budget's reservation. */
  private readonly offered = new Map<string, { spec: JobSpec; reservedHere: boolean }>();
  /**
   * Jobs that ended while this machine ran: an offer of one again is refused
   * (E_JOB_STATE), as is one whose reservation was closed (across restarts).
   * Otherwise a coordinator could end a job and offer it anew to start its
   * attempts (and seeds) from 1 again, or to have a round trained again.
   */
  private readonly ended = new Set<string>();
  /** Each job's current round; a new round supersedes it. */
  private readonly rounds = new Map<string, HospitalRound>();
  private readonly attempts: AttemptLog;
  private readonly ctx: RoundContext;

  constructor(private readonly c: HospitalConfig) {
    this.attempts = c.attempts ?? new AttemptLog();
    this.ctx = {
      budgeted: c.budget !== null,
      keepsOutputs: c.keepsOutputs,
      evaluation: c.policy?.evaluation ?? 'dp',
      ...(c.checkInputs ? { checkInputs: c.checkInputs } : {}),
      trained: new Set(),
      evaluated: new Map(),
    };
  }

  /** A new connection (numbered by the daemon): rounds of earlier ones are gone, and their results go nowhere. */
  connected(link: number): void {
    this.link = link;
  }

  /** The spec of a job this hospital joined; E_UNKNOWN_JOB otherwise. */
  specOf(jobId: string): JobSpec {
    const spec = this.jobs.get(jobId);
    if (!spec) throw new CohortError('E_UNKNOWN_JOB', `round for unknown job ${jobId}`);
    return spec;
  }

  /** The stage of a job's current round, null without one. */
  stageOf(jobId: string): RoundStage | null {
    return this.rounds.get(jobId)?.stage ?? null;
  }

  /** Whether this hospital trained (or released the evaluation of) a round since it started. */
  trainedRound(jobId: string, round: number): boolean {
    return this.ctx.trained.has(`${jobId}/${round}`);
  }

  /** What this hospital released in a round, as known without a budget store: the job's mechanism, if it trained it. */
  releasedMechanism(jobId: string, round: number): Mechanism | null {
    const spec = this.jobs.get(jobId);
    return spec?.privacy && this.trainedRound(jobId, round) ? roundMechanism(spec, round) : null;
  }

  /** An offer: joined, declined, or (a DP job) reserved against the budget first. */
  offer(o: OfferInput): HospitalEffect[] {
    let mechanisms: Mechanism[] | null;
    try {
      if (this.ended.has(o.jobId) || o.endedHere)
        throw new CohortError(
          'E_JOB_STATE',
          `job ${o.jobId} already ended at this hospital: offering it again would replay its rounds`,
        );
      if (o.spec instanceof CohortError) throw o.spec;
      mechanisms = admit(this.c, o.spec, o.owner);
    } catch (err) {
      return this.decline(o.jobId, asCohortError(err), o.reservedHere);
    }
    if (!mechanisms)
      return [
        log('warn', { job: o.jobId }, 'joining a job WITHOUT differential privacy (no budget configured)'),
        ...this.join(o.jobId, o.spec),
      ];
    this.offered.set(o.jobId, { spec: o.spec, reservedHere: o.reservedHere });
    return [{ type: 'reserve', jobId: o.jobId, mechanisms }];
  }

  /** The budget's answer to an offer's reservation. */
  reserved(jobId: string, a: BudgetAnswer | CohortError): HospitalEffect[] {
    const pending = this.offered.get(jobId);
    if (!pending) throw new CohortError('E_JOB_STATE', `no offer of job ${jobId} waits for a reservation`);
    this.offered.delete(jobId);
    if (a instanceof CohortError) return this.decline(jobId, a, pending.reservedHere);
    if (!a.allowed) return this.decline(jobId, new CohortError('E_BUDGET_EXCEEDED', a.reason), pending.reservedHere);
    return [
      log(
        'info',
        { job: jobId, projectedEpsilon: a.projected?.epsilon, bound: a.projected?.bound },
        'job admitted against the privacy budget',
      ),
      ...this.join(jobId, pending.spec),
    ];
  }

  /**
   * Reconciliation on every Welcome: any job this hospital holds (joined, or
   * reserved in its store from before a restart) that the coordinator does
   * not list as live ended while it was away.
   */
  welcome(liveJobs: readonly string[], reservedHere: readonly string[]): HospitalEffect[] {
    const live = new Set(liveJobs);
    const held = new Set([...this.jobs.keys(), ...reservedHere]);
    return [...held]
      .filter((jobId) => !live.has(jobId))
      .flatMap((jobId) =>
        this.end(jobId, 'the job is not live at the coordinator (it ended while this hospital was away)'),
      );
  }

  /** The coordinator's word that a job started or ended. */
  jobEvent(jobId: string, kind: string): HospitalEffect[] {
    return kind === 'STARTED' ? [] : this.end(jobId, `the job ended (${kind})`);
  }

  /**
   * This hospital's part in a job is over: what it held for the job goes (but
   * its attempt mark, which only ever refuses), a job it held is refused if
   * offered again, and the daemon closes its budget reservation (charged
   * rounds stay spent, the rest is released).
   */
  end(jobId: string, why: string): HospitalEffect[] {
    if (this.jobs.has(jobId)) this.ended.add(jobId);
    this.jobs.delete(jobId);
    this.offered.delete(jobId);
    for (const key of this.ctx.evaluated.keys()) if (key.startsWith(`${jobId}/`)) this.ctx.evaluated.delete(key);
    this.rounds.get(jobId)?.forget();
    this.rounds.delete(jobId);
    // The job's attempt mark stays (AttemptLog): an ending is the coordinator's word, and a restarted daemon
    // holds no job to refuse a re-offer of, so a mark the ending deleted would let the job's rounds be
    // opened again from attempt 1, the input this hospital helped unmask put into a second sum.
    return [{ type: 'end', jobId, why }];
  }

  /**
   * A round of a joined job: its range and session checked before anything
   * is evaluated, trained or charged (a round whose parameters this hospital
   * does not compute itself costs it nothing), then started.
   */
  round(cfg: RoundInput, facts: RoundFacts): HospitalEffect[] {
    const spec = this.specOf(cfg.jobId);
    if (cfg.link !== this.link) return []; // the connection that asked is gone, and so is its round
    let r: HospitalRound;
    try {
      checkRange(spec, cfg);
      if (cfg.train && !cfg.secagg && spec.secureAggregation.enabled)
        throw new CohortError(
          'E_SECAGG_PARAMS',
          'the job requires secure aggregation but the round carries no session parameters',
        );
      const hs = cfg.train && cfg.secagg ? this.openSecure(spec, cfg, cfg.secagg) : null;
      // A new round supersedes whatever session the job had: its secrets go now.
      this.rounds.get(cfg.jobId)?.forget();
      r = new HospitalRound(cfg, spec, hs, facts, this.ctx);
      this.rounds.set(cfg.jobId, r);
    } catch (err) {
      // Refused before it started: the job's current session (if any) is untouched.
      return [refusal(cfg, asCohortError(err))];
    }
    return this.step(r, () => r.start());
  }

  evaluated(jobId: string, round: number, e: Evaluated): HospitalEffect[] {
    const r = this.current(jobId, round);
    return r ? this.step(r, () => r.evaluated(e)) : [];
  }

  charged(jobId: string, round: number, a: BudgetAnswer): HospitalEffect[] {
    const r = this.current(jobId, round);
    return r ? this.step(r, () => r.charged(a)) : [];
  }

  trained(jobId: string, round: number, out: TrainOutput): HospitalEffect[] {
    const r = this.current(jobId, round);
    return r ? this.step(r, () => r.trained(out)) : [];
  }

  /** A secure-aggregation message; E_ROUND_MISMATCH (a protocol violation) for a round with no session on this connection. */
  secagg(jobId: string, round: number, msg: SecAggIn): HospitalEffect[] {
    const r = this.rounds.get(jobId);
    if (!r || r.cfg.round !== round || r.cfg.link !== this.link || r.stage === 'done' || !r.secure)
      throw new CohortError('E_ROUND_MISMATCH', `no secure-aggregation session for job ${jobId} round ${round}`);
    return r.secagg(msg);
  }

  /** The round failed locally (its effect threw): its session goes, and the coordinator is told on the round's connection. */
  failed(cfg: { jobId: string; round: number; link: number | null }, e: CohortError): HospitalEffect[] {
    const r = this.rounds.get(cfg.jobId);
    if (r?.cfg.round !== cfg.round) return [refusal(cfg, e)];
    r.forget();
    return [refusal(r.cfg, e)];
  }

  /** The daemon dropped the connection mid-session (fault injection): the job's session goes. */
  abandon(jobId: string): void {
    this.rounds.get(jobId)?.forget();
  }

  private step(r: HospitalRound, fn: () => HospitalEffect[]): HospitalEffect[] {
    try {
      return fn();
    } catch (err) {
      return this.failed(r.cfg, asCohortError(err));
    }
  }

  /** The job's current round, if it is still `round` and on this connection. */
  private current(jobId: string, round: number): HospitalRound | null {
    const r = this.rounds.get(jobId);
    return r && r.cfg.round === round && r.cfg.link === this.link ? r : null;
  }

  private join(jobId: string, spec: JobSpec): HospitalEffect[] {
    this.jobs.set(jobId, spec);
    return [
      log('info', { job: jobId, strategy: spec.strategy.name, rounds: spec.rounds }, 'joining job'),
      {
        type: 'send',
        jobId,
        round: 0,
        link: null,
        body: { joinJob: { weight: updateWeight(spec, this.c.dataset.numTrain) } },
      },
      { type: 'joined', jobId, spec },
    ];
  }

  private decline(jobId: string, e: CohortError, reservedHere: boolean): HospitalEffect[] {
    // A job admitted before (a re-offer that no longer passes this hospital's checks): its part in it ends here.
    const ends = this.jobs.has(jobId) || reservedHere ? this.end(jobId, `declined: ${e.message}`) : [];
    return [
      log('info', { job: jobId, code: e.code }, `declining job: ${e.message}`),
      ...ends,
      { type: 'send', jobId, round: 0, link: null, body: { declineJob: { code: e.code, reason: e.message } } },
      { type: 'declined', jobId, code: e.code, reason: e.message },
    ];
  }

  /**
   * This hospital's machine for the round's session, once every offered
   * parameter matches its own computation from the spec, its roster and its
   * policy (core/round/session-params.ts), and the attempt moves forward.
   */
  private openSecure(spec: JobSpec, cfg: RoundInput, p: OfferedSecAgg): HospitalSession {
    return HospitalSession.open({
      spec,
      offered: {
        jobId: cfg.jobId,
        round: cfg.round,
        attempt: p.attempt ?? 0,
        bits: p.bits ?? 0,
        threshold: p.threshold ?? 0,
        degree: p.degree ?? 0,
        clip: p.clip ?? 0,
        participants: p.participants ?? [],
        totalExamples: p.totalExamples ?? 0,
        rosterHash: p.rosterHash ?? new Uint8Array(0),
        vectorLength: secureInput(spec).vectorLength,
      },
      view: hospitalView(this.c, spec),
      identity: this.c.identity,
      attempts: this.attempts,
    });
  }
}

/** The error frame that tells the coordinator this hospital is out of a round (an internal error's detail stays here). */
function refusal(cfg: { jobId: string; round: number; link: number | null }, e: CohortError): HospitalEffect {
  const message = e.code === 'E_INTERNAL' ? 'local training failed' : e.message;
  return {
    type: 'send',
    jobId: cfg.jobId,
    round: cfg.round,
    link: cfg.link,
    body: { error: { code: e.code, message } },
  };
}

/**
 * A job has spec.rounds training rounds and one evaluation round after them:
 * more would be more releases (and, with secure aggregation, more seeds)
 * than the job the hospital admitted. Evaluation is not an oracle: only the
 * final round asks for one alone.
 */
function checkRange(spec: JobSpec, cfg: RoundInput): void {
  const final = spec.rounds + 1;
  const last = cfg.train ? spec.rounds : final;
  if (!(Number.isInteger(cfg.round) && cfg.round >= 1 && cfg.round <= last))
    throw new CohortError(
      'E_ROUND_MISMATCH',
      `${cfg.train ? 'training' : 'evaluation'} round ${cfg.round} is outside the job's rounds 1..${last}`,
    );
  if (!cfg.train && cfg.round !== final)
    throw new CohortError(
      'E_ROUND_MISMATCH',
      `evaluation-only round ${cfg.round}: only the final round ${final} evaluates without training`,
    );
}
