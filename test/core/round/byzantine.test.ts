/**
 * One malicious hospital against the pure job machine (no sockets): it runs
 * the secure-aggregation protocol faithfully but puts words of its choosing in
 * its masked input, which masking hides from the coordinator. The bounds
 * asserted here are the ones docs/byzantine.md derives.
 */
import { describe, it, expect } from 'vitest';
import { JobMachine, MAX_ROUND_ATTEMPTS, type JobEffect } from '../../../core/round/job.ts';
import { jobDriver } from './job-driver.ts';
import { secureJob } from './fixtures.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { openSession, ddgSumNormBound, type Session } from '../../../core/secagg/index.ts';
import { secureInput } from '../../../core/round/secure-input.ts';
import { resolveJob, ddgPlan } from '../../../core/job/privacy.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';
import { scaleFor } from '../../../core/secagg/quantize.ts';
import { addInto } from '../../../core/secagg/ring.ts';
import { ddgEncode } from '../../../core/secagg/ddg-encode.ts';
import { errorCode } from '../../helpers/errors.ts';

const names = ['a', 'b', 'c', 'd'];
const net = simulatedNetwork(names);
const spec = secureJob(names.length);
const BITS = 32;
const CLIP = spec.secureAggregation.clip;
const word = (v: number) => ((v % 2 ** BITS) + 2 ** BITS) % 2 ** BITS;
/** Honest deltas of a, b, c; d is the attacker. */
const honest = new Map([
  ['a', [0.1, -0.2, 0.05]],
  ['b', [0.2, -0.2, 0.05]],
  ['c', [0.3, -0.2, 0.05]],
]);

type Attack = (session: Session, honestEncode: (delta: number[], numExamples: number) => Uint32Array) => Uint32Array;

interface Play {
  jobSpec?: JobSpec;
  /** numTrain each hospital declares in its Hello; 10 by default. */
  declared?: Record<string, number>;
  deltas?: Map<string, number[]>;
  /** Sends no masked input: dropped at the phase deadline. */
  silent?: string;
  attack: Attack;
}

/** Runs one training round with `d` malicious; returns the machine and its failed attempts. */
function play({ jobSpec = spec, declared = {}, deltas = honest, silent, attack }: Play) {
  const m = new JobMachine('job', jobSpec, { completedRounds: 0, weights: new Float32Array(3), serverState: null });
  const codec = secureInput(jobSpec);
  let now = 0;
  const { deliver, log, rejected } = jobDriver(
    m,
    jobSpec,
    net,
    (to) => {
      if (to === silent) return null;
      if (to === 'd')
        return {
          words: (session, seed) =>
            attack(session, (delta, n) => codec.encode(session, seed, Float32Array.from(delta), n, 0.5)),
        };
      return { delta: Float32Array.from(deltas.get(to)!), numExamples: declared[to] ?? 10, loss: 0.5 };
    },
    () => now,
  );
  m.useRoster(net.head, now);
  for (const n of names)
    deliver(m.clientJoined(n, now, { identityKey: net.identity(n).publicKey, numTrain: declared[n] ?? 10 }));
  // The silent hospital misses each attempt's masked-input deadline.
  for (let k = 0; silent && k < MAX_ROUND_ATTEMPTS && !m.finished && m.completedRounds === 0; k++) {
    now += 5000;
    deliver(m.tick(now));
  }
  // Masking hides the attack: every message of the protocol is well formed.
  expect(rejected).toEqual([]);
  const failed = log.filter((e) => e.type === 'roundFailed') as Extract<JobEffect, { type: 'roundFailed' }>[];
  return { m, failed };
}

/**
 * An attempt fails with E_SECAGG_SUM_BOUND once its sum is unmasked, and the
 * global weights never move. Without DP the round cannot be retried: every
 * member answered its unmask request, and none puts the same update into a second sum
 * (core/round/hospital-session.ts AttemptLog), so the job fails at once. In a
 * DP job each retry takes fresh inputs, and an attacker that keeps at it
 * fails the job after MAX_ROUND_ATTEMPTS (denial of service).
 */
function expectRejected(r: ReturnType<typeof play>, dp = false): void {
  const attempts = dp ? MAX_ROUND_ATTEMPTS : 1;
  expect(r.failed.map((f) => f.code)).toEqual(Array(attempts).fill('E_SECAGG_SUM_BOUND'));
  if (!dp) expect(r.failed[0]!.reason).toMatch(/left out of the retries, unmasked: a, b, /);
  expect(r.m.status).toBe('failed');
  expect(r.m.completedRounds).toBe(0);
  expect([...r.m.globalWeights]).toEqual([0, 0, 0]);
}

