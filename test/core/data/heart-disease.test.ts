/**
 * The real UCI Heart Disease files under the FLamby Fed-Heart-Disease
 * protocol (simulations/data/heart-disease/README.md): 740 complete rows, 13
 * features; with cohort's per-record preprocessing instead of FLamby's
 * stratified split and per-centre standardisation: a keyed-hash split with
 * each record in test with probability 0.34, and features scaled by the
 * schema's declared ranges (simulations/data/README.md).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchemaFile, readCsvDataset } from '../../../client/intake/csv.ts';
import type { DatasetSchema } from '../../../core/data/schema.ts';
import type { PreparedDataset } from '../../../core/data/types.ts';

const DIR = join(import.meta.dirname, '..', '..', '..', 'simulations', 'data', 'heart-disease');
const EXPECTED_ROWS = { cleveland: 303, hungarian: 261, switzerland: 46, va: 130 } as const;
const CENTERS = Object.keys(EXPECTED_ROWS) as (keyof typeof EXPECTED_ROWS)[];
const FEATURES = [
  'age',
  'sex',
  'trestbps',
  'chol',
  'fbs',
  'thalach',
  'exang',
  'oldpeak',
  'cp_2',
  'cp_3',
  'cp_4',
  'restecg_1',
  'restecg_2',
];

/** Class counts of complete rows, computed independently of the intake code. */
function classCounts(center: string): [number, number] {
  const [head, ...lines] = readFileSync(join(DIR, `${center}.csv`), 'utf8')
    .trim()
    .split('\n');
  const cols = head!.split(',');
  const used = cols.map((c, i) => (['slope', 'ca', 'thal'].includes(c) ? -1 : i)).filter((i) => i >= 0);
  const num = cols.indexOf('num');
  const counts: [number, number] = [0, 0];
  for (const l of lines) {
    const cells = l.split(',');
    if (used.some((i) => cells[i] === '?')) continue;
    counts[Number(cells[num]) > 0 ? 1 : 0]++;
  }
  return counts;
}

let schema: DatasetSchema;
const data = {} as Record<(typeof CENTERS)[number], PreparedDataset>;

beforeAll(async () => {
  schema = await loadSchemaFile(join(DIR, 'schema.json'));
  for (const c of CENTERS) data[c] = await readCsvDataset(join(DIR, `${c}.csv`), schema);
});

describe('UCI Heart Disease intake', () => {
  it('keeps 303 + 261 + 46 + 130 = 740 complete rows', () => {
    let total = 0;
    for (const c of CENTERS) {
      const d = data[c];
      expect(d.report.rowsUsed, c).toBe(EXPECTED_ROWS[c]);
      expect(d.train.n + d.test.n, c).toBe(EXPECTED_ROWS[c]);
      // Every dropped row is dropped for a missing value, nothing else.
      for (const reason of Object.keys(d.report.rowsDropped)) expect(reason, c).toMatch(/^missing:/);
      expect(d.report.rowsRead - d.report.rowsUsed, c).toBe(
        Object.values(d.report.rowsDropped).reduce((a, b) => a + b, 0),
      );
      total += d.report.rowsUsed;
    }
    expect(total).toBe(740);
  });

  it('gives 13 features in declared order with reference-coded cp and restecg', () => {
    for (const c of CENTERS) {
      expect(data[c].features).toEqual(FEATURES);
      expect(data[c].train.d).toBe(13);
      expect(data[c].label).toBe('num');
      expect(data[c].schemaId).toBe('uci-heart-disease-v1');
    }
  });

  it('splits each record by its keyed hash: about 34% of each centre in test, not stratified', () => {
    let tested = 0;
    for (const c of CENTERS) {
      const [n0, n1] = classCounts(c);
      expect(n0 + n1, c).toBe(EXPECTED_ROWS[c]);
      const d = data[c];
      // Binomial(n, 0.34), within 4 standard deviations.
      expect(Math.abs(d.test.n - 0.34 * (n0 + n1)), c).toBeLessThanOrEqual(4 * Math.sqrt((n0 + n1) * 0.34 * 0.66));
      tested += d.test.n;
    }
    // Pinned: the split is a function of each record, the seed and the public key; a change here changes every benchmark figure.
    expect(CENTERS.map((c) => data[c].test.n)).toEqual([102, 99, 17, 41]);
    expect(tested).toBe(259);
  });

  it('scales each feature by its declared range: numbers in [-1, 1], one-hot 0/1, outliers clamped and counted', () => {
    const oneHot = FEATURES.map((f) => f.includes('_'));
    for (const c of CENTERS) {
      for (const s of [data[c].train, data[c].test]) {
        for (let i = 0; i < s.x.length; i++) {
          const v = s.x[i]!;
          if (oneHot[i % s.d]) expect(v === 0 || v === 1, `${c} ${FEATURES[i % s.d]}`).toBe(true);
          else expect(Math.abs(v), `${c} ${FEATURES[i % s.d]}`).toBeLessThanOrEqual(1);
        }
      }
    }
    // The first Cleveland record, 63,1,1,145,233,1,2,150,0,2.3 (cp 1 and restecg 2), in closed form.
    const first = Float32Array.from([
      (63 - 50) / 30,
      1,
      (145 - 140) / 60,
      (233 - 350) / 250,
      1,
      (150 - 140) / 80,
      -1,
      (2.3 - 2) / 4,
      0,
      0,
      0,
      0,
      1,
    ]);
    const rows = (s: PreparedDataset['train']) =>
      Array.from({ length: s.n }, (_, i) => s.x.subarray(i * s.d, (i + 1) * s.d));
    expect(
      [...rows(data.cleveland.train), ...rows(data.cleveland.test)].filter((r) => r.every((v, j) => v === first[j]))
        .length,
    ).toBe(1);
    // chol 0 means "not measured" in the source (every complete Swiss row, 33 VA rows): clamped to the bottom of [100, 600].
    const clamped = (c: (typeof CENTERS)[number]) =>
      Object.fromEntries(data[c].report.columns.filter((col) => col.clamped > 0).map((col) => [col.name, col.clamped]));
    expect(CENTERS.map(clamped)).toEqual([{ oldpeak: 1 }, { chol: 2 }, { chol: 46 }, { trestbps: 1, chol: 33 }]);
    const chol = FEATURES.indexOf('chol');
    const swiss = data.switzerland.train;
    expect([...Array(swiss.n).keys()].every((i) => swiss.x[i * swiss.d + chol] === -1)).toBe(true);
  });

  it('same seed, same split; another seed, another split', async () => {
    const again = await readCsvDataset(join(DIR, 'cleveland.csv'), schema);
    expect(again).toEqual(data.cleveland);
    const other = await readCsvDataset(join(DIR, 'cleveland.csv'), schema, { seed: 7 });
    expect(other.train.n + other.test.n).toBe(EXPECTED_ROWS.cleveland);
    expect(other.test.x).not.toEqual(data.cleveland.test.x);
  });
});
