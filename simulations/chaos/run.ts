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
import { createWriteStream, mkdirSync, mkdtempSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosDataset } from './data.ts';
import { FaultyLink } from './link.ts';
import { sendGarbage, type GarbageReport } from './garbage.ts';
import { chaosPlan, type Fault } from './plan.ts';
import { Proc, freePort, here } from './proc.ts';
import { chaosFiles, writeChaosFiles, type ChaosFiles } from './workdir.ts';
import { readOutcome, testAccuracy, type HospitalEpsilon } from './outcome.ts';

export type { HospitalEpsilon };

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
  /** `spendsWitnessed`: spends a checkpoint cosigned by their hospital covers. */
  ledger: { ok: boolean; entries: number; spendsWitnessed: number; failures: string[] };
  finalAccuracy: number;
  garbage: GarbageReport | null;
  jobStatus: string;
  wallTimeMs: number;
}

const EPSILON_TOLERANCE = 1e-9;
/** Most restarts of the coordinator, and per client on average, before the run stops restarting. */
const MAX_RESTARTS = 20;

type Fired = Fault & { fired: boolean };

/**
 * One chaos run in progress: the coordinator and the hospitals, each
 * restarted when it dies, the faults of the plan fired as the rounds come,
 * and what the coordinator reports of the job.
 */
class ChaosRun {
  readonly faults: Fired[];
  readonly links = new Map<string, FaultyLink>();
  readonly procs = new Map<string, Proc>();
  readonly failures: ChaosReport['roundFailures'] = [];
  readonly inFlight: Promise<unknown>[] = [];
  coordinator: Proc | null = null;
  jobId = '';
  completed = 0;
  jobStatus = 'running';
  coordinatorRestarts = 0;
  clientRestarts = 0;
  garbage: GarbageReport | null = null;
  readonly finished: Promise<void>;
  private finish!: () => void;
  private readonly linkPorts = new Map<string, number>();

  constructor(
    readonly plan: Fault[],
    readonly names: string[],
    readonly files: ChaosFiles,
    readonly port: number,
    readonly seed: number,
    readonly say: (line: string) => void,
  ) {
    this.faults = plan.map((f) => ({ ...f, fired: false }));
    this.finished = new Promise<void>((resolve) => (this.finish = resolve));
  }

  end(status: string): void {
    this.jobStatus = status;
    this.finish();
  }

  /** Faults not yet fired that `pred` picks. */
  private notFired(pred: (f: Fault) => boolean): Fired[] {
    return this.faults.filter((f) => !f.fired && pred(f));
  }

  private log(name: string): WriteStream {
    return createWriteStream(this.files.log(name), { flags: 'a' });
  }

  /** The coordinator: restarted whenever it dies unasked. */
  startCoordinator(first: boolean): void {
    const kill = this.notFired((f) => f.kind === 'coordinator-kill')[0];
    const args = [
      '--db',
      this.files.db,
      '--port',
      String(this.port),
      '--enrol',
      this.files.enrolFile,
      '--roster',
      this.files.rosterFile,
      ...(first ? ['--job', this.files.jobFile] : []),
      ...(kill && kill.kind === 'coordinator-kill' ? ['--kill-before-commit', String(kill.round)] : []),
    ];
    const coordinator = new Proc(here('./coordinator-proc.ts'), args, this.log('coordinator'), (e) =>
      this.onCoordinatorEvent(e),
    );
    this.coordinator = coordinator;
    void coordinator.exited.then(({ signal }) => {
      if (coordinator.stopping || this.coordinatorRestarts >= MAX_RESTARTS) return;
      this.say(`coordinator exited (${signal ?? 'code'}); restarting`);
      this.coordinatorRestarts++;
      this.startCoordinator(false);
    });
  }

  private onCoordinatorEvent(e: Record<string, unknown>): void {
    const ofJob = e['jobId'] === this.jobId;
    if (e['event'] === 'submitted') {
      this.jobId = String(e['jobId']);
      this.inject(1);
    } else if (e['event'] === 'killed') {
      for (const f of this.notFired((f) => f.kind === 'coordinator-kill')) f.fired = true;
      this.say(`fault: coordinator SIGKILLed after aggregating round ${String(e['round'])}, before committing it`);
    } else if (e['event'] === 'round' && ofJob) {
      this.completed = Math.max(this.completed, Number(e['round']));
      this.say(
        `round ${String(e['round'])} committed (${String(e['participants'])} participants, ${String(e['dropped'])} dropped)`,
      );
      this.inject(this.completed + 1);
    } else if (e['event'] === 'roundFailed' && ofJob) {
      this.failures.push({ round: Number(e['round']), attempt: Number(e['attempt']), reason: String(e['reason']) });
      this.say(`round ${String(e['round'])} attempt ${String(e['attempt'])} failed: ${String(e['reason'])}`);
    } else if (e['event'] === 'job' && ofJob && ['completed', 'failed', 'cancelled'].includes(String(e['status']))) {
      this.end(String(e['status']));
    }
  }

  /** Hospital `c`'s link to the coordinator, slowed for the whole run if the plan says so. */
  async openLink(c: string): Promise<void> {
    const link = new FaultyLink(this.port);
    this.linkPorts.set(c, await link.listen());
    const slow = this.plan.find(
      (f): f is Extract<Fault, { kind: 'slow-client' }> => f.kind === 'slow-client' && f.client === c,
    );
    if (slow) link.latencyMs = slow.latencyMs;
    this.links.set(c, link);
  }

