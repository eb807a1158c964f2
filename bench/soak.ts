/**
 * Soak (reliability issue, part 5): n hospitals (default 200) train a
 * secure-aggregation job of R rounds (default 50) against one coordinator
 * while every client, in every secure-aggregation phase of every round,
 * crashes with probability p (default 0.1): its connection is terminated
 * before it sends that phase's message, and it reconnects with backoff and
 * rejoins. The coordinator runs in its own process (bench/soak-coordinator.ts)
 * so its resident memory and open file descriptors are read from /proc: every
 * 500 ms and at each round boundary. The clients share this process over real
 * loopback WebSockets, each with a small synthetic dataset.
 *
 * Baseline in the same run: a short job (SOAK_BASELINE_ROUNDS, default 3) on
 * the same coordinator and clients with no crashes.
 *
 * Options (environment): SOAK_CLIENTS, SOAK_ROUNDS, SOAK_DROPOUT, SOAK_SEED,
 * SOAK_BASELINE_ROUNDS, SOAK_DROPOUT_FRACTION, SOAK_CORRUPT_FRACTION.
 *
 * The job's secure-aggregation parameters: chooseParams (core/secagg/params.ts)
 * sizes k and t for a worst case of ⌊δn⌋ clients gone by the unmasking phase.
 * Independent crashes at p per phase leave 0.9^5 ≈ 0.59 of a round's
 * participants at unmasking, i.e. 41% gone on average with a binomial spread
 * (σ ≈ 7 clients at n = 200), so δ must cover about 0.41 plus two σ: 0.48.
 * The job schema requires γ + 2δ < 1, leaving γ (assumed corrupt) = 0.03.
 * At n = 200, δ = 0.47 gives k = 196, t = 102; a Monte Carlo of the phases'
 * thresholds and each owner's share count puts ~3% of full 200-client rounds
 * below t (they fail and are retried, up to MAX_ROUND_ATTEMPTS; rounds with
 * fewer participants fail more often: 9 of 59 attempts in the 200 x 50 run).
 * δ = 0.45, γ = 0.05 would fail ~7%; the default 0.1 / 0.05 nearly all.
 * δ = 0.48 has no secure and live threshold at some client counts (e.g. 100,
 * and even counts 34–50), and a round's participants vary with reconnects,
 * so δ is the largest of 0.48, 0.47, ... 0.45 that chooseParams accepts for
 * every count from minClients (n/2) to n: 0.47 at n = 200 and at n = 40.
 *
 * Record-level DP is off: a hospital recomputes the whole job's ε when it is
 * offered a job (client/daemon.ts checkPrivacy → jobSpend, 0.5–1 s for 50
 * rounds of 10 DP-SGD steps, unmemoised), and here ~80 hospitals reconnect
 * and are re-offered the job every round, which would measure that alone.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EventEmitter, once } from 'node:events';
import { ClientDaemon, type SecAggPhase } from '../client/daemon.ts';
import { loadTf } from '../client/trainer/index.ts';
import { chooseParams } from '../core/secagg/index.ts';
import { corruptCount } from '../core/secagg/params.ts';
import { simulatedNetwork } from '../simulations/network.ts';
import { writeRosterFile } from '../edge/roster-file.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';
import type { PhaseCounts } from '../core/secagg/index.ts';
import { PHASES } from '../simulations/dropouts.ts';
import { syntheticDataset, syntheticJob } from '../simulations/synthetic.ts';

export interface SoakOptions {
  clients: number;
  rounds: number;
  /** Probability that a client crashes before each secure-aggregation phase. */
  dropout: number;
  seed: number;
  baselineRounds: number;
  /** The job's secureAggregation.dropoutFraction (δ) and corruptFraction (γ). */
  dropoutFraction: number;
  corruptFraction: number;
  sampleMs: number;
  say: (line: string) => void;
}

const CORRUPT_FRACTION = 0.03;

/**
 * The largest δ (0.48 down to 0.45) with a secure, live threshold at every
 * participant count the soak's rounds can have, with the colluders a job
 * assumes of the network, ⌈γ·n⌉ (core/job/privacy.ts), all possibly in the round.
 */
export function liveDropoutFraction(n: number, corruptFraction: number): number {
  const counts = Array.from({ length: n - minClientsOf(n) + 1 }, (_, i) => minClientsOf(n) + i);
  const colluders = corruptCount(corruptFraction, n);
  for (const delta of [0.48, 0.47, 0.46]) {
    const live = counts.every((m) => {
      try {
        chooseParams({ n: m, dropoutFraction: delta, corrupt: Math.min(colluders, m - 1) });
        return true;
      } catch {
        return false;
      }
    });
    if (live) return delta;
  }
  return 0.45;
}

