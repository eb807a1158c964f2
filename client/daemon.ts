/**
 * The hospital daemon: keeps a connection to the coordinator, accepts the
 * jobs its dataset can serve, trains on the local train split, and evaluates
 * the global model on the local test split in the rounds the job schedules,
 * once each. Only the model delta and evaluation results leave this process,
 * and in a DP job both are differentially private: the evaluation is noisy
 * counts (or kept here, by policy) and no record count leaves at all.
 * Records never do.
 *
 * An I/O shell: the decisions are the hospital machine's
 * (core/round/hospital-machine.ts); the connection (connection.ts), the
 * roster (roster-holder.ts), the ledger catch-up (ledger-sync.ts) and the
 * effects (round-runner.ts) each own their state. This file routes frames.
 */
import { EventEmitter } from 'node:events';
import { CohortError, asCohortError, isErrorCode } from '../core/errors.ts';
import type { JobSpec } from '../core/job/spec.ts';
import type { Metrics } from '../core/metrics.ts';
import { paramCount } from '../core/model/spec.ts';
import type { Roster } from '../core/roster/index.ts';
import { HospitalMachine } from '../core/round/hospital-machine.ts';
import { AttemptLog } from '../core/round/hospital-session.ts';
import type { HospitalEffect, SecAggIn } from '../core/round/hospital-effects.ts';
import type { Logger } from '../edge/log.ts';
import { jobSpecFromWire, metricsFromWire, validateClientName, vectorOf, type Envelope } from '../edge/wire/codec.ts';
import { assertDpParams, assertWeights } from './trainer/index.ts';
import { dpSgdParams } from '../core/job/privacy.ts';
import { parseClientOptions, type ClientConfig, type ClientOptions, type SecAggPhase } from './config.ts';
import { AttemptLogStore } from './attempt-log-store.ts';
import { Connection } from './connection.ts';
import { LedgerSync } from './ledger-sync.ts';
import { RosterHolder } from './roster-holder.ts';
import { RoundRunner, type RunnerIo } from './round-runner.ts';
import type { WitnessEvent } from './witness.ts';

export { SOFTWARE } from './connection.ts';
export type { ClientOptions, SecAggPhase } from './config.ts';
import { checkTransport } from './transport.ts';

export interface ClientRoundEvent {
  jobId: string;
  round: number;
  train: boolean;
  /** The received global model on the local test split. */
  metrics: Metrics;
}

interface ClientEvents {
  connected: [];
  disconnected: [{ code: number; reason: string }];
  joined: [{ jobId: string; spec: JobSpec }];
  declined: [{ jobId: string; code: string; reason: string }];
  /** A ledger entry received for this hospital's spend: kept, agreeing or with the problem found. */
  ledgerEntry: [{ jobId: string; round: number; seq: number; problem: string | null }];
  /** A witness round ended (client/witness.ts): the ledger checkpoint cosigned, or the code of why not. */
  witnessed: [WitnessEvent];
  /** A training round refused by the privacy budget. */
  refused: [{ jobId: string; round: number; reason: string }];
  round: [ClientRoundEvent];
  roundResult: [{ jobId: string; round: number; metrics: Metrics | null }];
  jobEvent: [{ jobId: string; kind: string; reason: string }];
  /** A job's budget reservation closed here: `charged` rounds stay spent, `released` reserved rounds are free again. */
  reservationClosed: [{ jobId: string; charged: number; released: number; why: string }];
  coordinatorError: [{ jobId: string; code: string; message: string }];
  /** The coordinator refused the Hello for good (not enrolled, revoked, name in use): the daemon has stopped. */
  refusedAtHandshake: [CohortError];
}

/** Hello refusals that reconnecting cannot cure, and what the operator should do about each. */
const DEFINITIVE_REFUSALS: Record<string, string> = {
  E_AUTH_FAILED:
    "not enrolled, revoked, or another key than the enrolled one: ask the coordinator's operator (cohort coordinator enroll)",
  E_AUTH_REVOKED: "this identity was revoked: ask the coordinator's operator",
  E_DUPLICATE_NAME: 'another daemon is connected under this name',
};

