/**
 * `cohort client inspect`'s text report: the intake's refusals and warnings
 * in the words of E_DATA_UNTRAINABLE, and k-anonymity as class sizes only.
 */
import { describe, it, expect } from 'vitest';
import { formatInspect } from '../../../client/intake/inspect.ts';
import { prepareDataset } from '../../../core/data/prepare.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';
import { UntrainableDataError } from '../../../core/data/trainability.ts';

const SCHEMA = parseDatasetSchema({
  id: 'inspect-v1',
  columns: [
    { name: 'age', kind: 'quasi', type: 'age', bands: [0, 40, 50, 60, 90] },
    { name: 'sex', kind: 'feature', type: 'categorical', categories: ['female', 'male'], quasiIdentifier: true },
    { name: 'hba1c', kind: 'feature', type: 'number', range: [3.5, 15], missing: 'impute' },
    { name: 'diabetes', kind: 'label', type: 'binary', positiveWhen: { op: '==', value: 1 } },
  ],
  split: { testFraction: 0.3, seed: 2 },
});
const HEADER = ['age', 'sex', 'hba1c', 'diabetes'];
const ROWS = Array.from({ length: 20 }, (_, i) => [String(41 + (i % 15)), i % 3 ? 'female' : 'male', '', '0']);

describe('formatInspect', () => {
  it('prints the same refusals as the error, then warnings, and k as sizes without class values', async () => {
    const e = await prepareDataset(HEADER, ROWS, SCHEMA).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UntrainableDataError);
    const d = (e as UntrainableDataError).dataset;
    const text = formatInspect(d);
    const refusals = d.report.trainability!.refusals.map((f) => f.message);
    expect(refusals).toEqual([
      'feature "hba1c": missing in all 20 used rows, each filled with its declared value',
      'label "diabetes": one class (0) in all 20 used rows',
    ]);
    expect(text).toContain('refused (E_DATA_UNTRAINABLE): client start will not train on this data:');
    for (const m of refusals) {
      expect(text).toContain(`  - ${m}`);
      expect((e as UntrainableDataError).message).toContain(m);
    }
    expect(text).toContain('warnings: none');
    expect(text).toMatch(/k-anonymity over \(age, sex\) after generalisation: k = \d+/);
    expect(text).toContain(`smallest class sizes: ${d.report.kAnonymity!.smallest.join(', ')}`);
    for (const v of ['40-49', '50-59', 'female']) expect(text).not.toContain(v);
  });
});
