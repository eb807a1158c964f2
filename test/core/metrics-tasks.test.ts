/**
 * The metrics of the tasks beyond binary (core/metrics.ts): checked on
 * receipt against the job's task (hostile values and another task's fields
 * refused), pooled as example-weighted means, and carried by the wire
 * (proto Metrics) with an undefined figure as a present NaN.
 */
import { describe, expect, it } from 'vitest';
import { headlineMetrics, pooledMetrics, validateMetrics, type Metrics } from '../../core/metrics.ts';
import { evaluationFromWire } from '../../coordinator/hospital-messages.ts';
import { decodeEnvelope, encodeEnvelope, metricsFromWire, metricsToWire } from '../../edge/wire/codec.ts';

function thrown(fn: () => unknown): { code?: string; message?: string } | undefined {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; message?: string };
  }
  return undefined;
}

const base = { numExamples: 10, numCorrect: 0, loss: 0.3, accuracy: 0, auc: Number.NaN };
const regression: Metrics = { ...base, mse: 0.3, mae: 0.4, r2: 0.6 };
const multiclass: Metrics = { ...base, numCorrect: 7, accuracy: 0.7, auc: 0.8, balancedAccuracy: 0.65 };
const multilabel: Metrics = { ...base, numCorrect: 4, accuracy: 0.4, auc: 0.7, hammingAccuracy: 0.75 };

describe('validateMetrics: task fields', () => {
  it("accepts each task's own figures", () => {
    expect(validateMetrics(regression, 'regression')).toEqual(regression);
    expect(validateMetrics(multiclass, 'multiclass')).toEqual(multiclass);
    expect(validateMetrics(multilabel, 'multilabel')).toEqual(multilabel);
    expect(validateMetrics({ ...regression, r2: Number.NaN }, 'regression').r2).toBeNaN();
    expect(validateMetrics({ ...multiclass, balancedAccuracy: Number.NaN }, 'multiclass').balancedAccuracy).toBeNaN();
  });

  it.each([
    ['mse', -0.1],
    ['mse', Number.POSITIVE_INFINITY],
    ['mse', Number.NaN],
    ['mae', -1],
    ['r2', 1.5],
    ['r2', Number.NEGATIVE_INFINITY],
    ['mse', '0.3'],
  ] as const)('refuses a regression %s of %s', (field, value) => {
    const e = thrown(() => validateMetrics({ ...regression, [field]: value }, 'regression'));
    expect(e?.code).toBe('E_UPDATE_RANGE');
    expect(e?.message).toContain(`"${field}"`);
  });

  it.each([
    ['balancedAccuracy', 1.01],
    ['balancedAccuracy', -0.01],
    ['balancedAccuracy', Number.POSITIVE_INFINITY],
  ] as const)('refuses a multi-class %s of %s', (field, value) => {
    expect(thrown(() => validateMetrics({ ...multiclass, [field]: value }, 'multiclass'))?.code).toBe('E_UPDATE_RANGE');
  });

  it('refuses a hamming accuracy outside [0, 1]', () => {
    expect(thrown(() => validateMetrics({ ...multilabel, hammingAccuracy: 2 }, 'multilabel'))?.code).toBe(
      'E_UPDATE_RANGE',
    );
  });

  it('refuses an MAE above the root of the MSE (no errors give that)', () => {
    expect(thrown(() => validateMetrics({ ...regression, mse: 0.04, mae: 0.3 }, 'regression'))?.message).toContain(
      '"mae"',
    );
    expect(validateMetrics({ ...regression, mse: 0.09, mae: 0.3 }, 'regression').mae).toBe(0.3);
  });

  it("refuses another task's field, and a task's figure that is missing", () => {
    expect(thrown(() => validateMetrics({ ...base, mse: 0.1 }, 'binary'))?.code).toBe('E_UPDATE_RANGE');
    expect(thrown(() => validateMetrics({ ...multiclass, r2: 0.5 }, 'multiclass'))?.code).toBe('E_UPDATE_RANGE');
    expect(thrown(() => validateMetrics({ ...regression, r2: undefined }, 'regression'))?.message).toContain('"r2"');
    expect(thrown(() => validateMetrics(base, 'survival'))?.message).toContain('"cIndex"');
    // Without a task (a peer's metrics outside a job), each field present is range-checked only.
    expect(validateMetrics({ ...base, mse: 0.1 }).mse).toBe(0.1);
  });

  it('keeps no field the Metrics do not have', () => {
    expect(Object.keys(validateMetrics({ ...regression, extra: 1 }, 'regression')).sort()).toEqual(
      Object.keys(regression).sort(),
    );
  });
});

