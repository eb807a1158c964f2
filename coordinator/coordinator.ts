/**
 * The coordinator process: the shell that wires its pieces together, each
 * owning its own state: options (config.ts), the listening socket
 * (transport.ts), connections and authentication (connections.ts),
 * hospitals' job messages (hospital-messages.ts), researchers' and admins'
 * requests (requests.ts), ledger pages (ledger-pages.ts), the live jobs
 * (job-registry.ts) and their effects (effects.ts), hospitals' presence
 * (presence.ts) and the roster (roster.ts). Each job's rounds are a core
 * state machine (core/round/job.ts).
 */
import { EventEmitter } from 'node:events';
import type { Role } from '../core/auth/policy.ts';
import type { CoordinatorSnapshot } from '../core/dashboard/index.ts';
import { prepareJob } from '../core/job/prepare.ts';
import { parseJobSpec } from '../core/job/spec.ts';
import type { Roster, RosterChain } from '../core/roster/index.ts';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { loadLedgerKey } from './ledger-key.ts';
import type { Logger } from '../edge/log.ts';
import { validateClientName, type Envelope } from '../edge/wire/codec.ts';
import { parseCoordinatorOptions, type CoordinatorConfig, type CoordinatorOptions } from './config.ts';
import { Connections } from './connections.ts';
import { CoordinatorMetrics } from './dashboard/metrics.ts';
import { DashboardServer, type DashboardOptions } from './dashboard/server.ts';
import { EffectExecutor } from './effects.ts';
import type { CoordinatorEvents } from './events.ts';
import { HospitalMessages } from './hospital-messages.ts';
import { JobRegistry, type JobState } from './job-registry.ts';
import { JobSubmissions } from './job-submissions.ts';
import { CoordinatorLedger } from './ledger.ts';
import { ledgerPage } from './ledger-pages.ts';
import type { Peer } from './peer.ts';
import { Presence } from './presence.ts';
import { Requests } from './requests.ts';
import { CoordinatorRoster, type AdoptedRoster } from './roster.ts';
import { SpendPrefetch } from './spend-prefetch.ts';
import { CoordinatorStore } from './store.ts';
import { openServer, type Listening } from './transport.ts';
import { openHealthServer, type Readiness } from './health.ts';

export type { CoordinatorOptions } from './config.ts';
export type { CoordinatorEvents, JobStatusEvent, RoundEvent } from './events.ts';

export class Coordinator extends EventEmitter<CoordinatorEvents> {
  readonly id: string;
  /** Prometheus metrics (served by the dashboard at /metrics). */
  readonly metrics: CoordinatorMetrics;
  /** DP rounds' ledger figures, priced in a worker thread while the round runs. */
  readonly spendPrefetch: SpendPrefetch;
  private readonly config: CoordinatorConfig;
  private readonly log: Logger;
  private readonly store: CoordinatorStore;
  private readonly ledger: CoordinatorLedger;
  /** Researchers' submissions, prepared in worker threads. */
  private readonly submissions: JobSubmissions;
  private readonly presence: Presence;
  private readonly roster: CoordinatorRoster;
  private readonly jobs: JobRegistry;
  private readonly connections: Connections;
  private readonly dashboard: DashboardServer | null;
  private server: Listening | null = null;
  private health: Awaited<ReturnType<typeof openHealthServer>> | null = null;

  /** Options are validated once (config.ts); E_CONFIG_INVALID names each wrong field. */
  constructor(opts: CoordinatorOptions | CoordinatorConfig) {
    super();
    const c = (this.config = parseCoordinatorOptions(opts));
    this.id = c.id;
    this.log = c.log.child({ component: 'coordinator' });
    this.store = new CoordinatorStore(c.dbPath);
    this.spendPrefetch = new SpendPrefetch(this.log);
    this.submissions = new JobSubmissions(c.submissions, c.quotas, this.store, c.now, this.log);
    this.ledger = new CoordinatorLedger(this.store, ledgerKeyOf(c, this.store.ledgerKey()), c.now);
    this.presence = new Presence(c.now);
    this.metrics = new CoordinatorMetrics(() => this.presence.connected);
    this.on('round', (e) => this.metrics.roundCompleted(e.record));
    this.on('roundFailed', () => this.metrics.roundFailed());
    this.dashboard = c.dashboard ? this.openDashboard(c, c.dashboard) : null;
    // Each piece reaches the others through closures: none is called before the constructor ends.
    this.jobs = this.registry(c);
    this.connections = this.connect(c);
    this.roster = new CoordinatorRoster(this.store, this.ledger, (r) => this.adopted(r));
    this.roster.refresh();
    if (c.roster) this.publishRoster(c.roster);
    this.jobs.resumeAll();
  }

