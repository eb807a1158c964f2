/**
 * Each task's tfjs loss against a float64 reference written from its
 * definition, its gradient (tf.grad) against central finite differences of
 * that reference, and its stability on logits and risks whose exp overflows
 * float32. The Cox loss is also checked against FLamby's fed_tcga_brca
 * BaselineLoss (owkin/FLamby, flamby/datasets/fed_tcga_brca/loss.py), ported
 * below, on data without tied times, where Breslow and FLamby agree.
 * Everything runs on the cpu and the wasm backend.
 */
import type { Tensor2D } from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTf, type Tf } from '../../../client/trainer/backend.ts';
import { perExampleTaskLoss, taskLoss } from '../../../client/trainer/task-loss.ts';
import type { Task } from '../../../core/model/task.ts';

let tf: Tf;
const BACKENDS = ['cpu', 'wasm'] as const;

beforeAll(async () => {
  process.env.COHORT_TF_BACKEND = 'wasm';
  tf = (await loadTf()).tf;
});

function onEach(f: () => void): void {
  for (const b of BACKENDS) {
    tf.setBackend(b);
    try {
      f();
    } finally {
      tf.setBackend('wasm');
    }
  }
}

const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

/** The mean loss in float64, from each task's definition. z is B × units, y B × width, row-major. */
function reference(task: Task, z: number[], y: number[], b: number): number {
  if (b === 0) return 0;
  const units = z.length / b;
  let sum = 0;
  switch (task.kind) {
    case 'binary':
    case 'multilabel':
      for (let i = 0; i < z.length; i++) sum += softplus(z[i]!) - z[i]! * y[i]!;
      return sum / z.length;
    case 'multiclass':
      for (let i = 0; i < b; i++) {
        const row = z.slice(i * units, (i + 1) * units);
        const m = Math.max(...row);
        sum += m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[y[i]!]!;
      }
      return sum / b;
    case 'regression':
      for (let i = 0; i < b; i++) sum += task.loss === 'mae' ? Math.abs(z[i]! - y[i]!) : (z[i]! - y[i]!) ** 2;
      return sum / b;
    case 'survival':
      // Breslow: the risk set of an event at t is every record with time ≥ t; terms summed directly.
      for (let i = 0; i < b; i++) {
        if (y[2 * i + 1] !== 1) continue;
        const inSet = z.filter((_, j) => y[2 * j]! >= y[2 * i]!);
        const m = Math.max(...inSet);
        sum += z[i]! - (m + Math.log(inSet.reduce((s, v) => s + Math.exp(v - m), 0)));
      }
      return -sum / b;
  }
}

/** FLamby's BaselineLoss in float64: sort by time descending (stable), cumsum of exp(s − max), mean over the batch. */
function flambyLoss(z: number[], y: number[]): number {
  const b = z.length;
  const idx = Array.from({ length: b }, (_, i) => i).sort((p, q) => y[2 * q]! - y[2 * p]!);
  const m = Math.max(...z);
  let cum = 0;
  let loss = 0;
  for (const i of idx) {
    cum += Math.exp(z[i]! - m);
    loss += -(z[i]! - m - Math.log(cum)) * y[2 * i + 1]!;
  }
  return loss / b;
}

const TASKS: Task[] = [
  { kind: 'binary' },
  { kind: 'multiclass', classes: ['a', 'b', 'c'] },
  { kind: 'multilabel', labels: ['x', 'y'] },
  { kind: 'regression', loss: 'mse' },
  { kind: 'regression', loss: 'mae' },
  { kind: 'survival' },
];
const unitsOf = (t: Task) => (t.kind === 'multiclass' ? 3 : t.kind === 'multilabel' ? 2 : 1);
const widthOf = (t: Task) => (t.kind === 'multilabel' ? 2 : t.kind === 'survival' ? 2 : 1);

/** A deterministic batch for `task` with tied survival times and both event values. */
function batchFor(task: Task, b: number, scale = 1): { z: number[]; y: number[] } {
  const z = Array.from({ length: b * unitsOf(task) }, (_, i) => scale * Math.sin(1.7 * i + 0.3) * 2);
  const y: number[] = [];
  for (let i = 0; i < b; i++) {
    if (task.kind === 'multiclass') y.push(i % 3);
    else if (task.kind === 'survival') y.push(1 + (i % 4), i % 3 === 2 ? 0 : 1);
    else if (task.kind === 'regression') y.push(Math.cos(i));
    else for (let j = 0; j < widthOf(task); j++) y.push((i + j) % 2);
  }
  return { z, y };
}

function lossOf(task: Task, z: number[], y: number[], b: number): number {
  return tf.tidy(() => {
    const out = tf.tensor2d(z, [b, unitsOf(task)]);
    return taskLoss(tf, task, out, tf.tensor2d(y, [b, widthOf(task)])).dataSync()[0]!;
  });
}

