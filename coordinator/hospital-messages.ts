/**
 * A hospital's messages about a job (join, decline, update, evaluation,
 * secure-aggregation steps, error reports), its ledger receipts and its
 * cosignatures of the ledger's checkpoints (as a witness), turned
 * into calls on the job's machine (job-registry.ts). A message that breaks
 * the rules fails its peer with the error's code; it never throws past here
 * for a job that is live.
 */
import { CohortError, asCohortError } from '../core/errors.ts';
import { validateMetrics, type Metrics } from '../core/metrics.ts';
import type { JobSpec } from '../core/job/spec.ts';
import type { TaskKind } from '../core/model/task.ts';
import { metricsOfNoisyCounts, validateNoisyCounts } from '../core/privacy/noisy-counts.ts';
import { CLIENT_MESSAGE_KINDS, type ClientMessage } from '../core/secagg/index.ts';
import type { Logger } from '../edge/log.ts';
import { metricsFromWire, vectorOf, type Envelope } from '../edge/wire/codec.ts';
import type { JobRegistry } from './job-registry.ts';
import type { CoordinatorLedger } from './ledger.ts';
import type { LiveJob } from './live-job.ts';
import type { Peer } from './peer.ts';
import type { CoordinatorStore } from './store.ts';

const SECAGG_BODIES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_KINDS);

export interface HospitalMessageDeps {
  jobs: JobRegistry;
  store: CoordinatorStore;
  ledger: CoordinatorLedger;
  log: Logger;
  now: () => number;
}

export class HospitalMessages {
  constructor(private readonly d: HospitalMessageDeps) {}

  /** A decoded message from an authenticated peer allowed to send it (connections.ts checked its kind). */
  handle(peer: Peer, env: Envelope): void {
    const name = peer.name!;
    if (env.body && SECAGG_BODIES.has(env.body)) {
      this.withJob(peer, env, (job) => {
        const msg = { [env.body!]: env[env.body as keyof Envelope] } as ClientMessage;
        const { effects, rejected } = job.machine.submitSecAgg(name, env.round, msg, this.d.now());
        // Stored before the effects run: the round may end in them, and a crash before its commit must not lose it.
        if (!rejected && releases(job.machine.spec, msg)) this.d.store.recordRelease(env.jobId, env.round, name);
        this.d.jobs.apply(env.jobId, effects);
        if (rejected) peer.fail(rejected, env.jobId, env.round);
      });
      return;
    }
    switch (env.body) {
      case 'joinJob':
        return this.withJob(peer, env, (job) => this.join(peer, job, env));
      case 'declineJob':
        return this.withJob(peer, env, (job) => this.decline(peer, job, env));
      case 'ledgerCosignature':
        return this.cosignature(peer, env);
      case 'update':
        return this.withJob(peer, env, (job) => this.update(peer, job, env));
      case 'evaluation':
        return this.withJob(peer, env, (job) => {
          const evaluation = evaluationFromWire(env.evaluation, job.machine.spec.task.kind);
          this.d.jobs.apply(env.jobId, job.machine.submitEvaluation(name, env.round, evaluation, this.d.now()));
        });
      case 'error':
        return this.reportedError(peer, env);
      default:
        throw new CohortError('E_WIRE_UNEXPECTED', `"${env.body}" is not sent by clients`);
    }
  }

  private join(peer: Peer, job: LiveJob, env: Envelope): void {
    job.refusals.requireOffered(env.jobId, peer.name!);
    // The declared weight; a DP job's machine replaces it with 1 (core/job/privacy.ts updateWeight).
    const weight = env.joinJob?.weight ?? 0;
    if (!Number.isInteger(weight) || weight < 1 || weight > 1e9)
      throw new CohortError('E_WIRE_FIELD', 'joinJob.weight must be an integer in [1, 10^9]');
    const info = { ...peer.info, numTrain: weight };
    this.d.jobs.declined(env.jobId, peer.name!, null);
    this.d.jobs.apply(env.jobId, job.machine.clientJoined(peer.name!, this.d.now(), info));
  }

  private decline(peer: Peer, job: LiveJob, env: Envelope): void {
    job.refusals.requireOffered(env.jobId, peer.name!);
    const { code, reason } = env.declineJob ?? {};
    job.log.info({ client: peer.name, code, reason }, 'client declined job');
    if (code === 'E_BUDGET_EXCEEDED') this.recordRefusal(env.jobId, job, peer.name!, 0, reason ?? '');
    this.d.jobs.declined(env.jobId, peer.name!, code || '(no code)', reason ?? '');
  }

  /**
   * A cosignature of one of the ledger's checkpoints, checked under the key
   * the ledger records for the hospital; refused with E_LEDGER_CHECKPOINT
   * (reported, the peer stays) if it does not verify.
   */
  private cosignature(peer: Peer, env: Envelope): void {
    const c = env.ledgerCosignature!;
    try {
      this.d.ledger.acceptCosignature(peer.name!, {
        size: c.size ?? 0,
        root: c.root ?? new Uint8Array(),
        timestamp: Number(c.timestamp ?? 0),
        signature: c.signature ?? new Uint8Array(),
      });
    } catch (err) {
      peer.fail(asCohortError(err), env.jobId, env.round);
    }
  }

