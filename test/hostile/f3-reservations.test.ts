/**
 * Issue 16, finding 3: a researcher tying up hospitals' budgets without
 * training. A hospital reserves a DP job's whole epsilon when it accepts the
 * offer; the reservation must end when the job ends, however it ends
 * (cancelled, failed, declined, never started) and wherever the hospital was
 * (its join still in flight, dropped from the job, or down). Driven against a
 * real coordinator with enrolment required, an enrolled researcher over a
 * signed handshake, and real hospital daemons with their budget databases;
 * the lying-coordinator cases against a scripted one.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator, type JobStatusEvent } from '../../coordinator/coordinator.ts';
import { ClientDaemon } from '../../client/daemon.ts';
import { BudgetStore } from '../../client/budget-store.ts';
import { parseHospitalPolicy } from '../../core/job/policy.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { isEnded } from '../../core/round/job.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { hospitalUnderTest } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';
import { signedClient } from '../helpers/signed-client.ts';

const D = 'synthetic-v1';
const BUDGET = 10;
const dir = mkdtempSync(join(tmpdir(), 'cohort-f3-'));
const cleanups: (() => unknown)[] = [];
const hospitals = ['h1', 'h2', 'h3', 'h4'];
const net = simulatedNetwork(hospitals);
const rita = ed25519KeyPair();
let coordinator: Coordinator;
let port: number;
let researcher: Researcher;

const privacy = (epsilon: number) => ({
  unit: 'record',
  epsilon,
  delta: 1e-5,
  clip: 1,
  samplingRate: 0.1,
  accountant: 'rdp',
});
/** A researcher's DP job that waits for more hospitals than the test connects: it never starts unless `o` says so. */
const dpJob = (name: string, o: Record<string, unknown> = {}) =>
  syntheticJob({ name, rounds: 20, minClients: 3, targetClients: 4, joinWaitMs: 600_000, privacy: privacy(2), ...o });

beforeAll(async () => {
  coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, requireEnrolment: true, roster: net.chain });
  port = await coordinator.listen();
  cleanups.push(() => coordinator.close());
  coordinator.enroll('rita', 'researcher', rita.publicKey);
  for (const h of hospitals) coordinator.enroll(h, 'hospital', net.identity(h).publicKey);
  // A researcher's job is checked against the datasets hospitals have offered: one must have said Hello.
  const first = await hospital('h4');
  await first.stop();
  researcher = await Researcher.connect(port, 'rita', rita);
  cleanups.push(() => researcher.close());
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("finding 3: a researcher tying up hospitals' budgets (reservations end when the job ends)", () => {
  it("5 DP jobs submitted and cancelled while the hospital's join is in flight leave its committed epsilon at 0", async () => {
    const proxy = await HoldingProxy.start(port);
    const h = await hospital('h1', { via: proxy.port });
    expect(h.store.committedSpend(D).epsilon).toBe(0);
    const peak: number[] = [];
    for (let i = 0; i < 5; i++) {
      proxy.hold(); // a hospital slow to answer: its join reaches the coordinator only after the cancel
      const jobId = await researcher.submit(dpJob(`tie-up-${i}`));
      await h.joined(jobId);
      peak.push(h.store.committedSpend(D).epsilon); // reserved: the whole job's epsilon
      await researcher.cancel(jobId);
      const refused = h.coordinatorError(jobId);
      proxy.release();
      expect(await refused).toBe('E_UNKNOWN_JOB'); // the join arrived after the job ended
      expect(h.store.reserved(D, jobId)).toBe(false);
      expect(h.store.jobEnded(D, jobId)).toBe(true); // a re-offer of it is refused
      expect(h.store.committedSpend(D).epsilon).toBe(0);
    }
    expect(peak.every((e) => e > 1)).toBe(true);
    expect(h.store.spends(D)).toEqual([]);
    await h.stop();
    await proxy.close();
  }, 120_000);

  it('minClients = 1: a job that fails at round 1 releases the reservation of every hospital offered it, its join in flight or not', async () => {
    const [p1, p2] = [await HoldingProxy.start(port), await HoldingProxy.start(port)];
    const h1 = await hospital('h1', { via: p1.port });
    const h2 = await hospital('h2', { via: p2.port });
    p1.hold();
    p2.hold();
    // Secure aggregation cannot run a round of one hospital: round 1, with h1 alone, fails the job.
    const jobId = await researcher.submit(
      dpJob('fails-at-round-1', { minClients: 1, targetClients: 2, joinWaitMs: 50 }),
    );
    await Promise.all([h1.joined(jobId), h2.joined(jobId)]);
    const failed = new Promise<string>((resolve) =>
      coordinator.on(
        'job',
        (e) => e.jobId === jobId && e.status !== 'waiting' && e.status !== 'running' && resolve(e.status),
      ),
    );
    p1.release();
    expect(await failed).toBe('failed');
    const refused = h2.coordinatorError(jobId);
    p2.release();
    expect(await refused).toBe('E_UNKNOWN_JOB');
    await until(() => !h1.store.reserved(D, jobId), 30_000, "h1's reservation closed");
    for (const h of [h1, h2]) {
      expect(h.store.reserved(D, jobId)).toBe(false);
      expect(h.store.committedSpend(D).epsilon).toBe(0);
    }
    await Promise.all([h1.stop(), h2.stop()]);
    await Promise.all([p1.close(), p2.close()]);
  }, 120_000);

  it('a hospital down while its job is cancelled releases the reservation at its next Welcome; a live job keeps its reservation', async () => {
    const before = await hospital('h3');
    const [gone, live] = [
      await researcher.submit(dpJob('cancelled-while-away')),
      await researcher.submit(dpJob('still-live', { privacy: privacy(1) })),
    ];
    await Promise.all([before.joined(gone), before.joined(live)]);
    await before.stop(); // the daemon is down...
    await researcher.cancel(gone); // ...when the job ends: nothing can tell it
    expect(before.store.reserved(D, gone)).toBe(true);

    const after = await hospital('h3', { restartOf: before });
    expect(after.closed).toEqual([{ jobId: gone, charged: 0, released: 21 }]); // 20 training rounds and the evaluation
    expect(after.store.reserved(D, gone)).toBe(false);
    expect(after.store.jobEnded(D, gone)).toBe(true);
    await after.joined(live); // re-offered: still admitted under the reservation it kept
    expect(after.store.reserved(D, live)).toBe(true);
    await after.stop();

    // The operator tightens the hospital's policy: at the re-offer it declines the live job, and its part in it ends.
    const stricter = await hospital('h3', { restartOf: after, policy: parseHospitalPolicy({ maxEpsilon: 0.5 }) });
    await stricter.declined(live);
    await until(() => !stricter.store.reserved(D, live), 30_000, "the declined job's reservation closed");
    expect(stricter.store.committedSpend(D).epsilon).toBe(0);
    await stricter.stop();
    await researcher.cancel(live);
  }, 120_000);
});

