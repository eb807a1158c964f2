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
import { silentLogger, type Logger } from '../edge/log.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { releasesEvaluation, roundMechanism } from '../core/job/privacy.ts';
import { prepareJob, type PreparedJob } from '../core/job/prepare.ts';
import {
  jobStoredBytes,
  parseJobQuotas,
  quotaProblem,
  type JobQuotas,
  type JobQuotasInput,
} from '../core/job/quota.ts';
import { JobSubmissions, parseSubmissionLimits, type SubmissionLimitsInput } from './job-submissions.ts';
import { paramCount } from '../core/model/spec.ts';
import { validateMetrics, type Metrics } from '../core/metrics.ts';
import { metricsOfNoisyCounts, validateNoisyCounts } from '../core/privacy/noisy-counts.ts';
import {
  JobMachine,
  isEnded,
  type JobEffect,
  type JobResume,
  type JobStatus,
  type OutgoingBody,
  type RoundRecord,
} from '../core/round/job.ts';
import { verifyRosterChain, type Roster, type RosterChain } from '../core/roster/index.ts';
import { publishRoster } from './roster.ts';
import type { ClientMessage } from '../core/secagg/index.ts';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_HELLO_BYTES,
  MAX_SPEC_JSON_CHARS,
  decodeScanned,
  jobSpecToWire,
  maxRequestBytes,
  metricsFromWire,
  metricsToWire,
  scanEnvelope,
  tensorOf,
  validateClientName,
  vectorOf,
  type BodyKind,
  type Envelope,
  type EnvelopeInit,
} from '../edge/wire/codec.ts';
import { CoordinatorStore } from './store.ts';
import { CoordinatorLedger, modelHash } from './ledger.ts';
import { SpendPrefetch } from './spend-prefetch.ts';
import { TokenBucket, checkBucket } from '../core/rate.ts';
import {
  HOSPITAL_VECTOR_BODIES,
  fragmentBytesFor,
  messageDeadline,
  messageLimit,
  DEFAULT_MESSAGE_TIMEOUT_MS,
  DEFAULT_MIN_BYTES_PER_SECOND,
} from '../edge/wire/fragments.ts';
import { handshakeProblem } from '../core/auth/handshake.ts';
import { ACTIONS, POLICY, VIEW_ACTIONS, denial, type Action, type Role } from '../core/auth/policy.ts';
import { frameAction, frameDenial, frameKind } from '../core/auth/frames.ts';
import { RefusalGate } from '../core/auth/refusals.ts';
import { DenialLog } from '../core/auth/denials.ts';
import { certificateNames } from '../core/auth/certificate.ts';
import type { TLSSocket } from 'node:tls';
import type { JobListing, StoredJob } from './store.ts';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { loadOrCreateIdentityKey } from '../edge/keys.ts';
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
  /**
   * Largest message a hospital may send in fragments (edge/wire/fragments.ts;
   * default DEFAULT_MAX_MESSAGE_BYTES, 68 MiB: the largest model the job spec
   * allows); other roles' messages stay within one frame's size. Told to
   * each peer in its Welcome.
   */
  maxMessageBytes?: number;
  /** Payload of each fragment this coordinator sends (default 1 MiB, less if the frame limit is smaller). */
  fragmentBytes?: number;
  /**
   * A peer whose unread send buffer exceeds this before a message is sent is
   * disconnected (E_SLOW_PEER). Default: one largest message plus four
   * frames, so a peer still reading a model download or round config is not
   * taken for one that does not read.
   */
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
   * it complete the TLS handshake, and a Hello must authenticate a name the
   * certificate carries (its subject CN or a DNS subjectAltName).
   */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /**
   * Only enrolled identities may connect (cohort admin enroll): a Hello must
   * come from an enrolled, unrevoked hospital, present its enrolled key and
   * sign this connection's challenge. Off only for in-process simulations.
   */
  requireEnrolment?: boolean;
  /**
   * Sustained messages per second one connection may send, and the burst
   * above it (token bucket; a fragmented message counts once, at its first
   * fragment); over it, E_RATE_LIMIT closes the connection.
   */
  maxMessagesPerSecond?: number;
  messageBurst?: number;
  /**
   * Sustained bytes per second one connection may send, every frame counted
   * (token bucket with a burst of twice this). Default: one largest message
   * a second (maxMessageBytes), so a hospital sends a full-size update at
   * once, and no peer streams fragments without end.
   */
  maxBytesPerSecond?: number;
  /**
   * A fragmented message must be whole within max(messageTimeoutMs, its
   * size / minBytesPerSecond) of its first fragment; one that is not is
   * refused (E_WIRE_FRAGMENT), its connection closed and its bytes freed.
   * Defaults: 30 s and 256 KiB (2 Mbit) a second, so a 40 MB update may take
   * 2.5 minutes and a message at the 68 MiB limit 4.5, and no peer holds the
   * coordinator's memory with a message it never finishes.
   */
  messageTimeoutMs?: number;
  minBytesPerSecond?: number;
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
  /**
   * Limits on preparing a researcher's job (coordinator/job-submissions.ts):
   * worker threads, their queue, time and memory per submission, spec bytes.
   */
  submissions?: SubmissionLimitsInput;
  /** Per-researcher quotas (core/job/quota.ts): unfinished jobs, submissions per window and at once, stored bytes. */
  quotas?: JobQuotasInput;
  /**
   * Longest a job may wait for its first round, from its creation (default
   * DEFAULT_MAX_START_WAIT_MS, at most MAX_START_WAIT_MS): past it, a job
   * still short of minClients hospitals (or paused before its first round)
   * fails, and every hospital offered it releases its budget reservation.
   * Counted from the creation time the database holds, across restarts.
   */
  maxStartWaitMs?: number;
}

