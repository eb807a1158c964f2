/**
 * The coordinator's live jobs: each job's state machine (core/round/job.ts)
 * with its wake-up timer, created from a prepared job or revived from the
 * database, offered to hospitals, controlled (cancel, pause, resume), and
 * dropped from memory once finished (the store keeps it). Effects go to the
 * executor (effects.ts).
 */
import { randomBytes } from 'node:crypto';
import { RefusalGate } from '../core/auth/refusals.ts';
import { clipPrintable } from '../core/printable.ts';
import { jobPhase, type CoordinatorSnapshot } from '../core/dashboard/index.ts';
import { REFUSAL_SHOWN_TO_RESEARCHERS } from '../core/privacy/budget.ts';
import { CohortError, asCohortError } from '../core/errors.ts';
import type { PreparedJob } from '../core/job/prepare.ts';
import { jobStoredBytes, quotaProblem, type JobQuotas } from '../core/job/quota.ts';
import { jobIdFor, type JobSpec } from '../core/job/spec.ts';
import { paramCount } from '../core/model/spec.ts';
import type { Roster } from '../core/roster/index.ts';
import { JobMachine, isEnded, type JobEffect, type JobResume, type JobStatus } from '../core/round/job.ts';
import type { Logger } from '../edge/log.ts';
import { jobSpecToWire } from '../edge/wire/codec.ts';
import { MAX_TIMER_MS } from './config.ts';
import type { EffectExecutor } from './effects.ts';
import type { CoordinatorEmitter } from './events.ts';
import { modelHash, type CoordinatorLedger } from './ledger.ts';
import type { LiveJob } from './live-job.ts';
import type { Peer } from './peer.ts';
import { resumeOf, type StoredJob } from './job-rows.ts';
import type { CoordinatorStore } from './store.ts';

export interface JobRegistryDeps {
  store: CoordinatorStore;
  ledger: CoordinatorLedger;
  effects: EffectExecutor;
  events: CoordinatorEmitter;
  log: Logger;
  now: () => number;
  quotas: JobQuotas;
  maxStartWaitMs: number;
  /** The published roster's head, or null: a new machine takes its session keys from it. */
  rosterHead: () => Roster | null;
  /** The connected hospitals: a new job is offered to each. */
  hospitals: () => Iterable<Peer>;
}

/** Each hospital's reason in a declined-by-all job's reason is cut to this many characters (the ledger takes 4096 in all). */
const DECLINE_REASON_CHARS = 200;

export interface JobState {
  status: JobStatus;
  completedRounds: number;
  weights: Float32Array;
}

export class JobRegistry {
  private readonly jobs = new Map<string, LiveJob>();

  constructor(private readonly d: JobRegistryDeps) {}

  /** The live, unfinished job `jobId`, or undefined. */
  active(jobId: string): LiveJob | undefined {
    const job = this.jobs.get(jobId);
    return job && !job.machine.finished ? job : undefined;
  }

  /** The ids of the unfinished live jobs (a hospital's Welcome lists them). */
  activeIds(): string[] {
    return [...this.jobs].filter(([, j]) => !j.machine.finished).map(([id]) => id);
  }

  /**
   * Resumes every unfinished job in the database. One that cannot be (its
   * row does not load: coordinator/job-rows.ts; or its machine refuses the
   * stored state) is marked failed, with its job-ended ledger entry, and the
   * coordinator starts with the others: no row stops it (issue 16, finding 2).
   */
  resumeAll(): void {
    for (const job of this.d.store.unfinishedJobs()) {
      const problem = 'problem' in job ? job.problem : this.revive(job);
      if (problem === null) continue;
      try {
        this.endStored(job.id, 'failed', `cannot be resumed: ${problem}`, job.completedRounds);
      } catch {
        // Logged there; the job stays unfinished in the database, not live: an admin can still cancel it.
      }
    }
  }

  /** Makes a stored job live again; returns null, or why its machine refused the stored state. */
  private revive(job: StoredJob): string | null {
    try {
      this.releasesLost(job);
      this.addLive(job.id, job.spec, resumeOf(job), job.owner, job.createdAt);
      this.d.log.info({ job: job.id, completedRounds: job.completedRounds }, 'resuming job');
      return null;
    } catch (err) {
      this.jobs.delete(job.id);
      if (!(err instanceof CohortError)) this.d.log.error({ job: job.id, err }, 'job not resumed');
      return asCohortError(err).message;
    }
  }

  /**
   * Writes the spend of an attempt a crash ended before its commit: the
   * hospitals whose inputs it may have released (store.ts recordRelease)
   * each paid for it, and the ledger would otherwise never say so; record-level
   * ones train the round afresh, and pay again, when it is retried.
   */
  private releasesLost(job: StoredJob): void {
    for (const { round, hospitals } of this.d.store.releasesOf(job.id)) {
      const spend = job.spec.privacy
        ? this.d.ledger.failedAttempt(job.id, job.spec, round, hospitals, job.weights)
        : undefined;
      this.d.store.attemptEnded(job.id, round, spend);
      this.d.log.warn({ job: job.id, round, hospitals }, 'an attempt lost in a crash: its spend written to the ledger');
    }
  }