  /** What the pieces holding job state are given: the database, the ledger, the log and the clock. */
  private shared(c: CoordinatorConfig) {
    return { store: this.store, ledger: this.ledger, log: this.log, now: c.now };
  }

  private openDashboard(c: CoordinatorConfig, options: DashboardOptions): DashboardServer {
    const deps = {
      dbPath: c.dbPath,
      snapshot: () => this.snapshot(),
      metrics: this.metrics,
      log: this.log,
      now: c.now,
      ...(c.tls ? { tls: c.tls } : {}),
    };
    return new DashboardServer(deps, options);
  }

  private connect(c: CoordinatorConfig): Connections {
    const messages = new HospitalMessages({ ...this.shared(c), jobs: this.jobs });
    const requests = this.requests();
    const onMessage = (peer: Peer, env: Envelope): void => {
      if (env.body === 'request') requests.handle(peer, env);
      else messages.handle(peer, env);
    };
    const hospital = (peer: Peer) => peer.role === 'hospital';
    return new Connections({
      config: c,
      store: this.store,
      ledger: this.ledger,
      metrics: this.metrics,
      presence: this.presence,
      log: this.log,
      hooks: {
        onMessage,
        // A hospital closes its reservation of any job not listed (it ended while the hospital was away: nothing told it).
        welcome: (peer) => {
          const roster = this.roster.current;
          const rosterJson = hospital(peer) && roster ? { rosterJson: roster.json } : {};
          return { ...rosterJson, liveJobs: hospital(peer) ? this.jobs.activeIds() : [] };
        },
        joined: (peer) => {
          if (hospital(peer)) this.jobs.offerAll(peer);
        },
        left: (peer) => this.jobs.hospitalLeft(peer.name!),
      },
    });
  }

  private requests(): Requests {
    const dashboard = this.dashboard;
    return new Requests({
      store: this.store,
      jobs: this.jobs,
      log: this.log,
      submit: async (owner, specJson) =>
        this.jobs.register(await this.submissions.prepare(owner, specJson, this.roster.networkSize), owner),
      ledgerPage: (peer, afterSeq, jobId) =>
        ledgerPage(this.store, this.ledger.publicKeyHex, { name: peer.name!, role: peer.role }, afterSeq, jobId),
      ledgerProof: (fromSize, seqs) => this.ledger.prove(fromSize, seqs),
      hospitalSpend: (jobId) => this.ledger.hospitalSpend(jobId),
      dashboardLogin: dashboard ? (who, role) => dashboard.login(who, role) : null,
      recordDenial: (peer, action, jobId, reason) => this.connections.recordDenial(peer, action, jobId, reason),
    });
  }

  private registry(c: CoordinatorConfig): JobRegistry {
    const effects = new EffectExecutor({
      store: this.store,
      ledger: this.ledger,
      spendPrefetch: this.spendPrefetch,
      metrics: this.metrics,
      events: this,
      now: c.now,
      send: (to, env) => this.connections.sendTo(to, env),
      wakeAt: (jobId, job, at) => this.jobs.wakeAt(jobId, job, at),
      beforeCommit: c.beforeCommit,
    });
    return new JobRegistry({
      ...this.shared(c),
      effects,
      events: this,
      quotas: c.quotas,
      maxStartWaitMs: c.maxStartWaitMs,
      rosterHead: () => this.roster.current?.head ?? null,
      hospitals: () => this.connections.hospitals(),
    });
  }

  /** A roster was adopted: live jobs take their session keys from it, and connected hospitals are sent it, to check against their own. */
  private adopted(roster: AdoptedRoster): void {
    this.jobs.useRoster(roster.head);
    for (const peer of this.connections.hospitals()) peer.send({ rosterUpdate: { chainJson: roster.json } });
  }

  /** The roster's verified head, or null before one is published. */
  get rosterHead(): Roster | null {
    return this.roster.current?.head ?? null;
  }

  /**
   * Publishes a roster chain that extends the one in the database (coordinator/roster.ts: each new
   * version a ledger entry) and adopts it. Returns the versions added.
   */
  publishRoster(chain: RosterChain): number {
    const added = this.roster.publish(chain, this.config.now());
    const head = this.roster.current?.head;
    if (added > 0 && head)
      this.log.info({ network: head.network, version: head.version, members: head.size }, 'roster published');
    return added;
  }

  get database(): CoordinatorStore {
    return this.store;
  }