/**
 * An honest hospital sends a handful of messages per round (Hello, join,
 * evaluation, five secure-aggregation messages, receipt); 50 per second with
 * bursts of 200 leaves two orders of magnitude of headroom. A message in
 * fragments counts once; its bytes count against maxBytesPerSecond.
 */
export const DEFAULT_MESSAGES_PER_SECOND = 50;
export const DEFAULT_MESSAGE_BURST = 200;

/**
 * A job not started 4 hours after its creation fails (docs/threat-model.md,
 * finding 3): hospital daemons stay connected, so hospitals that will take
 * a job join within minutes, and 4 hours covers a daemon restart or a
 * maintenance window; a job that never started has spent nothing, so a
 * false failure costs its researcher a resubmission.
 */
export const DEFAULT_MAX_START_WAIT_MS = 4 * 3_600_000;
/** A week: the longest start wait an operator may set. */
export const MAX_START_WAIT_MS = 7 * 86_400_000;
/** Longest delay setTimeout takes (a longer one fires at once): a later wake-up is reached in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  /** Which budget refusals and declines go into the ledger: the offered hospital's, for the round last sent to it, once each. */
  refusals: RefusalGate;
  /** The job-created entry's model hash, for its job-ended entry while no round is committed (null for a resumed job: its weights are hashed). */
  createdModelHash: string | null;
}

