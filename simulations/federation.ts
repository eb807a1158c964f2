/**
 * How every scenario starts its coordinator: a database in a fresh temporary
 * folder (or the path given), the simulated hospitals' keys and the roster
 * they all signed (network.ts), from which secure aggregation takes peers'
 * keys, a coordinator on a free loopback port, and where each hospital keeps
 * its own budget database, as a real site would; then how a scenario runs its
 * job on it to the end and tears everything down.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../edge/log.ts';
import { CohortError } from '../core/errors.ts';
import type { Metrics } from '../core/metrics.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import type { ClientDaemon } from '../client/daemon.ts';
import { simulatedNetwork, type SimulatedNetwork } from './network.ts';

export interface SimulatedFederation {
  net: SimulatedNetwork;
  coordinator: Coordinator;
  port: number;
  dbPath: string;
  /** Hospital `h`'s state database, beside the coordinator's. */
  statePath(h: string): string;
}

export async function startFederation(
  names: readonly string[],
  network: string,
  log: Logger,
  dbPath = join(mkdtempSync(join(tmpdir(), 'cohort-')), 'coordinator.db'),
): Promise<SimulatedFederation> {
  const net = simulatedNetwork(names, network);
  const coordinator = new Coordinator({ dbPath, log, port: 0, roster: net.chain });
  const port = await coordinator.listen();
  return { net, coordinator, port, dbPath, statePath: (h) => dbPath.replace(/(\.db)?$/, `-${h}-state.db`) };
}

/** Called after each round a job completes, with the pooled metrics of an evaluation round. */
export type OnRound = (round: number, totalRounds: number, pooled: Metrics | null) => void;

/**
 * Runs `job` on the federation with `clients` as its hospitals until it ends;
 * `finish` then reads the results while the coordinator is still open. However
 * it ends, the daemons are stopped, the coordinator closed and `states` (each
 * hospital's own databases, when the scenario keeps them) closed.
 */
export async function runFederatedJob<T>(
  fed: SimulatedFederation,
  clients: readonly ClientDaemon[],
  states: Readonly<Record<string, { close(): void }>> | null,
  job: { spec: unknown; onRound: OnRound | undefined },
  finish: (jobId: string, roundTimesMs: number[]) => Promise<T>,
): Promise<T> {
  const roundTimesMs: number[] = [];
  try {
    const jobId = fed.coordinator.submitJob(job.spec);
    const done = jobEnd(fed.coordinator, jobId, roundTimesMs, job.onRound);
    for (const c of clients) c.start();
    await done;
    return await finish(jobId, roundTimesMs);
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
    await fed.coordinator.close();
    for (const st of Object.values(states ?? {})) st.close();
  }
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