  /**
   * Ends a job that is unfinished in the database but not live here (it
   * could not be loaded), with its job-ended ledger entry over the model
   * bytes it left. If the ledger cannot take the entry, the status is still
   * written (and the failure logged); if the database cannot be written
   * either, the error is logged and thrown to the caller.
   */
  private endStored(jobId: string, status: 'failed' | 'cancelled', reason: string, completedRounds: number): void {
    const { store, ledger, log } = this.d;
    const now = this.d.now();
    const bytes = store.jobModelBytes(jobId) ?? new Uint8Array(0);
    // The ledger hashes a model's float32 words: those the blob holds, whatever their values.
    const model = new Float32Array(new Uint8Array(bytes.subarray(0, bytes.byteLength - (bytes.byteLength % 4))).buffer);
    const rounds = Number.isSafeInteger(completedRounds) && completedRounds >= 0 ? completedRounds : 0;
    try {
      store.setStatus(jobId, status, reason, now, ledger.jobEnded(jobId, status, reason, rounds, modelHash(model)));
    } catch (err) {
      log.error({ job: jobId, err }, 'job-ended entry not written; writing the status alone');
      try {
        store.setStatus(jobId, status, reason, now);
      } catch (again) {
        log.error({ job: jobId, err: again }, `job could not be marked ${status}`);
        throw asCohortError(again);
      }
    }
    if (status === 'failed') log.error({ job: jobId, reason }, 'job marked failed');
    else log.info({ job: jobId, reason }, 'job cancelled (it was not live)');
    this.d.events.emit('job', { jobId, status, reason });
  }

  /** Writes a prepared job and offers it; a researcher's within its quotas (checked here, when nothing else can run between check and write). */
  register(prepared: PreparedJob, owner: string | null): string {
    const { spec, weights, modelHash: initialHash } = prepared;
    if (owner !== null) {
      const problem = quotaProblem(owner, this.d.store.ownerUsage(owner), this.d.quotas, jobStoredBytes(spec));
      if (problem) throw new CohortError('E_QUOTA_EXCEEDED', problem);
    }
    const id = jobIdFor(spec.name, randomBytes);
    const createdAt = this.d.now();
    this.d.store.createJob(id, spec, weights, createdAt, this.d.ledger.jobCreated(id, spec, initialHash), owner);
    this.addLive(id, spec, { completedRounds: 0, weights, serverState: null }, owner, createdAt, initialHash);
    this.d.log.info(
      { job: id, strategy: spec.strategy.name, rounds: spec.rounds, secureAggregation: spec.secureAggregation.enabled },
      'job submitted',
    );
    if (!spec.secureAggregation.enabled) {
      this.d.log.warn(
        { job: id },
        "secure aggregation is OFF for this job (explicit opt-out): the coordinator will see each hospital's update",
      );
    }
    for (const peer of this.d.hospitals()) this.offer(peer, id);
    return id;
  }

  /**
   * Makes a job live. Its start deadline counts from `createdAt`, the
   * creation time the database holds, so a restart does not move it; its
   * first tick (which fails it if already past, or sets the wake-up for it)
   * runs from a timer, outside the caller's write.
   */
  private addLive(
    id: string,
    spec: JobSpec,
    resume: Omit<JobResume, 'startBy'>,
    owner: string | null,
    createdAt: number,
    createdModelHash: string | null = null,
  ): void {
    const machine = new JobMachine(id, spec, { ...resume, startBy: createdAt + this.d.maxStartWaitMs });
    const head = this.d.rosterHead();
    if (head) machine.useRoster(head, this.d.now());
    const job: LiveJob = {
      machine,
      dim: paramCount(spec.model),
      timer: null,
      log: this.d.log.child({ job: id }),
      lastEntry: null,
      refusals: new RefusalGate(),
      declines: new Map(),
      owner,
      createdModelHash,
    };
    this.jobs.set(id, job);
    this.wakeAt(id, job, this.d.now());
  }

  /** Offers job `jobId` to a hospital, which may reserve budget for it: it is told when the job ends. */
  offer(peer: Peer, jobId: string): void {
    const job = this.jobs.get(jobId)!;
    job.refusals.offer(peer.name!);
    job.machine.offered(peer.name!);
    peer.send({ jobId, jobOffer: { specJson: jobSpecToWire(job.machine.spec), owner: job.owner ?? '' } });
  }

