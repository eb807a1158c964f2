/**
 * How every scenario runs its job: a coordinator with a database in a fresh
 * temporary folder (or the path given), the simulated hospitals' keys and the
 * roster they all signed (network.ts), from which secure aggregation takes
 * peers' keys, on a free loopback port; the scenario's hospitals built on it,
 * each keeping its own state database as a real site would; the job run to
 * its end; and everything torn down however it ended.
 *
 * One function does all of it (runFederation), so that no scenario holds a
 * listening coordinator outside the try that closes it: a hospital's state
 * database that cannot be opened, or a daemon that cannot be built, fails the
 * run with everything already opened closed, instead of leaving a process
 * that never exits.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../edge/log.ts';
import { CohortError } from '../core/errors.ts';
import { pooledMetrics, type Metrics } from '../core/metrics.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import type { ClientDaemon } from '../client/daemon.ts';
import { openHospitalState, type HospitalState } from '../client/hospital-state.ts';
import { simulatedNetwork, type SimulatedNetwork } from './network.ts';

export interface SimulatedFederation {
  net: SimulatedNetwork;
  coordinator: Coordinator;
  port: number;
  dbPath: string;
  /** Hospital `h`'s state database, beside the coordinator's. */
  statePath(h: string): string;
  /** Opens the hospital state database at `path`; the federation closes it when the run ends, however it ends. */
  openState(path: string): HospitalState;
}

/** Where the federation runs: its hospitals, its roster's network name, and the coordinator's database. */
export interface FederationPlan {
  names: readonly string[];
  network: string;
  log: Logger;
  /** Default: coordinator.db in a fresh temporary folder. */
  dbPath?: string | undefined;
}

/** Called after each round a job completes, with the pooled metrics of an evaluation round. */
export type OnRound = (round: number, totalRounds: number, pooled: Metrics | null) => void;

/** What a scenario builds on the running federation. */
export interface FederationSetup<T> {
  clients: readonly ClientDaemon[];
  /** Reads the results once the job completed, while the coordinator is still open. */
  finish: (jobId: string, roundTimesMs: number[]) => Promise<T>;
}

/**
 * Starts the federation, lets `setup` open the hospitals' state databases
 * (fed.openState) and build their daemons, runs `job` with them until it
 * ends, and returns what `finish` reads. However it ends, even by `setup`
 * throwing, the daemons are stopped, the coordinator closed and every state
 * database opened closed.
 */
export async function runFederation<T>(
  plan: FederationPlan,
  job: { spec: unknown; onRound: OnRound | undefined },
  setup: (fed: SimulatedFederation) => FederationSetup<T>,
): Promise<T> {
  const states: HospitalState[] = [];
  const fed = await startFederation(plan, states);
  let clients: readonly ClientDaemon[] = [];
  try {
    const built = setup(fed);
    clients = built.clients;
    const roundTimesMs: number[] = [];
    const jobId = fed.coordinator.submitJob(job.spec);
    const done = jobEnd(fed.coordinator, jobId, roundTimesMs, job.onRound);
    for (const c of clients) c.start();
    await done;
    return await built.finish(jobId, roundTimesMs);
  } finally {
    await Promise.allSettled(clients.map((c) => c.stop()));
    try {
      await fed.coordinator.close();
    } finally {
      for (const st of states.reverse()) st.close();
    }
  }
}

/** The coordinator listening, with `states` collecting the state databases opened on the federation. */
async function startFederation(plan: FederationPlan, states: HospitalState[]): Promise<SimulatedFederation> {
  const dbPath = plan.dbPath ?? join(mkdtempSync(join(tmpdir(), 'cohort-')), 'coordinator.db');
  const net = simulatedNetwork(plan.names, plan.network);
  const coordinator = new Coordinator({ dbPath, log: plan.log, port: 0, roster: net.chain });
  let port: number;
  try {
    port = await coordinator.listen();
  } catch (err) {
    await coordinator.close();
    throw err;
  }
  return {
    net,
    coordinator,
    port,
    dbPath,
    statePath: (h) => dbPath.replace(/(\.db)?$/, `-${h}-state.db`),
    openState: (path) => {
      const st = openHospitalState(path);
      states.push(st);
      return st;
    },
  };
}

