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
 * The coordinator process and its messages: soak-process.ts; a job followed
 * to its end: soak-job.ts; the figures and the printed lines: soak-report.ts.
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
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { ClientDaemon, type SecAggPhase } from '../client/daemon.ts';
import { loadTf } from '../client/trainer/index.ts';
import { chooseParams, type Identity } from '../core/secagg/index.ts';
import { corruptCount } from '../core/secagg/params.ts';
import { simulatedNetwork } from '../simulations/network.ts';
import { writeRosterFile } from '../edge/roster-file.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';
import { syntheticDataset, syntheticJob } from '../simulations/synthetic.ts';
import { CoordinatorProcess, procStats, type CoordinatorMsg } from './soak-process.ts';
import { roundRate, runJob, type JobRun } from './soak-job.ts';
import { soakReport, type SoakMeasures } from './soak-report.ts';

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

const mem = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
};

/** The hospitals' keys and the roster they all signed (the coordinator publishes it; each daemon holds it), and the coordinator that enrols them, listening. */
async function startCoordinator(dir: string, names: string[]) {
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
  return { coord, port, chain: net.chain, ids };
}

/**
 * The hospitals' daemons, each crashing before a secure-aggregation phase of
 * the job `soakJob()` names with probability o.dropout, counted in `injected`.
 */
function soakClients(
  o: SoakOptions,
  names: string[],
  net: { port: number; chain: ReturnType<typeof simulatedNetwork>['chain']; ids: Identity[] },
  soakJob: () => string,
  injected: Record<SecAggPhase, number>,
): ClientDaemon[] {
  return names.map((name, i) => {
    // One stream per client, drawn in the order it reaches phases: reproducible per client, fresh draws on a retried round.
    const rng = seededRng(deriveSeed(o.seed, 'soak', name));
    return new ClientDaemon({
      coordinatorUrl: `ws://127.0.0.1:${net.port}`,
      name,
      identity: net.ids[i]!,
      roster: net.chain,
      dataset: syntheticDataset(o.seed * 1000 + i, 80, 40),
      backoffMinMs: 50,
      backoffMaxMs: 500,
      // Crashes at the five phases whose dropouts the protocol tolerates. Between committing to the seed and
      // revealing it a dropout fails the attempt by design (core/secagg/seed.ts), so 10% there would fail every round.
      crashBefore: ({ jobId, phase }) => {
        if (jobId !== soakJob() || phase === 'reveal' || rng.float() >= o.dropout) return false;
        injected[phase]++;
        return true;
      },
    });
  });
}

/** The baseline job (no crashes), then the soak job, its rounds reported as they end. */
async function runSoakJobs(
  o: SoakOptions,
  coord: CoordinatorProcess,
  onSoakJob: (jobId: string) => void,
): Promise<{ baseline: JobRun | null; soak: JobRun }> {
  const n = o.clients;
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
    o.say(`soak: baseline job (no crashes) ${baseline.status}: ${roundRate(baseline).meanRoundMs.toFixed(0)} ms/round`);
  let soakJob = '';
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
    onSoakJob(id);
  });
  coord.off('msg', progress);
  return { baseline, soak };
}

export async function benchSoak(o: SoakOptions) {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-soak-'));
  const names = Array.from({ length: o.clients }, (_, i) => `soak-${String(i).padStart(3, '0')}`);
  const net = await startCoordinator(dir, names);
  const { coord } = net;
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
  const clients = soakClients(o, names, net, () => soakJob, injected);
  let measured: Omit<SoakMeasures, 'totalMs'>;
  try {
    await Promise.all(
      clients.map((c) => {
        const up = once(c, 'connected');
        c.start();
        return up;
      }),
    );
    const connected = mem();
    o.say(`soak: ${o.clients} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const runs = await runSoakJobs(o, coord, (id) => {
      soakJob = id;
    });
    const end = mem();
    const hwm = procStats(coord.pid)?.hwm ?? Number.NaN;
    measured = { o, t0, idle, samples, before, connected, end, hwm, injected, ...runs };
  } finally {
    clearInterval(sampler);
    await Promise.all(clients.map((c) => c.stop()));
    await coord.close();
  }
  return soakReport({ ...measured, totalMs: performance.now() - t0 });
}
