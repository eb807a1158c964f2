/**
 * The real UCI Heart Disease files under the FLamby Fed-Heart-Disease
 * protocol (simulations/data/heart-disease/README.md): 740 complete rows, 13
 * features, 66/34 stratified split, per-centre train standardisation.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSchemaFile, readCsvDataset } from '../../client/intake/csv.ts';
import type { DatasetSchema } from '../../core/data/schema.ts';
import type { PreparedDataset } from '../../core/data/types.ts';

const DIR = join(import.meta.dirname, '..', '..', 'simulations', 'data', 'heart-disease');
const EXPECTED_ROWS = { cleveland: 303, hungarian: 261, switzerland: 46, va: 130 } as const;
const CENTERS = Object.keys(EXPECTED_ROWS) as (keyof typeof EXPECTED_ROWS)[];
const FEATURES = ['age', 'sex', 'trestbps', 'chol', 'fbs', 'thalach', 'exang', 'oldpeak', 'cp_2', 'cp_3', 'cp_4', 'restecg_1', 'restecg_2'];

/** Class counts of complete rows, computed independently of the intake code. */
function classCounts(center: string): [number, number] {
  const [head, ...lines] = readFileSync(join(DIR, `${center}.csv`), 'utf8').trim().split('\n');
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
      expect(d.report.rowsRead - d.report.rowsUsed, c).toBe(Object.values(d.report.rowsDropped).reduce((a, b) => a + b, 0));
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

  it('splits each centre 66/34, stratified by label', () => {
    for (const c of CENTERS) {
      const [n0, n1] = classCounts(c);
      expect(n0 + n1, c).toBe(EXPECTED_ROWS[c]);
      const d = data[c];
      expect(d.test.n, c).toBe(Math.round(0.34 * n0) + Math.round(0.34 * n1));
      const pos = [...d.test.y].filter((y) => y === 1).length;
      expect(Math.abs(pos - 0.34 * n1), c).toBeLessThanOrEqual(1);
      expect(Math.abs(d.test.n - pos - 0.34 * n0), c).toBeLessThanOrEqual(1);
    }
  });

  it('standardises train features to mean 0, std 1 per centre (constant columns centred only)', () => {
    for (const c of CENTERS) {
      const { x, n, d } = data[c].train;
      for (let j = 0; j < d; j++) {
        let sum = 0;
        let min = Infinity;
        let max = -Infinity;
        for (let i = 0; i < n; i++) {
          const v = x[i * d + j]!;
          sum += v;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        const mean = sum / n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (x[i * d + j]! - mean) ** 2;
        const std = Math.sqrt(ss / n);
        expect(Math.abs(mean), `${c} ${FEATURES[j]}`).toBeLessThan(1e-5);
        if (min === max) expect(min, `${c} ${FEATURES[j]} constant`).toBe(0);
        else expect(std, `${c} ${FEATURES[j]}`).toBeCloseTo(1, 4);
      }
      expect([...data[c].test.x].every(Number.isFinite), c).toBe(true);
    }
    // Switzerland records chol as 0 for every complete row: the constant case on real data.
    const chol = FEATURES.indexOf('chol');
    const swiss = data.switzerland.train;
    expect([...Array(swiss.n).keys()].every((i) => swiss.x[i * swiss.d + chol] === 0)).toBe(true);
  });

  it('same seed, same split; another seed, another split', async () => {
    const again = await readCsvDataset(join(DIR, 'cleveland.csv'), schema);
    expect(again).toEqual(data.cleveland);
    const other = await readCsvDataset(join(DIR, 'cleveland.csv'), schema, { seed: 7 });
    expect(other.test.n).toBe(data.cleveland.test.n);
    expect(other.test.x).not.toEqual(data.cleveland.test.x);
  });
});
