/**
 * The coordinator process: a WebSocket server, the job registry, and the
 * driver that feeds socket events and timers into each job's state machine
 * (core/round/job.ts) and carries out the effects it returns.
 */
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CohortError, asCohortError, type ErrorCode } from '../core/errors.ts';
import { silentLogger, type Logger } from '../core/log.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { releasesEvaluation, resolveJob } from '../core/job/privacy.ts';
import { initialWeights } from '../core/model/init.ts';
import { paramCount } from '../core/model/spec.ts';
import { validateMetrics, type Metrics } from '../core/metrics.ts';
import { metricsOfNoisyCounts, validateNoisyCounts } from '../core/privacy/noisy-counts.ts';
import { JobMachine, type JobEffect, type JobStatus, type OutgoingBody, type RoundRecord } from '../core/round/job.ts';
import { verifyRosterChain, type Roster, type RosterChain } from '../core/roster/index.ts';
import { publishRoster } from './roster.ts';
import type { ClientMessage } from '../core/secagg/index.ts';
import {
  DEFAULT_MAX_FRAME_BYTES, decodeEnvelope, jobSpecToWire, metricsFromWire, metricsToWire, tensorOf, validateClientName, vectorOf,
  type Envelope, type EnvelopeInit,
} from '../proto/codec.ts';
import { CoordinatorStore } from './store.ts';
import { CoordinatorLedger } from './ledger.ts';
import { TokenBucket } from '../core/rate.ts';
import { handshakeProblem } from '../core/auth/handshake.ts';
import { ACTIONS, POLICY, VIEW_ACTIONS, denial, type Action, type Role } from '../core/auth/policy.ts';
import { featureProblem } from '../core/job/features.ts';
import type { StoredJob } from './store.ts';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { loadOrCreateIdentityKey } from '../client/keys.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
import { ownEntries, pageOf, LEDGER_PAGE_CHARS, LEDGER_PAGE_ENTRIES, type LedgerPage } from '../core/ledger/index.ts';

/** Upper bound of one receipt's JSON in a ledger page (seq, a name of up to 128 characters, 128 hex digits). */
const RECEIPT_JSON_CHARS = 320;
import { Peer } from './peer.ts';
import { jobPhase, type CoordinatorSnapshot, type HospitalPresence } from '../core/dashboard/index.ts';
import { DashboardServer, type DashboardOptions } from './dashboard/server.ts';
import { CoordinatorMetrics } from './dashboard/metrics.ts';

export interface CoordinatorOptions {
  /** SQLite file; ':memory:' for throwaway runs. */
  dbPath: string;
  port?: number;
  host?: string;
  log?: Logger;
  /** Largest frame accepted (ws maxPayload and decoder cap). */
  maxFrameBytes?: number;
  /** A peer whose unread send buffer exceeds this is disconnected. */
  maxBufferedBytes?: number;
  /** A connection that sends no Hello within this time is closed. */
  helloTimeoutMs?: number;
  /** Ping interval; a peer that misses one pong is terminated (half-open TCP). */
  heartbeatMs?: number;
  id?: string;
  now?: () => number;
  /**
   * Ed25519 key that signs the privacy ledger. Default: the key file beside
   * the database (`<db>.ledger.key`, created 0600 on first start, like an SSH
   * host key); a fresh throwaway key for ':memory:'.
   */
  ledgerKey?: Identity;
  /**
   * TLS: serve wss:// with this certificate chain and key (PEM). With
   * `clientCa`, mutual TLS: only clients presenting a certificate issued by
   * it complete the handshake.
   */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /**
   * Only enrolled identities may connect (cohort admin enroll): a Hello must
   * come from an enrolled, unrevoked hospital, present its enrolled key and
   * sign this connection's challenge. Off only for in-process simulations.
   */
  requireEnrolment?: boolean;
  /** Sustained frames per second one connection may send, and the burst above it (token bucket); over it, E_RATE_LIMIT closes the connection. */
  maxMessagesPerSecond?: number;
  messageBurst?: number;
  /** Fault injection for crash tests: called after a round is aggregated, before it is committed. */
  beforeCommit?: (e: { jobId: string; round: number }) => void;
  /** Serve the web dashboard (coordinator/dashboard/) on its own port; needs a database file. */
  dashboard?: DashboardOptions;
  /**
   * A roster chain to publish at start (core/roster/), as `cohort roster
   * publish` would: it must extend the database's. Secure-aggregation jobs
   * need a roster: their sessions take identity keys from it alone.
   */
  roster?: RosterChain;
}

/**
 * An honest hospital sends a handful of frames per round (Hello, join,
 * evaluation, five secure-aggregation messages, receipt); 50 per second with
 * bursts of 200 leaves two orders of magnitude of headroom.
 */
export const DEFAULT_MESSAGES_PER_SECOND = 50;
export const DEFAULT_MESSAGE_BURST = 200;

export interface RoundEvent {
  jobId: string;
  record: RoundRecord;
  totalRounds: number;
}

export interface JobStatusEvent {
  jobId: string;
  status: JobStatus;
  reason: string;
}

interface CoordinatorEvents {
  round: [RoundEvent];
  roundFailed: [{ jobId: string; round: number; attempt: number; reason: string; code: ErrorCode }];
  job: [JobStatusEvent];
  listening: [{ port: number }];
}