export class Coordinator extends EventEmitter<CoordinatorEvents> {
  readonly id: string;
  private readonly store: CoordinatorStore;
  private readonly ledger: CoordinatorLedger;
  private readonly quotas: JobQuotas;
  private readonly maxStartWaitMs: number;
  /** Researchers' submissions, prepared in worker threads. */
  private readonly submissions: JobSubmissions;
  /** DP rounds' ledger figures, priced in a worker thread while the round runs. */
  readonly spendPrefetch: SpendPrefetch;
  private readonly log: Logger;
  private readonly maxFrameBytes: number;
  private readonly maxMessageBytes: number;
  private readonly fragmentBytes: number;
  private readonly maxBufferedBytes: number;
  private readonly maxBytesPerSecond: number;
  private readonly maxMessagesPerSecond: number;
  private readonly messageBurst: number;
  /** How long a fragmented message of so many bytes may take to arrive (messageTimeoutMs, minBytesPerSecond). */
  private readonly messageDeadlineMs: (totalBytes: number) => number;
  /** Largest Request a peer may send (maxRequestBytes of the submission limit's spec size): the most a researcher or auditor sends. */
  private readonly requestLimit: number;
  private readonly helloTimeoutMs: number;
  private readonly now: () => number;
  private readonly jobs = new Map<string, LiveJob>();
  private readonly byName = new Map<string, Peer>();
  /** Which access denials have been recorded, per identity (core/auth/denials.ts). */
  private readonly denials = new DenialLog();
  /** Largest frame read before the handshake: the largest Hello, within the frame limit. */
  private readonly maxHelloBytes: number;
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
    this.maxHelloBytes = Math.min(MAX_HELLO_BYTES, this.maxFrameBytes);
    this.maxMessageBytes = messageLimit(opts.maxMessageBytes, this.maxFrameBytes);
    this.fragmentBytes = fragmentBytesFor(this.maxFrameBytes, opts.fragmentBytes);
    this.maxBufferedBytes = opts.maxBufferedBytes ?? this.maxMessageBytes + 4 * this.maxFrameBytes;
    this.maxBytesPerSecond = opts.maxBytesPerSecond ?? this.maxMessageBytes;
    if (!(this.maxBytesPerSecond >= this.maxFrameBytes) || !Number.isFinite(this.maxBytesPerSecond)) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `"maxBytesPerSecond" expected a finite number >= maxFrameBytes (${this.maxFrameBytes}), got ${this.maxBytesPerSecond}`,
      );
    }
    this.maxMessagesPerSecond = opts.maxMessagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
    this.messageBurst = opts.messageBurst ?? DEFAULT_MESSAGE_BURST;
    checkBucket(this.maxMessagesPerSecond, this.messageBurst, { rate: 'maxMessagesPerSecond', burst: 'messageBurst' });
    this.messageDeadlineMs = messageDeadline(
      opts.messageTimeoutMs ?? DEFAULT_MESSAGE_TIMEOUT_MS,
      opts.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
    );
    this.helloTimeoutMs = opts.helloTimeoutMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.quotas = parseJobQuotas(opts.quotas);
    this.maxStartWaitMs = opts.maxStartWaitMs ?? DEFAULT_MAX_START_WAIT_MS;
    if (
      !Number.isSafeInteger(this.maxStartWaitMs) ||
      this.maxStartWaitMs < 1 ||
      this.maxStartWaitMs > MAX_START_WAIT_MS
    ) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `"maxStartWaitMs" expected an integer in [1, ${MAX_START_WAIT_MS}], got ${opts.maxStartWaitMs}`,
      );
    }
    const submissionLimits = parseSubmissionLimits(opts.submissions);
    // A spec of the wire's character limit in ASCII fits too, so an oversize spec gets its typed refusal (E_JOB_SPEC_SIZE) where it can.
    this.requestLimit = Math.min(
      this.maxMessageBytes,
      maxRequestBytes(Math.max(submissionLimits.maxSpecBytes, MAX_SPEC_JSON_CHARS)),
    );
    this.store = new CoordinatorStore(opts.dbPath);
    this.spendPrefetch = new SpendPrefetch(this.log);
    this.submissions = new JobSubmissions(submissionLimits, this.quotas, this.store, this.now, this.log);
    const key =
      opts.ledgerKey ??
      (opts.dbPath === ':memory:' ? ed25519KeyPair() : loadOrCreateIdentityKey(`${opts.dbPath}.ledger.key`));
    this.ledger = new CoordinatorLedger(this.store, key, this.now);
    this.metrics = new CoordinatorMetrics(() => [...this.seen.values()].filter((h) => h.connected).length);
    this.on('round', (e) => this.metrics.roundCompleted(e.record));
    this.on('roundFailed', () => this.metrics.roundFailed());
    this.dashboard = opts.dashboard
      ? new DashboardServer(
          {
            dbPath: opts.dbPath,
            snapshot: () => this.snapshot(),
            metrics: this.metrics,
            log: this.log,
            now: this.now,
            ...(opts.tls ? { tls: opts.tls } : {}),
          },
          opts.dashboard,
        )
      : null;
    const stored = this.store.rosterChain();
    if (stored) this.adoptRoster(stored);
    if (opts.roster) this.publishRoster(opts.roster);
    this.resumeJobs();
  }

  /**
   * Resumes every unfinished job in the database. One that cannot be (its
   * row does not load: coordinator/job-rows.ts; or its machine refuses the
   * stored state) is marked failed, with its job-ended ledger entry, and the
   * coordinator starts with the others: no row stops it (issue 16, finding 2).
   */
  private resumeJobs(): void {
    for (const job of this.store.unfinishedJobs()) {
      const problem = 'problem' in job ? job.problem : this.reviveJob(job);
      if (problem === null) continue;
      try {
        this.endStoredJob(job.id, 'failed', `cannot be resumed: ${problem}`, job.completedRounds);
      } catch {
        // Logged there; the job stays unfinished in the database, not live: an admin can still cancel it.
      }
    }
  }

  /** Makes a stored job live again; returns null, or why its machine refused the stored state. */
  private reviveJob(job: StoredJob): string | null {
    try {
      this.addLiveJob(
        job.id,
        job.spec,
        {
          completedRounds: job.completedRounds,
          weights: job.weights,
          serverState: job.serverState,
          paused: job.status === 'paused',
          attempts: job.attempts,
        },
        job.owner,
        job.createdAt,
      );
      this.log.info({ job: job.id, completedRounds: job.completedRounds }, 'resuming job');
      return null;
    } catch (err) {
      this.jobs.delete(job.id);
      if (!(err instanceof CohortError)) this.log.error({ job: job.id, err }, 'job not resumed');
      return asCohortError(err).message;
    }
  }

  /**
   * Ends a job that is unfinished in the database but not live here (it
   * could not be loaded), with its job-ended ledger entry over the model
   * bytes it left. If the ledger cannot take the entry, the status is still
   * written (and the failure logged); if the database cannot be written
   * either, the error is logged and thrown to the caller.
   */
  private endStoredJob(jobId: string, status: 'failed' | 'cancelled', reason: string, completedRounds: number): void {
    const now = this.now();
    const bytes = this.store.jobModelBytes(jobId) ?? new Uint8Array(0);
    // The ledger hashes a model's float32 words: those the blob holds, whatever their values.
    const model = new Float32Array(new Uint8Array(bytes.subarray(0, bytes.byteLength - (bytes.byteLength % 4))).buffer);
    const rounds = Number.isSafeInteger(completedRounds) && completedRounds >= 0 ? completedRounds : 0;
    try {
      this.store.setStatus(
        jobId,
        status,
        reason,
        now,
        this.ledger.jobEnded(jobId, status, reason, rounds, modelHash(model)),
      );
    } catch (err) {
      this.log.error({ job: jobId, err }, 'job-ended entry not written; writing the status alone');
      try {
        this.store.setStatus(jobId, status, reason, now);
      } catch (again) {
        this.log.error({ job: jobId, err: again }, `job could not be marked ${status}`);
        throw asCohortError(again);
      }
    }
    if (status === 'failed') this.log.error({ job: jobId, reason }, 'job marked failed');
    else this.log.info({ job: jobId, reason }, 'job cancelled (it was not live)');
    this.emit('job', { jobId, status, reason });
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
    for (const peer of this.byName.values())
      if (peer.role === 'hospital') peer.send({ rosterUpdate: { chainJson: json } });
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
        cert: tls.cert,
        key: tls.key,
        minVersion: 'TLSv1.2',
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
    // Under mutual TLS, the names the client certificate carries: the Hello's must be one of them.
    const certNames = (socket: unknown) =>
      tls?.clientCa ? certificateNames((socket as TLSSocket).getPeerCertificate()) : null;
    wss.on('connection', (ws, req) =>
      this.onConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`, certNames(req.socket)),
    );
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
    this.log.info(
      { port, maxFrameBytes: this.maxFrameBytes, tls: Boolean(tls), mutualTls: Boolean(tls?.clientCa) },
      'listening',
    );
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
      if (!j.machine.finished)
        jobs[id] = {
          round: j.machine.currentRound?.round ?? null,
          phase: jobPhase(j.machine),
          members: [...j.machine.members],
        };
    }
    return { hospitals: [...this.seen.values()].map((h) => ({ ...h })), jobs };
  }

  /**
   * Validates, prepares and registers a job in-process; returns its id.
   * Connected clients get the offer at once. Synchronous: the noise
   * calibration runs on this thread, so this is for the operator's own jobs
   * (`coordinator start --job`), simulations and tests; a researcher's
   * submission over the network is prepared in a worker thread instead
   * (onRequest, coordinator/job-submissions.ts).
   */
  submitJob(input: unknown, owner: string | null = null): string {
    return this.registerJob(prepareJob(parseJobSpec(input), this.networkSize()), owner);
  }

  /** The published roster's size, or null before one is published (core/job/prepare.ts). */
  private networkSize(): number | null {
    return this.roster ? this.roster.head.size : null;
  }

  /** A job `owner`'s submission to the network, prepared off the event loop (its reply comes when it is ready); returns its id. */
  private async submitFromPeer(owner: string, specJson: string): Promise<string> {
    const prepared = await this.submissions.prepare(owner, specJson, this.networkSize());
    return this.registerJob(prepared, owner);
  }

  /** Writes a prepared job and offers it; a researcher's within its quotas (checked here, when nothing else can run between check and write). */
  private registerJob(prepared: PreparedJob, owner: string | null): string {
    const { spec, weights, modelHash: initialHash } = prepared;
    if (owner !== null) {
      const problem = quotaProblem(owner, this.store.ownerUsage(owner), this.quotas, jobStoredBytes(spec));
      if (problem) throw new CohortError('E_QUOTA_EXCEEDED', problem);
    }
    const id = `${spec.name}-${randomBytes(4).toString('hex')}`;
    const createdAt = this.now();
    this.store.createJob(id, spec, weights, createdAt, this.ledger.jobCreated(id, spec, initialHash), owner);
    this.addLiveJob(id, spec, { completedRounds: 0, weights, serverState: null }, owner, createdAt, initialHash);
    this.log.info(
      { job: id, strategy: spec.strategy.name, rounds: spec.rounds, secureAggregation: spec.secureAggregation.enabled },
      'job submitted',
    );
    if (!spec.secureAggregation.enabled) {
      this.log.warn(
        { job: id },
        "secure aggregation is OFF for this job (explicit opt-out): the coordinator will see each hospital's update",
      );
    }
    for (const peer of this.byName.values()) if (peer.role === 'hospital') this.offer(peer, id);
    return id;
  }

  /**
   * Cancels a job: a live one through its machine; one the database holds
   * as unfinished but that is not live (it could not be loaded) directly in
   * the database, with its job-ended entry. Only an ended job refuses
   * (E_JOB_STATE).
   */
  cancelJob(jobId: string, reason: string): void {
    const job = this.jobs.get(jobId);
    if (job) {
      this.apply(jobId, job.machine.cancel(reason));
      return;
    }
    const stored = this.store.jobListing(jobId);
    if (!stored) throw new CohortError('E_UNKNOWN_JOB', `no job ${jobId}`);
    if (isEnded(stored.status))
      throw new CohortError('E_JOB_STATE', `job ${jobId} is ${stored.status}: it cannot be cancelled`);
    this.endStoredJob(jobId, 'cancelled', reason, stored.completedRounds);
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
    if (live)
      return {
        status: live.machine.status,
        completedRounds: live.machine.completedRounds,
        weights: live.machine.globalWeights,
      };
    const stored = this.store.getJob(jobId);
    return stored && { status: stored.status, completedRounds: stored.completedRounds, weights: stored.weights };
  }

  async close(): Promise<void> {
    await this.submissions.close();
    await this.spendPrefetch.close();
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

  /**
   * Makes a job live. Its start deadline counts from `createdAt`, the
   * creation time the database holds, so a restart does not move it; its
   * first tick (which fails it if already past, or sets the wake-up for it)
   * runs from a timer, outside the caller's write.
   */
  private addLiveJob(
    id: string,
    spec: JobSpec,
    resume: Omit<JobResume, 'startBy'>,
    owner: string | null,
    createdAt: number,
    createdModelHash: string | null = null,
  ): void {
    const machine = new JobMachine(id, spec, { ...resume, startBy: createdAt + this.maxStartWaitMs });
    if (this.roster) machine.useRoster(this.roster.head, this.now());
    const job: LiveJob = {
      machine,
      dim: paramCount(spec.model),
      timer: null,
      log: this.log.child({ job: id }),
      lastEntry: null,
      refusals: new RefusalGate(),
      owner,
      createdModelHash,
    };
    this.jobs.set(id, job);
    this.wakeAt(id, job, this.now());
  }

  private onConnection(ws: WebSocket, remote: string, certNames: string[] | null): void {
    const peer = new Peer(
      ws,
      remote,
      this.maxBufferedBytes,
      this.log.child({ remote }),
      (n) => this.metrics.frameOut(n),
      this.fragmentBytes,
    );
    peer.certNames = certNames;
    peer.send({ challenge: { nonce: peer.nonce, coordinatorId: this.id, timestampMs: this.now() } });
    const bucket = new TokenBucket(this.maxMessagesPerSecond, this.messageBurst, Date.now());
    const byteBucket = new TokenBucket(this.maxBytesPerSecond, Math.ceil(2 * this.maxBytesPerSecond), Date.now());
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const helloTimer = setTimeout(() => {
      if (!peer.name) peer.fail(new CohortError('E_HELLO_TIMEOUT', `no Hello within ${this.helloTimeoutMs} ms`));
    }, this.helloTimeoutMs);
    ws.on('message', (data, isBinary) => {
      this.alive.add(ws);
      const size = frameBytes(data);
      this.metrics.frameIn(size);
      const seen = peer.name === null ? undefined : this.seen.get(peer.name);
      if (seen && peer.role === 'hospital') seen.lastSeen = this.now();
      // A message takes one token, at its first frame: the fragments that follow it are paid for by the byte budget.
      const now = Date.now();
      if (!(peer.inbound?.inFlight || bucket.take(now))) {
        peer.fail(new CohortError('E_RATE_LIMIT', `more than ${this.maxMessagesPerSecond} messages per second`));
        return;
      }
      if (!byteBucket.take(now, size)) {
        peer.fail(new CohortError('E_RATE_LIMIT', `more than ${this.maxBytesPerSecond} bytes per second`));
        return;
      }
      // Nothing thrown by a peer's bytes may escape a socket listener.
      try {
        this.onFrame(peer, data, size, isBinary);
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
      peer.dispose();
      this.onClose(peer);
    });
  }

  private onFrame(peer: Peer, data: RawData, size: number, isBinary: boolean): void {
    // A frame past its peer's limit is refused unread: before the handshake the largest Hello (MAX_HELLO_BYTES), after it the role's.
    const limit = peer.name === null ? this.maxHelloBytes : this.frameLimitOf(peer.role);
    if (size > limit) {
      throw new CohortError(
        'E_WIRE_TOO_LARGE',
        peer.name === null
          ? `a frame before the handshake may be at most ${limit} bytes`
          : `a ${peer.role}'s frames may be at most ${limit} bytes`,
      );
    }
    if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // Scanned, not decoded (edge/wire/wire-scan.ts): its structure bounded and its header read before protobufjs builds anything.
    const frame = scanEnvelope(bytes, limit);
    peer.acceptSeq(frame.header.seq);
    if (peer.name === null) {
      // Before the handshake there is no reassembler: a fragment is a frame other than Hello.
      if (frame.header.body !== 'hello') throw new CohortError('E_NOT_JOINED', `"${frame.header.body}" before Hello`);
      this.onHello(peer, decodeScanned(frame));
      if (peer.name !== null) {
        const role = peer.role;
        peer.acceptMessages(this.messageLimitOf(role), {
          limitOf: (h) => this.bodyLimitOf(role, h.body),
          deadlineMs: this.messageDeadlineMs,
        });
      }
      return;
    }
    // A fragment carries its connection's name as its message does (edge/wire/fragments.ts checks the two agree).
    if (frame.header.sender !== peer.name)
      throw new CohortError('E_WIRE_FIELD', `sender "${frame.header.sender}" does not match this connection's name`);
    const message = peer.collect(frame);
    if (!message) return; // more fragments of this message are due
    const header = message.header;
    // Every frame kind against the roles that may send it (core/auth/frames.ts), then its size against its kind's, before it is decoded.
    const kind = frameKind(header.body, header.jobId);
    if (!kind) throw new CohortError('E_WIRE_UNEXPECTED', `"${header.body}" is not sent by clients`);
    const forbidden = frameDenial(peer.role, kind);
    if (forbidden) {
      this.recordDenial(peer, frameAction(kind), header.jobId, forbidden);
      peer.fail(new CohortError('E_FORBIDDEN', forbidden), header.jobId, header.round);
      return;
    }
    const bodyLimit = this.bodyLimitOf(peer.role, header.body);
    if (message.bytes.length > bodyLimit)
      throw new CohortError('E_WIRE_TOO_LARGE', `a "${header.body}" message may be at most ${bodyLimit} bytes`);
    const env = decodeScanned(message);
    switch (env.body) {
      case 'joinJob':
        this.withJob(peer, env, (job) => {
          job.refusals.requireOffered(env.jobId, peer.name!);
          // The declared weight; a DP job's machine replaces it with 1 (core/job/privacy.ts updateWeight).
          const weight = env.joinJob?.weight ?? 0;
          if (!Number.isInteger(weight) || weight < 1 || weight > 1e9)
            throw new CohortError('E_WIRE_FIELD', 'joinJob.weight must be an integer in [1, 10^9]');
          this.apply(env.jobId, job.machine.clientJoined(peer.name!, this.now(), { ...peer.info, numTrain: weight }));
        });
        return;
      case 'request':
        this.onRequest(peer, env);
        return;
      case 'declineJob':
        this.withJob(peer, env, (job) => {
          job.refusals.requireOffered(env.jobId, peer.name!);
          job.log.info(
            { client: peer.name, code: env.declineJob?.code, reason: env.declineJob?.reason },
            'client declined job',
          );
          if (env.declineJob?.code === 'E_BUDGET_EXCEEDED')
            this.recordRefusal(env.jobId, job, peer.name!, 0, env.declineJob.reason ?? '');
        });
        return;
      case 'ledgerReceipt': {
        // Receipts may arrive after the job ended: no active job needed, only the entry.
        const r = env.ledgerReceipt!;
        if (!peer.info.identityKey)
          throw new CohortError('E_LEDGER_RECEIPT', 'a receipt needs an identity key in Hello');
        try {
          this.ledger.acceptReceipt(
            { seq: r.seq ?? 0, hospital: peer.name, signature: r.signature ?? '' },
            peer.info.identityKey,
            r.hash ?? '',
          );
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
          this.apply(
            env.jobId,
            job.machine.submitEvaluation(peer.name!, env.round, evaluationFromWire(env.evaluation), this.now()),
          );
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
        peer.log.warn(
          { client: peer.name, job: env.jobId, round: env.round, code: env.error?.code, reason: env.error?.message },
          'client reported an error',
        );
        if (env.jobId && env.round > 0) {
          this.withJob(peer, env, (job) => {
            // A budget refusal means no more rounds from this hospital; anything else only this round.
            // A refusal of a round not sent to it is refused (E_NOT_PARTICIPANT) and changes nothing.
            const refused = env.error?.code === 'E_BUDGET_EXCEEDED';
            if (refused) this.recordRefusal(env.jobId, job, peer.name!, env.round, env.error?.message ?? '');
            const effects = refused
              ? job.machine.clientLeft(peer.name!, this.now())
              : job.machine.clientAbandoned(peer.name!, env.round, this.now());
            this.apply(env.jobId, effects);
          });
        }
        return;
      default:
        throw new CohortError('E_WIRE_UNEXPECTED', `"${env.body}" is not sent by clients`);
    }
  }

  /**
   * The largest message a peer of `role` may send, fragments put back
   * together (told to it in its Welcome): a hospital's model-sized update or
   * masked input; for every other role a Request, the only frame theirs that
   * carries more than a few kilobytes.
   */
  private messageLimitOf(role: Role): number {
    return role === 'hospital' ? this.maxMessageBytes : this.requestLimit;
  }

  /** The largest frame a peer of `role` may send: a hospital's up to the frame limit, any other's up to its message limit. */
  private frameLimitOf(role: Role): number {
    return role === 'hospital' ? this.maxFrameBytes : Math.min(this.maxFrameBytes, this.requestLimit);
  }

  /**
   * The largest message of kind `body` a peer of `role` may send, checked
   * before it is decoded, and for a fragmented one at its first fragment,
   * before the rest is held: a hospital's vectors (HOSPITAL_VECTOR_BODIES)
   * up to the message limit, a Request up to the request limit, anything
   * else within one frame. So only a model-sized vector makes the
   * coordinator hold a model's worth of bytes.
   */
  private bodyLimitOf(role: Role, body: BodyKind): number {
    if (body === 'request') return this.requestLimit;
    if (role === 'hospital' && HOSPITAL_VECTOR_BODIES.has(body)) return this.maxMessageBytes;
    return this.frameLimitOf(role);
  }

  private onHello(peer: Peer, env: Envelope): void {
    const { name, identityKey } = this.admitHello(peer, env);
    // Only after the handshake: only the holder of the name's key learns that it is online. The open
    // connection keeps the name (a second daemon under one identity cannot take it over); a vanished one
    // frees it within two heartbeats.
    const existing = this.byName.get(name);
    if (existing?.isOpen) throw new CohortError('E_DUPLICATE_NAME', `a client named ${name} is already connected`);
    if (identityKey) this.ledger.recordHospitalKey(name, identityKey);
    peer.name = name;
    peer.info = { identityKey, numTrain: 1 };
    if (peer.role === 'hospital' && env.hello?.datasets?.length) {
      this.store.recordDatasets(
        name,
        env.hello.datasets.map((d) => ({
          schemaId: d.schemaId ?? '',
          label: d.label ?? '',
          features: d.features ?? [],
        })),
        this.now(),
      );
    }
    peer.log = this.log.child({ client: name });
    this.byName.set(name, peer);
    if (peer.role === 'hospital') this.sawHospital(name, true);
    peer.log.info({ software: env.hello?.software, datasets: env.hello?.datasets?.length ?? 0 }, 'client connected');
    // A hospital closes its reservation of any job not listed (it ended while the hospital was away: nothing told it).
    const liveJobs =
      peer.role === 'hospital' ? [...this.jobs].filter(([, j]) => !j.machine.finished).map(([id]) => id) : [];
    peer.send({
      welcome: {
        coordinatorId: this.id,
        maxFrameBytes: this.frameLimitOf(peer.role),
        maxMessageBytes: this.messageLimitOf(peer.role),
        ledgerKey: Buffer.from(this.ledger.publicKeyHex, 'hex'),
        ...(peer.role === 'hospital' && this.roster ? { rosterJson: this.roster.json } : {}),
        liveJobs,
      },
    });
    if (peer.role === 'hospital') for (const [id, job] of this.jobs) if (!job.machine.finished) this.offer(peer, id);
  }

  /**
   * The Hello's name and key, the client certificate's binding under mutual
   * TLS, and with enrolment the handshake (authenticate). With enrolment every
   * failure reads alike to the peer, one code and one message
   * (HANDSHAKE_REFUSED), and only the log says why: "not enrolled", "revoked"
   * or "another key" would tell a stranger which names exist.
   */
  private admitHello(peer: Peer, env: Envelope): { name: string; identityKey: Uint8Array | null } {
    try {
      const name = validateClientName(env.hello?.name ?? '');
      if (env.sender !== name) throw new CohortError('E_WIRE_FIELD', 'sender must equal the Hello name');
      const raw = env.hello?.identityKey;
      const identityKey = raw && raw.length > 0 ? raw : null;
      if (identityKey && identityKey.length !== 32)
        throw new CohortError('E_WIRE_FIELD', 'identity key must be 32 bytes (Ed25519)');
      if (peer.certNames && !peer.certNames.includes(name)) {
        throw new CohortError(
          'E_AUTH_FAILED',
          `the client certificate names ${peer.certNames.join(', ') || 'no client name'}, not ${name}`,
        );
      }
      if (this.opts.requireEnrolment) this.authenticate(peer, name, identityKey, env);
      return { name, identityKey };
    } catch (err) {
      const e = asCohortError(err);
      if (!this.opts.requireEnrolment) throw e;
      if (e.code === 'E_INTERNAL') this.log.error({ err }, 'internal error in a handshake');
      else peer.log.warn({ code: e.code, reason: e.message }, 'handshake refused');
      throw new CohortError('E_AUTH_FAILED', HANDSHAKE_REFUSED);
    }
  }

  /**
   * The handshake of an enrolled identity (core/auth/handshake.ts). The
   * signature over this connection's challenge is checked first, under the
   * presented key, so the work does not depend on whether the name is
   * enrolled; then the name must be enrolled, unrevoked, with that key. Its
   * enrolled role becomes the connection's.
   */
  private authenticate(peer: Peer, name: string, key: Uint8Array | null, env: Envelope): void {
    const deny = (why: string): never => {
      throw new CohortError('E_AUTH_FAILED', why);
    };
    if (!key) return deny('Hello carries no identity key');
    const problem = handshakeProblem(
      {
        nonce: peer.nonce,
        coordinatorId: this.id,
        timestampMs: Number(env.hello?.handshakeTimestampMs ?? 0),
        name,
        publicKey: key,
      },
      env.hello?.handshakeSignature,
      this.now(),
    );
    if (problem) deny(problem);
    const who = this.store.identity(name) ?? deny(`${name} is not enrolled`);
    if (who.revokedAt !== null) deny(`${name} was revoked`);
    if (Buffer.from(key).toString('hex') !== who.publicKey) deny(`${name} presented a key other than its enrolled one`);
    peer.role = who.role;
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
    if (!(ACTIONS as readonly string[]).includes(action) || action === 'job.join' || VIEW_ACTIONS.includes(action))
      throw new CohortError('E_WIRE_FIELD', `unknown request action "${r.action}"`);
    const reply = (json: unknown, model?: Float32Array) =>
      peer.send({
        jobId: r.jobId ?? '',
        reply: { id, json: JSON.stringify(json), ...(model ? { model: tensorOf(model) } : {}) },
      });
    const fail = (e: CohortError) =>
      peer.send({ jobId: r.jobId ?? '', error: { code: e.code, message: `request ${id}: ${e.message}` } });
    const refuse = (err: unknown) => {
      const e = asCohortError(err);
      if (e.code === 'E_INTERNAL') this.log.error({ err }, 'internal error in a request');
      peer.log.info({ action, job: r.jobId, code: e.code }, 'request refused');
      fail(e);
    };
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
        if (!this.dashboard)
          throw new CohortError(
            'E_CONFIG_INVALID',
            'this coordinator serves no dashboard (start it with --dashboard-port)',
          );
        reply(this.dashboard.login(who, peer.role));
        return;
      }
      if (action === 'job.submit') {
        check();
        // Parsed and calibrated in a worker thread: this loop serves everyone else meanwhile, and the reply follows.
        this.submitFromPeer(who, r.specJson ?? '')
          .then((jobId) => reply({ jobId }))
          .catch(refuse);
        return;
      }
      if (action === 'job.list') {
        check();
        const mine = POLICY['job.list'][peer.role] === 'own';
        reply(
          this.store
            .listJobs()
            .filter((j) => !mine || j.owner === who)
            .map(jobSummary),
        );
        return;
      }
      if (action === 'ledger.read') {
        check();
        reply(this.ledgerPage(peer, r.afterSeq ?? 0, r.jobId ?? ''));
        return;
      }
      // The listing, not the model: a job whose row does not load can still be seen and cancelled.
      const job = this.store.jobListing(r.jobId ?? '');
      // An unknown job and someone else's job answer alike: ids are not disclosed to those who may not see them.
      check(job ? job.owner : '\u0000');
      if (!job) throw new CohortError('E_UNKNOWN_JOB', `no job ${r.jobId}`);
      if (action === 'job.status')
        reply({
          ...jobSummary(job),
          rounds: this.store
            .rounds(job.id)
            .map((x) => ({
              round: x.round,
              kind: x.kind,
              participants: x.participants.length,
              dropped: x.dropped.length,
              pooled: x.pooled,
            })),
        });
      else if (action === 'job.cancel') {
        this.cancelJob(job.id, `cancelled by ${who}`);
        reply({ jobId: job.id, status: 'cancelled' });
      } else if (action === 'job.pause') {
        this.pauseJob(job.id, `paused by ${who}`);
        reply({ jobId: job.id, status: this.jobState(job.id)!.status });
      } else if (action === 'job.resume') {
        this.resumeJob(job.id, `resumed by ${who}`);
        reply({ jobId: job.id, status: this.jobState(job.id)!.status });
      } else {
        const state = this.jobState(job.id)!; // job.download: a job that is not live reads its model from the database, once
        reply({ jobId: job.id, completedRounds: state.completedRounds }, state.weights);
      }
    } catch (err) {
      refuse(err);
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
      page = pageOf(
        ownEntries(named, peer.name!, (jobs) => this.store.jobBoundaryEntries(jobs)),
        afterSeq,
        last,
      );
    } else {
      page = pageOf(this.store.ledgerEntriesAfter(afterSeq, jobId, LEDGER_PAGE_ENTRIES + 1), afterSeq, last);
    }
    const receiptsOf = (p: LedgerPage) => {
      const given = new Set(p.entries.map((e) => e.seq));
      return p.entries.length
        ? this.store.receiptsBetween(p.entries[0]!.seq, p.entries.at(-1)!.seq).filter((x) => given.has(x.seq))
        : [];
    };
    let receipts = receiptsOf(page);
    // Receipts grow with the hospitals per round: a page whose receipts would overflow a frame is cut short.
    while (page.entries.length > 1 && receipts.length * RECEIPT_JSON_CHARS > LEDGER_PAGE_CHARS) {
      const entries = page.entries.slice(0, Math.ceil(page.entries.length / 2));
      page = { entries, more: true, lastSeq: entries.at(-1)!.seq };
      receipts = receiptsOf(page);
    }
    return {
      coordinatorKey: this.ledger.publicKeyHex,
      scope: peer.role === 'hospital' ? 'own' : 'all',
      ...page,
      receipts,
    };
  }

  /**
   * A denial goes into the ledger once per identity, action and job, and at
   * most MAX_DENIALS_PER_IDENTITY per identity (core/auth/denials.ts): an
   * identity repeating forbidden requests or frames, reconnecting or not,
   * cannot grow the ledger without bound.
   */
  private recordDenial(peer: Peer, action: string, jobId: string, reason: string): void {
    if (!this.denials.admit(peer.name!, action, jobId)) return;
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
    const done =
      who !== null && this.store.revoke(name, this.now(), this.ledger.grant(name, who.role, false, who.publicKey));
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
    job.refusals.offer(peer.name!);
    job.machine.offered(peer.name!); // it may reserve budget for the job: it is told when the job ends
    peer.send({ jobId, jobOffer: { specJson: jobSpecToWire(job.machine.spec), owner: job.owner ?? '' } });
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
    // An update outside the job's bound (core/round/update-bound.ts) has already dropped its sender from the round.
    const { effects, rejected } = job.machine.submitUpdate(peer.name!, env.round, update, this.now());
    this.apply(env.jobId, effects);
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
      this.apply(jobId, job.machine.tick(this.now()));
    }
  }

  private onClose(peer: Peer): void {
    if (peer.name === null || this.byName.get(peer.name) !== peer) return;
    this.byName.delete(peer.name);
    if (peer.role === 'hospital') this.sawHospital(peer.name, false);
    peer.log.info('client disconnected');
    for (const [id, job] of this.jobs)
      if (!job.machine.finished) this.apply(id, job.machine.clientLeft(peer.name, this.now()));
  }

  private sawHospital(name: string, connected: boolean): void {
    const now = this.now();
    const prev = this.seen.get(name);
    this.seen.delete(name); // re-inserted last: the map stays ordered by last change
    this.seen.set(name, { name, connected, connectedAt: connected ? now : (prev?.connectedAt ?? null), lastSeen: now });
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
          if ('roundConfig' in fx.body) job.refusals.sent(fx.to, fx.round);
          const entry = 'roundResult' in fx.body && job.lastEntry?.round === fx.round ? job.lastEntry.sealed : null;
          this.byName.get(fx.to)?.send({ jobId, round: fx.round, ...toWireBody(fx.body, entry) });
          break;
        }
        case 'roundCompleted': {
          this.opts.beforeCommit?.({ jobId, round: fx.record.round });
          // Every training round has an entry, and so has a record-level DP job's final evaluation: its noisy counts are charged.
          const entered = fx.record.kind === 'train' || releasesEvaluation(job.machine.spec);
          const sealed = this.store.commitRound(
            jobId,
            fx.record,
            entered ? this.ledger.round(jobId, job.machine.spec, fx.record) : undefined,
          );
          job.lastEntry = sealed && job.machine.spec.privacy ? { round: fx.record.round, sealed } : null;
          job.log.info(
            {
              round: fx.record.round,
              kind: fx.record.kind,
              participants: fx.record.participants.length,
              dropped: fx.record.dropped,
              accuracy: fx.record.pooled?.accuracy,
            },
            'round completed',
          );
          this.emit('round', { jobId, record: fx.record, totalRounds: job.machine.totalRounds });
          break;
        }
        case 'attemptStarted':
          this.store.setAttempts(jobId, fx.attempt);
          this.priceAhead(jobId, job, fx.round);
          break;
        case 'roundFailed':
          job.log.warn({ round: fx.round, attempt: fx.attempt, code: fx.code, reason: fx.reason }, 'round failed');
          // Their noisy inputs left them (and each charged its budget): the failed attempt's spend is recorded too.
          if (fx.charged.length > 0)
            this.store.appendEntry(
              this.ledger.failedAttempt(jobId, job.machine.spec, fx.round, fx.charged, job.machine.globalWeights),
            );
          this.emit('roundFailed', { jobId, round: fx.round, attempt: fx.attempt, reason: fx.reason, code: fx.code });
          break;
        case 'status':
          this.store.setStatus(
            jobId,
            fx.status,
            fx.reason,
            this.now(),
            isEnded(fx.status)
              ? this.ledger.jobEnded(jobId, fx.status, fx.reason, job.machine.completedRounds, this.endHash(job))
              : undefined,
          );
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
    const prior = this.ledger.priorMechanisms(jobId);
    const lists = [[mechanism], ...[...job.machine.members].map((h) => [...(prior.get(h) ?? []), mechanism])];
    this.spendPrefetch.prefetch(lists, p.delta, p.accountant);
  }

  private wakeAt(jobId: string, job: LiveJob, at: number): void {
    if (job.timer) clearTimeout(job.timer);
    job.timer = setTimeout(
      () => {
        job.timer = null;
        try {
          this.apply(jobId, job.machine.tick(this.now()));
        } catch (err) {
          this.log.error({ err, job: jobId }, 'job tick failed');
        }
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - this.now()) + 1),
    );
    job.timer.unref?.();
  }

  /** The model hash of a job's end: the job-created one while no round is committed (the weights have not changed), else its weights hashed. */
  private endHash(job: LiveJob): string {
    return job.machine.completedRounds === 0 && job.createdModelHash !== null
      ? job.createdModelHash
      : modelHash(job.machine.globalWeights);
  }
}

