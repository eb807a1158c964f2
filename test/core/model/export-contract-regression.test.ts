/**
 * A regression job's preprocessing contract carries how its target was scaled
 * (core/data/encode-label.ts), so a downloaded model's output can be turned
 * back into the target's unit.
 */
import { describe, expect, it } from 'vitest';
import { parseDatasetSchema } from '../../../core/data/index.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { preprocessingContract } from '../../../core/model/export-contract.ts';
import { SCHEMAS, TASK_FEATURES } from '../../helpers/task-tables.ts';

const spec = parseJobSpec({
  name: 'reg',
  model: { inputDim: 2, layers: [{ units: 1, activation: 'linear' }] },
  task: { kind: 'regression', loss: 'mse' },
  features: TASK_FEATURES,
  label: 'grade',
  rounds: 1,
  secureAggregation: { enabled: false },
});

describe('a regression contract', () => {
  it('gives the declared range and unit that undo the target scaling', () => {
    const schema = parseDatasetSchema(SCHEMAS.regression());
    const c = preprocessingContract({ spec, schema: { kind: 'table', schema } });
    expect(c.label.target).toEqual({
      kind: 'declared-range',
      lo: 0,
      hi: 100,
      center: 50,
      halfWidth: 50,
      unit: 'mg/dL',
      impute: null,
      derivedFrom: 'the value',
    });
    expect(c.output.meaning).toMatch(/scaled to \[-1, 1\]/);
  });

  it('says the scaling is undeclared without the schema', () => {
    expect(preprocessingContract({ spec }).label.target).toMatchObject({ kind: 'undeclared' });
  });
});
