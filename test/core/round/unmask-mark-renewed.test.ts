/**
 * A record-level DP hospital that answered attempt 1's unmask request trains
 * attempt 2 afresh and pays again (hospital-round.ts startTraining). That
 * fresh output has been in no sum this hospital helped unmask: if attempt 2
 * then fails before any unmask request (a hospital drops), attempt 3 is a
 * retry like any other and re-sends it at no new charge, exactly as a
 * hospital never asked to unmask would (threat-model.md "One unmasked sum per
 * input per round"). Review finding: the mark stayed on the round, so every
 * later attempt trained and charged again, each a spend the coordinator's
 * ledger never records (it records a failed attempt's spend only for those
 * whose unmask answer it took), and the budget drained toward a refusal.
 */
import { describe, it, expect } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { resolveJob, roundMechanism } from '../../../core/job/privacy.ts';
import { HospitalMachine } from '../../../core/round/hospital-machine.ts';
import { AttemptLog } from '../../../core/round/hospital-session.ts';
import type { HospitalEffect, RoundFacts, RoundInput } from '../../../core/round/hospital-effects.ts';
import { sessionParams } from '../../../core/round/session-params.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const NET = ['h', 'i', 'j', 'k'];
const net = simulatedNetwork(NET, 'unmask-mark');
const out = (v: number) => ({ delta: new Float32Array(4).fill(v), numExamples: 10, loss: 0.5, steps: 3 });
const K1 = out(1);
const K2 = out(2);

const s: JobSpec = resolveJob(
  parseJobSpec({
    ...syntheticJob({
      rounds: 2,
      minClients: 3,
      targetClients: 4,
      privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'rdp' },
    }),
    secureAggregation: { enabled: true },
  }),
  NET.length,
);

/** A record-level hospital that has opened attempt 1 of round 1 and answered its unmask request. */
function afterUnmask(): HospitalMachine {
  const attempts = new AttemptLog();
  attempts.admit('job', 1, 1);
  attempts.unmasking('job', 1);
  const m = new HospitalMachine({
    name: 'h',
    identity: net.identity('h'),
    dataset: { features: SYNTH_FEATURES, label: 'y', numTrain: 120 },
    budget: { delta: 1e-5 },
    keepsOutputs: true,
    roster: () => net.head,
    attempts,
  });
  m.connected(1);
  m.offer({ jobId: 'job', spec: s, owner: null, endedHere: false, reservedHere: false });
  m.reserved('job', { allowed: true });
  return m;
}

const attempt = (n: number): RoundInput => {
  const p = sessionParams(s, {
    jobId: 'job',
    round: 1,
    attempt: n,
    participants: NET,
    rosterHash: net.head.hashBytes,
    totalExamples: 480,
  });
  const secagg = { ...p, participants: [...p.participants], attempt: n };
  return { jobId: 'job', round: 1, train: true, seed: 1, weights: new Float32Array(4), secagg, link: 1 };
};
/** What the daemon's stores say at a retry of round 1: charged, and `kept` the output kept from these weights. */
const facts = (kept: RoundFacts['kept']): RoundFacts => ({
  latest: 1,
  charged: roundMechanism(s, 1),
  kept,
  keptAny: true,
});
const types = (fx: HospitalEffect[]) =>
  fx.filter((e) => e.type !== 'log').map((e) => (e.type === 'send' ? Object.keys(e.body)[0] : e.type));

describe('after a fresh output replaced the one this hospital helped unmask', () => {
  it('a later attempt that asked it for no unmask re-sends the fresh output at no new charge', () => {
    const m = afterUnmask();
    // Attempt 2: the kept output K1 may be in attempt 1's sum, so the round is charged and trained afresh.
    expect(types(m.round(attempt(2), facts(K1)))).toEqual(['charge']);
    expect(types(m.charged('job', 1, { allowed: true }))).toEqual(['train']);
    // The daemon keeps K2 (client/round-outputs.ts) before the machine hears of it, then it leaves masked.
    expect(types(m.trained('job', 1, K2))).toEqual(['secaggAdvertise']);
    // Attempt 2 fails before any unmask request; attempt 3 opens. K2 is in no sum this hospital helped unmask.
    const third = m.round(attempt(3), facts(K2));
    expect(types(third), 'a third charge for round 1, which no ledger entry records').toEqual(['secaggAdvertise']);
  });

  it('while the fresh output was never trained (its training failed), the next attempt still trains afresh', () => {
    const m = afterUnmask();
    expect(types(m.round(attempt(2), facts(K1)))).toEqual(['charge']);
    expect(types(m.charged('job', 1, { allowed: true }))).toEqual(['train']);
    m.failed({ jobId: 'job', round: 1, link: 1 }, new CohortError('E_INTERNAL', 'training failed'));
    // K1 is still the kept output: it must not go into a second sum.
    expect(types(m.round(attempt(3), facts(K1)))).toEqual(['charge']);
  });

  it('while the budget refused the fresh charge, the next attempt still trains afresh', () => {
    const m = afterUnmask();
    expect(types(m.round(attempt(2), facts(K1)))).toEqual(['charge']);
    expect(types(m.charged('job', 1, { allowed: false, reason: 'over' }))).toContain('refused');
    expect(types(m.round(attempt(3), facts(K1)))).toEqual(['charge']);
  });
});
