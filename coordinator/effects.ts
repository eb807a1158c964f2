/**
 * Carrying out a job machine's effects (core/round/job.ts JobEffect): frames
 * to hospitals, rounds committed with their ledger entries, failed attempts
 * and status changes written, wake-ups set, DP rounds priced ahead. The
 * machine decides; this file only does what it was told.
 */
import { jobPhase } from '../core/dashboard/index.ts';
import { releasesEvaluation, roundMechanism } from '../core/job/privacy.ts';
import { headlineMetrics } from '../core/metrics.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
import { isEnded, type JobEffect, type OutgoingBody } from '../core/round/job.ts';
import { metricsToWire, tensorOf, type EnvelopeInit } from '../edge/wire/codec.ts';
import type { CoordinatorMetrics } from './dashboard/metrics.ts';
import type { CoordinatorEmitter } from './events.ts';
import type { CoordinatorLedger } from './ledger.ts';
import { endHash, type LiveJob } from './live-job.ts';
import type { SpendPrefetch } from './spend-prefetch.ts';
import type { CoordinatorStore } from './store.ts';

type Effect<T extends JobEffect['type']> = Extract<JobEffect, { type: T }>;
type WireBody = Omit<EnvelopeInit, 'sender' | 'seq' | 'version' | 'jobId' | 'round'>;

export interface EffectDeps {
  store: CoordinatorStore;
  ledger: CoordinatorLedger;
  spendPrefetch: SpendPrefetch;
  metrics: CoordinatorMetrics;
  events: CoordinatorEmitter;
  now: () => number;
  /** Sends to the connected peer of that name, if there is one. */
  send: (to: string, env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>) => void;
  /** Sets the job's next wake-up (job-registry.ts). */
  wakeAt: (jobId: string, job: LiveJob, at: number) => void;
  /** Fault injection for crash tests (CoordinatorOptions.beforeCommit). */
  beforeCommit?: ((e: { jobId: string; round: number }) => void) | undefined;
}

type Handler<T extends JobEffect['type']> = (jobId: string, job: LiveJob, fx: Effect<T>) => void;

export class EffectExecutor {
  /** One handler per kind of effect: a new kind of JobEffect does not compile until it has one. */
  private readonly handlers: { [T in JobEffect['type']]: Handler<T> } = {
    send: (jobId, job, fx) => this.send(jobId, job, fx),
    roundCompleted: (jobId, job, fx) => this.commitRound(jobId, job, fx),
    attemptStarted: (jobId, job, fx) => {
      this.d.store.setAttempts(jobId, fx.attempt);
      this.priceAhead(jobId, job, fx.round);
    },
    roundFailed: (jobId, job, fx) => this.roundFailed(jobId, job, fx),
    status: (jobId, job, fx) => this.status(jobId, job, fx),
    wakeAt: (jobId, job, fx) => this.d.wakeAt(jobId, job, fx.at),
  };

  constructor(private readonly d: EffectDeps) {}

  /** Carries out `effects` of job `jobId`, in order. */
  apply(jobId: string, job: LiveJob, effects: readonly JobEffect[]): void {
    this.d.metrics.phase(jobId, jobPhase(job.machine), this.d.now());
    // TypeScript cannot correlate handlers[fx.type] with fx's own type; the mapped type above guarantees it.
    for (const fx of effects) (this.handlers[fx.type] as Handler<JobEffect['type']>)(jobId, job, fx);
  }

  private send(jobId: string, job: LiveJob, fx: Effect<'send'>): void {
    if ('roundConfig' in fx.body) job.refusals.sent(fx.to, fx.round);
    const entry = 'roundResult' in fx.body && job.lastEntry?.round === fx.round ? job.lastEntry.sealed : null;
    this.d.send(fx.to, { jobId, round: fx.round, ...toWireBody(fx.body, entry) });
  }