/** The words a client that skips clipping sends: ⌊x·s⌉ mod 2^k for its whole vector [w·Δ, w, w·loss]. */
function unclipped(session: Session, x: number[]): Uint32Array {
  const s = scaleFor({ bits: session.bits, clip: session.clip, maxClients: session.participants.length });
  return Uint32Array.from(x.map((v) => word(Math.round(v * s))));
}

describe('one malicious hospital, per-coordinate codec', () => {
  const s4 = scaleFor({ bits: BITS, clip: CLIP, maxClients: 4 });
  const cs = Math.ceil(CLIP * s4);

  it('(a) an update boosted past its clip fails the round (E_SECAGG_SUM_BOUND) and leaves the weights unchanged', () => {
    // With c silent, 3 survivors: the box is 3 clips per coordinate; d claims 3 clips alone.
    expectRejected(play({ silent: 'c', attack: (session) => unclipped(session, [3 * CLIP, 0, 0, 0.25, 0.125]) }));
    // At full participation, too, once the boost spills into the weight: w = 1 where 0.25 was declared.
    expectRejected(play({ attack: (session) => unclipped(session, [1e3, -1e3, 1e3, 1, 0.5]) }));
  });

  it('(b) a wrap-around word (2^(k−1)) in the weight fails the round; in a model word too, once the box is narrower than the ring', () => {
    expectRejected(
      play({
        attack: (session, enc) => {
          const x = enc([0, 0, 0], 10);
          x[3] = word(2 ** (BITS - 1));
          return x;
        },
      }),
    );
    expectRejected(
      play({
        silent: 'c',
        attack: (session, enc) => {
          const x = enc([0, 0, 0], 10);
          x[0] = word(2 ** (BITS - 1));
          return x;
        },
      }),
    );
  });

  it('(c) the worst accepted input moves each coordinate of the sum by at most (2m − 1)·⌈c·s⌉/s, and can reach it', () => {
    // Honest hospitals at their clip (+c on every coordinate once weighted), d aims for the far edge −m·⌈c·s⌉ (less m quanta of rounding).
    const big = new Map([...honest.keys()].map((n) => [n, [1e3, 1e3, 1e3]]));
    const target = -4 * cs + 4;
    const r = play({
      deltas: big,
      attack: (session, enc) => {
        const x = enc([0, 0, 0], 10);
        for (let j = 0; j < 3; j++) x[j] = word(target - 3 * cs);
        return x;
      },
    });
    expect(r.failed).toEqual([]);
    expect(r.m.completedRounds).toBe(1);
    // W = 1 (all four declared 10 of 40), so FedAvg's step is the sum itself.
    const honestSum = 3 * CLIP;
    const bound = (7 * cs) / s4;
    for (const wj of r.m.globalWeights) {
      const shift = Math.abs(wj - honestSum);
      expect(shift).toBeLessThanOrEqual(bound * (1 + 1e-6));
      expect(shift).toBeGreaterThan(bound * (1 - 1e-6));
    }
    // At full participation the box fills the ring: a wrap-around model word is accepted, and is one such input.
    const w = play({
      attack: (session, enc) => {
        const x = enc([0, 0, 0], 10);
        x[0] = word(2 ** (BITS - 1));
        return x;
      },
    });
    expect(w.failed).toEqual([]);
    expect(Math.abs(w.m.globalWeights[0]!)).toBeLessThanOrEqual((4 * cs) / s4 + 1e-5);
  });

  it('(d) a lie about numExamples inside the sum fails the round; a lie in the public Hello takes over the mean, within one clip', () => {
    // Declared 10 in its Hello, encodes 40 (every example of the round).
    expectRejected(play({ attack: (_session, enc) => enc([1, 1, 1], 40) }));
    // Declares 10^6 in its Hello and encodes it consistently: accepted, and the mean is nearly its own (clipped) delta.
    const r = play({ declared: { d: 1_000_000 }, attack: (_session, enc) => enc([-5, -5, -5], 1_000_000) });
    expect(r.failed).toEqual([]);
    for (const wj of r.m.globalWeights) {
      expect(wj).toBeCloseTo(-5, 3);
      expect(Math.abs(wj)).toBeLessThanOrEqual(CLIP);
    }
  });
});