describe('finding 3: a job that can never start (a start deadline; minClients within the roster)', () => {
  /** A coordinator on a new database `dbPath`, with the roster published and the test's identities enrolled, listening. */
  const fresh = async (dbPath: string, maxStartWaitMs?: number) => {
    const c = new Coordinator({
      dbPath,
      port: 0,
      requireEnrolment: true,
      roster: net.chain,
      ...(maxStartWaitMs ? { maxStartWaitMs } : {}),
    });
    cleanups.push(() => c.close());
    c.enroll('rita', 'researcher', rita.publicKey);
    for (const h of hospitals) c.enroll(h, 'hospital', net.identity(h).publicKey);
    return { c, port: await c.listen() };
  };
  const jobEnd = (c: Coordinator) =>
    new Promise<JobStatusEvent>((resolve) => c.on('job', (e) => isEnded(e.status) && resolve(e)));

  it("a job still short of minClients at its start deadline fails, and the offered hospital's reservation of it ends", async () => {
    const { c, port: p } = await fresh(join(dir, 'deadline.db'), 2000);
    const proxy = await HoldingProxy.start(p);
    const h = await hospital('h1', { via: proxy.port });
    const rita2 = await Researcher.connect(p, 'rita', rita);
    cleanups.push(() => rita2.close());
    const ended = jobEnd(c);
    proxy.hold(); // its join never reaches the coordinator: no member, nothing else to wake the job
    const jobId = await rita2.submit(dpJob('never-starts')); // it needs 3 hospitals: it would wait for good
    expect(await ended).toMatchObject({
      jobId,
      status: 'failed',
      reason: expect.stringContaining('not started by its start deadline'),
    });
    await until(() => h.closed.length > 0, 30_000, "h1's reservation closed");
    expect(h.closed).toEqual([{ jobId, charged: 0, released: 21 }]); // it had reserved the whole job: 20 training rounds and the evaluation
    expect(h.store.reserved(D, jobId)).toBe(false);
    expect(h.store.committedSpend(D).epsilon).toBe(0);
    const refused = h.coordinatorError(jobId);
    proxy.release();
    expect(await refused).toBe('E_UNKNOWN_JOB'); // the join, arriving after the job ended
    await h.stop();
    await proxy.close();
  }, 60_000);

  it("the deadline counts from the job's creation: a coordinator restarted past it fails the job as it resumes, and the hospital releases its reservation", async () => {
    const path = join(dir, 'restart.db');
    const first = await fresh(path); // the default start wait: hours
    const h = await hospital('h2', { port: first.port });
    const rita2 = await Researcher.connect(first.port, 'rita', rita);
    const jobId = await rita2.submit(dpJob('outlives-restart'));
    await h.joined(jobId);
    expect(h.store.committedSpend(D).epsilon).toBeGreaterThan(1); // the whole job's epsilon, reserved
    rita2.close();
    await h.stop();
    await first.c.close();

    // Restarted with a start wait the job has already outlived: it resumes, and fails at its first tick.
    const c = new Coordinator({ dbPath: path, port: 0, requireEnrolment: true, maxStartWaitMs: 1 });
    cleanups.push(() => c.close());
    expect(await jobEnd(c)).toMatchObject({
      jobId,
      status: 'failed',
      reason: expect.stringContaining('not started by its start deadline'),
    });
    const after = await hospital('h2', { restartOf: h, port: await c.listen() });
    await until(() => after.closed.length > 0, 30_000, "h2's reservation closed at its Welcome");
    expect(after.closed).toEqual([{ jobId, charged: 0, released: 21 }]);
    expect(after.store.committedSpend(D).epsilon).toBe(0);
    await after.stop();
  }, 60_000);

  it('a secure-aggregation job needing more hospitals than the roster lists is refused at submission (E_JOB_UNSTARTABLE), and nothing is written', async () => {
    const before = coordinator.database.listJobs().length;
    await expect(researcher.submit(dpJob('more-than-the-roster', { minClients: 5, targetClients: 5 }))).rejects.toThrow(
      /^E_JOB_UNSTARTABLE: .*"minClients": 5 hospitals needed, but the roster .* lists 4/,
    );
    expect(coordinator.database.listJobs()).toHaveLength(before);
  });
});

