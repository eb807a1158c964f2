/**
 * What a job's model predicts, and so which head, loss and metrics it uses.
 *
 * Label layout in a DatasetSplit's `y` (row-major, n × labelWidth(task)):
 * - binary: 0 or 1;
 * - multiclass: the class index 0..K−1 (as a float), K = classes.length;
 * - multilabel: L values, each 0 or 1, L = labels.length;
 * - regression: the target value;
 * - survival: [time, event] per row: time >= 0 (days; 0 for a record censored
 *   on the day of diagnosis, as TCGA has), event 1 if observed, 0 if censored.
 *
 * The model's output layer has outputUnits(task) units and no final
 * activation of its own: the task applies it (sigmoid, softmax, identity, or
 * none for the Cox risk score), so training can use the numerically stable
 * losses on logits.
 */
import { z } from 'zod';

const labelName = z.string().min(1).max(128);

export const taskSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('binary') }),
  z.strictObject({ kind: z.literal('multiclass'), classes: z.array(labelName).min(2).max(1000) }),
  z.strictObject({ kind: z.literal('multilabel'), labels: z.array(labelName).min(1).max(1000) }),
  z.strictObject({ kind: z.literal('regression'), loss: z.enum(['mse', 'mae']).default('mse') }),
  z.strictObject({ kind: z.literal('survival') }),
]);

export type Task = z.infer<typeof taskSchema>;
export type TaskKind = Task['kind'];

/** The task every job had before tasks existed, and the default. */
export const BINARY_TASK: Task = { kind: 'binary' };

/** Units of the model's output layer. */
export function outputUnits(task: Task): number {
  switch (task.kind) {
    case 'multiclass':
      return task.classes.length;
    case 'multilabel':
      return task.labels.length;
    default:
      return 1;
  }
}

/** Values of `y` per example. */
export function labelWidth(task: Task): number {
  switch (task.kind) {
    case 'multilabel':
      return task.labels.length;
    case 'survival':
      return 2;
    default:
      return 1;
  }
}
