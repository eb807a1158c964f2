/**
 * An empirical membership-inference game against DP-SGD (client/trainer/dpsgd.ts).
 *
 * Worlds: D, 50 separable records, and D' = D plus one "canary", an outlier
 * at (5, 5) labelled against the rule every other record follows. Each run
 * trains logistic regression from zero weights on one world; the attacker
 * sees the trained model and scores the canary's logit, signed toward its
 * label (a low loss on the canary says "member"). Its advantage is the best
 * threshold test's TPR − FPR, over many independent runs of each world.
 *
 * (ε, δ)-DP bounds every test of D against D' by TPR ≤ e^ε·FPR + δ and
 * 1 − FPR ≤ e^ε·(1 − TPR) + δ, hence TPR − FPR ≤ (e^ε − 1 + 2δ)/(e^ε + 1)
 * (Kairouz, Oh, Viswanath, "The Composition Theorem for Differential
 * Privacy", ICML 2015, Thm. 2.1). Without noise the canary is found almost
 * every time; with DP at ε ≈ 1 the empirical advantage must stay under that
 * bound, up to sampling error.
 *
 * Sampling error: the empirical advantage is sup_τ |F̂_out(τ) − F̂_in(τ)|
 * over thresholds chosen after seeing the data, so a pointwise binomial
 * interval does not cover it. The Dvoretzky–Kiefer–Wolfowitz inequality with
 * Massart's constant ("The Tight Constant in the DKW Inequality", Ann.
 * Probab. 18(3), 1990), P(sup_τ |F̂_N − F| > t) ≤ 2·exp(−2Nt²), bounds both
 * empirical CDFs uniformly: the empirical advantage exceeds the true one by
 * more than 2t with probability at most 4·exp(−2Nt²). We take t so that is
 * 1e-6: a correct implementation fails this test less than once in a
 * million runs. DP-SGD's sampling and noise come from the CSPRNG, so runs
 * cannot be seeded; the bound is what makes the test deterministic enough.
 *
 * One modelling gap, noted rather than hidden: trainDpSgd divides by q·n,
 * and n differs by one between the worlds (the accountant treats n as
 * public). Here that rescales the whole update by 50/51, which moves the
 * mean of the canary's score by 1/51 of itself: about 0.001 of its standard
 * deviation under DP (mean −0.16, sd 2.8, measured), far inside the slack.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { logisticRegression } from '../../core/model/spec.ts';
import { rdpEpsilon } from '../../core/privacy/conversion.ts';
import type { DatasetSplit } from '../../core/data/types.ts';
import { trainDpSgd, type Tf } from '../../client/trainer/index.ts';
import { loadTestTf, localTraining, separable } from '../trainer/fixtures.ts';
import { numericSplit } from '../../core/data/index.ts';

const d = 2;
const spec = logisticRegression(d);
const D = separable(50, d, 5);
// separable()'s rule is w* = (1, −0.75): (5, 5) scores 1.25 > 0, so its "natural" label is 1.
const CANARY = { x: [5, 5], y: 0 };
const D_PRIME: DatasetSplit = numericSplit(Float32Array.from([...D.x, ...CANARY.x]), Float32Array.from([...D.y, CANARY.y]), d);

const Q = 0.5;
const STEPS = 10;
const LR = 0.5;
const DELTA = 1e-5;
const SIGMA = 7;
const CLIP = 1;

/** DKW slack for N runs per world: 2t with 4·exp(−2Nt²) = 1e-6. */
function slack(n: number): number {
  return 2 * Math.sqrt(Math.log(4e6) / (2 * n));
}

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTestTf());
});

/** The attacker's score for one trained model: the canary's logit, signed so that higher means "member". */
async function score(data: DatasetSplit, sigma: number, clip: number): Promise<number> {
  const out = await trainDpSgd(tf, {
    spec, local: localTraining({ learningRate: LR }), weights: new Float32Array(d + 1), data, seed: 0,
    dp: { samplingRate: Q, noiseMultiplier: sigma, clip, steps: STEPS },
  });
  const z = out.delta[0]! * CANARY.x[0]! + out.delta[1]! * CANARY.x[1]! + out.delta[2]!;
  return CANARY.y === 1 ? z : -z;
}

/** max over thresholds and both directions of |TPR − FPR|: the best threshold test's advantage. */
function advantage(members: number[], nonMembers: number[]): number {
  const all = [...members.map((s) => ({ s, member: true })), ...nonMembers.map((s) => ({ s, member: false }))].sort((a, b) => a.s - b.s);
  let tpr = 1;
  let fpr = 1;
  let best = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.member) tpr -= 1 / members.length;
    else fpr -= 1 / nonMembers.length;
    // Only between distinct scores: ties cannot be split by a threshold.
    if (i + 1 === all.length || all[i + 1]!.s !== all[i]!.s) best = Math.max(best, Math.abs(tpr - fpr));
  }
  return best;
}

async function game(runs: number, sigma: number, clip: number): Promise<number> {
  const members: number[] = [];
  const nonMembers: number[] = [];
  for (let i = 0; i < runs; i++) {
    members.push(await score(D_PRIME, sigma, clip));
    nonMembers.push(await score(D, sigma, clip));
  }
  return advantage(members, nonMembers);
}

describe('membership inference against DP-SGD', () => {
  const { epsilon } = rdpEpsilon({ q: Q, sigma: SIGMA, steps: STEPS, delta: DELTA });
  const bound = (Math.exp(epsilon) - 1 + 2 * DELTA) / (Math.exp(epsilon) + 1);
  const DP_RUNS = 2000; // slack 0.12
  const PLAIN_RUNS = 500; // slack 0.25

  it('the accountant gives ε ≈ 1 at δ = 1e-5, whose advantage bound is well below 1', () => {
    expect(epsilon).toBeGreaterThan(0.5);
    expect(epsilon).toBeLessThan(1.2);
    expect(bound + slack(DP_RUNS)).toBeLessThan(0.7);
  });

  it('without noise or clipping, the canary is detected: advantage far above the DP bound', async () => {
    // The true advantage is ≈ 0.96 (the canary is missed only when the sampling skips it or the base
    // batches happen to push its logit as far); the empirical one is below 0.96 − slack with probability < 1e-6.
    const adv = await game(PLAIN_RUNS, 0, 1e6);
    expect(adv).toBeGreaterThan(0.5);
    expect(adv).toBeGreaterThan(bound + slack(DP_RUNS));
  });

  it('with DP, the empirical advantage respects (e^ε − 1 + 2δ)/(e^ε + 1) up to the DKW slack', async () => {
    const adv = await game(DP_RUNS, SIGMA, CLIP);
    expect(adv).toBeLessThanOrEqual(bound + slack(DP_RUNS));
  });
});