describe('one malicious hospital, hospital-level DP (distributed discrete Gaussian)', () => {
  const dp = resolveJob(
    parseJobSpec({ ...spec, privacy: { unit: 'hospital', epsilon: 10, delta: 1e-5, clip: 1, minSurvivors: 3 } }),
    names.length,
  );
  const plan = ddgPlan(dp);

  it('an update far past its clip fails the round and leaves the weights unchanged', () => {
    // Every word at 3/4 of the ring's half range: with the honest inputs added no coordinate wraps, and the
    // sum's norm is at least 2 * (0.75 * 2^31 - 3 honest words) > bound(4), whatever the noise draws.
    // (A vector scaled until it wraps modulo 2^32 lands inside the bound now and then: docs/byzantine.md.)
    const far = word(Math.round(0.75 * 2 ** 31));
    const r = play({ jobSpec: dp, attack: () => new Uint32Array(secureInput(dp).vectorLength).fill(far) });
    expectRejected(r, true);
    // Every hospital's noisy input left it (each charged its budget as it did): each failed attempt names them all
    // for the ledger, which records the attempt's spend (issue 15, item 7).
    for (const f of r.failed) expect(f.charged).toEqual([...names].sort());
  });

  it('a failed attempt names whom the ledger charges for it: without DP no one; record-level, those whose unmask answer arrived', () => {
    const attack: Attack = (session) => unclipped(session, [1e3, -1e3, 1e3, 1, 0.5]);
    const r = play({ attack });
    expect(r.failed.length).toBeGreaterThan(0);
    for (const f of r.failed) expect(f.charged).toEqual([]);
    // Record-level: each of them trains the round afresh for the retry, and is charged again (hospital-round.ts).
    const record = { unit: 'record', epsilon: 10, delta: 1e-5, clip: 1, samplingRate: 0.1 } as const;
    const declared = Object.fromEntries(names.map((n) => [n, 1]));
    const rec = play({
      jobSpec: resolveJob(parseJobSpec({ ...spec, privacy: record }), names.length),
      declared,
      attack,
    });
    expect(rec.failed).toHaveLength(MAX_ROUND_ATTEMPTS);
    for (const f of rec.failed) expect(f.charged).toEqual([...names].sort());
  });

  it('the worst accepted input moves the decoded sum by at most γ·(bound(m) + bound(m − 1)) in L2', () => {
    const codec = secureInput(dp);
    const session = openSession({
      jobId: 'j',
      round: 1,
      attempt: 1,
      bits: BITS,
      threshold: 3,
      degree: 3,
      clip: CLIP,
      participants: names,
      totalExamples: 40,
      vectorLength: codec.vectorLength,
      rosterHash: net.head.hashBytes,
    });
    const seed = new Uint8Array(32).fill(3);
    const honestWords = [...honest.values()].map((u) => ddgEncode(Float64Array.from(u), plan, seed));
    const h = new Uint32Array(plan.paddedDim);
    for (const x of honestWords) addInto(h, x, BITS);
    const centred = (v: number) => (v >= 2 ** 31 ? v - 2 ** 32 : v);
    const hNorm = Math.hypot(...[...h].map(centred));
    // d flips the honest sum and stretches it to just inside the bound for m = 4.
    const bound4 = ddgSumNormBound(plan, 4);
    const f = (bound4 * (1 - 1e-6)) / hNorm;
    const flipped = (g: number) => {
      const sum = Uint32Array.from([...h].map((v) => word(Math.round(-(1 + g) * centred(v)))));
      return addInto(sum, h, BITS);
    };
    const decodedHonest = codec.decode(session, seed, h, [10, 10, 10]).meanDelta.map((v) => v * 3);
    const decoded = codec.decode(session, seed, flipped(f), [10, 10, 10, 10]).meanDelta.map((v) => v * 4);
    const shift = Math.hypot(...decoded.map((v, j) => v - decodedHonest[j]!));
    expect(shift).toBeLessThanOrEqual(plan.gamma * (bound4 + ddgSumNormBound(plan, 3)));
    // Far more than an honest hospital could move it (its clip, c = 1): the check bounds, it does not stop, a targeted attack.
    expect(shift).toBeGreaterThan(2 * dp.privacy!.clip);
    // 1 % further and the sum is out of bounds.
    expect(errorCode(() => codec.decode(session, seed, flipped(1.01 * f), [10, 10, 10, 10]))).toBe(
      'E_SECAGG_SUM_BOUND',
    );
  });
});
