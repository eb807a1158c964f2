import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../../core/metrics.ts';
import {
  CSV_HEADER_LINE,
  DEFAULT_AS_OF,
  DEFAULT_PROFILES,
  csvRow,
  generateSite,
  type SiteProfile,
} from '../../../simulations/synthetic-ehr/index.ts';

/** The features a de-identified record keeps (age in years, not the birth date), read back from the CSV. */
const FEATURES: ((r: Record<string, string>) => number)[] = [
  (r) => (Date.parse(DEFAULT_AS_OF) - Date.parse(r.birth_date!)) / (365.2425 * 86_400_000),
  (r) => (r.sex === 'male' ? 1 : 0),
  (r) => num(r.sbp!),
  (r) => num(r.total_chol!),
  (r) => num(r.hdl!),
  (r) => num(r.bmi!),
  (r) => num(r.hba1c!),
  (r) => (r.smoking === 'current' ? 1 : 0),
  (r) => (r.smoking === 'former' ? 1 : 0),
  (r) => Number(r.diabetes),
  (r) => Number(r.hypertension),
  (r) => (r.rs10455872 === '' ? Number.NaN : (r.rs10455872!.match(/G/g) ?? []).length),
];
const num = (s: string) => (s === '' ? Number.NaN : Number(s));

function table(profile: SiteProfile, seed: number, patients: number) {
  const text = CSV_HEADER_LINE + [...generateSite({ seed, site: 'h1', patients, profile })].map(csvRow).join('');
  const rows = parse(text, { columns: true }) as Record<string, string>[];
  return { x: rows.map((r) => FEATURES.map((f) => f(r))), y: rows.map((r) => Number(r.cad)) };
}

/** Plain logistic regression: mean imputation, standardisation, full-batch gradient descent on the mean log-loss. */
function fitLogistic(x: number[][], y: number[], steps = 400, lr = 0.5) {
  const d = x[0]!.length;
  const mu = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    const col = x.map((r) => r[j]!).filter((v) => !Number.isNaN(v));
    mu[j] = col.reduce((a, b) => a + b, 0) / col.length;
    sd[j] = Math.sqrt(col.reduce((a, b) => a + (b - mu[j]!) ** 2, 0) / col.length) || 1;
  }
  const z = (r: number[]) => r.map((v, j) => (Number.isNaN(v) ? 0 : (v - mu[j]!) / sd[j]!));
  const xs = x.map(z);
  const w = new Array<number>(d + 1).fill(0);
  const predict = (r: number[]) => 1 / (1 + Math.exp(-(w[d]! + r.reduce((s, v, j) => s + v * w[j]!, 0))));
  for (let t = 0; t < steps; t++) {
    const g = new Array<number>(d + 1).fill(0);
    xs.forEach((r, i) => {
      const e = predict(r) - y[i]!;
      for (let j = 0; j < d; j++) g[j]! += e * r[j]!;
      g[d]! += e;
    });
    for (let j = 0; j <= d; j++) w[j]! -= (lr * g[j]!) / xs.length;
  }
  return { weights: w, predict: (r: number[]) => predict(z(r)) };
}

describe('CAD label', () => {
  it('is learnable from the recorded features: logistic regression reaches AUC >= 0.7 on a held-out set', () => {
    const clean = { ...DEFAULT_PROFILES[0]!, labelFlip: 0 };
    const train = table(clean, 1, 4000);
    const test = table(clean, 2, 2000);
    const model = fitLogistic(train.x, train.y);
    const auc = binaryMetrics(test.x.map(model.predict), test.y).auc;
    expect(auc).toBeGreaterThanOrEqual(0.7);
    // The learned directions are the risk model's: older and male raise risk, HDL lowers it.
    expect(model.weights[0]).toBeGreaterThan(0);
    expect(model.weights[1]).toBeGreaterThan(0);
    expect(model.weights[4]).toBeLessThan(0);
  });

  it('is harder to learn under label noise: the same model scores lower where labels flip', () => {
    const aucAt = (labelFlip: number) => {
      const profile = { ...DEFAULT_PROFILES[0]!, labelFlip };
      const train = table(profile, 1, 3000);
      const model = fitLogistic(train.x, train.y);
      const test = table(profile, 2, 2000);
      return binaryMetrics(test.x.map(model.predict), test.y).auc;
    };
    expect(aucAt(0) - aucAt(0.15)).toBeGreaterThan(0.05);
  });
});