function toWireBody(
  body: OutgoingBody,
  entry: SealedEntry | null,
): Omit<EnvelopeInit, 'sender' | 'seq' | 'version' | 'jobId' | 'round'> {
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

const MAX_SEEN = 10_000;

/** What every refused Hello is told under enrolment (E_AUTH_FAILED), whatever the reason. */
const HANDSHAKE_REFUSED = 'handshake refused (the coordinator logs why)';

function frameBytes(data: RawData): number {
  return Array.isArray(data)
    ? data.reduce((n, b) => n + b.length, 0)
    : data instanceof ArrayBuffer
      ? data.byteLength
      : data.length;
}

/** What researchers and auditors see of a job: metadata, never weights. A spec that does not read back leaves its fields null and says why. */
function jobSummary(j: JobListing) {
  const s = j.spec;
  return {
    id: j.id,
    name: s?.name ?? null,
    owner: j.owner,
    status: j.status,
    reason: j.reason,
    completedRounds: j.completedRounds,
    rounds: s?.rounds ?? null,
    strategy: s?.strategy.name ?? null,
    secureAggregation: s?.secureAggregation.enabled ?? null,
    privacy: s?.privacy ? { unit: s.privacy.unit, epsilon: s.privacy.epsilon, delta: s.privacy.delta } : null,
    ...(j.specProblem ? { problem: j.specProblem } : {}),
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
  if (given.length !== 1)
    throw new CohortError(
      'E_WIRE_FIELD',
      `an evaluation carries exactly one of metrics, noisy, withheld; got ${given.length === 0 ? 'none' : given.join(', ')}`,
    );
  if (e.withheld) return null;
  if (e.metrics) return { metrics: validateMetrics(metricsFromWire(e.metrics)), released: false };
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
