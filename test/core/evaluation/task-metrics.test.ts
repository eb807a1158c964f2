/** taskMetrics: each task's raw outputs reach the right metric, in the right direction. */
import { describe, expect, it } from 'vitest';
import { binaryMetrics } from '../../../core/metrics.ts';
import { concordanceIndex, taskMetrics } from '../../../core/task-metrics.ts';

const f32 = (a: number[]) => Float32Array.from(a);

describe('taskMetrics', () => {
  it('binary: binaryMetrics of the sigmoid of the logits', () => {
    const z = [2, -1, 0.5, -3];
    const y = [1, 0, 0, 0];
    const m = taskMetrics({ kind: 'binary' }, f32(z), f32(y), 4);
    expect(m).toEqual(
      binaryMetrics(
        z.map((v) => 1 / (1 + Math.exp(-v))),
        y,
      ),
    );
  });

  it('survival: a higher risk means a shorter survival, so the C-index ranks −risk', () => {
    // Risk decreasing in time: a perfect Cox model.
    const y = f32([1, 1, 2, 1, 3, 0, 4, 1]);
    const m = taskMetrics({ kind: 'survival' }, f32([3, 2, 1, 0]), y, 4);
    expect(m.cIndex).toBe(1);
    expect(m.numEvents).toBe(3);
    expect(taskMetrics({ kind: 'survival' }, f32([0, 1, 2, 3]), y, 4).cIndex).toBe(0);
    expect(concordanceIndex([1, 2, 3, 4], [1, 1, 0, 1], [-3, -2, -1, 0])).toBe(1);
  });

  it('regression: loss is the metric the task trains on', () => {
    const out = f32([1, 2, 4]);
    const y = f32([1, 1, 1]);
    expect(taskMetrics({ kind: 'regression', loss: 'mse' }, out, y, 3).loss).toBeCloseTo(10 / 3, 12);
    expect(taskMetrics({ kind: 'regression', loss: 'mae' }, out, y, 3).loss).toBeCloseTo(4 / 3, 12);
  });

  it('multiclass and multilabel report their named metrics', () => {
    const mc = taskMetrics({ kind: 'multiclass', classes: ['a', 'b'] }, f32([1, 0, 0, 1]), f32([0, 1]), 2);
    expect(mc).toMatchObject({ numExamples: 2, accuracy: 1, balancedAccuracy: 1, auc: 1 });
    const ml = taskMetrics({ kind: 'multilabel', labels: ['a', 'b'] }, f32([1, -1, -1, 1]), f32([1, 0, 0, 0]), 2);
    expect(ml).toMatchObject({ numExamples: 2, subsetAccuracy: 0.5, hammingAccuracy: 0.75 });
  });

  it('a non-finite output counts as 0, never as an error', () => {
    const m = taskMetrics({ kind: 'multiclass', classes: ['a', 'b'] }, f32([NaN, 0, Infinity, 0]), f32([0, 1]), 2);
    expect(m.loss).toBeCloseTo(Math.log(2), 12);
    expect(Number.isFinite(taskMetrics({ kind: 'survival' }, f32([NaN, 1]), f32([1, 1, 2, 1]), 2).loss)).toBe(true);
  });

  it('refuses outputs or labels of the wrong size', () => {
    expect(() => taskMetrics({ kind: 'survival' }, f32([1, 2]), f32([1, 1]), 2)).toThrow(
      expect.objectContaining({ code: 'E_INTERNAL' }),
    );
  });
});
