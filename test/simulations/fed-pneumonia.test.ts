/**
 * fed-pneumonia with few rounds (the DP run on a seeded sample of the training images):
 * the Dirichlet split the scenario reports is the one its hospitals trained
 * on, an image job runs end to end through the real daemons under secure
 * aggregation and its final CNN beats the majority class on the official
 * test split, and a record-level DP run is charged in every hospital's
 * budget and ledger within its target. The full runs are `cohort simulate
 * fed-pneumonia`; README.md has their figures.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { dirichletSplit } from '../../core/data/index.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { runFedPneumonia, pneumoniaCnn, pneumoniaJob, PNEUMONIA_DEFAULTS } from '../../simulations/fed-pneumonia.ts';
import {
  HOSPITALS,
  loadPneumonia,
  MIN_TRAIN_PER_HOSPITAL,
  splitPneumonia,
  type PneumoniaData,
} from '../../simulations/fed-pneumonia-data.ts';

let data: PneumoniaData;

beforeAll(async () => {
  data = await loadPneumonia();
});

describe('fed-pneumonia split', () => {
  it("deals the official train split by Dirichlet(0.5) label skew: every image to one hospital, each hospital's data is its share", () => {
    const s = splitPneumonia(data, 7);
    const all = HOSPITALS.flatMap((h) => s.shares[h].trainIndices).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: data.train.n }, (_, i) => i));
    // The same draw as dirichletSplit's own over the train labels (the split the README describes).
    const parts = dirichletSplit(data.train.y, 4, 0.5, 7, { minPerHospital: MIN_TRAIN_PER_HOSPITAL });
    expect(HOSPITALS.map((h) => s.shares[h].trainIndices)).toEqual(parts);
    for (const h of HOSPITALS) {
      const d = s.datasets[h];
      const pneumonia = d.train.y.reduce((n, v) => n + v, 0);
      expect([d.train.n - pneumonia, pneumonia]).toEqual(s.shares[h].trainClasses);
      expect(d.train.d).toBe(28 * 28);
    }
    // Label skew, not an even deal: some hospital's pneumonia share is far from the whole split's 74 %.
    const overall = data.train.y.reduce((n, v) => n + v, 0) / data.train.n;
    const fractions = HOSPITALS.map((h) => s.shares[h].trainClasses[1] / s.shares[h].trainIndices.length);
    expect(Math.max(...fractions.map((f) => Math.abs(f - overall)))).toBeGreaterThan(0.2);
    // The val split becomes the hospitals' own test splits, evenly; the official test split stays with the simulation.
    expect(HOSPITALS.reduce((n, h) => n + s.datasets[h].test.n, 0)).toBe(data.val.n);
  });

  it('is an image job the spec accepts: one image feature of 28×28×1 values, a logit head, no BatchNorm under DP', () => {
    const local = { ...PNEUMONIA_DEFAULTS.dp.local };
    const spec = parseJobSpec(pneumoniaJob(pneumoniaCnn(), { rounds: 2, seed: 1, local, dp: { epsilon: 3 } }));
    expect(spec.features).toEqual(['image']);
    expect(spec.image).toEqual({ height: 28, width: 28, channels: 1 });
  });
});

describe('fed-pneumonia runs', () => {
  it('trains a CNN that beats the majority class on the official test split, and reports the split it trained on', async () => {
    // The scenario's settings on all 4,708 images, 2 rounds instead of 20.
    const r = await runFedPneumonia({ rounds: 2, seed: 2, data });
    expect(r.test.n).toBe(624);
    expect(r.test.majorityAccuracy).toBeCloseTo(390 / 624, 6);
    expect(r.test.accuracy).toBeGreaterThan(r.test.majorityAccuracy + 0.05);
    expect(r.test.auc).toBeGreaterThan(0.8);
    // The split settings are chosen on: all of val, the union of the hospitals' own test splits.
    expect(r.val.n).toBe(524);
    expect(r.val.auc).toBeGreaterThan(0.8);
    // Its log-loss breaks ties of val AUC between candidate settings: a trained model's is below a coin's (ln 2).
    expect(r.val.loss).toBeGreaterThan(0);
    expect(r.val.loss).toBeLessThan(Math.LN2);
    expect(r.local.epochs).toBe(PNEUMONIA_DEFAULTS.local.epochs);
    // The job declared the scenario's augmentation, as the daemons trained with it.
    expect(r.augment).toEqual({ flipHorizontal: false, ...PNEUMONIA_DEFAULTS.augment });
    expect(r.ledger.ok).toBe(true);
    expect(r.privacy).toBeNull();
    const expected = splitPneumonia(data, 2);
    for (const h of HOSPITALS) expect(r.split.hospitals[h]!.train).toEqual(expected.shares[h].trainClasses);
    expect(r.split.trainUsed).toBe(4708);
  }, 180_000);

  it('under record-level DP, every hospital is charged each round and the final evaluation, within the target ε', async () => {
    const r = await runFedPneumonia({ rounds: 2, seed: 2, data, trainLimit: 1200, dp: { epsilon: 8 } });
    const p = r.privacy!;
    expect(p.targetEpsilon).toBe(8);
    expect(p.noiseMultiplier).toBeGreaterThan(0);
    for (const h of HOSPITALS) {
      const spent = p.spent[h]!;
      // Two training rounds and the final model's evaluation (a release of noisy counts).
      expect(spent.rounds).toBe(3);
      expect(spent.spend.epsilon).toBeGreaterThan(0);
      expect(spent.spend.epsilon).toBeLessThanOrEqual(8 * (1 + 1e-9));
    }
    expect(r.ledger.ok).toBe(true);
    expect(r.ledger.entries).toBeGreaterThan(3);
    expect(r.split.trainUsed).toBe(1200);
  }, 300_000);
});