/** Settles when the job completes (rejects when it fails), timing each round into `roundTimesMs`. */
export function jobEnd(
  coordinator: Coordinator,
  jobId: string,
  roundTimesMs: number[],
  onRound: OnRound | undefined,
): Promise<void> {
  let last = performance.now();
  return new Promise<void>((resolve, reject) => {
    coordinator.on('round', ({ jobId: id, record, totalRounds }) => {
      if (id !== jobId) return;
      const now = performance.now();
      roundTimesMs.push(now - last);
      last = now;
      onRound?.(record.round, totalRounds, record.pooled);
    });
    coordinator.on('job', ({ jobId: id, status, reason }) => {
      if (id !== jobId) return;
      if (status === 'completed') resolve();
      else if (status === 'failed' || status === 'cancelled')
        reject(new CohortError('E_JOB_FAILED', `job ${status}: ${reason}`));
    });
  });
}

/**
 * Waits (up to 5 s) until every spend of the job's ledger entries is covered
 * by a checkpoint its hospital cosigned. A hospital reads the entries
 * recording its spend only after the round result announcing them (the
 * final evaluation's as the job ends), stores them, then cosigns the latest
 * checkpoint: a scenario that verifies the hospitals' ledger copies (or
 * counts witnessed spends) waits here first, or it may read a copy that has
 * not caught up, or holds nothing yet. One still uncovered after 5 s is
 * logged, and shows in the verification.
 */
export async function cosignaturesSettled(coordinator: Coordinator, jobId: string, log: Logger): Promise<void> {
  const spends = coordinator.database
    .ledgerEntriesOfJob(jobId)
    .map((e) => JSON.parse(e.canonical) as { seq: number; kind: string; body: { spends?: { hospital: string }[] } })
    .flatMap((e) =>
      e.kind === 'round' ? (e.body.spends ?? []).map((s) => ({ seq: e.seq, hospital: s.hospital })) : [],
    );
  const covered = () => {
    const cosigned = new Map<string, number>();
    for (const c of coordinator.database.cosignatures())
      cosigned.set(c.witness, Math.max(c.size, cosigned.get(c.witness) ?? 0));
    return spends.filter((s) => (cosigned.get(s.hospital) ?? 0) >= s.seq).length;
  };
  for (const end = Date.now() + 5000; Date.now() < end && covered() < spends.length;)
    await new Promise((r) => setTimeout(r, 20));
  if (covered() < spends.length)
    log.warn(
      { job: jobId, witnessed: covered(), spends: spends.length },
      'not every ledger spend was covered by its hospital cosignature within 5 s',
    );
}

/** The job's final global model: its last round, which must be the final evaluation, with the job's spec and those weights. */
export function finalModel(coordinator: Coordinator, jobId: string) {
  const final = coordinator.database.rounds(jobId).at(-1);
  if (!final || final.kind !== 'evaluate')
    throw new CohortError('E_JOB_FAILED', 'job ended without a final evaluation');
  const spec = coordinator.database.getJob(jobId)!.spec;
  const weights = coordinator.database.roundWeights(jobId, final.round)!;
  return { final, spec, weights };
}

/**
 * The pooled accuracy of what the hospitals released for the final model
 * (noisy counts under record-level DP, so only roughly the model's); null
 * when every hospital withheld its own.
 */
export function releasedAccuracy(final: { evaluations: Readonly<Record<string, Metrics>> }): number | null {
  const released = Object.values(final.evaluations);
  return released.length > 0 ? pooledMetrics(released).accuracy : null;
}