describe('finding 3 against a lying coordinator: the live-jobs list of a Welcome', () => {
  const spec = () =>
    resolveJob(
      parseJobSpec(syntheticJob({ rounds: 3, secureAggregation: { enabled: false }, privacy: privacy(8) })),
      1,
    );

  it("omitting a live job ends this hospital's part in it: its charged rounds stay spent, the rest is released, a re-offer is refused", async () => {
    const h = await hospitalUnderTest(spec(), { cleanups });
    h.round(1);
    await until(() => h.frames(1).includes('update'), 30_000, 'round 1 trained');
    const spent = h.state.budget.summary(D).spent.epsilon;
    expect(spent).toBeGreaterThan(0);
    const closed = new Promise<{ charged: number; released: number }>((resolve) =>
      h.daemon.once('reservationClosed', resolve),
    );
    h.fake.liveJobs = []; // the coordinator says the job is not live: a lie
    await h.daemon.stop();
    h.daemon.start();
    expect(await closed).toMatchObject({ charged: 1, released: 3 }); // 3 training rounds and the evaluation reserved, 1 charged
    await until(() => h.frames().includes('declineJob E_JOB_STATE'), 30_000, 'the re-offer declined');
    expect(h.state.budget.spends(D).map((s) => s.round)).toEqual([1]);
    expect(h.state.budget.summary(D).spent.epsilon).toBe(spent); // nothing charged is forgotten
    expect(h.state.budget.committedSpend(D).epsilon).toBe(spent);
    // Listing it as live again reopens nothing: the job ended here.
    h.fake.liveJobs = ['job'];
    await h.daemon.stop();
    h.daemon.start();
    await until(
      () => h.frames().filter((f) => f === 'declineJob E_JOB_STATE').length === 2,
      30_000,
      'the second re-offer declined',
    );
    expect(h.frames().filter((f) => f === 'joinJob')).toHaveLength(1);
    expect(h.state.budget.reserved(D, 'job')).toBe(false);
  }, 90_000);

  it('listing a job as live keeps its reservation open, as before: the job goes on', async () => {
    const h = await hospitalUnderTest(spec(), { cleanups });
    await h.daemon.stop();
    h.daemon.start();
    await until(() => h.frames().filter((f) => f === 'joinJob').length === 2, 30_000, 'the re-offer joined');
    expect(h.state.budget.reserved(D, 'job')).toBe(true);
  }, 60_000);
});

interface Hospital {
  /** Its state database, and the budget store open on it. */
  path: string;
  store: BudgetStore;
  /** Reservations the daemon closed, in order. */
  closed: { jobId: string; charged: number; released: number }[];
  joined(jobId: string): Promise<void>;
  declined(jobId: string): Promise<string>;
  coordinatorError(jobId: string): Promise<string>;
  stop(): Promise<void>;
}

let states = 0;

