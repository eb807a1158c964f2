/**
 * The hospital daemon: keeps a connection to the coordinator (reconnecting
 * with jittered exponential backoff), accepts the jobs its dataset can serve,
 * trains on the local train split, and evaluates the global model on the
 * local test split in the rounds the job schedules, once each. Only the
 * model delta and evaluation results leave this process, and in a DP job
 * both are differentially private: the evaluation is noisy counts (or kept
 * here, by policy) and no record count leaves at all. Records never do.
 */
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import { CohortError, asCohortError } from '../core/errors.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import { evaluates, type JobSpec } from '../core/job/spec.ts';
import type { Metrics } from '../core/metrics.ts';
import { paramCount } from '../core/model/spec.ts';
import type { PreparedDataset } from '../core/data/types.ts';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodeEnvelope,
  jobSpecFromWire,
  metricsFromWire,
  metricsToWire,
  noisyCountsToWire,
  tensorOf,
  validateClientName,
  vectorOf,
  COORDINATOR_SENDER,
  type Envelope,
  type EnvelopeInit,
} from '../edge/wire/codec.ts';
import {
  assertDpParams,
  assertWeights,
  evaluateConfusion,
  loadTf,
  trainDpSgd,
  trainLocal,
  type Tf,
} from './trainer/index.ts';
import {
  dpSgdParams,
  jobMechanisms,
  jobSpend,
  releasesEvaluation,
  roundMechanism,
  updateWeight,
} from '../core/job/privacy.ts';
import { noisyConfusion } from '../core/privacy/noisy-counts.ts';
import type { BudgetStore, ClosedReservation } from './budget-store.ts';
import type { LocalLedger } from './local-ledger.ts';
import { weightsHash, type RoundOutput, type RoundOutputs } from './round-outputs.ts';
import { ledgerPageReplySchema, pageProblem, type LedgerPageReply } from '../core/ledger/index.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
import { policyViolations, type HospitalPolicy } from '../core/job/policy.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { Identity } from '../core/secagg/index.ts';
import { secureInput } from '../core/round/secure-input.ts';
import { AttemptLog, HospitalSession } from '../core/round/hospital-session.ts';
import { checkCorruptClients, type HospitalView } from '../core/round/session-params.ts';
import {
  completeRoster,
  extendsRoster,
  parseRosterChain,
  type Roster,
  type RosterChain,
} from '../core/roster/index.ts';
import { constantTimeEqual } from '../core/secagg/index.ts';
import { signHandshake } from '../core/auth/handshake.ts';
import { FrameEncoder, Reassembler, fragmentBytesFor, messageLimit } from '../edge/wire/fragments.ts';

export const SOFTWARE = 'cohort-client/0.1.0';

type EvaluationBody = import('../proto/generated/cohort.js').cohort.v1.Evaluation.$Properties;

interface RoundWork {
  jobId: string;
  round: number;
  train: boolean;
  seed: number;
  weights: Float32Array;
  via: WebSocket;
  secagg: import('../proto/generated/cohort.js').cohort.v1.SecAggParams.$Properties | null;
}

export interface ClientOptions {
  coordinatorUrl: string;
  name: string;
  dataset: PreparedDataset;
  log?: Logger;
  maxFrameBytes?: number;
  /** Largest message taken from the coordinator in fragments (edge/wire/fragments.ts; default DEFAULT_MAX_MESSAGE_BYTES, the largest model the job spec allows). */
  maxMessageBytes?: number;
  /** Payload of each fragment this hospital sends (default 1 MiB; less to fit the coordinator's frames). */
  fragmentBytes?: number;
  /** Reconnect backoff bounds (ms). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Reconnect when the coordinator has sent nothing, not even a ping, for this long. */
  silenceTimeoutMs?: number;
  /**
   * TLS for wss:// URLs: `ca` pins the coordinator's certificate or its CA
   * (PEM; the system's CAs are not trusted), `cert`/`key` are this hospital's
   * client certificate for mutual TLS.
   */
  tls?: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  /** This hospital's rules for the jobs it joins (core/job/policy.ts); absent: any job its data and budget allow. */
  policy?: HospitalPolicy;
  /** Allow plain ws:// to a coordinator that is not on loopback (testing only; logged loudly). */
  insecure?: boolean;
  /** Ed25519 identity that signs this hospital's secure-aggregation messages. */
  identity: Identity;
  /**
   * The network's roster as this hospital's operator installed it
   * (core/roster/): the only source of peers' identity keys. Without one the
   * daemon refuses every secure-aggregation round. A newer version from the
   * coordinator is adopted only if it extends this chain with the members'
   * quorum; `onRoster` is then told, to keep it.
   */
  roster?: RosterChain;
  onRoster?: (chain: RosterChain) => void;
  /**
   * Fault injection for simulations: asked before each secure-aggregation
   * message; true makes the daemon drop its connection instead of sending,
   * as a crash would (it reconnects afterwards).
   */
  crashBefore?: (e: { jobId: string; round: number; phase: SecAggPhase }) => boolean;
  /**
   * The hospital's privacy budget for this dataset. When set, a job is joined
   * only if its whole DP cost fits (jobs without a DP guarantee are declined)
   * and each training round is recorded as spent before it runs; a round that
   * does not fit is refused. Fail closed: an error while pricing is a refusal.
   * Without it, DP jobs are declined (E_BUDGET_REQUIRED).
   */
  budget?: BudgetStore;
  /**
   * This hospital's copy of the ledger entries recording its spend: each is
   * checked against what it charged, kept, and receipted when it agrees.
   */
  ledger?: LocalLedger;
  /**
   * Where a record-level DP round's output is kept before it is sent, so a
   * retried round re-sends it instead of training and charging again
   * (client/round-outputs.ts). Used with `budget`.
   */
  outputs?: RoundOutputs;
  /** This host's clock (Unix ms) for handshake timestamps; Date.now unless a test or the chaos harness skews it. */
  clock?: () => number;
}

