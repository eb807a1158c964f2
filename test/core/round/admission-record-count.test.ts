/**
 * Review finding (deidreview). "Admission is decided ... never [from] its record count: a decline that
 * depended on it would reveal it" (core/round/hospital-admission.ts), and a DP
 * job weighs every update 1 (core/job/privacy.ts updateWeight) so the count
 * never leaves. But the maxFlopsPerRound cap (applied by default, even without a
 * policy file) prices a round as 3 × FLOPs/example × steps × q × numTrain, and
 * (1) the DeclineJob reason sent to the coordinator quotes that figure, from which
 * numTrain = figure / (3 × FLOPs × steps × q) is read back exactly for small sites;
 * (2) the decision itself flips between n and n + 1 records, so a researcher can
 * bisect the count with free offers (a declined job charges nothing). Adding or
 * removing one record changes what leaves the hospital with certainty: no
 * (ε, δ)-DP for any finite ε (Dwork & Roth 2014, Def. 2.4, record adjacency).
 * A job with DP is now priced at a public record figure (core/job/policy.ts
 * DEFAULT_DP_PRICED_RECORDS, or the policy's dpPricedRecords).
 */
import { describe, expect, it } from 'vitest';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { resolveJob, stepsPerRound } from '../../../core/job/privacy.ts';
import { flopsPerExample } from '../../../core/model/spec.ts';
import { DEFAULT_DP_PRICED_RECORDS, parseHospitalPolicy } from '../../../core/job/policy.ts';
import { admit, type HospitalConfig } from '../../../core/round/hospital-admission.ts';
import { HospitalMachine } from '../../../core/round/hospital-machine.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const NET = ['h', 'i', 'j'];
const net = simulatedNetwork(NET, 'admission-count');

function dpJob(): JobSpec {
  const s = syntheticJob({
    model: { inputDim: 3, layers: [{ units: 1, activation: 'sigmoid' }] },
    rounds: 2,
    minClients: 2,
    privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
  });
  return resolveJob(parseJobSpec({ ...s, secureAggregation: { enabled: false } }), NET.length);
}

function config(numTrain: number, maxFlopsPerRound: number): HospitalConfig {
  return {
    name: 'h',
    identity: net.identity('h'),
    dataset: { features: SYNTH_FEATURES, label: 'y', numTrain },
    policy: parseHospitalPolicy({ requireSecureAggregation: false, maxFlopsPerRound }),
    budget: { delta: 1e-5 },
    keepsOutputs: false,
    roster: () => net.head,
  };
}

/** What leaves the hospital for an offer: the frames it sends. */
function sent(numTrain: number, cap: number, spec: JobSpec): unknown[] {
  const m = new HospitalMachine(config(numTrain, cap));
  m.connected(1);
  const fx = m.offer({ jobId: 'job', spec, owner: null, endedHere: false, reservedHere: false });
  return fx.flatMap((e) => (e.type === 'send' ? [e.body] : []));
}

const spec = (() => {
  const job = dpJob();
  return () => job;
})();

describe('what an offer sends does not depend on the record count', () => {
  it('the DeclineJob reason of datasets of 120 and 121 records is the same', () => {
    expect(sent(120, 1, spec())).toEqual(sent(121, 1, spec()));
    expect(JSON.stringify(sent(120, 1, spec()))).toMatch(/priced at 1000000 records/);
  });

  it('no cap admits a dataset of n records and declines one of n + 1 (at the counts and at the public figure)', () => {
    // A round's cost at n records: 3 × FLOPs per example × steps × q × n (core/job/policy.ts examplesPerRound).
    const p = spec().privacy!;
    const cost = (n: number) => 3 * flopsPerExample(spec().model) * stepsPerRound(spec(), p) * p.samplingRate! * n;
    for (const n of [120, DEFAULT_DP_PRICED_RECORDS]) {
      const cap = (cost(n) + cost(n + 1)) / 2;
      expect(decision(n + 1, cap)).toBe(decision(n, cap));
    }
  });
});

function decision(n: number, cap: number): string | undefined {
  try {
    admit(config(n, cap), spec(), null);
    return 'admitted';
  } catch (e) {
    return (e as { code?: string }).code;
  }
}
