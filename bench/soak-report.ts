/** The soak's figures from what it measured (soak.ts), and the lines it prints. */
import type { PhaseCounts } from '../core/secagg/index.ts';
import type { SecAggPhase } from '../client/daemon.ts';
import { PHASES } from '../simulations/dropouts.ts';
import { roundRate, type JobRun } from './soak-job.ts';

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

/** What one soak run measured, for its report. */
export interface SoakMeasures {
  /** The run's settings (soak.ts SoakOptions). */
  o: {
    clients: number;
    rounds: number;
    dropout: number;
    seed: number;
    dropoutFraction: number;
    corruptFraction: number;
  };
  /** performance.now() at the start, and the run's length (ms). */
  t0: number;
  totalMs: number;
  /** The coordinator idle before any client, and sampled every o.sampleMs. */
  idle: { rss: number; fds: number };
  samples: { t: number; rss: number; fds: number }[];
  /** The clients' process: before the daemons, once they are connected, after the soak. */
  before: NodeJS.MemoryUsage;
  connected: NodeJS.MemoryUsage;
  end: NodeJS.MemoryUsage;
  /** The coordinator's VmHWM at the end. */
  hwm: number;
  injected: Record<SecAggPhase, number>;
  baseline: JobRun | null;
  soak: JobRun;
}

type TrainRound = JobRun['rounds'][number];

export function soakReport(m: SoakMeasures) {
  const { o, soak, baseline, injected } = m;
  const train = soak.rounds.filter((r) => r.kind === 'train' && r.coordinator);
  const speed = roundRate(soak);
  const base = baseline && roundRate(baseline);
  const sum = (k: keyof PhaseCounts) => train.reduce((s, r) => s + (r.phaseCounts?.[k] ?? 0), 0);
  return {
    clients: o.clients,
    rounds: o.rounds,
    dropoutPerPhase: o.dropout,
    seed: o.seed,
    secureAggregation: { dropoutFraction: o.dropoutFraction, corruptFraction: o.corruptFraction },
    totalSeconds: m.totalMs / 1000,
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
    coordinator: coordinatorFigures(m, train),
    clientProcess: clientFigures(m, train),
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
    samples: m.samples,
  };
}

/** The coordinator's memory and descriptors at round ends (trends over the rounds) and sampled during the soak. */
function coordinatorFigures(m: SoakMeasures, train: TrainRound[]) {
  const roundNo = train.map((r) => r.round);
  const soakSamples = m.samples.filter((s) => s.t >= m.soak.submittedAt - m.t0);
  return {
    idleRss: m.idle.rss,
    idleFds: m.idle.fds,
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
    highWaterMark: m.hwm,
    sampledFds: { min: Math.min(...soakSamples.map((s) => s.fds)), max: Math.max(...soakSamples.map((s) => s.fds)) },
  };
}

/** The clients' process: its RSS over the rounds, and per client once connected and after the soak. */
function clientFigures(m: SoakMeasures, train: TrainRound[]) {
  const n = m.o.clients;
  return {
    rss: trend(
      train.map((r) => r.round),
      train.map((r) => r.clientRss),
    ),
    perClientConnected: {
      rss: (m.connected.rss - m.before.rss) / n,
      heap: (m.connected.heapUsed - m.before.heapUsed) / n,
    },
    perClientEnd: { rss: (m.end.rss - m.before.rss) / n, heap: (m.end.heapUsed - m.before.heapUsed) / n },
  };
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

export function formatSoak(r: ReturnType<typeof soakReport>): string[] {
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
