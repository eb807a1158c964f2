/**
 * Carries out the hospital machine's effects (core/round/hospital-effects.ts):
 * frames go out on the connection that asked, reservations and charges go to
 * the budget store, evaluations and training run on tfjs, an ended job's
 * reservation is closed; what each gave is fed back to the machine until it
 * asks for nothing more. The decisions are the machine's; this is the I/O.
 */
import { asCohortError, type CohortError } from '../core/errors.ts';
import type { JobSpec } from '../core/job/spec.ts';
import { dpSgdParams } from '../core/job/privacy.ts';
import type { HospitalMachine } from '../core/round/hospital-machine.ts';
import {
  NO_FACTS,
  type BudgetAnswer,
  type HospitalBody,
  type HospitalEffect,
  type RoundFacts,
} from '../core/round/hospital-effects.ts';
import type { Logger } from '../edge/log.ts';
import { metricsToWire, noisyCountsToWire, tensorOf } from '../edge/wire/codec.ts';
import { evaluateConfusion, loadTf, trainDpSgd, trainLocal } from './trainer/index.ts';
import { weightsHash, type RoundOutput } from './round-outputs.ts';
import type { ClientConfig, SecAggPhase } from './config.ts';
import type { Outgoing } from './connection.ts';

type Effect<T extends HospitalEffect['type']> = Extract<HospitalEffect, { type: T }>;

export interface RunnerIo {
  send(env: Outgoing, link: number | null): void;
  /** Drops connection `link` as a crash would (fault injection). */
  terminate(link: number): void;
  /** A machine event for the daemon's listeners (joined, declined, refused, evaluated, reservation closed). */
  emit(
    e: HospitalEffect | { type: 'reservationClosed'; jobId: string; charged: number; released: number; why: string },
  ): void;
}

export class RoundRunner {
  private readonly dataset: string;

  constructor(
    private readonly machine: HospitalMachine,
    private readonly c: ClientConfig,
    private readonly log: Logger,
    private readonly io: RunnerIo,
  ) {
    this.dataset = c.dataset.schemaId;
  }

  /** Runs `effects` and every effect they lead to; awaits only evaluation and training. */
  async run(effects: HospitalEffect[]): Promise<void> {
    const queue = [...effects];
    while (queue.length > 0) {
      const e = queue.shift()!;
      let next: HospitalEffect[];
      try {
        next = e.type === 'evaluate' || e.type === 'train' ? await this.compute(e) : this.execute(e);
      } catch (err) {
        next = this.failedLocally(e, asCohortError(err));
      }
      queue.unshift(...next);
    }
  }

  /** What the stores say about a round before it starts (core/round/hospital-effects.ts RoundFacts). */
  facts(spec: JobSpec, jobId: string, round: number, weights: Float32Array): RoundFacts {
    const { budget, outputs } = this.c;
    if (!budget) return NO_FACTS;
    const keeps = outputs && spec.privacy?.unit === 'record';
    return {
      latest: budget.latestRound(this.dataset, jobId),
      charged: budget.charged(this.dataset, jobId, round),
      kept: keeps ? outputs.get(this.dataset, jobId, round, weightsHash(weights)) : null,
      keptAny: keeps ? outputs.hasRound(this.dataset, jobId, round) : false,
    };
  }

  private execute(e: HospitalEffect): HospitalEffect[] {
    switch (e.type) {
      case 'send':
        return this.send(e);
      case 'reserve':
        return this.machine.reserved(e.jobId, this.reserve(e));
      case 'charge':
        return this.machine.charged(e.jobId, e.round, this.charge(e));
      case 'end':
        this.end(e);
        return [];
      case 'log':
        this.log[e.level](e.fields, e.msg);
        return [];
      case 'evaluated':
        this.log.info(
          {
            job: e.jobId,
            round: e.round,
            // A survival job's figure is its C-index (accuracy is 0 by convention there: core/metrics.ts).
            ...(e.metrics.cIndex === undefined ? { accuracy: e.metrics.accuracy } : { cIndex: e.metrics.cIndex }),
            numTest: e.metrics.numExamples,
            sent: e.sent,
          },
          'evaluated the model on the local test split (these figures stay here)',
        );
        this.io.emit(e);
        return [];
      default:
        this.io.emit(e);
        return [];
    }
  }

  private send(e: Effect<'send'>): HospitalEffect[] {
    const phase = PHASE_OF[Object.keys(e.body)[0]!];
    if (phase === 'advertise' && e.link !== null && this.crashes(e.jobId, e.round, phase, e.link)) return [];
    this.io.send({ jobId: e.jobId, round: e.round, ...toWire(e.body) }, e.link);
    return [];
  }