export type SecAggPhase = 'advertise' | 'reveal' | 'share' | 'masked' | 'consistency' | 'unmask';

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
  /** A ledger entry received for this hospital's spend: receipted, or kept with the problem found. */
  ledgerEntry: [{ jobId: string; round: number; seq: number; problem: string | null }];
  /** A training round refused by the privacy budget. */
  refused: [{ jobId: string; round: number; reason: string }];
  round: [ClientRoundEvent];
  roundResult: [{ jobId: string; round: number; metrics: Metrics | null }];
  jobEvent: [{ jobId: string; kind: string; reason: string }];
  /** A job's budget reservation closed here: `charged` rounds stay spent, `released` reserved rounds are free again. */
  reservationClosed: [{ jobId: string; charged: number; released: number; why: string }];
  coordinatorError: [{ jobId: string; code: string; message: string }];
}

export class ClientDaemon extends EventEmitter<ClientEvents> {
  readonly name: string;
  private readonly log: Logger;
  private readonly jobs = new Map<string, JobSpec>();
  private ws: WebSocket | null = null;
  /** The current connection's sending side: numbered frames, large messages in fragments. */
  private out: FrameEncoder;
  private readonly maxFrameBytes: number;
  private readonly maxMessageBytes: number;
  private readonly fragmentBytes: number;
  /** Id of this connection's latest ledger.read request, and the seq it asked after. */
  private requestId = 0;
  /** A ledger.read is in flight on this connection; another is wanted once it ends. */
  private reading = false;
  private readAgain = false;
  private ledgerAfter = 0;
  private stopped = false;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;
  /** Rounds are handled one at a time, in arrival order. */
  private work: Promise<void> = Promise.resolve();
  /** The secure-aggregation session of each job's current round. */
  /** Rounds this daemon trained or released an evaluation in (job/round), for checking ledger entries without a budget store. */
  private readonly trained = new Set<string>();
  /** What this daemon answered for each evaluated round (job/round): sent again, never recomputed. */
  private readonly evaluated = new Map<string, EvaluationBody>();
  private readonly sessions = new Map<
    string,
    { round: number; hs: HospitalSession; via: WebSocket; out: RoundOutput | null; spec: JobSpec }
  >();
  private readonly attempts = new AttemptLog();
  /**
   * Jobs that ended while this daemon ran: an offer of one again is refused
   * (E_JOB_STATE), as is one whose budget reservation was closed (across
   * restarts). Otherwise a coordinator could end a job and offer it anew to
   * start its attempts (and seeds) from 1 again, or to have a round trained
   * again with fresh noise.
   */
  private readonly ended = new Set<string>();
  private roster: { chain: RosterChain; head: Roster } | null = null;

