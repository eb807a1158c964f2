/**
 * One real hospital daemon, "h" of the network h, i, j, k (budget, ledger and
 * outputs in a fresh SQLite state), under a coordinator the test plays
 * (fake-coordinator.ts) that offers `spec` as job `jobId` on every Hello. For
 * tests of what a daemon does when the coordinator replays, lies or deviates.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientDaemon } from '../../client/daemon.ts';
import { openHospitalState, type HospitalState } from '../../client/hospital-state.ts';
import { jobSpecToWire, tensorOf } from '../../edge/wire/codec.ts';
import type { JobSpec } from '../../core/job/spec.ts';
import type { PreparedDataset } from '../../core/data/types.ts';
import type { RosterChain } from '../../core/roster/index.ts';
import { sessionParams } from '../../core/round/session-params.ts';
import { syntheticDataset } from '../../simulations/synthetic.ts';
import { simulatedNetwork, type SimulatedNetwork } from '../../simulations/network.ts';
import { fakeCoordinator, type FakeCoordinator } from './fake-coordinator.ts';
import { until } from './until.ts';

export const NETWORK = ['h', 'i', 'j', 'k'];
/** Examples each hospital of NETWORK declares in a session (syntheticDataset(5) trains on 120). */
const EXAMPLES = 120;

export interface HospitalUnderTest {
  net: SimulatedNetwork;
  fake: FakeCoordinator;
  state: HospitalState;
  daemon: ClientDaemon;
  /** The state's folder: open another daemon on it to restart the hospital. */
  dir: string;
  /** Roster chains the daemon adopted. */
  adopted: RosterChain[];
  /** Why the daemon closed its connections (the close reason it gave: an error code). */
  closed: string[];
  /** What the daemon sent (for `round`, only that round's frames), receipts left out: a body's name, `error CODE` or `declineJob CODE`. */
  frames(round?: number): string[];
  /** The secure-aggregation session an honest coordinator would offer for (round, attempt), `lie` overriding fields. */
  secagg(round: number, attempt: number, lie?: Record<string, unknown>): Record<string, unknown>;
  /** Sends a training round (with `secagg`, a secure-aggregation one), from `weights` (default: zeros of a 3-feature logistic model). */
  round(round: number, secagg?: Record<string, unknown>, weights?: Float32Array): void;
  /** Offers the job again, as on a Hello. */
  reoffer(): void;
}

export interface HospitalOptions {
  /** Where teardown steps go (the caller runs them after its tests). */
  cleanups: (() => unknown)[];
  jobId?: string;
  /** An existing state folder (a restart); default a fresh one. */
  dir?: string;
  /** The hospital's records; default syntheticDataset(5). */
  dataset?: PreparedDataset;
}

export async function hospitalUnderTest(spec: JobSpec, o: HospitalOptions): Promise<HospitalUnderTest> {
  const jobId = o.jobId ?? 'job';
  const net = simulatedNetwork(NETWORK, 'under-test');
  const offer = { jobId, jobOffer: { specJson: jobSpecToWire(spec), owner: '' } };
  const fake = await fakeCoordinator((send) => send(offer), [jobId]);
  o.cleanups.push(() => fake.close());
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'cohort-hospital-'));
  const state = openHospitalState(join(dir, 'state.db'));
  o.cleanups.push(() => state.close());
  if (state.budget.budget('synthetic-v1') === null)
    state.budget.setBudget('synthetic-v1', { epsilon: 100, delta: 1e-5, accountant: 'rdp' });
  const adopted: RosterChain[] = [];
  const daemon = new ClientDaemon({
    coordinatorUrl: fake.url,
    name: 'h',
    dataset: o.dataset ?? syntheticDataset(5),
    identity: net.identity('h'),
    roster: net.chain,
    onRoster: (c) => adopted.push(c),
    budget: state.budget,
    ledger: state.ledger,
    outputs: state.outputs,
  });
  o.cleanups.push(() => daemon.stop());
  const closed: string[] = [];
  daemon.on('disconnected', ({ reason }) => closed.push(reason));
  daemon.start();
  await until(
    () => fake.got.some((e) => e.body === 'joinJob' || e.body === 'declineJob'),
    10_000,
    'an answer to the offer',
  );
  return {
    net,
    fake,
    state,
    daemon,
    dir,
    adopted,
    closed,
    frames: (round) =>
      fake.got
        .filter((e) => round === undefined || e.round === round)
        .map((e) =>
          e.body === 'error'
            ? `error ${e.error?.code}`
            : e.body === 'declineJob'
              ? `declineJob ${e.declineJob?.code}`
              : String(e.body),
        ),
    secagg: (round, attempt, lie = {}) => {
      // What the coordinator offers (core/round/job.ts openSecure), then the lie.
      const rosterHash = net.head.hashBytes;
      const totalExamples = NETWORK.length * EXAMPLES;
      const inputs = { jobId, round, attempt, participants: NETWORK, rosterHash, totalExamples };
      const { bits, threshold, degree, clip, participants } = sessionParams(spec, inputs);
      return {
        bits,
        threshold,
        degree,
        clip,
        participants: [...participants],
        totalExamples,
        attempt,
        rosterHash,
        ...lie,
      };
    },
    round: (round, secagg, weights) =>
      fake.send({
        jobId,
        round,
        roundConfig: {
          weights: tensorOf(weights ?? new Float32Array(4)),
          train: true,
          deadlineUnixMs: Date.now() + 60_000,
          seed: 1,
          ...(secagg ? { secagg } : {}),
        },
      }),
    reoffer: () => fake.send(offer),
  };
}
