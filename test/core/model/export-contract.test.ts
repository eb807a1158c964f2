/** The preprocessing contract a downloaded model carries, from the job spec and the hospitals' schema. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseImageSchema } from '../../../core/data/image-schema.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { preprocessingContract } from '../../../core/model/export-contract.ts';

const DATA = join(import.meta.dirname, '../../../simulations/data');
const json = (p: string): unknown => JSON.parse(readFileSync(join(DATA, p), 'utf8'));

const job = (o: Record<string, unknown>) =>
  parseJobSpec({
    name: 'j',
    rounds: 1,
    label: 'y',
    features: ['age', 'cp_3'],
    model: { inputDim: 2, layers: [{ units: 1, activation: 'sigmoid' }] },
    ...o,
  });

describe('preprocessingContract', () => {
  it('an image schema gives the size, channels and published normalisation, and the positive class', () => {
    const c = preprocessingContract({
      spec: job({}),
      schema: { kind: 'images', schema: parseImageSchema(json('pneumoniamnist/schema.json')) },
    });
    expect(c.input.features).toBeNull();
    expect(c.input.image).toMatchObject({
      size: [28, 28],
      channels: 1,
      normalise: { kind: 'mean-std', mean: [0.5], std: [0.5] },
    });
    expect(c.label.positive).toBe('pneumonia');
  });

  it('without a schema each feature keeps its place and says its scaling is undeclared', () => {
    const c = preprocessingContract({ spec: job({}) });
    expect(c.input.features!.map((f) => [f.index, f.name, f.scaling.kind])).toEqual([
      [0, 'age', 'undeclared'],
      [1, 'cp_3', 'undeclared'],
    ]);
  });

  it('refuses a schema that does not encode one of the job’s features', () => {
    const schema = parseDatasetSchema(json('heart-disease/schema.json'));
    expect(() =>
      preprocessingContract({ spec: job({ features: ['age', 'nope'] }), schema: { kind: 'table', schema } }),
    ).toThrow(expect.objectContaining({ code: 'E_JOB_FEATURES' }));
  });

  it('names what each task outputs and that the exported model applies its activation', () => {
    const surv = preprocessingContract({
      spec: job({ task: { kind: 'survival' }, model: { inputDim: 2, layers: [{ units: 1, activation: 'linear' }] } }),
    });
    expect(surv.output).toMatchObject({ activation: 'none', appliedInModel: true });
    expect(surv.label.names).toHaveLength(2);
    const ml = preprocessingContract({
      spec: job({
        task: { kind: 'multilabel', labels: ['p', 'q'] },
        model: { inputDim: 2, layers: [{ units: 2, activation: 'linear' }] },
      }),
    });
    expect(ml.output).toMatchObject({ units: 2, activation: 'sigmoid-per-unit', appliedInModel: true });
    expect(ml.label.names).toEqual(['p', 'q']);
  });
});