  private update(peer: Peer, job: LiveJob, env: Envelope): void {
    const u = env.update!;
    let delta: Float32Array;
    try {
      delta = vectorOf(u.delta, job.dim);
    } catch (err) {
      // A malformed update removes the sender from this round at once instead of letting the round wait for its deadline.
      this.dropFromRound(env.jobId, job, peer.name!, env.round);
      throw err;
    }
    const update = { delta, numExamples: u.numExamples ?? 0, trainLoss: u.trainLoss ?? 0, steps: u.steps ?? 0 };
    // An update outside the job's bound (core/round/update-bound.ts) has already dropped its sender from the round.
    const { effects, rejected } = job.machine.submitUpdate(peer.name!, env.round, update, this.d.now());
    this.d.jobs.apply(env.jobId, effects);
    if (rejected) {
      job.log.warn(
        { client: peer.name, round: env.round, code: rejected.code, reason: rejected.message },
        'update refused',
      );
      throw rejected;
    }
  }

  private dropFromRound(jobId: string, job: LiveJob, client: string, round: number): void {
    const r = job.machine.currentRound;
    if (r && r.round === round) {
      r.drop(client);
      this.d.jobs.apply(jobId, job.machine.tick(this.d.now()));
    }
  }

  private reportedError(peer: Peer, env: Envelope): void {
    const { code, message } = env.error ?? {};
    peer.log.warn(
      { client: peer.name, job: env.jobId, round: env.round, code, reason: message },
      'client reported an error',
    );
    if (!env.jobId || env.round <= 0) return;
    this.withJob(peer, env, (job) => {
      // A budget refusal means no more rounds from this hospital; anything else only this round.
      // A refusal of a round not sent to it is refused (E_NOT_PARTICIPANT) and changes nothing.
      const refused = code === 'E_BUDGET_EXCEEDED';
      if (refused) this.recordRefusal(env.jobId, job, peer.name!, env.round, message ?? '');
      const effects = refused
        ? job.machine.clientLeft(peer.name!, this.d.now())
        : job.machine.clientAbandoned(peer.name!, env.round, this.d.now());
      this.d.jobs.apply(env.jobId, effects);
    });
  }

  /**
   * A hospital's budget refusal of a round, or decline of the job (round 0),
   * goes into the ledger once, and only if the job was offered to it and, for
   * a round, that round was the last sent to it (core/auth/refusals.ts);
   * otherwise E_NOT_PARTICIPANT, and nothing is recorded.
   */
  private recordRefusal(jobId: string, job: LiveJob, hospital: string, round: number, reason: string): void {
    job.refusals.requireOffered(jobId, hospital);
    const verdict = job.refusals.admit(hospital, round);
    if (verdict === 'not-sent')
      throw new CohortError('E_NOT_PARTICIPANT', `round ${round} of job ${jobId} was not sent to ${hospital}`);
    if (verdict !== 'record') return;
    this.d.store.appendEntry(this.d.ledger.refusal(jobId, round, hospital, 'E_BUDGET_EXCEEDED', reason.slice(0, 1024)));
  }

  /** Runs `fn` on the message's live job; an unknown job, or any error, fails the peer for that job and round. */
  private withJob(peer: Peer, env: Envelope, fn: (job: LiveJob) => void): void {
    const job = this.d.jobs.active(env.jobId);
    if (!job) {
      peer.fail(new CohortError('E_UNKNOWN_JOB', `no active job "${env.jobId}"`), env.jobId, env.round);
      return;
    }
    try {
      fn(job);
    } catch (err) {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.d.log.error({ err, job: env.jobId }, 'internal error');
      peer.fail(e, env.jobId, env.round);
    }
  }
}

/**
 * A hospital's Evaluation as the coordinator takes it: exact metrics (range
 * checked, against the job's `task` when given), metrics read off noisy
 * counts (`released`), or null when withheld. Exactly one of the three; E_WIRE_FIELD otherwise.
 */
export function evaluationFromWire(
  e: Envelope['evaluation'],
  task?: TaskKind,
): { metrics: Metrics; released: boolean } | null {
  if (!e) throw new CohortError('E_WIRE_FIELD', 'evaluation missing');
  const given = [e.metrics ? 'metrics' : '', e.noisy ? 'noisy' : '', e.withheld ? 'withheld' : ''].filter(Boolean);
  if (given.length !== 1)
    throw new CohortError(
      'E_WIRE_FIELD',
      `an evaluation carries exactly one of metrics, noisy, withheld; got ${given.length === 0 ? 'none' : given.join(', ')}`,
    );
  if (e.withheld) return null;
  if (e.metrics) return { metrics: validateMetrics(metricsFromWire(e.metrics), task), released: false };
  const n = e.noisy!;
  const counts = validateNoisyCounts({
    truePositive: n.truePositive ?? 0,
    falsePositive: n.falsePositive ?? 0,
    trueNegative: n.trueNegative ?? 0,
    falseNegative: n.falseNegative ?? 0,
    sigma: n.sigma ?? 0,
  });
  return { metrics: metricsOfNoisyCounts(counts), released: true };
}

/**
 * Whether `msg` may release its sender's input to the round, charged to its
 * budget (coordinator/store.ts recordRelease): a record-level DP job's unmask
 * answer (the hospital trains afresh if the round is retried), a
 * hospital-level one's masked input (charged as it leaves).
 */
function releases(spec: JobSpec, msg: ClientMessage): boolean {
  const unit = spec.privacy?.unit;
  return (unit === 'record' && 'secaggUnmask' in msg) || (unit === 'hospital' && 'secaggMaskedInput' in msg);
}
