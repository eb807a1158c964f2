import { describe, it, expect } from 'vitest';
import { JobMachine, type JobEffect, type SecAggConfig } from '../../../core/round/job.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { openSession } from '../../../core/secagg/index.ts';
import { jobDriver } from './job-driver.ts';
import { secureJob } from './fixtures.ts';
import { secureInput } from '../../../core/round/secure-input.ts';
import { resolveJob, ddgPlan } from '../../../core/job/privacy.ts';
import { errorCode } from '../../helpers/errors.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const names = ['a', 'b', 'c', 'd'];
const net = simulatedNetwork([...names, 'e', 'f']);
/** Resolved for the six-hospital network: ⌈0.05 · 6⌉ = 1 colluder assumed. */
const spec = secureJob(net.head.size);

/** The training round's record, if one completed. */
const trained = (log: JobEffect[]) =>
  (
    log.find((e) => e.type === 'roundCompleted' && e.record.kind === 'train') as
      Extract<JobEffect, { type: 'roundCompleted' }> | undefined
  )?.record;

/** Plays the four hospitals against a JobMachine, with `silent` never sending its masked input. */
function play(silent: string | null, jobSpec = spec, members = names) {
  const m = new JobMachine('job', jobSpec, { completedRounds: 0, weights: new Float32Array(3), serverState: null });
  let now = 0;
  const deltas = new Map(members.map((n, i) => [n, new Float32Array([0.1 * (i + 1), -0.2, 0.05])]));
  const { deliver, log } = jobDriver(
    m,
    jobSpec,
    net,
    (to) => (to === silent ? null : { delta: deltas.get(to)!, numExamples: 10, loss: 0.5 }),
    () => now,
  );
  m.useRoster(net.head, now);
  for (const n of members) deliver(m.clientJoined(n, now, { identityKey: net.identity(n).publicKey, numTrain: 10 }));
  const before = m.completedRounds;
  if (silent) {
    now = 999; // within the phase deadline: still waiting for the silent client
    deliver(m.tick(now));
    expect(m.completedRounds).toBe(before);
    now = 5000;
    deliver(m.tick(now));
  }
  return { m, log, deltas };
}

describe('JobMachine with a secure-aggregation stage, no sockets', () => {
  it.each([
    { what: 'aggregates the weighted mean through the secure sum', silent: null, survivors: names },
    {
      what: 'drops a client that misses the masked-input phase deadline and completes without its input',
      silent: 'c',
      survivors: ['a', 'b', 'd'],
    },
  ])('$what', ({ silent, survivors }) => {
    const { m, log, deltas } = play(silent);
    const done = trained(log)!;
    const k = survivors.length;
    expect(done.phaseCounts).toEqual({ advertise: 4, reveal: 4, share: 4, masked: k, consistency: k, unmask: k });
    expect(done.dropped).toEqual(names.filter((n) => !survivors.includes(n)));
    // Equal weights: FedAvg moves the weights by the plain mean of the survivors' deltas.
    const mean = [0, 1, 2].map((j) => survivors.reduce((s, n) => s + deltas.get(n)![j]!, 0) / k);
    [...m.globalWeights].forEach((w, j) => expect(w).toBeCloseTo(mean[j]!, 6));
    expect(done.trainLoss).toBeCloseTo(0.5, 6);
  });
});

describe('hospital-level DP through the secure sum', () => {
  const dp = (epsilon: number, minSurvivors = 3) =>
    resolveJob(
      parseJobSpec({ ...spec, rounds: 1, privacy: { unit: 'hospital', epsilon, delta: 1e-5, clip: 1, minSurvivors } }),
      net.head.size,
    );

  it('the sum carries the noise: the mean is off the true mean by about σ·c/n per coordinate, unweighted, no loss released', () => {
    const s = dp(10);
    const sigmaTotal = s.privacy!.noiseMultiplier! * s.privacy!.clip;
    const trueMean = [0, 1, 2].map((j) => names.reduce((sum, _n, i) => sum + [0.1 * (i + 1), -0.2, 0.05][j]!, 0) / 4);
    // Noise is calibrated for the n_min − C = 3 − 1 = 2 honest shares (one colluder assumed): each hospital
    // adds variance σ²c²/2, so four survivors add twice the job's noise: std of the mean = σ·c·√2/4.
    const stdOfMean = (sigmaTotal * Math.sqrt(4 / 2)) / 4;
    const errors: number[] = [];
    for (let k = 0; k < 30; k++) {
      const { m, log } = play(null, s);
      const rec = trained(log)!;
      expect(rec.trainLoss).toBeNull();
      [...m.globalWeights].forEach((w, j) => errors.push(w - trueMean[j]!));
    }
    const sd = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
    // 90 draws: the sample std is within ±25 % of the true one with probability > 0.99.
    expect(sd).toBeGreaterThan(0.75 * stdOfMean);
    expect(sd).toBeLessThan(1.25 * stdOfMean);
  });

  it('raises the session threshold to n_min, so a round with fewer survivors fails instead of releasing a less noisy sum', () => {
    const s = dp(10, 4);
    const { m, log } = play('c', s);
    const cfg = log.find((e) => e.type === 'send' && 'roundConfig' in e.body) as Extract<JobEffect, { type: 'send' }>;
    expect((cfg.body as { roundConfig: { secagg: SecAggConfig } }).roundConfig.secagg.threshold).toBe(4);
    expect(trained(log)).toBeUndefined();
    expect(log.some((e) => e.type === 'roundFailed')).toBe(true);
    expect(m.completedRounds).toBe(0);
  });

  it('takes at most targetClients into a training round, a different window each round', () => {
    const s = dp(10);
    const { log } = play(null, s, [...names, 'e', 'f']);
    const cfg = log.find((e) => e.type === 'send' && 'roundConfig' in e.body) as Extract<JobEffect, { type: 'send' }>;
    expect((cfg.body as { roundConfig: { secagg: SecAggConfig } }).roundConfig.secagg.participants).toHaveLength(4);
    expect(trained(log)!.participants).toHaveLength(4);
  });

  it("the encoding both sides use is the job spec's, and decoding refuses fewer than n_min survivors", () => {
    const s = dp(10);
    const input = secureInput(s);
    expect(input.vectorLength).toBe(ddgPlan(s).paddedDim);
    expect(input.minSurvivors).toBe(3);
    const session = openSession({
      jobId: 'j',
      round: 1,
      attempt: 1,
      bits: 32,
      threshold: 3,
      degree: 3,
      clip: 10,
      participants: names,
      totalExamples: 40,
      vectorLength: input.vectorLength,
      rosterHash: net.head.hashBytes,
    });
    expect(
      errorCode(() => input.decode(session, new Uint8Array(32), new Uint32Array(input.vectorLength), [10, 10])),
    ).toBe('E_SECAGG_TOO_FEW');
  });
});
