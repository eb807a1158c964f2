/**
 * `cohort simulate chaos`: a real coordinator and real hospital daemons, each
 * in its own process, talking over real sockets through links the harness
 * degrades, while the faults of the seeded plan (plan.ts) are injected. The
 * report says which faults fired, how many rounds completed and were retried,
 * whether each hospital's epsilon in the ledger equals the accountant's figure
 * for the rounds it was actually in, whether any hospital paid twice for one
 * round, whether the ledger verifies against every hospital's copy, and the
 * final accuracy beside a fault-free run with the same seed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync, type WriteStream } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CohortError } from '../../core/errors.ts';
import { roundMechanism } from '../../core/job/privacy.ts';
import { accountSpend } from '../../core/privacy/spend.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { simulatedNetwork } from '../network.ts';
import { writeRosterFile } from '../../edge/roster-file.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { writeIdentityKey } from '../../edge/keys.ts';
import { syntheticJob } from '../synthetic.ts';
import { chaosDataset } from './data.ts';
import { evaluateModel, loadTf } from '../../client/trainer/index.ts';
import { pooledMetrics } from '../../core/metrics.ts';
import { silentLogger } from '../../edge/log.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import { FaultyLink } from './link.ts';
import { sendGarbage, type GarbageReport } from './garbage.ts';
import { chaosPlan, type Fault } from './plan.ts';

export interface ChaosOptions {
  clients?: number;
  rounds?: number;
  seed?: number;
  /** Keep every process's files (databases, keys, logs) here; default a new temporary directory. */
  workdir?: string;
  /** false: the same run without faults (the baseline). */
  faults?: boolean;
  /** Give up after this long (the report says so). */
  timeoutMs?: number;
  onEvent?: (line: string) => void;
}

export interface HospitalEpsilon {
  /** The hospital's cumulative epsilon in its last round entry of the job. */
  ledger: number;
  /** The accountant's epsilon for the rounds whose released sum held this hospital's update, from the job spec alone. */
  accountant: number;
  roundsInSum: number;
  /** What the hospital's own budget charged (rounds, and the epsilon after the last). */
  chargedRounds: number[];
  chargedEpsilon: number;
  /** Rounds charged more than once (must be 0 for record-level DP). */
  duplicateCharges: number;
}

export interface ChaosReport {
  scenario: 'chaos';
  seed: number;
  clients: number;
  rounds: number;
  workdir: string;
  faultsInjected: (Fault & { fired: boolean })[];
  roundsCompleted: number;
  /** Round attempts that did not commit and were run again: failed rounds plus the one the coordinator's kill aborted. */
  roundsRetried: number;
  roundFailures: { round: number; attempt: number; reason: string }[];
  coordinatorRestarts: number;
  clientRestarts: number;
  epsilon: Record<string, HospitalEpsilon>;
  /** Every hospital's ledger epsilon equals the accountant's, and none paid twice for a round. */
  epsilonMatches: boolean;
  ledger: { ok: boolean; entries: number; receiptsVerified: number; failures: string[] };
  finalAccuracy: number;
  garbage: GarbageReport | null;
  jobStatus: string;
  wallTimeMs: number;
}

// From source the processes are .ts files run through tsx; from dist/ (scripts/build.mjs) the compiled .js beside this.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const here = (f: string) => fileURLToPath(new URL(FROM_SOURCE ? f : f.replace(/\.ts$/, '.js'), import.meta.url));
const LOADER = FROM_SOURCE ? ['--import', import.meta.resolve('tsx')] : [];
const EPSILON_TOLERANCE = 1e-9;
/** Most restarts of the coordinator, and per client on average, before the run stops restarting. */
const MAX_RESTARTS = 20;

/** A child process speaking JSON lines on stdout; stderr goes to its log file. */
class Proc {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stopping = false;