describe('pooledMetrics: task fields', () => {
  it('pools each as an example-weighted mean (MSE and MAE exactly those of the union)', () => {
    const a: Metrics = { ...regression, numExamples: 10, mse: 1, mae: 0.5, r2: 0.2 };
    const b: Metrics = { ...regression, numExamples: 30, mse: 3, mae: 1.5, r2: Number.NaN };
    const p = pooledMetrics([a, b]);
    expect(p.mse).toBeCloseTo((10 * 1 + 30 * 3) / 40, 12);
    expect(p.mae).toBeCloseTo((10 * 0.5 + 30 * 1.5) / 40, 12);
    expect(p.r2).toBeCloseTo(0.2, 12);
    expect(p.balancedAccuracy).toBeUndefined();
    const m = pooledMetrics([multiclass, { ...multiclass, numExamples: 30, balancedAccuracy: 0.25 }]);
    expect(m.balancedAccuracy).toBeCloseTo((10 * 0.65 + 30 * 0.25) / 40, 12);
  });

  it("shows the task's own figures in a log line", () => {
    expect(headlineMetrics(regression)).toEqual({ mse: 0.3, mae: 0.4, r2: 0.6 });
    expect(headlineMetrics(multiclass)).toEqual({ accuracy: 0.7, balancedAccuracy: 0.65 });
    expect(headlineMetrics(multilabel)).toEqual({ hammingAccuracy: 0.75, subsetAccuracy: 0.4 });
    expect(headlineMetrics({ ...base, accuracy: 0.5, numCorrect: 5 })).toEqual({ accuracy: 0.5 });
  });
});

describe('the wire: task fields', () => {
  const envelope = (m: Metrics) =>
    decodeEnvelope(encodeEnvelope({ sender: 'h', seq: 1, evaluation: { metrics: metricsToWire(m) } })).evaluation;

  it('carries each field, an undefined R² as a present NaN, and no field of another task', () => {
    const back = metricsFromWire(envelope({ ...regression, r2: Number.NaN })!.metrics);
    expect(back.mse).toBe(0.3);
    expect(back.mae).toBe(0.4);
    expect(back.r2).toBeNaN();
    expect(back.balancedAccuracy).toBeUndefined();
    expect(metricsFromWire(envelope(multiclass)!.metrics)).toEqual(multiclass);
    expect(metricsFromWire(envelope(multilabel)!.metrics)).toEqual(multilabel);
  });

  it("refuses a hostile hospital's figures as the coordinator reads them", () => {
    expect(thrown(() => evaluationFromWire(envelope({ ...regression, mse: -3 }), 'regression'))?.code).toBe(
      'E_UPDATE_RANGE',
    );
    expect(thrown(() => evaluationFromWire(envelope({ ...regression, r2: 7 }), 'regression'))?.code).toBe(
      'E_UPDATE_RANGE',
    );
    // A regression figure smuggled into a binary job's evaluation.
    expect(thrown(() => evaluationFromWire(envelope({ ...base, mse: 0.1 }), 'binary'))?.code).toBe('E_UPDATE_RANGE');
    expect(evaluationFromWire(envelope(regression), 'regression')?.metrics).toEqual(regression);
  });
});