  async listen(): Promise<number> {
    const c = this.config;
    this.server = await openServer(
      c,
      this.log,
      (ws, remote, certNames, socket) => this.connections.accept(ws, remote, certNames, socket),
      () => this.readiness(),
    );
    const server = this.server;
    this.connections.startHeartbeat(server.clients, () => this.roster.refresh());
    const port = server.port;
    this.log.info(
      { port, maxFrameBytes: c.maxFrameBytes, tls: Boolean(c.tls), mutualTls: Boolean(c.tls?.clientCa) },
      'listening',
    );
    if (this.dashboard) await this.dashboard.listen();
    if (c.healthPort !== undefined) this.health = await openHealthServer(c.healthPort, () => this.readiness());
    this.emit('listening', { port });
    return port;
  }

  /** What GET /readyz answers (health.ts): the database writable, the ledger key its own, the socket listening. */
  readiness(): Readiness {
    if (!this.server) return { ready: false, reason: 'not listening' };
    if (!this.store.writable(this.config.now())) return { ready: false, reason: 'database not writable' };
    if (this.store.ledgerKey() !== this.ledger.publicKeyHex) return { ready: false, reason: 'ledger key not loaded' };
    return { ready: true };
  }

  /** The loopback probe port (`healthPort`), null without one or before listen. */
  get healthPort(): number | null {
    return this.health?.port ?? null;
  }

  /** The dashboard's address (null without one). */
  get dashboardUrl(): string | null {
    return this.dashboard?.url ?? null;
  }

  /** What the dashboard shows beside the database: hospitals' presence and each unfinished job's round and phase. */
  snapshot(): CoordinatorSnapshot {
    return { hospitals: this.presence.list(), jobs: this.jobs.snapshot() };
  }

  /**
   * Validates, prepares and registers a job in-process; returns its id.
   * Connected clients get the offer at once. Synchronous: the noise
   * calibration runs on this thread, so this is for the operator's own jobs
   * (`coordinator start --job`), simulations and tests; a researcher's
   * submission over the network is prepared in a worker thread instead
   * (requests.ts, coordinator/job-submissions.ts), under the researcher's
   * schema (core/job/spec.ts researcherJobSpecSchema). `owner` here only
   * names who may see and download the job: the spec is the operator's.
   */
  submitJob(input: unknown, owner: string | null = null): string {
    return this.jobs.register(prepareJob(parseJobSpec(input), this.roster.networkSize), owner);
  }

  /**
   * Cancels a job: a live one through its machine; one the database holds
   * as unfinished but that is not live (it could not be loaded) directly in
   * the database, with its job-ended entry. Only an ended job refuses
   * (E_JOB_STATE).
   */
  cancelJob(jobId: string, reason: string): void {
    this.jobs.cancel(jobId, reason);
  }

  /** Stops new rounds of a job (the round in flight finishes); it stays paused across restarts. */
  pauseJob(jobId: string, reason: string): void {
    this.jobs.pause(jobId, reason);
  }

  resumeJob(jobId: string, reason: string): void {
    this.jobs.resume(jobId, reason);
  }

  jobState(jobId: string): JobState | undefined {
    return this.jobs.state(jobId);
  }

  /** Enrols an identity (the ledger records it); a revoked one is restored. */
  enroll(name: string, role: Role, publicKey: Uint8Array): void {
    validateClientName(name);
    const hex = Buffer.from(publicKey).toString('hex');
    this.store.enroll(name, role, hex, this.config.now(), this.ledger.grant(name, role, true, hex));
  }

  /** Revokes an identity; a live connection under it is closed at once. */
  revoke(name: string): boolean {
    const who = this.store.identity(name);
    const done =
      who !== null &&
      this.store.revoke(name, this.config.now(), this.ledger.grant(name, who.role, false, who.publicKey));
    this.connections.closeRevoked();
    return done;
  }

  async close(): Promise<void> {
    await this.submissions.close();
    await this.spendPrefetch.close();
    this.jobs.close();
    await this.dashboard?.close();
    this.connections.close();
    const server = this.server;
    this.server = null;
    await this.health?.close();
    await server?.close();
    this.store.close();
  }
}

/**
 * The key that signs the privacy ledger: the one given, else the key file
 * beside the database (`<db>.ledger.key`, created 0600 on first start, like
 * an SSH host key, refused if missing once the ledger is bound: ledger-key.ts);
 * a fresh throwaway key for ':memory:'.
 */
function ledgerKeyOf(c: CoordinatorConfig, boundKeyHex: string | null): Identity {
  if (c.ledgerKey) return c.ledgerKey;
  return c.dbPath === ':memory:' ? ed25519KeyPair() : loadLedgerKey(c.dbPath, boundKeyHex);
}