  /** Fault injection (simulations): true when the daemon is to crash before sending `phase` of a session. */
  crashes(jobId: string, round: number, phase: SecAggPhase, link: number): boolean {
    if (!this.c.crashBefore?.({ jobId, round, phase })) return false;
    this.log.warn({ job: jobId, round, phase }, 'fault injection: crashing before this phase');
    this.machine.abandon(jobId);
    this.io.terminate(link);
    return true;
  }

  private reserve(e: Effect<'reserve'>): BudgetAnswer | CohortError {
    try {
      const d = this.c.budget!.admitJob(this.dataset, e.jobId, e.mechanisms);
      return d.allowed ? { allowed: true, projected: d.projected } : { allowed: false, reason: d.reason };
    } catch (err) {
      return asCohortError(err);
    }
  }

  /** Fail closed: an error while pricing is a refusal. */
  private charge(e: Effect<'charge'>): BudgetAnswer {
    try {
      const d = this.c.budget!.spendRound(this.dataset, e.jobId, e.round, e.mechanism);
      return d.allowed ? { allowed: true, projected: d.projected } : { allowed: false, reason: d.reason };
    } catch (err) {
      return { allowed: false, reason: `budget check failed: ${asCohortError(err).message}` };
    }
  }

  private async compute(e: Effect<'evaluate'> | Effect<'train'>): Promise<HospitalEffect[]> {
    const { tf } = await loadTf(this.log);
    if (e.type === 'evaluate') {
      const r = await evaluateConfusion(tf, e.spec.model, e.weights, this.c.dataset.test, e.spec.task);
      return this.machine.evaluated(e.jobId, e.round, r);
    }
    const dp = dpSgdParams(e.spec);
    const job = {
      spec: e.spec.model,
      task: e.spec.task,
      local: e.spec.local,
      weights: e.weights,
      data: this.c.dataset.train,
      seed: e.seed,
      views: e.spec.image,
    };
    // Hospital-level DP clips and noises the whole update later: no error may depend on the records before that.
    const out: RoundOutput = dp
      ? await trainDpSgd(tf, { ...job, dp })
      : await trainLocal(tf, e.spec.privacy ? { ...job, nonFinite: 'zero' } : job);
    // Kept before it is sent: a retried round re-sends it instead of training and charging again.
    if (e.keep) this.c.outputs?.put(this.dataset, e.jobId, e.round, weightsHash(e.weights), out);
    return this.machine.trained(e.jobId, e.round, out);
  }

  private failedLocally(e: HospitalEffect, err: CohortError): HospitalEffect[] {
    if (e.type !== 'evaluate' && e.type !== 'train') throw err;
    this.log.error(
      { job: e.jobId, round: e.round, code: err.code, err: err.code === 'E_INTERNAL' ? err.cause : undefined },
      'round failed locally',
    );
    return this.machine.failed({ jobId: e.jobId, round: e.round, link: null }, err);
  }

  /** Closes the job's budget reservation (charged rounds stay spent, the rest is released) and forgets its kept outputs. */
  private end(e: Effect<'end'>): void {
    let closed;
    try {
      closed = this.c.budget?.closeJob(this.dataset, e.jobId) ?? null;
    } catch (err) {
      // Left open: the next Welcome that does not list the job closes it, or the operator (cohort budget close).
      // Its kept outputs stay too: while it is open a round of it may be offered again, and without them a charged
      // round would look as if no output had left, and be trained again at no new charge (hospital-round.ts).
      const x = asCohortError(err);
      this.log.error({ job: e.jobId, code: x.code }, `the job's budget reservation could not be closed: ${x.message}`);
      return;
    }
    this.c.outputs?.forgetJob(this.dataset, e.jobId);
    if (!closed) return;
    const { charged } = closed.reservation;
    this.log.info({ job: e.jobId, charged, released: closed.released }, `budget reservation closed: ${e.why}`);
    this.io.emit({ type: 'reservationClosed', jobId: e.jobId, charged, released: closed.released, why: e.why });
  }
}

/** The session phase each secure-aggregation message a hospital sends belongs to (for fault injection). */
export const PHASE_OF: Record<string, SecAggPhase | undefined> = {
  secaggAdvertise: 'advertise',
  secaggReveal: 'reveal',
  secaggShares: 'share',
  secaggMaskedInput: 'masked',
  secaggConsistency: 'consistency',
  secaggUnmask: 'unmask',
};

/** A machine's message as the wire carries it (edge/wire/codec.ts). */
function toWire(body: HospitalBody): Omit<Outgoing, 'jobId' | 'round'> {
  if ('evaluation' in body) {
    const ev = body.evaluation;
    return {
      evaluation:
        'metrics' in ev
          ? { metrics: metricsToWire(ev.metrics) }
          : 'noisy' in ev
            ? { noisy: noisyCountsToWire(ev.noisy) }
            : ev,
    };
  }
  if ('update' in body) return { update: { ...body.update, delta: tensorOf(body.update.delta) } };
  return body;
}