const minClientsOf = (n: number) => Math.max(2, Math.ceil(n / 2));

export function soakOptionsFromEnv(env: NodeJS.ProcessEnv, say: (line: string) => void): SoakOptions {
  const num = (name: string, dflt: number) => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const x = Number(v);
    if (!Number.isFinite(x) || x < 0) throw new Error(`${name} must be a number >= 0, got "${v}"`);
    return x;
  };
  return {
    clients: num('SOAK_CLIENTS', 200),
    rounds: num('SOAK_ROUNDS', 50),
    dropout: num('SOAK_DROPOUT', 0.1),
    seed: num('SOAK_SEED', 1),
    baselineRounds: num('SOAK_BASELINE_ROUNDS', 3),
    dropoutFraction: env.SOAK_DROPOUT_FRACTION
      ? num('SOAK_DROPOUT_FRACTION', 0)
      : liveDropoutFraction(num('SOAK_CLIENTS', 200), CORRUPT_FRACTION),
    corruptFraction: num('SOAK_CORRUPT_FRACTION', CORRUPT_FRACTION),
    sampleMs: 500,
    say,
  };
}

interface RoundMsg {
  type: 'round';
  jobId: string;
  round: number;
  kind: 'train' | 'evaluate';
  participants: number;
  dropped: number;
  phaseCounts: PhaseCounts | null;
  heapUsed: number;
  external: number;
  rss: number;
}
type CoordinatorMsg =
  | { type: 'listening'; port: number }
  | { type: 'submitted'; jobId: string }
  | RoundMsg
  | { type: 'roundFailed'; jobId: string; round: number; attempt: number; reason: string }
  | { type: 'job'; jobId: string; status: string; reason: string };

/** What /proc says of a process: resident set now and at its peak (bytes), open descriptors. */
export function procStats(pid: number): { rss: number; hwm: number; fds: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null; // the process has exited
  }
}

/** Least-squares slope of y against x. */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** Slope per round over the second half (after warm-up), and that slope times the rounds relative to the mean. */
function trend(rounds: readonly number[], values: readonly number[]) {
  const from = Math.floor(rounds.length / 2);
  const x = rounds.slice(from);
  const y = values.slice(from);
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  const perRound = slope(x, y);
  return {
    perRound,
    mean,
    relative: (perRound * rounds.length) / mean,
    min: Math.min(...values),
    max: Math.max(...values),
    first: values[0]!,
    last: values.at(-1)!,
  };
}

const mem = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
};

/** The coordinator process and its messages. */
class CoordinatorProcess extends EventEmitter<{ msg: [CoordinatorMsg] }> {
  readonly child: ChildProcess;
  private stderr = '';

  constructor(dir: string, enrolPath: string, rosterPath: string) {
    super();
    const script = fileURLToPath(new URL('./soak-coordinator.ts', import.meta.url));
    this.child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        script,
        '--db',
        join(dir, 'coordinator.db'),
        '--enrol',
        enrolPath,
        '--roster',
        rosterPath,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) this.emit('msg', JSON.parse(line) as CoordinatorMsg);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves with the first message that `pick` maps to a value; rejects if the process exits first. */
  next<T>(pick: (m: CoordinatorMsg) => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMsg = (m: CoordinatorMsg) => {
        const v = pick(m);
        if (v === undefined) return;
        this.off('msg', onMsg);
        this.child.off('exit', onExit);
        resolve(v);
      };
      const onExit = (code: number | null) => {
        this.off('msg', onMsg);
        reject(new Error(`soak coordinator exited (${code}): ${this.stderr}`));
      };
      this.on('msg', onMsg);
      this.child.once('exit', onExit);
    });
  }

  async submit(spec: object): Promise<string> {
    const id = this.next((m) => (m.type === 'submitted' ? m.jobId : undefined));
    this.child.stdin!.write(`${JSON.stringify(spec)}\n`);
    return id;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.stdin!.end();
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }
}

interface JobRun {
  jobId: string;
  status: string;
  reason: string;
  submittedAt: number;
  rounds: (RoundMsg & { at: number; coordinator: { rss: number; fds: number } | null; clientRss: number })[];
  failures: { round: number; attempt: number; reason: string }[];
}