interface LiveJob {
  machine: JobMachine;
  dim: number;
  timer: NodeJS.Timeout | null;
  log: Logger;
  /** The ledger entry of the last committed training round, sent to its survivors with the round result. */
  lastEntry: { round: number; sealed: SealedEntry } | null;
  /** The enrolled researcher who submitted the job (null: the operator). */
  owner: string | null;
  /** (hospital, round) pairs whose budget refusal is already in the ledger: one entry each, however often a peer repeats it. */
  refusals: Set<string>;
}

export class Coordinator extends EventEmitter<CoordinatorEvents> {
  readonly id: string;
  private readonly store: CoordinatorStore;
  private readonly ledger: CoordinatorLedger;
  private readonly log: Logger;
  private readonly maxFrameBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly helloTimeoutMs: number;
  private readonly now: () => number;
  private readonly jobs = new Map<string, LiveJob>();
  private readonly byName = new Map<string, Peer>();
  private wss: WebSocketServer | null = null;
  private https: HttpsServer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly alive = new WeakSet<WebSocket>();
  /** Prometheus metrics (served by the dashboard at /metrics). */
  readonly metrics: CoordinatorMetrics;
  /** Hospitals seen since start, for the dashboard (snapshot()); at most MAX_SEEN, oldest disconnected first out. */
  private readonly seen = new Map<string, HospitalPresence>();
  private readonly dashboard: DashboardServer | null;
  /** The published roster (its chain and verified head), or null. */
  private roster: { chain: RosterChain; head: Roster; json: string } | null = null;

  constructor(private readonly opts: CoordinatorOptions) {
    super();
    this.id = opts.id ?? 'coordinator';
    this.log = (opts.log ?? silentLogger).child({ component: 'coordinator' });
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 4 * this.maxFrameBytes;
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.store = new CoordinatorStore(opts.dbPath);
    const key = opts.ledgerKey ?? (opts.dbPath === ':memory:' ? ed25519KeyPair() : loadOrCreateIdentityKey(`${opts.dbPath}.ledger.key`));
    this.ledger = new CoordinatorLedger(this.store, key, this.now);
    this.metrics = new CoordinatorMetrics(() => [...this.seen.values()].filter((h) => h.connected).length);
    this.on('round', (e) => this.metrics.roundCompleted(e.record));
    this.on('roundFailed', () => this.metrics.roundFailed());
    this.dashboard = opts.dashboard
      ? new DashboardServer({ dbPath: opts.dbPath, snapshot: () => this.snapshot(), metrics: this.metrics, log: this.log, now: this.now, ...(opts.tls ? { tls: opts.tls } : {}) }, opts.dashboard)
      : null;
    const stored = this.store.rosterChain();
    if (stored) this.adoptRoster(stored);
    if (opts.roster) this.publishRoster(opts.roster);
    for (const job of this.store.unfinishedJobs()) {
      this.addLiveJob(job.id, job.spec, { completedRounds: job.completedRounds, weights: job.weights, serverState: job.serverState, paused: job.status === 'paused', attempts: job.attempts }, job.owner);
      this.log.info({ job: job.id, completedRounds: job.completedRounds }, 'resuming job');
    }
  }

  /** The roster's verified head, or null before one is published. */
  get rosterHead(): Roster | null {
    return this.roster?.head ?? null;
  }

  /**
   * Publishes a roster chain that extends the one in the database (coordinator/roster.ts: each new
   * version a ledger entry) and adopts it: live jobs take their session keys from it, and connected
   * hospitals are sent it, to check against their own. Returns the versions added.
   */
  publishRoster(chain: RosterChain): number {
    const { head, added } = publishRoster(this.store, this.ledger, chain, this.now());
    if (added === 0) return 0;
    this.adoptRoster(chain);
    this.log.info({ network: head.network, version: head.version, members: head.size }, 'roster published');
    return added;
  }

  /** Adopts a roster published by another process (cohort roster publish writes the database). */
  private refreshRoster(): void {
    if (this.store.rosterVersion() <= (this.roster?.head.version ?? 0)) return;
    const stored = this.store.rosterChain();
    if (stored) this.adoptRoster(stored);
  }

  private adoptRoster(chain: RosterChain): void {
    const head = verifyRosterChain(chain);
    const json = JSON.stringify(chain);
    this.roster = { chain, head, json };
    for (const [id, job] of this.jobs) this.apply(id, job.machine.useRoster(head, this.now()));
    for (const peer of this.byName.values()) if (peer.role === 'hospital') peer.send({ rosterUpdate: { chainJson: json } });
  }

  get database(): CoordinatorStore {
    return this.store;
  }