  constructor(file: string, args: string[], log: WriteStream, onEvent: (e: Record<string, unknown>) => void) {
    this.child = spawn(process.execPath, [...LOADER, file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.pipe(log, { end: false });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        onEvent(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not an event line
      }
    });
    // 'close', not 'exit': it comes after the last stdout line, so a fault's report is read before the restart.
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<unknown> {
    this.stopping = true;
    this.child.kill(signal);
    return this.exited;
  }
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function runChaos(o: ChaosOptions = {}): Promise<ChaosReport> {
  const started = performance.now();
  const n = o.clients ?? 8;
  const rounds = o.rounds ?? 8;
  const seed = o.seed ?? 1;
  const names = Array.from({ length: n }, (_, i) => `site-${String(i).padStart(2, '0')}`);
  const plan = o.faults === false ? [] : chaosPlan({ clients: names, rounds, seed });
  const faults = plan.map((f) => ({ ...f, fired: false }));
  const dir = o.workdir ?? mkdtempSync(join(tmpdir(), 'cohort-chaos-'));
  mkdirSync(dir, { recursive: true });
  const say = o.onEvent ?? (() => undefined);

  // Identities enrolled before the coordinator first starts; keys on disk, 0600; the roster they all signed beside them.
  const keyFile = (c: string) => join(dir, `${c}.key`);
  const stateFile = (c: string) => join(dir, `${c}-state.db`);
  const net = simulatedNetwork(names, 'chaos');
  const rosterFile = join(dir, 'roster.json');
  writeRosterFile(rosterFile, net.chain, 'create');
  const enrol = names.map((c) => ({
    name: c,
    publicKey: Buffer.from(writeIdentityKey(keyFile(c), net.identity(c)).publicKey).toString('hex'),
  }));
  writeFileSync(join(dir, 'enrol.json'), JSON.stringify(enrol));
  writeFileSync(
    join(dir, 'job.json'),
    JSON.stringify(
      syntheticJob({
        name: 'chaos',
        rounds,
        seed,
        minClients: n - 3,
        targetClients: n,
        roundTimeoutMs: 15_000,
        joinWaitMs: 3_000,
        secureAggregation: { dropoutFraction: 0.3 },
        privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'pld' },
      }),
    ),
  );
  const db = join(dir, 'coordinator.db');
  const port = await freePort();
  const log = (name: string) => createWriteStream(join(dir, `${name}.log`), { flags: 'a' });

  let jobId = '';
  let completed = 0;
  let jobStatus = 'running';
  let coordinatorRestarts = 0;
  let clientRestarts = 0;
  const failures: ChaosReport['roundFailures'] = [];
  const inFlight: Promise<unknown>[] = [];
  let garbage: GarbageReport | null = null;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  /** Faults not yet fired that `pred` picks. */
  const notFired = (pred: (f: Fault) => boolean) => faults.filter((f) => !f.fired && pred(f));

  // The coordinator: restarted whenever it dies unasked.
  let coordinator: Proc;
  const startCoordinator = (first: boolean) => {
    const kill = notFired((f) => f.kind === 'coordinator-kill')[0];
    const args = [
      '--db',
      db,
      '--port',
      String(port),
      '--enrol',
      join(dir, 'enrol.json'),
      '--roster',
      rosterFile,
      ...(first ? ['--job', join(dir, 'job.json')] : []),
      ...(kill && kill.kind === 'coordinator-kill' ? ['--kill-before-commit', String(kill.round)] : []),
    ];
    coordinator = new Proc(here('./coordinator-proc.ts'), args, log('coordinator'), onCoordinatorEvent);
    void coordinator.exited.then(({ signal }) => {
      if (coordinator.stopping || coordinatorRestarts >= MAX_RESTARTS) return;
      say(`coordinator exited (${signal ?? 'code'}); restarting`);
      coordinatorRestarts++;
      startCoordinator(false);
    });
  };
  const onCoordinatorEvent = (e: Record<string, unknown>) => {
    if (e['event'] === 'submitted') {
      jobId = String(e['jobId']);
      inject(1);
    } else if (e['event'] === 'killed') {
      for (const f of notFired((f) => f.kind === 'coordinator-kill')) f.fired = true;
      say(`fault: coordinator SIGKILLed after aggregating round ${String(e['round'])}, before committing it`);
    } else if (e['event'] === 'round' && e['jobId'] === jobId) {
      completed = Math.max(completed, Number(e['round']));
      say(
        `round ${String(e['round'])} committed (${String(e['participants'])} participants, ${String(e['dropped'])} dropped)`,
      );
      inject(completed + 1);
    } else if (e['event'] === 'roundFailed' && e['jobId'] === jobId) {
      failures.push({ round: Number(e['round']), attempt: Number(e['attempt']), reason: String(e['reason']) });
      say(`round ${String(e['round'])} attempt ${String(e['attempt'])} failed: ${String(e['reason'])}`);
    } else if (
      e['event'] === 'job' &&
      e['jobId'] === jobId &&
      (e['status'] === 'completed' || e['status'] === 'failed' || e['status'] === 'cancelled')
    ) {
      jobStatus = String(e['status']);
      finish();
    }
  };

  // Hospitals, each behind its own link; restarted whenever they die (crash faults) or are restarted.
  const links = new Map<string, FaultyLink>();
  const procs = new Map<string, Proc>();
  const startClient = (c: string, i: number) => {
    const crash = notFired((f) => f.kind === 'client-crash' && f.client === c && f.round > completed).sort(
      (a, b) => (a as { round: number }).round - (b as { round: number }).round,
    )[0] as (Extract<Fault, { kind: 'client-crash' }> & { fired: boolean }) | undefined;
    const skew = plan.find(
      (f): f is Extract<Fault, { kind: 'clock-skew' }> => f.kind === 'clock-skew' && f.client === c,
    );
    const args = [
      '--coordinator',
      `ws://127.0.0.1:${String(linkPorts.get(c))}`,
      '--name',
      c,
      '--key',
      keyFile(c),
      '--roster',
      rosterFile,
      '--state',
      stateFile(c),
      '--data-seed',
      String(seed * 1000 + i),
      ...(crash ? ['--crash-before', `${crash.round}:${crash.phase}`] : []),
      ...(skew ? ['--clock-skew-ms', String(skew.skewMs)] : []),
    ];
    const p = new Proc(here('./client-proc.ts'), args, log(c), (e) => {
      if (e['event'] === 'crashing' && crash) {
        crash.fired = true;
        say(`fault: ${c} SIGKILLed itself before "${crash.phase}" of round ${crash.round}`);
      }
    });
    procs.set(c, p);
    void p.exited.then(() => {
      if (p.stopping && jobStatus !== 'running') return;
      // A client that cannot stay up (a broken start) is not restarted forever.
      if (++clientRestarts > MAX_RESTARTS * names.length) return;
      startClient(c, i);
    });
  };
  const linkPorts = new Map<string, number>();

  const inject = (round: number) => {
    for (const f of notFired(
      (x) => 'round' in x && x.round === round && x.kind !== 'client-crash' && x.kind !== 'coordinator-kill',
    )) {
      f.fired = true;
      if (f.kind === 'network-stall') {
        links.get(f.client)!.stall(f.ms);
        say(`fault: ${f.client}'s link stalls for ${f.ms} ms in round ${round}`);
      } else if (f.kind === 'network-cut') {
        links.get(f.client)!.cut();
        say(`fault: ${f.client}'s link cut in round ${round}`);
      } else if (f.kind === 'client-restart') {
        say(`fault: ${f.client} restarted in round ${round}`);
        void procs.get(f.client)!.stop('SIGTERM');
      } else if (f.kind === 'garbage') {
        say(`fault: a stranger sends ${f.frames} garbage frames in round ${round}`);
        inFlight.push(
          sendGarbage(`ws://127.0.0.1:${port}`, f.frames, seed).then((g) => {
            garbage = g;
          }),
        );
      }
    }
  };

  startCoordinator(true);
  for (const [i, c] of names.entries()) {
    const link = new FaultyLink(port);
    linkPorts.set(c, await link.listen());
    const slow = plan.find(
      (f): f is Extract<Fault, { kind: 'slow-client' }> => f.kind === 'slow-client' && f.client === c,
    );
    if (slow) link.latencyMs = slow.latencyMs;
    links.set(c, link);
    startClient(c, i);
  }
  for (const f of faults) if (f.kind === 'clock-skew' || f.kind === 'slow-client') f.fired = true;

  const timeout = setTimeout(() => {
    jobStatus = 'timed out';
    finish();
  }, o.timeoutMs ?? 600_000);
  await finished;
  clearTimeout(timeout);
  await Promise.all(inFlight);
  await Promise.all([...procs.values()].map((p) => p.stop('SIGTERM')));
  await coordinator!.stop('SIGTERM');
  await Promise.all([...links.values()].map((l) => l.close()));

  const report = readOutcome(db, jobId, names, stateFile);
  // Judged on the same footing in every run: the final global model on every hospital's test split,
  // not only on the hospitals that happened to answer the final evaluation round.
  const finalAccuracy = await testAccuracy(
    report.spec.model,
    report.weights,
    names.map((_, i) => chaosDataset(seed * 1000 + i)),
  );
  return {
    scenario: 'chaos',
    seed,
    clients: n,
    rounds,
    workdir: dir,
    faultsInjected: faults,
    roundsCompleted: report.roundsCompleted,
    roundsRetried: failures.length + faults.filter((f) => f.kind === 'coordinator-kill' && f.fired).length,
    roundFailures: failures,
    coordinatorRestarts,
    clientRestarts,
    epsilon: report.epsilon,
    epsilonMatches: Object.values(report.epsilon).every(
      (h) => Math.abs(h.ledger - h.accountant) <= EPSILON_TOLERANCE && h.duplicateCharges === 0,
    ),
    ledger: report.ledger,
    finalAccuracy,
    garbage,
    jobStatus,
    wallTimeMs: performance.now() - started,
  };
}

async function testAccuracy(model: ModelSpec, weights: Float32Array, sites: PreparedDataset[]): Promise<number> {
  const { tf } = await loadTf(silentLogger);
  const metrics = [];
  for (const d of sites) metrics.push(await evaluateModel(tf, model, weights, d.test));
  return pooledMetrics(metrics).accuracy;
}

/** What the databases say once every process has stopped. */
function readOutcome(db: string, jobId: string, names: string[], stateFile: (c: string) => string) {
  if (!jobId) throw new CohortError('E_JOB_FAILED', 'the chaos job was never submitted');
  const store = new CoordinatorStore(db);
  let spec, stored, weights;
  try {
    ({ spec, weights } = store.getJob(jobId)!);
    stored = store.rounds(jobId);
  } finally {
    store.close();
  }
  const entries = readCoordinatorLedger(db)
    .entries.map((e) => JSON.parse(e.canonical) as LedgerEntry)
    .filter((e) => e.kind === 'round' && e.jobId === jobId);
  const p = spec.privacy!;
  const epsilon: Record<string, HospitalEpsilon> = {};
  for (const c of names) {
    const mine = entries.filter((e) => (e.body as RoundBody).spends.some((s) => s.hospital === c));
    const spends = mine.flatMap((e) => (e.body as RoundBody).spends.filter((s) => s.hospital === c));
    // What the spec says each of those rounds applies (training, or the final evaluation's counts): the ledger must agree.
    const mechanisms = mine.map((e) => roundMechanism(spec, e.round));
    const state = openHospitalState(stateFile(c));
    let charged;
    try {
      charged = state.budget.spends('synthetic-v1').filter((s) => s.jobId === jobId);
    } finally {
      state.close();
    }
    const chargedRounds = charged.map((s) => s.round);
    epsilon[c] = {
      ledger: spends.at(-1)?.cumulativeEpsilon ?? 0,
      accountant: spends.length ? accountSpend(mechanisms, p.delta, p.accountant).epsilon : 0,
      roundsInSum: spends.length,
      chargedRounds,
      chargedEpsilon: charged.at(-1)?.epsilonAfter ?? 0,
      duplicateCharges: chargedRounds.length - new Set(chargedRounds).size,
    };
  }
  const v = verifyFiles({ db, hospitalLedger: names.map(stateFile) });
  return {
    spec,
    weights,
    roundsCompleted: stored.filter((r) => r.kind === 'train').length,
    epsilon,
    ledger: {
      ok: v.ok,
      entries: v.entries,
      receiptsVerified: v.receiptsVerified,
      failures: v.failures.map((f) => `${f.seq ?? '-'} ${f.code}: ${f.message}`),
    },
  };
}