/**
 * A hospital daemon with a budget of BUDGET epsilon in a fresh state database
 * (or, `restartOf`, that of a stopped daemon, opened again), connected
 * (to the coordinator on `port`, the suite's by default, or through a proxy
 * on `via`) and welcomed.
 */
async function hospital(
  name: string,
  o: { via?: number; port?: number; restartOf?: Hospital; policy?: ReturnType<typeof parseHospitalPolicy> } = {},
): Promise<Hospital> {
  const path = o.restartOf?.path ?? join(dir, `${name}-${++states}.db`);
  o.restartOf?.store.close();
  const store = new BudgetStore(path);
  cleanups.push(() => store.close());
  if (!o.restartOf) store.setBudget(D, { epsilon: BUDGET, delta: 1e-5, accountant: 'rdp' });
  const daemon = new ClientDaemon({
    coordinatorUrl: `ws://127.0.0.1:${o.via ?? o.port ?? port}`,
    name,
    dataset: syntheticDataset(hospitals.indexOf(name) + 1),
    identity: net.identity(name),
    roster: net.chain,
    budget: store,
    backoffMinMs: 50,
    backoffMaxMs: 200,
    ...(o.policy ? { policy: o.policy } : {}),
  });
  cleanups.push(() => daemon.stop());
  const joined = new Set<string>();
  const declined = new Map<string, string>();
  const errors = new Map<string, string>();
  const closed: Hospital['closed'] = [];
  daemon.on('joined', (e) => joined.add(e.jobId));
  daemon.on('declined', (e) => declined.set(e.jobId, e.code));
  daemon.on('coordinatorError', (e) => errors.set(e.jobId, e.code));
  daemon.on('reservationClosed', (e) => closed.push({ jobId: e.jobId, charged: e.charged, released: e.released }));
  const connected = new Promise<void>((resolve) => daemon.once('connected', () => resolve()));
  daemon.start();
  await connected;
  return {
    path,
    store,
    closed,
    joined: (jobId) => until(() => joined.has(jobId), 30_000, `${name} joined ${jobId}`),
    declined: async (jobId) => {
      await until(() => declined.has(jobId), 30_000, `${name} declined ${jobId}`);
      return declined.get(jobId)!;
    },
    coordinatorError: async (jobId) => {
      await until(() => errors.has(jobId), 30_000, `an error for ${name} about ${jobId}`);
      return errors.get(jobId)!;
    },
    stop: () => daemon.stop(),
  };
}

/** An enrolled researcher on one authenticated connection (a signed handshake, as `cohort job` makes). */
class Researcher {
  private id = 0;

  private constructor(private readonly raw: RawClient) {}

  static async connect(port: number, name: string, identity: Identity): Promise<Researcher> {
    return new Researcher(await signedClient(port, name, identity, { hello: { software: 'f3-researcher' } }));
  }

  async submit(spec: unknown): Promise<string> {
    return ((await this.ask({ action: 'job.submit', specJson: JSON.stringify(spec) })) as { jobId: string }).jobId;
  }

  async cancel(jobId: string): Promise<void> {
    await this.ask({ action: 'job.cancel', jobId });
  }

  close(): void {
    this.raw.close();
  }

  private async ask(r: { action: string; jobId?: string; specJson?: string }): Promise<unknown> {
    const id = ++this.id;
    this.raw.send({ request: { id, ...r } });
    const answer = await this.raw.waitFor(
      (e) =>
        (e.body === 'reply' && e.reply?.id === id) ||
        (e.body === 'error' && (e.error?.message ?? '').startsWith(`request ${id}:`)),
      // A DP job's submission calibrates its noise: seconds of CPU, tens of seconds on a loaded 2-core machine.
      60_000,
    );
    if (answer.body === 'error') throw new Error(`${answer.error?.code}: ${answer.error?.message}`);
    return JSON.parse(answer.reply!.json!);
  }
}

/**
 * A TCP relay between a hospital and the coordinator that can hold what the
 * hospital sends (a hospital slow to answer: busy training, a slow link)
 * while the coordinator's frames still reach it.
 */
class HoldingProxy {
  private held: Buffer[] | null = null;
  private readonly sockets = new Set<Socket>();
  private up: Socket | null = null;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: number): Promise<HoldingProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const proxy = new HoldingProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (down) => {
      const up = connect(target, '127.0.0.1');
      proxy.up = up;
      for (const s of [up, down]) {
        proxy.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => (s === up ? down : up).destroy());
      }
      up.pipe(down);
      down.on('data', (b: Buffer) => (proxy.held ? proxy.held.push(b) : up.write(b)));
    });
    return proxy;
  }

  hold(): void {
    this.held ??= [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const b of held) this.up?.write(b);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