/** The session phase each secure-aggregation message from the coordinator leads to (for fault injection). */
const NEXT_PHASE: Record<string, SecAggPhase> = {
  secaggCommitments: 'reveal',
  secaggKeys: 'share',
  secaggSharesRelay: 'masked',
  secaggSurvivors: 'consistency',
  secaggUnmaskRequest: 'unmask',
};

const JOB_EVENT_KINDS = ['UNSPECIFIED', 'STARTED', 'COMPLETED', 'FAILED', 'CANCELLED'];

export class ClientDaemon extends EventEmitter<ClientEvents> {
  readonly name: string;
  private readonly c: ClientConfig;
  private readonly log: Logger;
  private readonly roster: RosterHolder;
  private readonly machine: HospitalMachine;
  private readonly conn: Connection;
  private readonly runner: RoundRunner;
  private readonly ledger: LedgerSync | null;
  /** Rounds are handled one at a time, in arrival order. */
  private work: Promise<void> = Promise.resolve();
  /** The connection the coordinator last welcomed: an error before its Welcome is a refusal of the Hello. */
  private welcomedLink = 0;
  /** When a Hello was first refused with E_DUPLICATE_NAME since the last Welcome (null: not). */
  private nameInUseSince: number | null = null;
  /** The shutdown under way or done since the last start (null: running, or never stopped). */
  private stopping: Promise<void> | null = null;

  constructor(opts: ClientOptions) {
    super();
    const c = (this.c = parseClientOptions(opts));
    this.name = validateClientName(c.name);
    this.log = c.log.child({ component: 'client', hospital: this.name });
    checkTransport(c.coordinatorUrl, c, this.log);
    this.roster = new RosterHolder(this.name, c.identity.publicKey, this.log, c.roster, c.onRoster);
    this.machine = new HospitalMachine({
      name: this.name,
      identity: c.identity,
      dataset: {
        features: c.dataset.features,
        label: c.dataset.label,
        ...(c.dataset.labels ? { labels: c.dataset.labels } : {}),
        ...(c.dataset.image ? { image: c.dataset.image } : {}),
        numTrain: c.dataset.train.n,
      },
      ...(c.policy ? { policy: c.policy } : {}),
      budget: c.budget ? { delta: c.budget.budget(c.dataset.schemaId)?.delta } : null,
      keepsOutputs: c.outputs !== undefined,
      roster: () => this.roster.head,
      checkInputs,
      attempts: attemptLog(c),
    });
    const d = c.dataset;
    this.conn = new Connection(c, this.name, this.log, {
      onMessage: (env) => this.onFrame(env),
      onClose: (code, reason) => this.emit('disconnected', { code, reason }),
      datasets: [{ schemaId: d.schemaId, features: [...d.features], label: d.label }],
    });
    const io: RunnerIo = {
      send: (env, link) => this.conn.send(env, link),
      terminate: (link) => this.conn.terminate(link),
      emit: (e) => this.onEvent(e),
    };
    this.runner = new RoundRunner(this.machine, c, this.log, io);
    this.ledger = c.ledger ? this.ledgerSync(c.ledger) : null;
  }

  /** The roster this hospital runs sessions under (its head), if any. */
  get rosterHead(): Roster | null {
    return this.roster.head;
  }

  start(): void {
    this.stopping = null;
    this.conn.start();
  }

  /**
   * Closes the connection and waits for the round in progress. Idempotent: a
   * refusal at the handshake stops the daemon itself, and its owner's stop()
   * then awaits that same shutdown rather than running a second one.
   */
  stop(): Promise<void> {
    this.stopping ??= this.conn.stop().then(() => this.work.catch(() => undefined));
    return this.stopping;
  }

  private ledgerSync(ledger: NonNullable<ClientConfig['ledger']>): LedgerSync {
    const { budget } = this.c;
    const dataset = this.c.dataset.schemaId;
    return new LedgerSync(ledger, {
      name: this.name,
      identity: this.c.identity,
      log: this.log,
      send: (env) => this.conn.send(env),
      charged: (jobId, round) =>
        budget ? budget.charged(dataset, jobId, round) : this.machine.releasedMechanism(jobId, round),
      // Without a budget store what was trained is known only since this process started.
      checkable: (jobId, round) => budget !== undefined || this.machine.trainedRound(jobId, round),
      onEntry: (e) => this.emit('ledgerEntry', e),
      onWitness: (e) => this.emit('witnessed', e),
    });
  }