  private commitRound(jobId: string, job: LiveJob, fx: Effect<'roundCompleted'>): void {
    const { record } = fx;
    this.d.beforeCommit?.({ jobId, round: record.round });
    const spec = job.machine.spec;
    // Every training round has an entry, and so has a record-level DP job's final evaluation: its noisy counts are charged.
    const entered = record.kind === 'train' || releasesEvaluation(spec);
    const sealed = this.d.store.commitRound(
      jobId,
      record,
      entered ? this.d.ledger.round(jobId, spec, record) : undefined,
    );
    job.lastEntry = sealed && spec.privacy ? { round: record.round, sealed } : null;
    job.log.info(
      {
        round: record.round,
        kind: record.kind,
        participants: record.participants.length,
        dropped: record.dropped,
        // The task's own pooled figures (a survival job's C-index, a regression's MSE…; core/metrics.ts).
        ...(record.pooled ? headlineMetrics(record.pooled) : { accuracy: undefined }),
      },
      'round completed',
    );
    this.d.events.emit('round', { jobId, record, totalRounds: job.machine.totalRounds });
  }

  private roundFailed(jobId: string, job: LiveJob, fx: Effect<'roundFailed'>): void {
    job.log.warn({ round: fx.round, attempt: fx.attempt, code: fx.code, reason: fx.reason }, 'round failed');
    // Their inputs may have been released (and each charged its budget): the failed attempt's spend is recorded too.
    const spend =
      fx.charged.length > 0
        ? this.d.ledger.failedAttempt(jobId, job.machine.spec, fx.round, fx.charged, job.machine.globalWeights)
        : undefined;
    this.d.store.attemptEnded(jobId, fx.round, spend);
    this.d.events.emit('roundFailed', {
      jobId,
      round: fx.round,
      attempt: fx.attempt,
      reason: fx.reason,
      code: fx.code,
    });
  }

  private status(jobId: string, job: LiveJob, fx: Effect<'status'>): void {
    const ended = isEnded(fx.status)
      ? this.d.ledger.jobEnded(jobId, fx.status, fx.reason, job.machine.completedRounds, endHash(job))
      : undefined;
    this.d.store.setStatus(jobId, fx.status, fx.reason, this.d.now(), ended);
    job.log.info({ status: fx.status, reason: fx.reason }, 'job status');
    this.d.events.emit('job', { jobId, status: fx.status, reason: fx.reason });
    if (job.machine.finished && job.timer) clearTimeout(job.timer);
  }

  /**
   * Starts pricing, in a worker thread, the ledger figures this attempt's
   * round entry will record if it commits: this round's mechanism on top of
   * each member's earlier ones (coordinator/spend-prefetch.ts).
   */
  private priceAhead(jobId: string, job: LiveJob, round: number): void {
    const spec = job.machine.spec;
    const p = spec.privacy;
    if (!p || (round > spec.rounds && !releasesEvaluation(spec))) return;
    const mechanism = roundMechanism(spec, round);
    const prior = this.d.ledger.priorMechanisms(jobId);
    const lists = [[mechanism], ...[...job.machine.members].map((h) => [...(prior.get(h) ?? []), mechanism])];
    this.d.spendPrefetch.prefetch(lists, p.delta, p.accountant);
  }
}

/** A machine's outgoing body in wire form; a round result carries its ledger entry, if the round has one. */
function toWireBody(body: OutgoingBody, entry: SealedEntry | null): WireBody {
  if ('roundConfig' in body) {
    const c = body.roundConfig;
    return {
      roundConfig: {
        weights: tensorOf(c.weights),
        train: c.train,
        deadlineUnixMs: c.deadlineUnixMs,
        seed: c.seed,
        secagg: c.secagg,
      },
    };
  }
  if ('roundResult' in body) {
    const r = body.roundResult;
    return {
      roundResult: {
        participants: r.participants,
        dropped: r.dropped,
        metrics: r.metrics ? metricsToWire(r.metrics) : null,
        ...(entry ? { ledgerEntry: { ...entry } } : {}),
      },
    };
  }
  if ('jobEvent' in body)
    return {
      jobEvent: {
        kind: ({ STARTED: 1, COMPLETED: 2, FAILED: 3, CANCELLED: 4 } as const)[body.jobEvent.kind],
        reason: body.jobEvent.reason,
      },
    };
  return body; // secure-aggregation frames are already in wire form
}
