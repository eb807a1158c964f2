/**
 * Untrainable data through the real `cohort` command: `client inspect`
 * prints the whole report with the findings, then exits non-zero with
 * E_DATA_UNTRAINABLE; `client start` refuses with the same line before it
 * connects anywhere. Data that can be right inspects cleanly.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure, startWithoutCoordinator } from '../helpers/cli.ts';

const FINDINGS = [
  'feature "hba1c": missing in all 20 used rows, each filled with its declared value',
  'label "diabetes": one class (0) in all 20 used rows',
];
let dir: string;
let schema: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-untrainable-'));
  schema = join(dir, 'schema.json');
  data = join(dir, 'records.csv');
  writeFileSync(
    schema,
    JSON.stringify({
      id: 'untrainable-v1',
      columns: [
        { name: 'age', kind: 'feature', type: 'number', range: [20, 80] },
        { name: 'hba1c', kind: 'feature', type: 'number', unit: '%', range: [3.5, 15], missing: 'impute' },
        { name: 'diabetes', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 1 } },
      ],
      split: { testFraction: 0.3, seed: 1 },
    }),
  );
  const rows = Array.from({ length: 20 }, (_, i) => `${30 + i},,0`);
  writeFileSync(data, ['age,hba1c,diabetes', ...rows].join('\n') + '\n');
});

describe('untrainable data at the command line', () => {
  it('client inspect prints the report with the findings, then fails with E_DATA_UNTRAINABLE', () => {
    const r = cohort('client', 'inspect', '--data', data, '--schema', schema);
    expectFailure(r, 'E_DATA_UNTRAINABLE');
    expect(r.out).toContain('schema untrainable-v1: 20 rows read, 20 used');
    for (const f of FINDINGS) {
      expect(r.out).toContain(`  - ${f}`);
      expect(r.err).toContain(f);
    }
  });

  it('client inspect --json carries the findings in the report', () => {
    const r = cohort('client', 'inspect', '--data', data, '--schema', schema, '--json');
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out) as { report: { trainability: { refusals: { message: string }[] } } };
    expect(j.report.trainability.refusals.map((f) => f.message)).toEqual(FINDINGS);
  });

  it('client start refuses before connecting (nothing listens on the coordinator address)', () => {
    const r = startWithoutCoordinator(dir, schema, data);
    expectFailure(r, 'E_DATA_UNTRAINABLE');
    for (const f of FINDINGS) expect(r.err).toContain(f);
  });

  it('real data that can be right inspects cleanly, Switzerland with its declared warnings', () => {
    const hd = 'simulations/data/heart-disease';
    const r = cohort('client', 'inspect', '--data', `${hd}/switzerland.csv`, '--schema', `${hd}/schema.json`);
    expect(r.code).toBe(0);
    expect(r.out).toContain('refusals (E_DATA_UNTRAINABLE): none');
    expect(r.out).toContain('warnings (the data trains):');
    expect(r.out).toContain(
      '  - feature "chol": the same value in all 46 used rows, 46 clamped to its declared range (declared "mayBeConstant")',
    );
    expect(r.out).toMatch(/k-anonymity over \(age, sex\) after generalisation: k = 1 /);
  });
});