  async listen(): Promise<number> {
    const tls = this.opts.tls;
    const common = { maxPayload: this.maxFrameBytes, perMessageDeflate: false };
    let wss: WebSocketServer;
    if (tls) {
      this.https = createHttpsServer({
        cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2',
        ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      });
      // A failed TLS handshake (wrong CA, no client certificate) is logged, never thrown.
      this.https.on('tlsClientError', (err) => this.log.warn({ err: err.message }, 'TLS handshake refused'));
      wss = new WebSocketServer({ server: this.https, ...common });
      await new Promise<void>((resolve, reject) => {
        this.https!.once('error', reject);
        this.https!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
      });
    } else {
      wss = new WebSocketServer({ port: this.opts.port ?? 0, host: this.opts.host ?? '127.0.0.1', ...common });
    }
    this.wss = wss;
    wss.on('connection', (ws, req) => this.onConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
    wss.on('error', (err) => this.log.error({ err }, 'server error'));
    if (!tls) {
      await new Promise<void>((resolve, reject) => {
        wss.once('listening', resolve);
        wss.once('error', reject);
      });
    }
    // Without a heartbeat a vanished hospital (half-open TCP) would keep its
    // name forever and its reconnects would be refused as duplicates.
    this.heartbeat = setInterval(() => {
      this.closeRevoked();
      this.refreshRoster();
      for (const ws of wss.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, this.opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
    const port = ((this.https ?? wss).address() as AddressInfo).port;
    this.log.info({ port, maxFrameBytes: this.maxFrameBytes, tls: Boolean(tls), mutualTls: Boolean(tls?.clientCa) }, 'listening');
    if (this.dashboard) await this.dashboard.listen();
    this.emit('listening', { port });
    return port;
  }

  /** The dashboard's address (null without one). */
  get dashboardUrl(): string | null {
    return this.dashboard?.url ?? null;
  }

  /** What the dashboard shows beside the database: hospitals' presence and each unfinished job's round and phase. */
  snapshot(): CoordinatorSnapshot {
    const jobs: CoordinatorSnapshot['jobs'] = {};
    for (const [id, j] of this.jobs) {
      if (!j.machine.finished) jobs[id] = { round: j.machine.currentRound?.round ?? null, phase: jobPhase(j.machine), members: [...j.machine.members] };
    }
    return { hospitals: [...this.seen.values()].map((h) => ({ ...h })), jobs };
  }

  /** Validates and registers a job; returns its id. Connected clients get the offer at once. */
  submitJob(input: unknown, owner: string | null = null): string {
    return this.registerJob(parseJobSpec(input), owner);
  }

  private registerJob(parsed: JobSpec, owner: string | null): string {
    if (parsed.secureAggregation.enabled && !this.roster) {
      throw new CohortError('E_ROSTER_MISSING', 'secure aggregation needs the hospitals\' signed roster: publish one first (cohort roster publish, or coordinator start --roster)');
    }
    // The colluder count and the noise multiplier are settled here, once: every hospital is offered the same resolved spec.
    const spec = resolveJob(parsed, this.roster?.head.size ?? 0);
    const id = `${spec.name}-${randomBytes(4).toString('hex')}`;
    const weights = initialWeights(spec.model, spec.seed);
    this.store.createJob(id, spec, weights, this.now(), this.ledger.jobCreated(id, spec, weights), owner);
    this.addLiveJob(id, spec, { completedRounds: 0, weights, serverState: null }, owner);
    this.log.info({ job: id, strategy: spec.strategy.name, rounds: spec.rounds, secureAggregation: spec.secureAggregation.enabled }, 'job submitted');
    if (!spec.secureAggregation.enabled) {
      this.log.warn({ job: id }, 'secure aggregation is OFF for this job (explicit opt-out): the coordinator will see each hospital\'s update');
    }
    for (const peer of this.byName.values()) if (peer.role === 'hospital') this.offer(peer, id);
    return id;
  }

  cancelJob(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (!job) {
      const stored = this.store.getJob(jobId);
      throw stored ? new CohortError('E_JOB_STATE', `job ${jobId} is ${stored.status}: it cannot be cancelled`) : new CohortError('E_UNKNOWN_JOB', `no job ${jobId}`);
    }
    this.apply(jobId, job.machine.cancel(reason));
  }

  /** Stops new rounds of a job (the round in flight finishes); it stays paused across restarts. */
  pauseJob(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new CohortError('E_JOB_STATE', `job ${jobId} is not running`);
    this.apply(jobId, job.machine.pause(reason));
  }

  resumeJob(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (!job) throw new CohortError('E_JOB_STATE', `job ${jobId} is not paused`);
    this.apply(jobId, job.machine.resume(reason, this.now()));
  }

  jobState(jobId: string): { status: JobStatus; completedRounds: number; weights: Float32Array } | undefined {
    const live = this.jobs.get(jobId);
    if (live) return { status: live.machine.status, completedRounds: live.machine.completedRounds, weights: live.machine.globalWeights };
    const stored = this.store.getJob(jobId);
    return stored && { status: stored.status, completedRounds: stored.completedRounds, weights: stored.weights };
  }

  async close(): Promise<void> {
    for (const job of this.jobs.values()) if (job.timer) clearTimeout(job.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.dashboard?.close();
    for (const peer of this.byName.values()) peer.close(1001, 'coordinator shutting down');
    if (this.wss) {
      for (const ws of this.wss.clients) ws.terminate();
      await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
    }
    if (this.https) await new Promise<void>((resolve) => this.https!.close(() => resolve()));
    this.store.close();
  }

  private addLiveJob(id: string, spec: JobSpec, resume: ConstructorParameters<typeof JobMachine>[2], owner: string | null = null): void {
    const machine = new JobMachine(id, spec, resume);
    if (this.roster) machine.useRoster(this.roster.head, this.now());
    this.jobs.set(id, { machine, dim: paramCount(spec.model), timer: null, log: this.log.child({ job: id }), lastEntry: null, refusals: new Set(), owner });
  }

  private onConnection(ws: WebSocket, remote: string): void {
    const peer = new Peer(ws, remote, this.maxBufferedBytes, this.log.child({ remote }), (n) => this.metrics.frameOut(n));
    peer.send({ challenge: { nonce: peer.nonce, coordinatorId: this.id, timestampMs: this.now() } });
    const bucket = new TokenBucket(this.opts.maxMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND, this.opts.messageBurst ?? DEFAULT_MESSAGE_BURST, Date.now());
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const helloTimer = setTimeout(() => {
      if (!peer.name) peer.fail(new CohortError('E_HELLO_TIMEOUT', `no Hello within ${this.helloTimeoutMs} ms`));
    }, this.helloTimeoutMs);
    ws.on('message', (data, isBinary) => {
      this.alive.add(ws);
      this.metrics.frameIn(frameBytes(data));
      const seen = peer.name === null ? undefined : this.seen.get(peer.name);
      if (seen && peer.role === 'hospital') seen.lastSeen = this.now();
      if (!bucket.take(Date.now())) {
        peer.fail(new CohortError('E_RATE_LIMIT', `more than ${this.opts.maxMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND} frames per second`));
        return;
      }
      // Nothing thrown by a peer's bytes may escape a socket listener.
      try {
        this.onFrame(peer, data, isBinary);
      } catch (err) {
        const e = asCohortError(err);
        if (e.code === 'E_INTERNAL') this.log.error({ err, client: peer.name }, 'internal error handling a frame');
        peer.fail(e);
      }
    });
    ws.on('error', (err) => {
      // ws reports oversize frames (maxPayload) and protocol errors here, then closes.
      peer.log.warn({ code: 'E_WIRE_TOO_LARGE', err: err.message, client: peer.name }, 'socket error');
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      this.onClose(peer);
    });
  }

  private onFrame(peer: Peer, data: RawData, isBinary: boolean): void {
    if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    const env = decodeEnvelope(bytes, this.maxFrameBytes);
    peer.acceptSeq(env.seq);
    if (peer.name === null) {
      if (env.body !== 'hello') throw new CohortError('E_NOT_JOINED', `"${env.body}" before Hello`);
      this.onHello(peer, env);
      return;
    }
    if (env.sender !== peer.name) throw new CohortError('E_WIRE_FIELD', `sender "${env.sender}" does not match this connection's name`);
    switch (env.body) {
      case 'joinJob':
        this.withJob(peer, env, (job) => {
          const no = denial(peer.role, peer.name!, 'job.join');
          if (no) {
            this.recordDenial(peer, 'job.join', env.jobId, no);
            throw new CohortError('E_FORBIDDEN', no);
          }
          // The declared weight; a DP job's machine replaces it with 1 (core/job/privacy.ts updateWeight).
          const weight = env.joinJob?.weight ?? 0;
          if (!Number.isInteger(weight) || weight < 1 || weight > 1e9) throw new CohortError('E_WIRE_FIELD', 'joinJob.weight must be an integer in [1, 10^9]');
          this.apply(env.jobId, job.machine.clientJoined(peer.name!, this.now(), { ...peer.info, numTrain: weight }));
        });
        return;
      case 'request':
        this.onRequest(peer, env);
        return;
      case 'declineJob':
        this.withJob(peer, env, (job) => {
          job.log.info({ client: peer.name, code: env.declineJob?.code, reason: env.declineJob?.reason }, 'client declined job');
          if (env.declineJob?.code === 'E_BUDGET_EXCEEDED') this.recordRefusal(env.jobId, job, peer.name!, 0, env.declineJob.reason ?? '');
        });
        return;
      case 'ledgerReceipt': {
        // Receipts may arrive after the job ended: no active job needed, only the entry.
        const r = env.ledgerReceipt!;
        if (!peer.info.identityKey) throw new CohortError('E_LEDGER_RECEIPT', 'a receipt needs an identity key in Hello');
        try {
          this.ledger.acceptReceipt({ seq: r.seq ?? 0, hospital: peer.name, signature: r.signature ?? '' }, peer.info.identityKey, r.hash ?? '');
        } catch (err) {
          peer.fail(asCohortError(err), env.jobId, env.round);
        }
        return;
      }
      case 'update':
        this.withJob(peer, env, (job) => this.onUpdate(peer, job, env));
        return;
      case 'evaluation':
        this.withJob(peer, env, (job) => {
          this.apply(env.jobId, job.machine.submitEvaluation(peer.name!, env.round, evaluationFromWire(env.evaluation), this.now()));
        });
        return;
      case 'secaggAdvertise':
      case 'secaggReveal':
      case 'secaggShares':
      case 'secaggMaskedInput':
      case 'secaggConsistency':
      case 'secaggUnmask':
        this.withJob(peer, env, (job) => {
          const msg = { [env.body!]: env[env.body as keyof Envelope] } as ClientMessage;
          const { effects, rejected } = job.machine.submitSecAgg(peer.name!, env.round, msg, this.now());
          this.apply(env.jobId, effects);
          if (rejected) peer.fail(rejected, env.jobId, env.round);
        });
        return;
      case 'error':
        peer.log.warn({ client: peer.name, job: env.jobId, round: env.round, code: env.error?.code, reason: env.error?.message }, 'client reported an error');
        if (env.jobId && env.round > 0) {
          this.withJob(peer, env, (job) => {
            // A budget refusal means no more rounds from this hospital; anything else only this round.
            const refused = env.error?.code === 'E_BUDGET_EXCEEDED';
            if (refused) this.recordRefusal(env.jobId, job, peer.name!, env.round, env.error?.message ?? '');
            const effects = refused ? job.machine.clientLeft(peer.name!, this.now()) : job.machine.clientAbandoned(peer.name!, env.round, this.now());
            this.apply(env.jobId, effects);
          });
        }
        return;
      default:
        throw new CohortError('E_WIRE_UNEXPECTED', `"${env.body}" is not sent by clients`);
    }
  }

  private onHello(peer: Peer, env: Envelope): void {
    const name = validateClientName(env.hello?.name ?? '');
    if (env.sender !== name) throw new CohortError('E_WIRE_FIELD', 'sender must equal the Hello name');
    const existing = this.byName.get(name);
    if (existing?.isOpen) throw new CohortError('E_DUPLICATE_NAME', `a client named ${name} is already connected`);
    const raw = env.hello?.identityKey;
    const identityKey = raw && raw.length > 0 ? raw : null;
    if (identityKey && identityKey.length !== 32) throw new CohortError('E_WIRE_FIELD', 'identity key must be 32 bytes (Ed25519)');
    if (this.opts.requireEnrolment) this.authenticate(peer, name, identityKey, env);
    if (identityKey) this.ledger.recordHospitalKey(name, identityKey);
    peer.name = name;
    peer.info = { identityKey, numTrain: 1 };
    if (peer.role === 'hospital' && env.hello?.datasets?.length) {
      this.store.recordDatasets(name, env.hello.datasets.map((d) => ({ schemaId: d.schemaId ?? '', label: d.label ?? '', features: d.features ?? [] })), this.now());
    }
    peer.log = this.log.child({ client: name });
    this.byName.set(name, peer);
    if (peer.role === 'hospital') this.sawHospital(name, true);
    peer.log.info({ software: env.hello?.software, datasets: env.hello?.datasets?.length ?? 0 }, 'client connected');
    peer.send({ welcome: { coordinatorId: this.id, maxFrameBytes: this.maxFrameBytes, ledgerKey: Buffer.from(this.ledger.publicKeyHex, 'hex'), ...(peer.role === 'hospital' && this.roster ? { rosterJson: this.roster.json } : {}) } });
    if (peer.role === 'hospital') for (const [id, job] of this.jobs) if (!job.machine.finished) this.offer(peer, id);
  }

  /** The handshake of an enrolled identity (core/auth/handshake.ts); its enrolled role becomes the connection's; any failure closes the connection before anything else is read. */
  private authenticate(peer: Peer, name: string, key: Uint8Array | null, env: Envelope): void {
    const who = this.store.identity(name);
    const deny = (why: string) => {
      throw new CohortError('E_AUTH_FAILED', why);
    };
    if (!who) deny(`${name} is not enrolled`);
    if (who!.revokedAt !== null) deny(`${name} was revoked`);
    if (!key || Buffer.from(key).toString('hex') !== who!.publicKey) deny(`${name} presented a key other than its enrolled one`);
    const problem = handshakeProblem(
      { nonce: peer.nonce, coordinatorId: this.id, timestampMs: Number(env.hello?.handshakeTimestampMs ?? 0), name, publicKey: key! },
      env.hello?.handshakeSignature, this.now(),
    );
    if (problem) deny(problem);
    peer.role = who!.role;
  }

  /**
   * A researcher's, auditor's or admin's request, checked against the policy
   * table (core/auth/policy.ts) before anything is read or changed. A denial
   * is an E_FORBIDDEN error frame; the connection stays.
   */
  private onRequest(peer: Peer, env: Envelope): void {
    const r = env.request!;
    const id = r.id ?? 0;
    const action = r.action as Action;
    if (!(ACTIONS as readonly string[]).includes(action) || action === 'job.join' || VIEW_ACTIONS.includes(action)) throw new CohortError('E_WIRE_FIELD', `unknown request action "${r.action}"`);
    const reply = (json: unknown, model?: Float32Array) => peer.send({ jobId: r.jobId ?? '', reply: { id, json: JSON.stringify(json), ...(model ? { model: tensorOf(model) } : {}) } });
    const fail = (e: CohortError) => peer.send({ jobId: r.jobId ?? '', error: { code: e.code, message: `request ${id}: ${e.message}` } });
    try {
      const who = peer.name!;
      const check = (owner?: string | null) => {
        const no = denial(peer.role, who, action, owner);
        if (no) {
          this.recordDenial(peer, action, r.jobId ?? '', no);
          throw new CohortError('E_FORBIDDEN', no);
        }
      };
      if (action === 'dashboard.login') {
        check();
        if (!this.dashboard) throw new CohortError('E_CONFIG_INVALID', 'this coordinator serves no dashboard (start it with --dashboard-port)');
        reply(this.dashboard.login(who, peer.role));
        return;
      }
      if (action === 'job.submit') {
        check();
        let input: unknown;
        try {
          input = JSON.parse(r.specJson ?? '');
        } catch {
          throw new CohortError('E_JOB_SPEC', 'the job spec is not JSON');
        }
        // A researcher's job states its privacy guarantee: no target, no job.
        if (typeof input !== 'object' || input === null || !('privacy' in input)) throw new CohortError('E_JOB_SPEC', '"privacy": a researcher\'s job must state its privacy target (unit, epsilon, delta, clip)');
        const spec = parseJobSpec(input);
        const problem = featureProblem(spec, this.store.offeredDatasets());
        if (problem) throw new CohortError('E_JOB_FEATURES', problem);
        reply({ jobId: this.registerJob(spec, who) });
        return;
      }
      if (action === 'job.list') {
        check();
        const mine = POLICY['job.list'][peer.role] === 'own';
        reply(this.store.listJobs().filter((j) => !mine || j.owner === who).map(jobSummary));
        return;
      }
      if (action === 'ledger.read') {
        check();
        reply(this.ledgerPage(peer, r.afterSeq ?? 0, r.jobId ?? ''));
        return;
      }
      const job = this.store.getJob(r.jobId ?? '');
      // An unknown job and someone else's job answer alike: ids are not disclosed to those who may not see them.
      check(job ? job.owner : '\u0000');
      if (!job) throw new CohortError('E_UNKNOWN_JOB', `no job ${r.jobId}`);
      if (action === 'job.status') reply({ ...jobSummary(job), rounds: this.store.rounds(job.id).map((x) => ({ round: x.round, kind: x.kind, participants: x.participants.length, dropped: x.dropped.length, pooled: x.pooled })) });
      else if (action === 'job.cancel') {
        this.cancelJob(job.id, `cancelled by ${who}`);
        reply({ jobId: job.id, status: 'cancelled' });
      } else if (action === 'job.pause') {
        this.pauseJob(job.id, `paused by ${who}`);
        reply({ jobId: job.id, status: this.jobState(job.id)!.status });
      } else if (action === 'job.resume') {
        this.resumeJob(job.id, `resumed by ${who}`);
        reply({ jobId: job.id, status: this.jobState(job.id)!.status });
      } else reply({ jobId: job.id, completedRounds: this.jobState(job.id)!.completedRounds }, this.jobState(job.id)!.weights);
    } catch (err) {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.log.error({ err }, 'internal error in a request');
      peer.log.info({ action, job: r.jobId, code: e.code }, 'request refused');
      fail(e);
    }
  }

  /**
   * A page of the ledger as `peer` may read it (core/ledger/scope.ts): all of
   * it for auditors and admins, a hospital's own entries for a hospital;
   * optionally one job's. With the receipts of the entries given and the key
   * that seals them, so the reader can verify the page by itself.
   */
  private ledgerPage(peer: Peer, afterSeq: number, jobId: string): unknown {
    const last = this.store.lastLedgerSeq();
    let page: LedgerPage;
    if (peer.role === 'hospital') {
      // A hospital's entries: those naming it (found by SQLite), and the created/ended entries of its jobs.
      const named = this.store.ledgerEntriesContaining(JSON.stringify(peer.name), jobId);
      page = pageOf(ownEntries(named, peer.name!, (jobs) => this.store.jobBoundaryEntries(jobs)), afterSeq, last);
    } else {
      page = pageOf(this.store.ledgerEntriesAfter(afterSeq, jobId, LEDGER_PAGE_ENTRIES + 1), afterSeq, last);
    }
    const receiptsOf = (p: LedgerPage) => {
      const given = new Set(p.entries.map((e) => e.seq));
      return p.entries.length ? this.store.receiptsBetween(p.entries[0]!.seq, p.entries.at(-1)!.seq).filter((x) => given.has(x.seq)) : [];
    };
    let receipts = receiptsOf(page);
    // Receipts grow with the hospitals per round: a page whose receipts would overflow a frame is cut short.
    while (page.entries.length > 1 && receipts.length * RECEIPT_JSON_CHARS > LEDGER_PAGE_CHARS) {
      const entries = page.entries.slice(0, Math.ceil(page.entries.length / 2));
      page = { entries, more: true, lastSeq: entries.at(-1)!.seq };
      receipts = receiptsOf(page);
    }
    return { coordinatorKey: this.ledger.publicKeyHex, scope: peer.role === 'hospital' ? 'own' : 'all', ...page, receipts };
  }

  /**
   * A denial goes into the ledger once per connection, action and job: a
   * peer repeating a forbidden request cannot grow the ledger without bound
   * (the rate limit bounds the rest).
   */
  private recordDenial(peer: Peer, action: string, jobId: string, reason: string): void {
    const key = `${action}/${jobId}`;
    if (peer.denied.has(key) || peer.denied.size >= 64) return;
    peer.denied.add(key);
    this.store.appendEntry(this.ledger.denial(jobId, peer.name!, peer.role, action, reason));
  }

  /** Enrols an identity (the ledger records it); a revoked one is restored. */
  enroll(name: string, role: Role, publicKey: Uint8Array): void {
    validateClientName(name);
    const hex = Buffer.from(publicKey).toString('hex');
    this.store.enroll(name, role, hex, this.now(), this.ledger.grant(name, role, true, hex));
  }

  /** Revokes an identity; a live connection under it is closed at once. */
  revoke(name: string): boolean {
    const who = this.store.identity(name);
    const done = who !== null && this.store.revoke(name, this.now(), this.ledger.grant(name, who.role, false, who.publicKey));
    this.closeRevoked();
    return done;
  }

  /** Closes live connections whose identity has been revoked (also by another process: the admin CLI writes the database). */
  private closeRevoked(): void {
    if (!this.opts.requireEnrolment) return;
    for (const [name, peer] of this.byName) {
      const who = this.store.identity(name);
      if (!who || who.revokedAt !== null) peer.fail(new CohortError('E_AUTH_REVOKED', `${name} was revoked`));
    }
  }

  private offer(peer: Peer, jobId: string): void {
    const job = this.jobs.get(jobId)!;
    peer.send({ jobId, jobOffer: { spec: jobSpecToWire(job.machine.spec), owner: job.owner ?? '' } });
  }

  private withJob(peer: Peer, env: Envelope, fn: (job: LiveJob) => void): void {
    const job = this.jobs.get(env.jobId);
    if (!job || job.machine.finished) {
      peer.fail(new CohortError('E_UNKNOWN_JOB', `no active job "${env.jobId}"`), env.jobId, env.round);
      return;
    }
    try {
      fn(job);
    } catch (err) {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.log.error({ err, job: env.jobId }, 'internal error');
      peer.fail(e, env.jobId, env.round);
    }
  }

  /** A hospital's budget refusal goes into the ledger once per (job, hospital, round). */
  private recordRefusal(jobId: string, job: LiveJob, hospital: string, round: number, reason: string): void {
    const key = `${hospital}/${round}`;
    if (job.refusals.has(key)) return;
    job.refusals.add(key);
    this.store.appendEntry(this.ledger.refusal(jobId, round, hospital, 'E_BUDGET_EXCEEDED', reason.slice(0, 1024)));
  }

  private onUpdate(peer: Peer, job: LiveJob, env: Envelope): void {
    const u = env.update!;
    let delta: Float32Array;
    try {
      delta = vectorOf(u.delta, job.dim);
    } catch (err) {
      // A malformed update removes the sender from this round at once instead
      // of letting the round wait for its deadline.
      this.dropFromRound(env.jobId, job, peer.name!, env.round);
      throw err;
    }
    const update = { delta, numExamples: u.numExamples ?? 0, trainLoss: u.trainLoss ?? 0, steps: u.steps ?? 0 };
    this.apply(env.jobId, job.machine.submitUpdate(peer.name!, env.round, update, this.now()));
  }

  private dropFromRound(jobId: string, job: LiveJob, client: string, round: number): void {
    const r = job.machine.currentRound;
    if (r && r.round === round) {
      r.drop(client);
      this.apply(jobId, job.machine.tick(this.now()));
    }
  }

  private onClose(peer: Peer): void {
    if (peer.name === null || this.byName.get(peer.name) !== peer) return;
    this.byName.delete(peer.name);
    if (peer.role === 'hospital') this.sawHospital(peer.name, false);
    peer.log.info('client disconnected');
    for (const [id, job] of this.jobs) if (!job.machine.finished) this.apply(id, job.machine.clientLeft(peer.name, this.now()));
  }

  private sawHospital(name: string, connected: boolean): void {
    const now = this.now();
    const prev = this.seen.get(name);
    this.seen.delete(name); // re-inserted last: the map stays ordered by last change
    this.seen.set(name, { name, connected, connectedAt: connected ? now : prev?.connectedAt ?? null, lastSeen: now });
    for (const [n, h] of this.seen) {
      if (this.seen.size <= MAX_SEEN) break;
      if (!h.connected) this.seen.delete(n);
    }
  }

  /** Carries out a job machine's effects. */
  private apply(jobId: string, effects: JobEffect[]): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    this.metrics.phase(jobId, jobPhase(job.machine), this.now());
    for (const fx of effects) {
      switch (fx.type) {
        case 'send': {
          const entry = 'roundResult' in fx.body && job.lastEntry?.round === fx.round ? job.lastEntry.sealed : null;
          this.byName.get(fx.to)?.send({ jobId, round: fx.round, ...toWireBody(fx.body, entry) });
          break;
        }
        case 'roundCompleted': {
          this.opts.beforeCommit?.({ jobId, round: fx.record.round });
          // Every training round has an entry, and so has a record-level DP job's final evaluation: its noisy counts are charged.
          const entered = fx.record.kind === 'train' || releasesEvaluation(job.machine.spec);
          const sealed = this.store.commitRound(jobId, fx.record, entered ? this.ledger.round(jobId, job.machine.spec, fx.record) : undefined);
          job.lastEntry = sealed && job.machine.spec.privacy ? { round: fx.record.round, sealed } : null;
          job.log.info({ round: fx.record.round, kind: fx.record.kind, participants: fx.record.participants.length, dropped: fx.record.dropped, accuracy: fx.record.pooled?.accuracy }, 'round completed');
          this.emit('round', { jobId, record: fx.record, totalRounds: job.machine.totalRounds });
          break;
        }
        case 'attemptStarted':
          this.store.setAttempts(jobId, fx.attempt);
          break;
        case 'roundFailed':
          job.log.warn({ round: fx.round, attempt: fx.attempt, code: fx.code, reason: fx.reason }, 'round failed');
          // Their noisy inputs left them (and each charged its budget): the failed attempt's spend is recorded too.
          if (fx.charged.length > 0) this.store.appendEntry(this.ledger.failedAttempt(jobId, job.machine.spec, fx.round, fx.charged, job.machine.globalWeights));
          this.emit('roundFailed', { jobId, round: fx.round, attempt: fx.attempt, reason: fx.reason, code: fx.code });
          break;
        case 'status':
          this.store.setStatus(jobId, fx.status, fx.reason, this.now(),
            fx.status === 'completed' || fx.status === 'failed' || fx.status === 'cancelled'
              ? this.ledger.jobEnded(jobId, fx.status, fx.reason, job.machine.completedRounds, job.machine.globalWeights)
              : undefined);
          job.log.info({ status: fx.status, reason: fx.reason }, 'job status');
          this.emit('job', { jobId, status: fx.status, reason: fx.reason });
          if (job.machine.finished && job.timer) clearTimeout(job.timer);
          break;
        case 'wakeAt':
          this.wakeAt(jobId, job, fx.at);
          break;
      }
    }
    // A finished job lives on in the store only: a long-lived coordinator does not keep every job's weights in memory.
    if (job.machine.finished) this.jobs.delete(jobId);
  }

  private wakeAt(jobId: string, job: LiveJob, at: number): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = setTimeout(() => {
      job.timer = null;
      try {
        this.apply(jobId, job.machine.tick(this.now()));
      } catch (err) {
        this.log.error({ err, job: jobId }, 'job tick failed');
      }
    }, Math.max(0, at - this.now()) + 1);
    job.timer.unref?.();
  }
}

function toWireBody(body: OutgoingBody, entry: SealedEntry | null): Omit<EnvelopeInit, 'sender' | 'seq' | 'version' | 'jobId' | 'round'> {
  if ('roundConfig' in body) {
    const c = body.roundConfig;
    return { roundConfig: { weights: tensorOf(c.weights), train: c.train, deadlineUnixMs: c.deadlineUnixMs, seed: c.seed, secagg: c.secagg } };
  }
  if ('roundResult' in body) {
    const r = body.roundResult;
    return { roundResult: { participants: r.participants, dropped: r.dropped, metrics: r.metrics ? metricsToWire(r.metrics) : null, ...(entry ? { ledgerEntry: { ...entry } } : {}) } };
  }
  if ('jobEvent' in body) return { jobEvent: { kind: ({ STARTED: 1, COMPLETED: 2, FAILED: 3, CANCELLED: 4 } as const)[body.jobEvent.kind], reason: body.jobEvent.reason } };
  return body; // secure-aggregation frames are already in wire form
}

const MAX_SEEN = 10_000;

function frameBytes(data: RawData): number {
  return Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** What researchers and auditors see of a job: metadata, never weights. */
function jobSummary(j: StoredJob) {
  return {
    id: j.id, name: j.spec.name, owner: j.owner, status: j.status, reason: j.reason, completedRounds: j.completedRounds, rounds: j.spec.rounds,
    strategy: j.spec.strategy.name, secureAggregation: j.spec.secureAggregation.enabled,
    privacy: j.spec.privacy ? { unit: j.spec.privacy.unit, epsilon: j.spec.privacy.epsilon, delta: j.spec.privacy.delta } : null,
  };
}

/**
 * A hospital's Evaluation as the coordinator takes it: exact metrics (range
 * checked), metrics read off noisy counts (`released`), or null when
 * withheld. Exactly one of the three; E_WIRE_FIELD otherwise.
 */
function evaluationFromWire(e: Envelope['evaluation']): { metrics: Metrics; released: boolean } | null {
  if (!e) throw new CohortError('E_WIRE_FIELD', 'evaluation missing');
  const given = [e.metrics ? 'metrics' : '', e.noisy ? 'noisy' : '', e.withheld ? 'withheld' : ''].filter(Boolean);
  if (given.length !== 1) throw new CohortError('E_WIRE_FIELD', `an evaluation carries exactly one of metrics, noisy, withheld; got ${given.length === 0 ? 'none' : given.join(', ')}`);
  if (e.withheld) return null;
  if (e.metrics) return { metrics: validateMetrics(metricsFromWire(e.metrics)), released: false };
  const n = e.noisy!;
  const counts = validateNoisyCounts({
    truePositive: n.truePositive ?? 0, falsePositive: n.falsePositive ?? 0, trueNegative: n.trueNegative ?? 0, falseNegative: n.falseNegative ?? 0, sigma: n.sigma ?? 0,
  });
  return { metrics: metricsOfNoisyCounts(counts), released: true };
}