/** Submits a job and follows it to its end, sampling both processes at each round boundary. */
async function runJob(
  coord: CoordinatorProcess,
  spec: object,
  onSubmitted: (jobId: string) => void = () => {},
): Promise<JobRun> {
  const run: JobRun = { jobId: '', status: '', reason: '', submittedAt: performance.now(), rounds: [], failures: [] };
  const onMsg = (m: CoordinatorMsg) => {
    if (!('jobId' in m) || m.jobId !== run.jobId) return;
    if (m.type === 'round') {
      const p = procStats(coord.pid);
      run.rounds.push({
        ...m,
        at: performance.now(),
        coordinator: p && { rss: p.rss, fds: p.fds },
        clientRss: process.memoryUsage().rss,
      });
    } else if (m.type === 'roundFailed') run.failures.push({ round: m.round, attempt: m.attempt, reason: m.reason });
  };
  coord.on('msg', onMsg);
  const submitted = coord.submit(spec);
  // The job's end may be reported before the submission's reply is read: both are awaited on the same stream.
  const ended = coord.next((m) =>
    m.type === 'job' && m.jobId === run.jobId && !['running', 'waiting', 'paused'].includes(m.status) ? m : undefined,
  );
  run.jobId = await submitted;
  onSubmitted(run.jobId);
  const end = await ended;
  coord.off('msg', onMsg);
  run.status = end.type === 'job' ? end.status : '';
  run.reason = end.type === 'job' ? end.reason : '';
  return run;
}

/**
 * Round rate from the end of the first training round to the end of the
 * last (steady state: the first round also pays for offers, joins and the
 * trainer's first compilation), and mean participants per round.
 */
function roundRate(run: JobRun): {
  rounds: number;
  perMinute: number;
  meanRoundMs: number;
  meanParticipants: number;
  firstRoundMs: number;
} {
  const train = run.rounds.filter((r) => r.kind === 'train');
  const ms = train.length > 1 ? train.at(-1)!.at - train[0]!.at : Number.NaN;
  const meanRoundMs = ms / (train.length - 1);
  return {
    rounds: train.length,
    perMinute: 60_000 / meanRoundMs,
    meanRoundMs,
    meanParticipants: train.reduce((s, r) => s + r.participants, 0) / train.length,
    firstRoundMs: train.length > 0 ? train[0]!.at - run.submittedAt : Number.NaN,
  };
}