  /**
   * Hospital `hospital` declined job `jobId` (or, joining, withdrew its
   * decline: code null). The hospitals that could still run the job are the
   * connected ones, the enrolled unrevoked ones and the roster's members
   * (which may connect later and be offered it); once every one of them has a standing decline
   * and none has joined, a job that has not started fails now, its reason
   * each hospital's code and short reason, rather than waiting for its start deadline.
   */
  declined(jobId: string, hospital: string, code: string | null, reason = ''): void {
    const job = this.active(jobId);
    if (!job) return;
    if (code === null) {
      job.declines.delete(hospital);
      return;
    }
    // A budget refusal's message gives the hospital's budget and its spend on other jobs: the researcher gets the code alone.
    const said = code === 'E_BUDGET_EXCEEDED' ? REFUSAL_SHOWN_TO_RESEARCHERS : reason;
    // Clipped and blanked again however the text came (the codec already refuses control and format characters):
    // it reaches the researcher's terminal, and a hostile hospital must not be able to write on it.
    job.declines.set(hospital, { code: clipPrintable(code, 64), reason: clipPrintable(said, DECLINE_REASON_CHARS) });
    const could = new Set([...this.d.hospitals()].map((p) => p.name!));
    for (const h of this.d.store.enrolledHospitals()) could.add(h);
    for (const h of this.d.rosterHead()?.members.keys() ?? []) could.add(h);
    if ([...could].some((h) => !job.declines.has(h))) return;
    const each = [...job.declines]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([h, d]) => `${h}: ${d.code} ${d.reason}`);
    this.apply(jobId, job.machine.declinedByAll(clipPrintable(`declined by every hospital: ${each.join('; ')}`, 4000)));
  }

  /** Offers every unfinished job to a hospital that has just connected. */
  offerAll(peer: Peer): void {
    for (const id of this.activeIds()) this.offer(peer, id);
  }

  /**
   * Cancels a job: a live one through its machine; one the database holds
   * as unfinished but that is not live (it could not be loaded) directly in
   * the database, with its job-ended entry. Only an ended job refuses
   * (E_JOB_STATE).
   */
  cancel(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job) {
      this.apply(jobId, job.machine.cancel(reason));
      return;
    }
    const stored = this.d.store.jobListing(jobId);
    if (!stored) throw new CohortError('E_UNKNOWN_JOB', `no job ${jobId}`);
    if (isEnded(stored.status))
      throw new CohortError('E_JOB_STATE', `job ${jobId} is ${stored.status}: it cannot be cancelled`);
    this.endStored(jobId, 'cancelled', reason, stored.completedRounds);
  }

  /** Stops new rounds of a job (the round in flight finishes); it stays paused across restarts. */
  pause(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new CohortError('E_JOB_STATE', `job ${jobId} is not running`);
    this.apply(jobId, job.machine.pause(reason));
  }

  resume(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new CohortError('E_JOB_STATE', `job ${jobId} is not paused`);
    this.apply(jobId, job.machine.resume(reason, this.d.now()));
  }

  /** A job's status, rounds and weights: a live one's from its machine, another's from the database. */
  state(jobId: string): JobState | undefined {
    const live = this.jobs.get(jobId);
    if (live)
      return {
        status: live.machine.status,
        completedRounds: live.machine.completedRounds,
        weights: live.machine.globalWeights,
      };
    const stored = this.d.store.getJob(jobId);
    return stored && { status: stored.status, completedRounds: stored.completedRounds, weights: stored.weights };
  }

  /** A roster was adopted: every live job takes its session keys from it. */
  useRoster(head: Roster): void {
    for (const [id, job] of this.jobs) this.apply(id, job.machine.useRoster(head, this.d.now()));
  }

  /** A hospital's connection closed: it leaves every unfinished job. */
  hospitalLeft(name: string): void {
    for (const [id, job] of this.jobs)
      if (!job.machine.finished) this.apply(id, job.machine.clientLeft(name, this.d.now()));
  }

  /** Each unfinished job's round, phase and members, for the dashboard. */
  snapshot(): CoordinatorSnapshot['jobs'] {
    const jobs: CoordinatorSnapshot['jobs'] = {};
    for (const [id, j] of this.jobs) {
      if (!j.machine.finished)
        jobs[id] = {
          round: j.machine.currentRound?.round ?? null,
          phase: jobPhase(j.machine),
          members: [...j.machine.members],
        };
    }
    return jobs;
  }

  /** Carries out a machine's effects; a finished job lives on in the store only (a long-lived coordinator keeps no ended job's weights). */
  apply(jobId: string, effects: readonly JobEffect[]): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.d.effects.apply(jobId, job, effects);
    if (job.machine.finished) this.jobs.delete(jobId);
  }

  /** The job's machine ticks at `at` (a later wake-up than setTimeout takes is reached in steps). */
  wakeAt(jobId: string, job: LiveJob, at: number): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = setTimeout(
      () => {
        job.timer = null;
        try {
          this.apply(jobId, job.machine.tick(this.d.now()));
        } catch (err) {
          this.d.log.error({ err, job: jobId }, 'job tick failed');
        }
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - this.d.now()) + 1),
    );
    job.timer.unref?.();
  }

  /** Stops every wake-up (the coordinator is closing). */
  close(): void {
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
  }
}