  constructor(private readonly opts: ClientOptions) {
    super();
    this.name = validateClientName(opts.name);
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxMessageBytes = messageLimit(opts.maxMessageBytes, this.maxFrameBytes);
    this.fragmentBytes = fragmentBytesFor(this.maxFrameBytes, opts.fragmentBytes);
    this.out = new FrameEncoder(this.fragmentBytes);
    this.log = (opts.log ?? silentLogger).child({ component: 'client', hospital: this.name });
    checkTransport(opts.coordinatorUrl, opts, this.log);
    if (opts.roster) this.roster = this.ownRoster(opts.roster);
    // δ is the chance a guarantee fails outright; at 1/records or more one whole record may leak. Checked here, locally.
    const budgetDelta = opts.budget?.budget(opts.dataset.schemaId)?.delta;
    if (budgetDelta !== undefined && !(budgetDelta < 1 / opts.dataset.train.n)) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `the budget's delta ${budgetDelta} is not below 1/records (${opts.dataset.train.n} training records): lower --budget-delta`,
      );
    }
  }

  /**
   * A roster chain's complete part and head, which must list this hospital
   * under its own key (E_ROSTER_* otherwise). A newest version still being
   * signed is left out until it has its quorum.
   */
  private ownRoster(full: RosterChain): { chain: RosterChain; head: Roster } {
    const { chain, head } = completeRoster(full);
    const listed = head.members.get(this.name);
    if (!listed)
      throw new CohortError('E_ROSTER_NOT_MEMBER', `${this.name} is not in roster ${head.network} v${head.version}`);
    if (!constantTimeEqual(listed, this.opts.identity.publicKey))
      throw new CohortError(
        'E_ROSTER_NOT_MEMBER',
        `roster ${head.network} v${head.version} lists another key for ${this.name} than its identity key`,
      );
    return { chain, head };
  }

  /** The roster this hospital runs sessions under (its head), if any. */
  get rosterHead(): Roster | null {
    return this.roster?.head ?? null;
  }

  /**
   * A roster chain from the coordinator: adopted only if it extends this
   * hospital's own (same versions, then more, each with its quorum) and still
   * lists this hospital; a rollback or a fork is refused and logged, never
   * trusted. Without an operator-installed anchor nothing is adopted: nothing
   * the coordinator sends can become one.
   */
  private offeredRoster(json: string): void {
    const mine = this.roster;
    if (!mine) return;
    try {
      const next = this.ownRoster(parseRosterChain(JSON.parse(json)));
      const [have, offered] = [mine.chain.versions.length, next.chain.versions.length];
      if (offered < have)
        throw new CohortError(
          'E_ROSTER_MISMATCH',
          `the coordinator's roster has ${offered} versions, this hospital's ${have} (a rollback)`,
        );
      if (!extendsRoster(mine.chain, next.chain))
        throw new CohortError('E_ROSTER_MISMATCH', "the coordinator's roster does not extend this hospital's (a fork)");
      if (offered === have) return; // the roster this hospital holds: every Welcome carries it
      const { chain, head } = next;
      this.roster = next;
      this.log.info({ network: head.network, version: head.version, members: head.size }, 'roster updated');
      this.opts.onRoster?.(chain);
    } catch (err) {
      const e = asCohortError(err);
      this.log.warn({ code: e.code }, `roster from the coordinator refused: ${e.message}`);
    }
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const ws = this.ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1000, 'client stopping');
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    await this.work.catch(() => undefined);
  }

  private connect(): void {
    const tls = this.opts.tls;
    const ws = new WebSocket(this.opts.coordinatorUrl, {
      maxPayload: this.maxFrameBytes,
      perMessageDeflate: false,
      ...(tls
        ? {
            ca: tls.ca,
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            minVersion: 'TLSv1.2' as const,
          }
        : {}),
    });
    this.ws = ws;
    this.out = new FrameEncoder(this.fragmentBytes);
    // This connection's fragments: at most one message in flight, within our own limit (the coordinator's word sets nothing here).
    const inbound = new Reassembler(this.maxMessageBytes);
    // The coordinator pings every 15 s; silence far longer than that means a dead link.
    const heard = () => {
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      this.silenceTimer = setTimeout(() => {
        this.log.warn({ silentMs: this.opts.silenceTimeoutMs ?? 45_000 }, 'coordinator silent: reconnecting');
        ws.terminate();
      }, this.opts.silenceTimeoutMs ?? 45_000);
      this.silenceTimer.unref();
    };
    ws.on('ping', heard);
    // The coordinator speaks first (a Challenge); the Hello answers it.
    ws.on('open', heard);
    ws.on('message', (data, isBinary) => {
      heard();
      try {
        if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
        const frame = decodeEnvelope(data as Buffer, this.maxFrameBytes);
        if (frame.sender !== COORDINATOR_SENDER)
          throw new CohortError('E_WIRE_FIELD', 'frame not from the coordinator');
        const env = inbound.accept(frame);
        if (!env) return; // more fragments of this message are due
        // Its limits shape what this side sends: fragments that fit its frames, nothing over its message limit.
        if (env.body === 'welcome' && ws === this.ws) this.out.peerLimits(env.welcome!);
        this.onFrame(env);
      } catch (err) {
        const e = asCohortError(err);
        this.log.warn({ code: e.code }, `bad frame from coordinator: ${e.message}`);
        ws.close(e.closeCode ?? 1002, e.code);
      }
    });
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'connection error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      this.emit('disconnected', { code, reason: reason.toString() });
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const min = this.opts.backoffMinMs ?? 200;
    const max = this.opts.backoffMaxMs ?? 10_000;
    // Full jitter (AWS architecture blog): spreads a fleet's reconnects after a coordinator restart.
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt++);
    this.log.info({ delayMs: Math.round(delay), attempt: this.attempt }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  /**
   * Sends on the current connection, or only on `via` when given: a round's
   * results must not leak onto a later connection, where the round is gone.
   */
  private send(env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>, via?: WebSocket): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (via && via !== ws)) return;
    let frames: Uint8Array[];
    try {
      frames = this.out.encode({ ...env, sender: this.name });
    } catch (err) {
      // Over the coordinator's message limit: it would close the connection; the round goes on without this hospital.
      const e = asCohortError(err);
      this.log.warn(
        {
          code: e.code,
          job: env.jobId,
          round: env.round,
          body: Object.keys(env).find((k) => k !== 'jobId' && k !== 'round'),
        },
        `not sent: ${e.message}`,
      );
      return;
    }
    // Back to back: nothing may come between the fragments of one message.
    for (const frame of frames) ws.send(frame);
  }

  /** Frames numbered on this connection so far. */
  private get seq(): number {
    return this.out.lastSeq;
  }

  private onFrame(env: Envelope): void {
    switch (env.body) {
      case 'challenge':
        this.onChallenge(env);
        return;
      case 'welcome':
        if (this.opts.ledger && env.welcome?.ledgerKey?.length)
          this.opts.ledger.pinCoordinatorKey(Buffer.from(env.welcome.ledgerKey).toString('hex'));
        if (env.welcome?.rosterJson) this.offeredRoster(env.welcome.rosterJson);
        this.endJobsNotLive(env.welcome?.liveJobs ?? []);
        this.attempt = 0;
        this.log.info({ coordinator: env.welcome?.coordinatorId }, 'connected');
        this.emit('connected');
        this.reading = this.readAgain = false; // a new connection: nothing is in flight on it
        if (this.opts.ledger) this.readLedgerAfter(this.opts.ledger.syncedThrough());
        return;
      case 'reply':
        this.onLedgerPage(env);
        return;
      case 'rosterUpdate':
        this.offeredRoster(env.rosterUpdate?.chainJson ?? '');
        return;
      case 'jobOffer':
        this.onOffer(env);
        return;
      case 'roundConfig': {
        const spec = this.jobs.get(env.jobId);
        if (!spec) throw new CohortError('E_UNKNOWN_JOB', `round for unknown job ${env.jobId}`);
        const weights = vectorOf(env.roundConfig?.weights, paramCount(spec.model));
        const cfg = {
          jobId: env.jobId,
          round: env.round,
          train: env.roundConfig?.train ?? false,
          seed: env.roundConfig?.seed ?? 0,
          weights,
          via: this.ws!,
          secagg: env.roundConfig?.secagg ?? null,
        };
        this.work = this.work
          .then(() => this.runRound(spec, cfg))
          .catch((err) => {
            const e = asCohortError(err);
            this.log.error(
              { job: cfg.jobId, round: cfg.round, code: e.code, err: e.code === 'E_INTERNAL' ? e.cause : undefined },
              'round failed locally',
            );
            this.send(
              {
                jobId: cfg.jobId,
                round: cfg.round,
                error: { code: e.code, message: e.code === 'E_INTERNAL' ? 'local training failed' : e.message },
              },
              cfg.via,
            );
          });
        return;
      }
      case 'roundResult':
        if (env.roundResult?.ledgerEntry && this.opts.ledger) this.onLedgerEntry();
        this.emit('roundResult', {
          jobId: env.jobId,
          round: env.round,
          metrics: env.roundResult?.metrics ? metricsFromWire(env.roundResult.metrics) : null,
        });
        return;
      case 'jobEvent': {
        const kind =
          ['UNSPECIFIED', 'STARTED', 'COMPLETED', 'FAILED', 'CANCELLED'][env.jobEvent?.kind ?? 0] ?? 'UNSPECIFIED';
        this.log.info({ job: env.jobId, kind, reason: env.jobEvent?.reason }, 'job event');
        if (kind !== 'STARTED') this.endJob(env.jobId, `the job ended (${kind})`);
        this.emit('jobEvent', { jobId: env.jobId, kind, reason: env.jobEvent?.reason ?? '' });
        return;
      }
      case 'secaggCommitments':
      case 'secaggKeys':
      case 'secaggSharesRelay':
      case 'secaggSurvivors':
      case 'secaggUnmaskRequest':
        this.onSecAgg(env);
        return;
      case 'error':
        this.log.warn(
          { job: env.jobId, round: env.round, code: env.error?.code },
          `coordinator error: ${env.error?.message ?? ''}`,
        );
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
   * This hospital's part in a job is over: the coordinator ended the job, the
   * job is not live at a reconnect, or this hospital declined it. Its budget
   * reservation is closed (charged rounds stay spent, the untrained rest is
   * released, the job is never admitted again) and what this process held
   * for it goes. A job this hospital held is refused if offered again.
   */
  private endJob(jobId: string, why: string): void {
    const dataset = this.opts.dataset.schemaId;
    let closed: ClosedReservation | null = null;
    try {
      closed = this.opts.budget?.closeJob(dataset, jobId) ?? null;
    } catch (err) {
      // Left open: the next Welcome that does not list the job closes it, or the operator (cohort budget close).
      this.log.error(
        { job: jobId, code: asCohortError(err).code },
        `the job's budget reservation could not be closed: ${asCohortError(err).message}`,
      );
    }
    if (closed || this.jobs.has(jobId)) this.ended.add(jobId);
    this.opts.outputs?.forgetJob(dataset, jobId);
    this.jobs.delete(jobId);
    this.attempts.forgetJob(jobId);
    for (const key of this.evaluated.keys()) if (key.startsWith(`${jobId}/`)) this.evaluated.delete(key);
    this.sessions.get(jobId)?.hs.forget();
    this.sessions.delete(jobId);
    if (!closed) return;
    const { charged } = closed.reservation;
    this.log.info({ job: jobId, charged, released: closed.released }, `budget reservation closed: ${why}`);
    this.emit('reservationClosed', { jobId, charged, released: closed.released, why });
  }

  /**
   * Reconciliation on every Welcome: the coordinator lists the jobs that have
   * not ended, and any other job this hospital holds (in memory, or as an open
   * reservation on its dataset, from before a restart) ended while it was
   * away, unseen. A coordinator that omits a live job only ends this
   * hospital's part in it; one that lists a dead job only keeps a
   * reservation open (docs/threat-model.md).
   */
  private endJobsNotLive(liveJobs: readonly string[]): void {
    const live = new Set(liveJobs);
    const dataset = this.opts.dataset.schemaId;
    const held = new Set(this.jobs.keys());
    for (const r of this.opts.budget?.reservations() ?? []) if (r.dataset === dataset) held.add(r.jobId);
    for (const jobId of held)
      if (!live.has(jobId))
        this.endJob(jobId, 'the job is not live at the coordinator (it ended while this hospital was away)');
  }

  /** Answers the connection's challenge with a Hello that signs it (core/auth/handshake.ts). */
  private onChallenge(env: Envelope): void {
    if (this.seq > 0) throw new CohortError('E_WIRE_UNEXPECTED', 'a second challenge on one connection');
    const c = env.challenge!;
    const d = this.opts.dataset;
    const timestampMs = (this.opts.clock ?? Date.now)();
    const handshakeSignature = signHandshake(
      {
        nonce: c.nonce ?? new Uint8Array(0),
        coordinatorId: c.coordinatorId ?? '',
        timestampMs,
        name: this.name,
        publicKey: this.opts.identity.publicKey,
      },
      this.opts.identity.secretKey,
    );
    this.send({
      hello: {
        name: this.name,
        software: SOFTWARE,
        // No record counts: a hospital's size is a function of its records (core/job/privacy.ts).
        datasets: [{ schemaId: d.schemaId, features: [...d.features], label: d.label }],
        identityKey: this.opts.identity.publicKey,
        handshakeSignature,
        handshakeTimestampMs: timestampMs,
      },
    });
  }

  /**
   * A round result names the entry recording this round's spend. It is read
   * back through the catch-up, in order after every earlier entry recording
   * this hospital's spend: a failed hospital-level attempt's entry reaches no
   * hospital in a round result, and an entry can be checked only against all
   * those before it.
   */
  private onLedgerEntry(): void {
    if (this.reading) this.readAgain = true;
    else this.readLedgerAfter(this.opts.ledger!.syncedThrough());
  }

  private acceptLedgerEntry(jobId: string, round: number, sealed: SealedEntry): void {
    const ledger = this.opts.ledger;
    if (!ledger) return;
    const { receipt, problem } = ledger.accept(
      sealed,
      { ...this.opts.identity, name: this.name },
      this.chargedMechanism(jobId, round),
    );
    if (problem)
      this.log.error(
        { job: jobId, round, seq: sealed.seq, problem },
        'ledger entry disagrees with this hospital: not receipted',
      );
    else
      this.send({
        jobId,
        round,
        ledgerReceipt: { seq: receipt!.seq, hash: sealed.hash, signature: receipt!.signature },
      });
    this.emit('ledgerEntry', { jobId, round, seq: sealed.seq, problem });
  }

  /**
   * Catch-up: asks for this hospital's own ledger entries (`ledger.read`)
   * after those already read, so an entry it missed while disconnected (the
   * round closed after it sent its input) is still checked and receipted.
   */
  private readLedgerAfter(seq: number): void {
    this.reading = true;
    this.ledgerAfter = seq;
    this.send({ request: { id: ++this.requestId, action: 'ledger.read', afterSeq: seq } });
  }

  private onLedgerPage(env: Envelope): void {
    const ledger = this.opts.ledger;
    if (!ledger || env.reply?.id !== this.requestId)
      throw new CohortError('E_WIRE_UNEXPECTED', 'a reply to no request');
    let page: LedgerPageReply;
    try {
      page = ledgerPageReplySchema.parse(JSON.parse(env.reply.json ?? ''));
    } catch {
      throw new CohortError('E_WIRE_FIELD', 'the ledger page is malformed');
    }
    const problem = pageProblem(page, this.ledgerAfter);
    if (problem) throw new CohortError('E_WIRE_FIELD', `ledger catch-up: ${problem}`);
    for (const e of page.entries) {
      if (ledger.has(e.seq)) continue;
      let entry: { kind?: unknown; jobId?: unknown; round?: unknown; body?: { spends?: { hospital?: unknown }[] } };
      try {
        entry = JSON.parse(e.canonical) as typeof entry;
      } catch {
        continue; // an unparseable entry records no spend of this hospital to check; an auditor's verify reports it
      }
      if (entry.kind !== 'round' || !entry.body?.spends?.some((x) => x.hospital === this.name)) continue;
      // Without a budget store what was trained is known only since this process started: an older entry
      // cannot be checked here, and is left for the auditor rather than kept as a false disagreement.
      if (!this.opts.budget && !this.trained.has(`${String(entry.jobId)}/${Number(entry.round) || 0}`)) continue;
      this.acceptLedgerEntry(String(entry.jobId), Number(entry.round) || 0, e);
    }
    if (page.more) return this.readLedgerAfter(page.lastSeq);
    ledger.setSyncedThrough(page.lastSeq);
    this.reading = false;
    if (this.readAgain) {
      this.readAgain = false;
      this.readLedgerAfter(page.lastSeq);
    }
  }

  /** What this hospital charged for a round: its budget's record, else the job's mechanism if it trained that round. */
  private chargedMechanism(jobId: string, round: number): Mechanism | null {
    const budget = this.opts.budget;
    if (budget) return budget.charged(this.opts.dataset.schemaId, jobId, round);
    const spec = this.jobs.get(jobId);
    return spec?.privacy && this.trained.has(`${jobId}/${round}`) ? roundMechanism(spec, round) : null;
  }

  private onOffer(env: Envelope): void {
    let spec: JobSpec;
    try {
      if (this.ended.has(env.jobId) || this.opts.budget?.jobEnded(this.opts.dataset.schemaId, env.jobId))
        throw new CohortError(
          'E_JOB_STATE',
          `job ${env.jobId} already ended at this hospital: offering it again would replay its rounds`,
        );
      spec = jobSpecFromWire(env.jobOffer?.specJson);
      const d = this.opts.dataset;
      const same =
        spec.label === d.label &&
        spec.features.length === d.features.length &&
        spec.features.every((f, i) => f === d.features[i]);
      if (!same)
        throw new CohortError(
          'E_JOB_FEATURES',
          `job needs features [${spec.features.join(', ')}] -> ${spec.label}; this dataset provides [${d.features.join(', ')}] -> ${d.label}`,
        );
      const broken = this.opts.policy ? policyViolations(this.opts.policy, spec, env.jobOffer?.owner || null) : null;
      if (broken) throw new CohortError('E_POLICY_DECLINED', broken);
      // Secure aggregation runs only under this hospital's roster, with at least as many colluders assumed as it assumes.
      if (spec.secureAggregation.enabled) checkCorruptClients(spec, this.hospitalView(spec));
      this.checkPrivacy(env.jobId, spec);
    } catch (err) {
      const e = asCohortError(err);
      this.log.info({ job: env.jobId, code: e.code }, `declining job: ${e.message}`);
      // A job admitted before (a re-offer that no longer passes this hospital's checks): its part in it ends here.
      if (this.jobs.has(env.jobId) || this.opts.budget?.reserved(this.opts.dataset.schemaId, env.jobId))
        this.endJob(env.jobId, `declined: ${e.message}`);
      this.send({ jobId: env.jobId, declineJob: { code: e.code, reason: e.message } });
      this.emit('declined', { jobId: env.jobId, code: e.code, reason: e.message });
      return;
    }
    this.jobs.set(env.jobId, spec);
    this.log.info({ job: env.jobId, strategy: spec.strategy.name, rounds: spec.rounds }, 'joining job');
    this.send({ jobId: env.jobId, joinJob: { weight: updateWeight(spec, this.opts.dataset.train.n) } });
    this.emit('joined', { jobId: env.jobId, spec });
  }

  /**
   * Checks an offered job against this hospital's privacy rules: a record-level
   * job's δ must be at most the budget's δ (itself below 1/records, checked
   * locally at start: a decline that depended on the record count would
   * reveal it), its claimed ε must match its parameters, and its whole cost must fit the
   * budget, which then reserves it. A DP job is declined without a budget
   * (E_BUDGET_REQUIRED): its releases would be recorded nowhere.
   */
  private checkPrivacy(jobId: string, spec: JobSpec): void {
    const p = spec.privacy;
    const budget = this.opts.budget;
    if (!p) {
      if (budget)
        throw new CohortError(
          'E_BUDGET_EXCEEDED',
          'the job has no differential-privacy guarantee and this hospital enforces a privacy budget',
        );
      this.log.warn({ job: jobId }, 'joining a job WITHOUT differential privacy (no budget configured)');
      return;
    }
    // The coordinator resolved σ; recompute the job's ε here rather than trust it (memoised by the
    // accountant: the offer comes again on every reconnect, and a long job's accounting takes a second).
    const claimed = jobSpend(spec);
    if (!(claimed.epsilon <= p.epsilon * (1 + 1e-9))) {
      throw new CohortError(
        'E_PRIVACY_PARAMS',
        `the job's parameters give epsilon ${claimed.epsilon.toFixed(4)}, above its stated ${p.epsilon}`,
      );
    }
    // Without a budget store nothing released is recorded, and a retried round would train again with fresh noise.
    if (!budget)
      throw new CohortError(
        'E_BUDGET_REQUIRED',
        'the job is differentially private and this hospital has no privacy budget to charge it to (client start --state and --budget-epsilon)',
      );
    // Against the budget's δ, a public setting (checked below 1/records when the daemon starts): never against the record count itself.
    const budgetDelta = budget.budget(this.opts.dataset.schemaId)?.delta;
    if (budgetDelta !== undefined && p.delta > budgetDelta)
      throw new CohortError(
        'E_PRIVACY_PARAMS',
        `privacy.delta ${p.delta} is above this hospital's budget delta ${budgetDelta}`,
      );
    const decision = budget.admitJob(this.opts.dataset.schemaId, jobId, jobMechanisms(spec));
    if (!decision.allowed) throw new CohortError('E_BUDGET_EXCEEDED', decision.reason);
    this.log.info(
      { job: jobId, projectedEpsilon: decision.projected.epsilon, bound: decision.projected.bound },
      'job admitted against the privacy budget',
    );
  }

  /** Charges one training round to the budget before any record is touched; false if refused (the coordinator is told). */
  private chargeRound(spec: JobSpec, cfg: Pick<RoundWork, 'jobId' | 'round' | 'via'>): boolean {
    const budget = this.opts.budget;
    if (!budget || !spec.privacy) return true;
    let reason: string;
    try {
      const decision = budget.spendRound(
        this.opts.dataset.schemaId,
        cfg.jobId,
        cfg.round,
        roundMechanism(spec, cfg.round),
      );
      if (decision.allowed) {
        this.log.info(
          {
            job: cfg.jobId,
            round: cfg.round,
            spentEpsilon: decision.projected.epsilon,
            bound: decision.projected.bound,
          },
          'round charged to the privacy budget',
        );
        return true;
      }
      reason = decision.reason;
    } catch (err) {
      reason = `budget check failed: ${asCohortError(err).message}`;
    }
    this.log.warn({ job: cfg.jobId, round: cfg.round, reason }, 'round refused by the privacy budget');
    this.send({ jobId: cfg.jobId, round: cfg.round, error: { code: 'E_BUDGET_EXCEEDED', message: reason } }, cfg.via);
    this.emit('refused', { jobId: cfg.jobId, round: cfg.round, reason });
    return false;
  }

  private async runRound(spec: JobSpec, cfg: RoundWork): Promise<void> {
    if (cfg.via !== this.ws) return; // the connection that asked is gone, and so is its round
    // A job has spec.rounds training rounds and one evaluation round after them: more would be more
    // releases (and, with secure aggregation, more seeds) than the job the hospital admitted.
    const final = spec.rounds + 1;
    if (!(Number.isInteger(cfg.round) && cfg.round >= 1 && cfg.round <= (cfg.train ? spec.rounds : final))) {
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `${cfg.train ? 'training' : 'evaluation'} round ${cfg.round} is outside the job's rounds 1..${cfg.train ? spec.rounds : final}`,
      );
    }
    // Evaluation is not an oracle: only the final round asks for one alone, and only scheduled rounds get one.
    if (!cfg.train && cfg.round !== final)
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `evaluation-only round ${cfg.round}: only the final round ${final} evaluates without training`,
      );
    // The session is checked before anything is evaluated, trained or charged: a round whose
    // parameters this hospital does not compute itself costs it nothing.
    if (cfg.train && !cfg.secagg && spec.secureAggregation.enabled)
      throw new CohortError(
        'E_SECAGG_PARAMS',
        'the job requires secure aggregation but the round carries no session parameters',
      );
    const hs = cfg.train && cfg.secagg ? this.openSecure(spec, cfg, cfg.secagg) : null;
    const { tf } = await loadTf(this.log);
    const d = this.opts.dataset;
    if (evaluates(spec, cfg.round)) await this.evaluateOnce(tf, spec, cfg);
    if (!cfg.train) return;
    const dp = dpSgdParams(spec);
    // An invalid job, or weights out of range, must not cost budget before they fail; and neither check reads a record.
    if (dp) assertDpParams(dp, paramCount(spec.model));
    if (spec.privacy) assertWeights(spec.model, cfg.weights);
    if (cfg.via !== this.ws) return;
    const out = await this.trainOnce(spec, cfg, async () => {
      const job = { spec: spec.model, local: spec.local, weights: cfg.weights, data: d.train, seed: cfg.seed };
      // Hospital-level DP clips and noises the whole update later: no error may depend on the records before that.
      return dp
        ? await trainDpSgd(tf, { ...job, dp })
        : await trainLocal(tf, spec.privacy ? { ...job, nonFinite: 'zero' } : job);
    });
    if (!out) return;
    this.trained.add(`${cfg.jobId}/${cfg.round}`);
    this.log.debug({ job: cfg.jobId, round: cfg.round, steps: out.steps, loss: out.loss }, 'local training done');
    if (!hs) {
      this.log.warn(
        { job: cfg.jobId, round: cfg.round },
        'secure aggregation is off for this job: sending a plaintext update',
      );
      this.send(
        {
          jobId: cfg.jobId,
          round: cfg.round,
          update: {
            delta: tensorOf(out.delta),
            numExamples: updateWeight(spec, out.numExamples),
            trainLoss: out.loss,
            steps: out.steps,
          },
        },
        cfg.via,
      );
      return;
    }
    if (cfg.via !== this.ws) return;
    // A new round supersedes whatever session the job had: its secrets go now.
    this.sessions.get(cfg.jobId)?.hs.forget();
    this.sessions.set(cfg.jobId, { round: cfg.round, hs, via: cfg.via, out, spec });
    if (this.crashes(cfg.jobId, cfg.round, 'advertise', cfg.via)) return;
    this.send({ jobId: cfg.jobId, round: cfg.round, secaggAdvertise: hs.advertise() }, cfg.via);
  }

  /**
   * This hospital's evaluation of a scheduled round's starting model, made
   * and sent once: asked again (a retried round, a replaying coordinator) it
   * sends the same answer, whatever weights come with the request. What
   * leaves depends on the job and this hospital's policy: exact metrics in a
   * job without DP; in a record-level DP job, noisy counts charged to the
   * budget first (the default) or nothing (policy evaluation "local"); in a
   * hospital-level job, nothing. The exact figures stay here, for this
   * hospital's operator (the 'round' event and the log).
   */
  private async evaluateOnce(tf: Tf, spec: JobSpec, cfg: RoundWork): Promise<void> {
    const key = `${cfg.jobId}/${cfg.round}`;
    const sent = this.evaluated.get(key);
    if (sent) {
      this.log.info(
        { job: cfg.jobId, round: cfg.round },
        'evaluation asked again: sending the same answer (nothing new is evaluated or released)',
      );
      this.send({ jobId: cfg.jobId, round: cfg.round, evaluation: sent }, cfg.via);
      return;
    }
    const p = spec.privacy;
    const release = !p || (releasesEvaluation(spec) && (this.opts.policy?.evaluation ?? 'dp') === 'dp');
    let body: EvaluationBody;
    const { metrics, counts } = await evaluateConfusion(tf, spec.model, cfg.weights, this.opts.dataset.test);
    if (!p) body = { metrics: metricsToWire(metrics) };
    else if (!release) body = { withheld: true };
    else if (this.opts.budget?.charged(this.opts.dataset.schemaId, cfg.jobId, cfg.round)) {
      // Released before this process started, and the noisy counts were not kept: a second release would be a second draw.
      this.log.warn(
        { job: cfg.jobId, round: cfg.round },
        'evaluation already released before a restart: withheld this time',
      );
      body = { withheld: true };
    } else {
      if (!this.chargeRound(spec, cfg)) return;
      body = { noisy: noisyCountsToWire(noisyConfusion(counts, p.evaluationNoise)) };
      this.trained.add(key);
    }
    this.evaluated.set(key, body);
    this.log.info(
      {
        job: cfg.jobId,
        round: cfg.round,
        accuracy: metrics.accuracy,
        numTest: metrics.numExamples,
        sent: body.metrics ? 'exact' : body.noisy ? 'noisy counts' : 'nothing',
      },
      'evaluated the model on the local test split (these figures stay here)',
    );
    this.emit('round', { jobId: cfg.jobId, round: cfg.round, train: cfg.train, metrics });
    this.send({ jobId: cfg.jobId, round: cfg.round, evaluation: body }, cfg.via);
  }

  /**
   * This hospital's machine for the round's session, once every offered
   * parameter matches its own computation from the spec, its roster and its
   * policy (core/round/session-params.ts); a typed error naming the field
   * otherwise, which abandons the round.
   */
  private openSecure(spec: JobSpec, cfg: RoundWork, p: NonNullable<RoundWork['secagg']>): HospitalSession {
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
      view: this.hospitalView(spec),
      identity: this.opts.identity,
      attempts: this.attempts,
    });
  }

  private hospitalView(spec: JobSpec): HospitalView {
    const head = this.roster?.head;
    if (!head)
      throw new CohortError(
        'E_ROSTER_MISSING',
        'this hospital has no roster: it joins secure aggregation only under the roster its operator installed (client start --roster)',
      );
    const minCorruptFraction = this.opts.policy?.minCorruptFraction;
    return {
      name: this.name,
      roster: head,
      numTrain: updateWeight(spec, this.opts.dataset.train.n),
      ...(minCorruptFraction === undefined ? {} : { minCorruptFraction }),
    };
  }

  /**
   * Charges and trains a round, at most once per round for record-level DP:
   * a retried round whose output was kept re-sends it; one charged but whose
   * output was never kept (so never sent) trains again at no new charge.
   * Null when the budget refuses.
   */
  private async trainOnce(
    spec: JobSpec,
    cfg: RoundWork,
    train: () => Promise<RoundOutput>,
  ): Promise<RoundOutput | null> {
    const { budget, outputs } = this.opts;
    const dataset = this.opts.dataset.schemaId;
    // Rounds only move forward: an older round than one already charged comes from a coordinator replaying
    // rounds or restored from a backup, and would be a new mechanism at every replay.
    const latest = budget && spec.privacy ? budget.latestRound(dataset, cfg.jobId) : 0;
    if (cfg.round < latest) {
      const reason = `round ${cfg.round} is older than round ${latest}, which this hospital already trained for this job: refused`;
      this.log.warn({ job: cfg.jobId, round: cfg.round, latest }, 'round older than one already trained: refused');
      this.send({ jobId: cfg.jobId, round: cfg.round, error: { code: 'E_ROUND_MISMATCH', message: reason } }, cfg.via);
      this.emit('refused', { jobId: cfg.jobId, round: cfg.round, reason });
      return null;
    }
    const keep = spec.privacy?.unit === 'record' && budget && outputs ? outputs : null;
    const start = keep ? weightsHash(cfg.weights) : '';
    if (
      keep &&
      cfg.round === latest &&
      isDeepStrictEqual(budget!.charged(dataset, cfg.jobId, cfg.round), roundMechanism(spec, cfg.round))
    ) {
      const kept = keep.get(dataset, cfg.jobId, cfg.round, start);
      if (kept) {
        this.log.info(
          { job: cfg.jobId, round: cfg.round },
          "retried round: sending this round's DP output again (no new charge)",
        );
        return kept;
      }
      // Charged, but no output from this start was kept: either none was ever made (so none left this
      // hospital: it is kept before it is sent, and only a later round's output replaces it, which
      // the check above rules out) or it was made from other weights: a new mechanism, charged.
      if (!keep.hasRound(dataset, cfg.jobId, cfg.round)) {
        this.log.info(
          { job: cfg.jobId, round: cfg.round },
          'retried round: charged before any output left; training it at no new charge',
        );
        const out = await train();
        keep.put(dataset, cfg.jobId, cfg.round, start, out);
        return out;
      }
    }
    // Hospital-level DP is charged when its noisy input leaves, once per attempt (onSecAgg): its noise is fresh each time.
    if (spec.privacy?.unit !== 'hospital' && !this.chargeRound(spec, cfg)) return null;
    const out = await train();
    keep?.put(dataset, cfg.jobId, cfg.round, start, out);
    return out;
  }

  private crashes(jobId: string, round: number, phase: SecAggPhase, via: WebSocket): boolean {
    if (!this.opts.crashBefore?.({ jobId, round, phase })) return false;
    this.log.warn({ job: jobId, round, phase }, 'fault injection: crashing before this phase');
    this.sessions.get(jobId)?.hs.forget();
    this.sessions.delete(jobId);
    via.terminate();
    return true;
  }

  /** Steps the job's secure-aggregation session; a failure abandons it (the coordinator drops this client). */
  private onSecAgg(env: Envelope): void {
    const s = this.sessions.get(env.jobId);
    if (!s || s.round !== env.round || s.via !== this.ws)
      throw new CohortError(
        'E_ROUND_MISMATCH',
        `no secure-aggregation session for job ${env.jobId} round ${env.round}`,
      );
    const reply = (body: Omit<EnvelopeInit, 'sender' | 'seq' | 'version' | 'jobId' | 'round'>) =>
      this.send({ jobId: env.jobId, round: env.round, ...body }, s.via);
    const crash = (phase: SecAggPhase) => this.crashes(env.jobId, env.round, phase, s.via);
    const abandon = () => {
      s.hs.forget();
      this.sessions.delete(env.jobId);
    };
    try {
      switch (env.body) {
        case 'secaggCommitments':
          if (crash('reveal')) return;
          reply({ secaggReveal: s.hs.onCommitments(env.secaggCommitments!) });
          break;
        case 'secaggKeys':
          if (crash('share')) return;
          reply({ secaggShares: s.hs.onKeys(env.secaggKeys!) });
          break;
        case 'secaggSharesRelay': {
          s.hs.onShares(env.secaggSharesRelay!);
          if (crash('masked')) return;
          if (
            s.spec.privacy?.unit === 'hospital' &&
            !this.chargeRound(s.spec, { jobId: env.jobId, round: env.round, via: s.via })
          ) {
            abandon();
            return;
          }
          const out = s.out!;
          s.out = null;
          reply({ secaggMaskedInput: s.hs.maskInput(out.delta, updateWeight(s.spec, out.numExamples), out.loss) });
          break;
        }
        case 'secaggSurvivors':
          if (crash('consistency')) return;
          reply({ secaggConsistency: s.hs.onSurvivors(env.secaggSurvivors!) });
          break;
        case 'secaggUnmaskRequest':
          if (crash('unmask')) return;
          reply({ secaggUnmask: s.hs.onUnmaskRequest(env.secaggUnmaskRequest!) });
          this.sessions.delete(env.jobId);
          break;
        default:
          break;
      }
    } catch (err) {
      const e = asCohortError(err);
      abandon();
      this.log.warn({ job: env.jobId, round: env.round, code: e.code }, `secure aggregation abandoned: ${e.message}`);
      reply({ error: { code: e.code, message: e.message } });
    }
  }
}

