/**
 * How every scenario starts its coordinator: a database in a fresh temporary
 * folder (or the path given), the simulated hospitals' keys and the roster
 * they all signed (network.ts), from which secure aggregation takes peers'
 * keys, a coordinator on a free loopback port, and where each hospital keeps
 * its own budget database, as a real site would.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../edge/log.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
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