export async function benchSoak(o: SoakOptions) {
  const n = o.clients;
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-soak-'));
  const names = Array.from({ length: n }, (_, i) => `soak-${String(i).padStart(3, '0')}`);
  // The hospitals' keys and the roster they all signed (the coordinator publishes it; each daemon holds it).
  const net = simulatedNetwork(names, 'soak');
  const ids = names.map((name) => net.identity(name));
  const enrolPath = join(dir, 'enrol.json');
  writeFileSync(
    enrolPath,
    JSON.stringify(names.map((name, i) => ({ name, publicKeyHex: Buffer.from(ids[i]!.publicKey).toString('hex') }))),
  );
  const rosterPath = join(dir, 'roster.json');
  writeRosterFile(rosterPath, net.chain, 'create');
  const coord = new CoordinatorProcess(dir, enrolPath, rosterPath);
  const port = await coord.next((m) => (m.type === 'listening' ? m.port : undefined));
  const idle = procStats(coord.pid)!;

  const samples: { t: number; rss: number; fds: number }[] = [];
  const sampler = setInterval(() => {
    const p = procStats(coord.pid);
    if (p) samples.push({ t: Math.round(performance.now() - t0), rss: p.rss, fds: p.fds });
  }, o.sampleMs);

  // The trainer's backend is loaded once for the process; it is not a client's memory.
  await loadTf();
  const before = mem();
  let soakJob = '';
  const injected: Record<SecAggPhase, number> = {
    advertise: 0,
    reveal: 0,
    share: 0,
    masked: 0,
    consistency: 0,
    unmask: 0,
  };
  const clients = names.map((name, i) => {
    // One stream per client, drawn in the order it reaches phases: reproducible per client, fresh draws on a retried round.
    const rng = seededRng(deriveSeed(o.seed, 'soak', name));
    return new ClientDaemon({
      coordinatorUrl: `ws://127.0.0.1:${port}`,
      name,
      identity: ids[i]!,
      roster: net.chain,
      dataset: syntheticDataset(o.seed * 1000 + i, 80, 40),
      backoffMinMs: 50,
      backoffMaxMs: 500,
      // Crashes at the five phases whose dropouts the protocol tolerates. Between committing to the seed and
      // revealing it a dropout fails the attempt by design (core/secagg/seed.ts), so 10% there would fail every round.
      crashBefore: ({ jobId, phase }) => {
        if (jobId !== soakJob || phase === 'reveal' || rng.float() >= o.dropout) return false;
        injected[phase]++;
        return true;
      },
    });
  });
  let runs: { baseline: JobRun | null; soak: JobRun };
  let connected: NodeJS.MemoryUsage;
  let end: NodeJS.MemoryUsage;
  let hwm: number;
  try {
    await Promise.all(
      clients.map((c) => {
        const up = once(c, 'connected');
        c.start();
        return up;
      }),
    );
    connected = mem();
    o.say(`soak: ${n} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const job = (name: string, rounds: number) =>
      syntheticJob({
        name,
        rounds,
        minClients: minClientsOf(n),
        targetClients: n,
        roundTimeoutMs: 60_000,
        joinWaitMs: 10_000,
        seed: o.seed,
        secureAggregation: { dropoutFraction: o.dropoutFraction, corruptFraction: o.corruptFraction },
      });
    const baseline = o.baselineRounds > 0 ? await runJob(coord, job('soak-baseline', o.baselineRounds)) : null;
    if (baseline)
      o.say(
        `soak: baseline job (no crashes) ${baseline.status}: ${roundRate(baseline).meanRoundMs.toFixed(0)} ms/round`,
      );
    const progress = (m: CoordinatorMsg) => {
      if (m.type === 'round' && m.jobId === soakJob)
        o.say(
          `soak: round ${m.round}/${o.rounds + 1} ${m.kind}: ${m.participants} participants, ${m.dropped} dropped; coordinator heap ${(m.heapUsed / 2 ** 20).toFixed(1)} MiB, rss ${(m.rss / 2 ** 20).toFixed(1)} MiB`,
        );
      if (m.type === 'roundFailed' && m.jobId === soakJob)
        o.say(`soak: round ${m.round} failed (attempt ${m.attempt}): ${m.reason}`);
    };
    coord.on('msg', progress);
    // The crash hook keys on the job id, known once submitted; the first secure-aggregation phase comes after the clients join and train.
    const soak = await runJob(coord, job('soak', o.rounds), (id) => {
      soakJob = id;
    });
    coord.off('msg', progress);
    runs = { baseline, soak };
    end = mem();
    hwm = procStats(coord.pid)?.hwm ?? Number.NaN;
  } finally {
    clearInterval(sampler);
    await Promise.all(clients.map((c) => c.stop()));
    await coord.close();
  }
  const totalMs = performance.now() - t0;

  const { soak, baseline } = runs;
  const train = soak.rounds.filter((r) => r.kind === 'train' && r.coordinator);
  const roundNo = train.map((r) => r.round);
  const speed = roundRate(soak);
  const base = baseline && roundRate(baseline);
  const sum = (k: keyof PhaseCounts) => train.reduce((s, r) => s + (r.phaseCounts?.[k] ?? 0), 0);
  const soakSamples = samples.filter((s) => s.t >= soak.submittedAt - t0);
  return {
    clients: n,
    rounds: o.rounds,
    dropoutPerPhase: o.dropout,
    seed: o.seed,
    secureAggregation: { dropoutFraction: o.dropoutFraction, corruptFraction: o.corruptFraction },
    totalSeconds: totalMs / 1000,
    status: soak.status,
    reason: soak.reason,
    roundsCompleted: train.length,
    roundsFailed: soak.failures.length,
    failures: soak.failures.slice(0, 10),
    roundsPerMinute: speed.perMinute,
    meanRoundMs: speed.meanRoundMs,
    meanParticipants: speed.meanParticipants,
    firstRoundMs: speed.firstRoundMs,
    baseline: base && {
      rounds: base.rounds,
      roundsPerMinute: base.perMinute,
      meanRoundMs: base.meanRoundMs,
      meanParticipants: base.meanParticipants,
      status: baseline!.status,
    },
    dropoutsInjected: injected,
    dropoutsTotal: Object.values(injected).reduce((a, b) => a + b, 0),
    /** Summed over completed rounds: participants, and clients that completed each phase (U1..U5). */
    phaseTotals: {
      participants: train.reduce((s, r) => s + r.participants, 0),
      ...Object.fromEntries(PHASES.map((p) => [p, sum(p)])),
    },
    coordinator: {
      idleRss: idle.rss,
      idleFds: idle.fds,
      rss: trend(
        roundNo,
        train.map((r) => r.coordinator!.rss),
      ),
      heapAfterGc: trend(
        roundNo,
        train.map((r) => r.heapUsed),
      ),
      external: trend(
        roundNo,
        train.map((r) => r.external),
      ),
      fds: trend(
        roundNo,
        train.map((r) => r.coordinator!.fds),
      ),
      peakRss: Math.max(...soakSamples.map((s) => s.rss), ...train.map((r) => r.coordinator!.rss)),
      /** VmHWM: the kernel's peak over the process's life (baseline job included). */
      highWaterMark: hwm,
      sampledFds: { min: Math.min(...soakSamples.map((s) => s.fds)), max: Math.max(...soakSamples.map((s) => s.fds)) },
    },
    clientProcess: {
      rss: trend(
        roundNo,
        train.map((r) => r.clientRss),
      ),
      perClientConnected: { rss: (connected!.rss - before.rss) / n, heap: (connected!.heapUsed - before.heapUsed) / n },
      perClientEnd: { rss: (end!.rss - before.rss) / n, heap: (end!.heapUsed - before.heapUsed) / n },
    },
    perRound: soak.rounds.map((r) => ({
      round: r.round,
      kind: r.kind,
      atMs: Math.round(r.at - soak.submittedAt),
      participants: r.participants,
      dropped: r.dropped,
      phaseCounts: r.phaseCounts,
      coordinatorRss: r.coordinator?.rss ?? null,
      coordinatorFds: r.coordinator?.fds ?? null,
      coordinatorHeap: r.heapUsed,
      clientRss: r.clientRss,
    })),
    samples,
  };
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function formatSoak(r: Awaited<ReturnType<typeof benchSoak>>): string[] {
  const c = r.coordinator;
  const inj = r.dropoutsInjected;
  const growth = (
    name: string,
    t: { perRound: number; relative: number; mean: number; first: number; last: number },
    unit: (b: number) => string,
  ) =>
    `  ${name}: ${unit(t.first)} after round 1, ${unit(t.last)} at the end; slope over the second half ${unit(t.perRound)}/round = ${(t.relative * 100).toFixed(2)}% of its mean (${unit(t.mean)}) over ${r.rounds} rounds`;
  return [
    `soak (${r.clients} clients, ${r.rounds} rounds, ${r.dropoutPerPhase * 100}% crashes per secure-aggregation phase, coordinator in its own process): job ${r.status}, ${r.roundsCompleted} rounds completed, ${r.roundsFailed} failed attempts (retried), ${(r.totalSeconds / 60).toFixed(1)} min in all`,
    ...(r.status === 'completed' ? [] : [`  the job ended ${r.status}: ${r.reason}`]),
    `  ${r.roundsPerMinute.toFixed(2)} rounds/min (${(r.meanRoundMs / 1000).toFixed(1)} s/round after the first, ${r.meanParticipants.toFixed(0)} participants/round)${r.baseline ? ` vs ${r.baseline.roundsPerMinute.toFixed(2)} rounds/min without crashes (${r.baseline.rounds}-round job, same run, ${r.baseline.meanParticipants.toFixed(0)} participants/round): time ratio ${(r.meanRoundMs / r.baseline.meanRoundMs).toFixed(2)}` : ''}`,
    `  crashes injected: ${r.dropoutsTotal} (advertise ${inj.advertise}, share ${inj.share}, masked ${inj.masked}, consistency ${inj.consistency}, unmask ${inj.unmask}); completed rounds had ${r.phaseTotals.participants} participants, ${(r.phaseTotals as Record<string, number>).unmask} answered the unmasking`,
    `coordinator memory (round ends; heap after a full GC), idle before clients ${mib(c.idleRss)} RSS:`,
    growth('RSS', c.rss, mib),
    growth('heap', c.heapAfterGc, mib),
    `  peak RSS ${mib(c.peakRss)} sampled during the soak (ratio to round 1's ${(c.peakRss / c.rss.first).toFixed(2)}; kernel high-water mark ${mib(c.highWaterMark)})`,
    `  open fds at round ends ${c.fds.min}–${c.fds.max} (slope ${c.fds.perRound.toFixed(2)}/round; every 500 ms ${c.sampledFds.min}–${c.sampledFds.max}; idle ${c.idleFds}; ${r.clients} clients)`,
    `client process (${r.clients} daemons): per client ${kib(r.clientProcess.perClientConnected.rss)} RSS, ${kib(r.clientProcess.perClientConnected.heap)} heap once connected; ${kib(r.clientProcess.perClientEnd.rss)} RSS, ${kib(r.clientProcess.perClientEnd.heap)} heap after the soak`,
    growth('client process RSS', r.clientProcess.rss, mib),
  ];
}
