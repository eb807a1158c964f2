/**
 * Hospital h of the network h, i, j, k as a bare HospitalMachine
 * (core/round/hospital-machine.ts): no sockets, stores or tfjs, the test
 * plays the daemon. With the rounds a coordinator would open there, and
 * what the machine did with each.
 */
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import { resolveJob } from '../../core/job/privacy.ts';
import { HospitalMachine, type HospitalConfig } from '../../core/round/hospital-machine.ts';
import type { HospitalEffect, RoundInput } from '../../core/round/hospital-effects.ts';
import { sessionParams } from '../../core/round/session-params.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork, type SimulatedNetwork } from '../../simulations/network.ts';

export const MACHINE_NETWORK = ['h', 'i', 'j', 'k'];

/** h's machine, connected, on `net` (a network of MACHINE_NETWORK); no budget (a job without DP is joined) unless `o` says. */
export function hospitalMachine(net: SimulatedNetwork, o: Partial<HospitalConfig> = {}): HospitalMachine {
  const m = new HospitalMachine({
    name: 'h',
    identity: net.identity('h'),
    dataset: { features: SYNTH_FEATURES, label: 'y', numTrain: 120 },
    budget: null,
    keepsOutputs: false,
    roster: () => net.head,
    ...o,
  });
  m.connected(1);
  return m;
}

/** A job without DP under secure aggregation, for MACHINE_NETWORK. */
export function plainSecureJob(): JobSpec {
  const s = syntheticJob({ rounds: 2, minClients: 3, targetClients: 4 });
  return resolveJob(parseJobSpec({ ...s, secureAggregation: { enabled: true } }), MACHINE_NETWORK.length);
}

/** Attempt `n` at `round` of job "job" (`spec`), all of MACHINE_NETWORK taking part. */
export function secureRound(spec: JobSpec, net: SimulatedNetwork, round: number, n: number): RoundInput {
  const p = sessionParams(spec, {
    jobId: 'job',
    round,
    attempt: n,
    participants: MACHINE_NETWORK,
    rosterHash: net.head.hashBytes,
    totalExamples: 480,
  });
  const secagg = { ...p, participants: [...p.participants], attempt: n };
  return { jobId: 'job', round, train: true, seed: 1, weights: new Float32Array(4), secagg, link: 1 };
}

/** What the machine did with an offer or a round: opened it (training or evaluation asked for), declined it, or the error it sent. */
export const roundAnswer = (fx: HospitalEffect[]): string[] =>
  fx.flatMap((e) =>
    e.type === 'evaluate' || e.type === 'train'
      ? ['opened']
      : e.type === 'declined'
        ? [`declined ${e.code}`]
        : e.type === 'send' && 'error' in e.body
          ? [`error ${e.body.error.code}`]
          : [],
  );

/** A network of MACHINE_NETWORK (keys drawn for `label`), a job without DP on it, and h's machines and rounds there. */
export function machineFixture(label: string) {
  const net = simulatedNetwork(MACHINE_NETWORK, label);
  const plain = plainSecureJob();
  return {
    net,
    plain,
    machine: (o: Partial<HospitalConfig> = {}) => hospitalMachine(net, o),
    attempt: (round: number, n: number) => secureRound(plain, net, round, n),
    answer: roundAnswer,
  };
}