describe('taskLoss values', () => {
  for (const task of TASKS)
    it(`${task.kind}${task.kind === 'regression' ? ` (${task.loss})` : ''} equals the float64 definition`, () =>
      onEach(() => {
        const { z, y } = batchFor(task, 9);
        expect(lossOf(task, z, y, 9)).toBeCloseTo(reference(task, z, y, 9), 5);
        expect(lossOf(task, [], [], 0)).toBe(0);
      }));

  it('binary is tf.losses.sigmoidCrossEntropy, as train.ts used it', () => {
    const { z, y } = batchFor({ kind: 'binary' }, 7);
    const direct = tf.tidy(
      () =>
        tf.losses
          .sigmoidCrossEntropy(tf.tensor2d(y, [7, 1]), tf.tensor2d(z, [7, 1]), undefined, 0, tf.Reduction.MEAN)
          .dataSync()[0]!,
    );
    expect(lossOf({ kind: 'binary' }, z, y, 7)).toBe(direct);
  });

  it('Cox equals FLamby’s BaselineLoss on untied times, and differs from it (Breslow) on tied ones', () => {
    const task: Task = { kind: 'survival' };
    const z = [0.3, -1.2, 0.8, 2.0, -0.5, 0.1];
    const untied = [5, 1, 3, 0, 1, 1, 4, 1, 2, 0, 6, 1];
    expect(lossOf(task, z, untied, 6)).toBeCloseTo(flambyLoss(z, untied), 6);
    const tied = [5, 1, 3, 1, 3, 1, 4, 1, 3, 0, 6, 1];
    expect(lossOf(task, z, tied, 6)).toBeCloseTo(reference(task, z, tied, 6), 6);
    expect(Math.abs(reference(task, z, tied, 6) - flambyLoss(z, tied))).toBeGreaterThan(1e-3);
  });

  it('Cox is 0 for a batch without events', () =>
    expect(Math.abs(lossOf({ kind: 'survival' }, [1, 2, 3], [1, 0, 2, 0, 3, 0], 3))).toBe(0));

  it('stays finite and right for outputs whose exp overflows float32', () =>
    onEach(() => {
      for (const task of TASKS) {
        const { z, y } = batchFor(task, 8, 400);
        const got = lossOf(task, z, y, 8);
        const want = reference(task, z, y, 8);
        expect(Number.isFinite(got)).toBe(true);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
      }
    }));

  it('Cox stays finite where FLamby’s exp-then-cumsum underflows to log 0', () => {
    // The latest time has the largest risk by far: every other prefix sum of exp(s − max) is 0 in float32.
    const z = [200, -200, -210];
    const y = [9, 1, 1, 1, 2, 1];
    const got = lossOf({ kind: 'survival' }, z, y, 3);
    expect(got).toBeCloseTo(reference({ kind: 'survival' }, z, y, 3), 3);
  });
});

describe('taskLoss gradients', () => {
  for (const task of TASKS)
    it(`${task.kind}${task.kind === 'regression' ? ` (${task.loss})` : ''}: tf.grad matches finite differences of the reference`, () =>
      onEach(() => {
        const b = 6;
        const { z, y } = batchFor(task, b);
        const g = tf.tidy(() => {
          const yt = tf.tensor2d(y, [b, widthOf(task)]);
          return tf
            .grad((out) => taskLoss(tf, task, out as Tensor2D, yt))(tf.tensor2d(z, [b, unitsOf(task)]))
            .dataSync();
        });
        const h = 1e-6;
        z.forEach((_, k) => {
          const up = z.map((v, i) => (i === k ? v + h : v));
          const down = z.map((v, i) => (i === k ? v - h : v));
          const fd = (reference(task, up, y, b) - reference(task, down, y, b)) / (2 * h);
          expect(g[k]!).toBeCloseTo(fd, 4);
        });
      }));
});

describe('perExampleTaskLoss', () => {
  it('each term is the one-example loss, and their mean is the batch loss', () =>
    onEach(() => {
      for (const task of TASKS.filter((t) => t.kind !== 'survival')) {
        const b = 5;
        const { z, y } = batchFor(task, b);
        const u = unitsOf(task);
        const w = widthOf(task);
        const per = tf.tidy(
          () => perExampleTaskLoss(tf, task, tf.tensor2d(z, [b, u]), tf.tensor2d(y, [b, w])).dataSync() as Float32Array,
        );
        expect(per.length).toBe(b);
        for (let i = 0; i < b; i++)
          expect(per[i]!).toBeCloseTo(reference(task, z.slice(i * u, (i + 1) * u), y.slice(i * w, (i + 1) * w), 1), 5);
        expect(per.reduce((s, v) => s + v, 0) / b).toBeCloseTo(lossOf(task, z, y, b), 5);
      }
    }));

  it('refuses survival, whose terms share risk sets', () =>
    expect(() =>
      tf.tidy(() => perExampleTaskLoss(tf, { kind: 'survival' }, tf.zeros([2, 1]), tf.ones([2, 2]))),
    ).toThrow(expect.objectContaining({ code: 'E_INTERNAL' })));

  it('Cox: random batches with ties match the float64 definition', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: -30, max: 30 })),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (rows) => {
          const z = rows.map((r) => r[2] / 10);
          const y = rows.flatMap((r) => [r[0], r[1]]);
          expect(lossOf({ kind: 'survival' }, z, y, rows.length)).toBeCloseTo(
            reference({ kind: 'survival' }, z, y, rows.length),
            5,
          );
        },
      ),
      { numRuns: 100 },
    ));
});