  private onFrame(env: Envelope): void {
    switch (env.body) {
      case 'welcome':
        return this.onWelcome(env);
      case 'reply':
        if (!this.ledger) throw new CohortError('E_WIRE_UNEXPECTED', 'a reply to no request');
        return this.ledger.reply(env);
      case 'rosterUpdate':
        return this.roster.offered(env.rosterUpdate?.chainJson ?? '');
      case 'jobOffer':
        return this.onOffer(env);
      case 'roundConfig':
        return this.onRoundConfig(env);
      case 'roundResult':
        if (env.roundResult?.ledgerEntry) this.ledger?.entryAnnounced();
        this.emit('roundResult', {
          jobId: env.jobId,
          round: env.round,
          metrics: env.roundResult?.metrics ? metricsFromWire(env.roundResult.metrics) : null,
        });
        return;
      case 'jobEvent':
        return this.onJobEvent(env);
      case 'secaggCommitments':
      case 'secaggKeys':
      case 'secaggSharesRelay':
      case 'secaggSurvivors':
      case 'secaggUnmaskRequest':
        return this.onSecAgg(env, env.body);
      case 'error':
        if (this.welcomedLink !== this.conn.link && this.refusedHello(env)) return;
        this.log.warn(
          { job: env.jobId, round: env.round, code: env.error?.code },
          `coordinator error: ${env.error?.message ?? ''}`,
        );
        this.ledger?.refused(env);
        this.emit('coordinatorError', {
          jobId: env.jobId,
          code: env.error?.code ?? '',
          message: env.error?.message ?? '',
        });
        return;
      default:
        throw new CohortError('E_WIRE_UNEXPECTED', `"${env.body}" is not sent by a coordinator`);
    }
  }

  /**
   * A refusal of this connection's Hello that reconnecting cannot cure
   * (DEFINITIVE_REFUSALS; a name in use only once it has lasted
   * nameInUseGraceMs) stops the daemon and is emitted as refusedAtHandshake;
   * false for any other error, which reconnecting may cure (the backoff goes on).
   */
  private refusedHello(env: Envelope): boolean {
    const code = env.error?.code ?? '';
    const hint = DEFINITIVE_REFUSALS[code];
    if (!hint || !isErrorCode(code)) return false;
    if (code === 'E_DUPLICATE_NAME') {
      const now = this.c.clock();
      this.nameInUseSince ??= now;
      if (now - this.nameInUseSince < this.c.nameInUseGraceMs) return false;
    }
    const err = new CohortError(
      code,
      `the coordinator refused this daemon (${this.name}): ${env.error?.message ?? ''}; ${hint}. Not reconnecting`,
    );
    this.log.error({ code }, err.message);
    void this.stop();
    this.emit('refusedAtHandshake', err);
    return true;
  }

  private onWelcome(env: Envelope): void {
    const w = env.welcome;
    this.welcomedLink = this.conn.link;
    this.nameInUseSince = null;
    this.machine.connected(this.conn.link);
    if (w?.rosterJson) this.roster.offered(w.rosterJson);
    const dataset = this.c.dataset.schemaId;
    const reserved = (this.c.budget?.reservations() ?? []).filter((r) => r.dataset === dataset).map((r) => r.jobId);
    this.runSync(this.machine.welcome(w?.liveJobs ?? [], reserved));
    this.conn.welcomed();
    this.log.info({ coordinator: w?.coordinatorId }, 'connected');
    this.emit('connected');
    this.ledger?.welcome(w?.ledgerKey);
  }

  private onOffer(env: Envelope): void {
    let spec: JobSpec | CohortError;
    try {
      spec = jobSpecFromWire(env.jobOffer?.specJson);
    } catch (err) {
      spec = asCohortError(err);
    }
    const dataset = this.c.dataset.schemaId;
    const budget = this.c.budget;
    this.runSync(
      this.machine.offer({
        jobId: env.jobId,
        spec,
        owner: env.jobOffer?.owner || null,
        endedHere: budget?.jobEnded(dataset, env.jobId) ?? false,
        reservedHere: budget?.reserved(dataset, env.jobId) ?? false,
      }),
    );
  }