  /** A hospital: restarted whenever it dies (crash faults) or is restarted. */
  startClient(c: string, i: number): void {
    const crash = this.notFired((f) => f.kind === 'client-crash' && f.client === c && f.round > this.completed).sort(
      (a, b) => (a as { round: number }).round - (b as { round: number }).round,
    )[0] as (Extract<Fault, { kind: 'client-crash' }> & { fired: boolean }) | undefined;
    const skew = this.plan.find(
      (f): f is Extract<Fault, { kind: 'clock-skew' }> => f.kind === 'clock-skew' && f.client === c,
    );
    const args = [
      '--coordinator',
      `ws://127.0.0.1:${String(this.linkPorts.get(c))}`,
      '--name',
      c,
      '--key',
      this.files.keyFile(c),
      '--roster',
      this.files.rosterFile,
      '--state',
      this.files.stateFile(c),
      '--data-seed',
      String(this.seed * 1000 + i),
      ...(crash ? ['--crash-before', `${crash.round}:${crash.phase}`] : []),
      ...(skew ? ['--clock-skew-ms', String(skew.skewMs)] : []),
    ];
    const p = new Proc(here('./client-proc.ts'), args, this.log(c), (e) => {
      if (e['event'] === 'crashing' && crash) {
        crash.fired = true;
        this.say(`fault: ${c} SIGKILLed itself before "${crash.phase}" of round ${crash.round}`);
      }
    });
    this.procs.set(c, p);
    void p.exited.then(() => {
      if (p.stopping && this.jobStatus !== 'running') return;
      // A client that cannot stay up (a broken start) is not restarted forever.
      if (++this.clientRestarts > MAX_RESTARTS * this.names.length) return;
      this.startClient(c, i);
    });
  }

  /** Fires the faults planned for `round` that the harness causes (crashes and the kill are the processes' own). */
  private inject(round: number): void {
    for (const f of this.notFired(
      (x) => 'round' in x && x.round === round && x.kind !== 'client-crash' && x.kind !== 'coordinator-kill',
    )) {
      f.fired = true;
      if (f.kind === 'network-stall') {
        this.links.get(f.client)!.stall(f.ms);
        this.say(`fault: ${f.client}'s link stalls for ${f.ms} ms in round ${round}`);
      } else if (f.kind === 'network-cut') {
        this.links.get(f.client)!.cut();
        this.say(`fault: ${f.client}'s link cut in round ${round}`);
      } else if (f.kind === 'client-restart') {
        this.say(`fault: ${f.client} restarted in round ${round}`);
        void this.procs.get(f.client)!.stop('SIGTERM');
      } else if (f.kind === 'garbage') {
        this.say(`fault: a stranger sends ${f.frames} garbage frames in round ${round}`);
        this.inFlight.push(
          sendGarbage(`ws://127.0.0.1:${this.port}`, f.frames, this.seed).then((g) => {
            this.garbage = g;
          }),
        );
      }
    }
  }

  /** Waits for the job's end (or the timeout), then stops every process and link. */
  async settle(timeoutMs: number): Promise<void> {
    const timeout = setTimeout(() => this.end('timed out'), timeoutMs);
    await this.finished;
    clearTimeout(timeout);
    await Promise.all(this.inFlight);
    await Promise.all([...this.procs.values()].map((p) => p.stop('SIGTERM')));
    await this.coordinator!.stop('SIGTERM');
    await Promise.all([...this.links.values()].map((l) => l.close()));
  }
}

export async function runChaos(o: ChaosOptions = {}): Promise<ChaosReport> {
  const started = performance.now();
  const n = o.clients ?? 8;
  const rounds = o.rounds ?? 8;
  const seed = o.seed ?? 1;
  const names = Array.from({ length: n }, (_, i) => `site-${String(i).padStart(2, '0')}`);
  const plan = o.faults === false ? [] : chaosPlan({ clients: names, rounds, seed });
  const dir = o.workdir ?? mkdtempSync(join(tmpdir(), 'cohort-chaos-'));
  mkdirSync(dir, { recursive: true });
  const files = chaosFiles(dir);
  writeChaosFiles(files, names, rounds, seed);
  const run = new ChaosRun(plan, names, files, await freePort(), seed, o.onEvent ?? (() => undefined));
  run.startCoordinator(true);
  for (const [i, c] of names.entries()) {
    await run.openLink(c);
    run.startClient(c, i);
  }
  for (const f of run.faults) if (f.kind === 'clock-skew' || f.kind === 'slow-client') f.fired = true;
  await run.settle(o.timeoutMs ?? 600_000);
  return chaosReport(run, { dir, rounds, started });
}

/** The report: the run's counts beside what the databases say and the final model's accuracy. */
async function chaosReport(run: ChaosRun, o: { dir: string; rounds: number; started: number }): Promise<ChaosReport> {
  const { names, seed, faults, failures } = run;
  const report = readOutcome(run.files.db, run.jobId, names, run.files.stateFile);
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
    clients: names.length,
    rounds: o.rounds,
    workdir: o.dir,
    faultsInjected: faults,
    roundsCompleted: report.roundsCompleted,
    roundsRetried: failures.length + faults.filter((f) => f.kind === 'coordinator-kill' && f.fired).length,
    roundFailures: failures,
    coordinatorRestarts: run.coordinatorRestarts,
    clientRestarts: run.clientRestarts,
    epsilon: report.epsilon,
    epsilonMatches: Object.values(report.epsilon).every(
      (h) => Math.abs(h.ledger - h.accountant) <= EPSILON_TOLERANCE && h.duplicateCharges === 0,
    ),
    ledger: report.ledger,
    finalAccuracy,
    garbage: run.garbage,
    jobStatus: run.jobStatus,
    wallTimeMs: performance.now() - o.started,
  };
}
