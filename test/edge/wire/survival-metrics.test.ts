/** A survival job's C-index on the wire (proto Metrics.c_index), through the coordinator's checks and pooling. */
import { describe, it, expect } from 'vitest';
import { decodeEnvelope, encodeEnvelope, metricsFromWire, metricsToWire } from '../../../edge/wire/codec.ts';
import { pooledMetrics, validateMetrics, type Metrics } from '../../../core/metrics.ts';

const roundTrip = (m: Metrics) =>
  metricsFromWire(
    decodeEnvelope(encodeEnvelope({ sender: 'a', seq: 1, evaluation: { metrics: metricsToWire(m) } })).evaluation!
      .metrics,
  );

const survival = (cIndex: number, n = 10): Metrics => ({
  numExamples: n,
  numCorrect: 0,
  loss: 0.4,
  accuracy: 0,
  auc: Number.NaN,
  cIndex,
});

describe('survival metrics on the wire', () => {
  it('carries the C-index, NaN included, and leaves it absent for a binary job', () => {
    expect(roundTrip(survival(0.8)).cIndex).toBeCloseTo(0.8, 12);
    expect(roundTrip(survival(Number.NaN)).cIndex).toBeNaN();
    const binary = { numExamples: 2, numCorrect: 1, loss: 0.3, accuracy: 0.5, auc: 0.5 };
    expect(roundTrip(binary)).toEqual(binary);
    expect('cIndex' in roundTrip(binary)).toBe(false);
  });

  it('validateMetrics keeps a C-index in [0, 1] or NaN and refuses others (E_UPDATE_RANGE)', () => {
    expect(validateMetrics(survival(0.7)).cIndex).toBe(0.7);
    expect(validateMetrics(survival(Number.NaN)).cIndex).toBeNaN();
    for (const bad of [1.5, -0.1, Number.POSITIVE_INFINITY, '0.7'])
      expect(() => validateMetrics({ ...survival(0.7), cIndex: bad })).toThrow(
        expect.objectContaining({ code: 'E_UPDATE_RANGE' }),
      );
  });

  it('pools C-indices as an example-weighted mean of the defined ones; none for a binary job', () => {
    const p = pooledMetrics([survival(0.9, 30), survival(0.5, 10), survival(Number.NaN, 5)]);
    expect(p.cIndex).toBeCloseTo((0.9 * 30 + 0.5 * 10) / 40, 12);
    expect(pooledMetrics([survival(Number.NaN)]).cIndex).toBeNaN();
    expect('cIndex' in pooledMetrics([{ numExamples: 2, numCorrect: 1, loss: 0.3, accuracy: 0.5, auc: 0.5 }])).toBe(
      false,
    );
  });
});