  private onRoundConfig(env: Envelope): void {
    const spec = this.machine.specOf(env.jobId);
    const rc = env.roundConfig;
    const cfg = {
      jobId: env.jobId,
      round: env.round,
      train: rc?.train ?? false,
      seed: rc?.seed ?? 0,
      weights: vectorOf(rc?.weights, paramCount(spec.model)),
      secagg: rc?.secagg ?? null,
      link: this.conn.link,
    };
    this.work = this.work
      .then(() => this.runner.run(this.machine.round(cfg, this.runner.facts(spec, cfg.jobId, cfg.round, cfg.weights))))
      .catch((err) => {
        const e = asCohortError(err);
        this.log.error({ job: cfg.jobId, round: cfg.round, code: e.code }, 'round failed locally');
        this.runSync(this.machine.failed(cfg, e));
      });
  }

  private onJobEvent(env: Envelope): void {
    const kind = JOB_EVENT_KINDS[env.jobEvent?.kind ?? 0] ?? 'UNSPECIFIED';
    this.log.info({ job: env.jobId, kind, reason: env.jobEvent?.reason }, 'job event');
    this.runSync(this.machine.jobEvent(env.jobId, kind));
    this.emit('jobEvent', { jobId: env.jobId, kind, reason: env.jobEvent?.reason ?? '' });
  }

  /** Steps the job's secure-aggregation session (E_ROUND_MISMATCH, closing the connection, without one). */
  private onSecAgg(env: Envelope, kind: keyof typeof NEXT_PHASE & keyof Envelope): void {
    // A crash injected before the next phase comes before the message is taken, as a real one would lose what it did.
    if (this.runner.crashes(env.jobId, env.round, NEXT_PHASE[kind]!, this.conn.link)) return;
    const msg = { [kind]: env[kind] } as SecAggIn;
    this.runSync(this.machine.secagg(env.jobId, env.round, msg));
  }

  /** Runs effects that need no evaluation or training (offers, ends, sessions): they complete before the next frame. */
  private runSync(effects: HospitalEffect[]): void {
    void this.runner.run(effects).catch((err) => {
      const e = asCohortError(err);
      this.log.error({ code: e.code, err: e.code === 'E_INTERNAL' ? e.cause : undefined }, 'effect failed');
    });
  }

  private onEvent(e: Parameters<RunnerIo['emit']>[0]): void {
    switch (e.type) {
      case 'joined':
        return void this.emit('joined', { jobId: e.jobId, spec: e.spec });
      case 'declined':
        return void this.emit('declined', { jobId: e.jobId, code: e.code, reason: e.reason });
      case 'refused':
        return void this.emit('refused', { jobId: e.jobId, round: e.round, reason: e.reason });
      case 'evaluated':
        return void this.emit('round', { jobId: e.jobId, round: e.round, train: e.train, metrics: e.metrics });
      case 'reservationClosed':
        return void this.emit('reservationClosed', {
          jobId: e.jobId,
          charged: e.charged,
          released: e.released,
          why: e.why,
        });
      default:
        return;
    }
  }
}

/**
 * The hospital's attempt log, in its state database when the daemon was
 * handed a part of it (client/attempt-log-store.ts): a restart then forgets
 * no attempt it opened and no unmask request it answered. In memory without
 * one (no --state), where nothing survives a restart.
 */
function attemptLog(c: ClientConfig): AttemptLog {
  const part = c.ledger ?? c.outputs ?? c.budget;
  const dataset = c.dataset.schemaId;
  return new AttemptLog(part?.beside((db, now) => new AttemptLogStore(db, dataset, now)));
}

/** The trainer's checks of a round's inputs, which read no record: an invalid job or weights out of range cost no budget. */
function checkInputs(spec: JobSpec, weights: Float32Array): void {
  const dp = dpSgdParams(spec);
  if (dp) assertDpParams(dp, paramCount(spec.model));
  if (spec.privacy) assertWeights(spec.model, weights);
}