/**
 * The transport rules: wss:// with a pinned certificate or CA (the system's
 * CAs are not trusted for this), or plain ws:// to loopback (core/loopback.ts); plain ws:// to
 * another host only with `insecure`, logged loudly.
 */
export function checkTransport(url: string, o: { tls?: { ca: unknown }; insecure?: boolean }, log: Logger): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CohortError('E_CONFIG_INVALID', `coordinator URL "${url}" is not a URL`);
  }
  if (u.protocol === 'wss:') {
    if (!o.tls?.ca)
      throw new CohortError('E_CONFIG_INVALID', "wss:// needs the coordinator's certificate or CA to pin (--ca)");
    return;
  }
  if (u.protocol !== 'ws:')
    throw new CohortError('E_CONFIG_INVALID', `coordinator URL must be wss:// or ws://, got ${u.protocol}`);
  if (o.tls) throw new CohortError('E_CONFIG_INVALID', 'TLS settings given for a plain ws:// URL: use wss://');
  if (isLoopbackHost(u.hostname)) return;
  if (!o.insecure)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `refusing plain ws:// to ${u.hostname}: use wss:// with --ca, or --insecure on a test network`,
    );
  log.warn(
    { coordinator: u.host },
    'INSECURE: plain ws:// to a non-loopback coordinator: updates and keys travel unencrypted',
  );
}
