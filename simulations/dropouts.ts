/**
 * `cohort simulate dropouts`: many synthetic hospitals train with secure
 * aggregation while clients crash at every phase of the protocol. Each round,
 * one client vanishes before each of the five phases (advertise keys, share
 * keys, masked input, consistency check, unmasking); crashed daemons
 * reconnect and rejoin later rounds. Every round must still complete, with
 * exactly the clients that sent a masked input in the sum.
 */
import { runFederation } from './federation.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { CohortError } from '../core/errors.ts';
import type { PhaseCounts } from '../core/secagg/index.ts';
import type { StoredRound } from '../coordinator/job-rows.ts';
import { ClientDaemon, type SecAggPhase } from '../client/daemon.ts';
import { syntheticDataset, syntheticJob } from './synthetic.ts';

export const PHASES: SecAggPhase[] = ['advertise', 'share', 'masked', 'consistency', 'unmask'];

export interface DropoutsOptions {
  clients?: number;
  rounds?: number;
  seed?: number;
  log?: Logger;
  onRound?: (round: number, total: number) => void;
}

export interface DropoutsRound {
  round: number;
  crashed: Record<SecAggPhase, string>;
  phaseCounts: PhaseCounts | null;
  participants: string[];
  /** Participants whose input is not in the sum. */
  dropped: string[];
}

export interface DropoutsResult {
  scenario: 'dropouts';
  clients: number;
  rounds: DropoutsRound[];
  roundsCompleted: number;
  roundsFailed: number;
  finalAccuracy: number;
}

export async function runDropouts(o: DropoutsOptions = {}): Promise<DropoutsResult> {
  const n = o.clients ?? 20;
  const rounds = o.rounds ?? 5;
  const seed = o.seed ?? 1;
  const log = o.log ?? silentLogger;
  if (n < 10)
    throw new CohortError('E_CONFIG_INVALID', 'the dropouts scenario needs at least 10 clients (5 crash per round)');
  const names = Array.from({ length: n }, (_, i) => `site-${String(i).padStart(2, '0')}`);
  const plan = crashPlan(names, rounds, seed);
  // Every joined client takes part; 5 crash each round, so at least n - 5 answer.
  const spec = syntheticJob({
    name: 'dropouts',
    rounds,
    minClients: n - 5,
    targetClients: n,
    roundTimeoutMs: 5_000,
    joinWaitMs: 2_000,
    seed,
    secureAggregation: { dropoutFraction: 0.3 },
  });
  return runFederation(
    { names, network: 'dropouts', log },
    { spec, onRound: o.onRound },
    ({ net, coordinator, port }) => {
      // The only job this coordinator runs: every failed round is one of its.
      let failed = 0;
      coordinator.on('roundFailed', () => failed++);
      const clients = names.map(
        (name, i) =>
          new ClientDaemon({
            coordinatorUrl: `ws://127.0.0.1:${port}`,
            name,
            log,
            identity: net.identity(name),
            roster: net.chain,
            dataset: syntheticDataset(seed * 1000 + i, 80, 40),
            backoffMinMs: 50,
            backoffMaxMs: 200,
            crashBefore: ({ round, phase }) => plan.get(String(round))?.[phase] === name,
          }),
      );
      const finish = async (jobId: string) => report(coordinator.database.rounds(jobId), plan, n, failed);
      return { clients, finish };
    },
  );
}

type CrashPlan = Map<string, Record<SecAggPhase, string>>;

/** Round r crashes five distinct clients, one before each phase. */
function crashPlan(names: readonly string[], rounds: number, seed: number): CrashPlan {
  const n = names.length;
  const plan: CrashPlan = new Map();
  for (let r = 1; r <= rounds; r++) {
    plan.set(
      String(r),
      Object.fromEntries(PHASES.map((p, i) => [p, names[(r * 5 + i + seed) % n]!])) as Record<SecAggPhase, string>,
    );
  }
  return plan;
}

/** Each training round's crashes beside who took part, and the final accuracy. */
function report(stored: readonly StoredRound[], plan: CrashPlan, n: number, failed: number): DropoutsResult {
  const train = stored.filter((r) => r.kind === 'train');
  return {
    scenario: 'dropouts',
    clients: n,
    rounds: train.map((r) => ({
      round: r.round,
      crashed: plan.get(String(r.round))!,
      phaseCounts: r.phaseCounts,
      participants: r.participants,
      dropped: r.dropped,
    })),
    roundsCompleted: train.length,
    roundsFailed: failed,
    finalAccuracy: stored.at(-1)!.pooled?.accuracy ?? Number.NaN,
  };
}
