/**
 * A job's test metrics for its task (core/model/task.ts), from the model's raw
 * outputs: logits for the classification tasks, the prediction for
 * regression, the Cox risk score for survival. The one door to
 * core/evaluation/.
 */
import { binaryMetrics } from './metrics.ts';
import { CohortError } from './errors.ts';
import { multiclassMetrics, multilabelMetrics } from './evaluation/classification.ts';
import { regressionMetrics } from './evaluation/regression.ts';
import { concordanceIndex, coxNegLogLikelihood } from './evaluation/survival.ts';
import { labelWidth, outputUnits, type Task } from './model/task.ts';

export { concordanceIndex, coxNegLogLikelihood } from './evaluation/survival.ts';

/**
 * Named metrics of one test split, flat. By task:
 * - binary: loss (mean BCE), accuracy, auc, numCorrect (core/metrics.ts binaryMetrics on sigmoid(logit));
 * - multiclass: loss (mean softmax CE), accuracy, balancedAccuracy, auc (macro one-vs-rest), numCorrect;
 * - multilabel: loss (mean sigmoid CE per label), subsetAccuracy, hammingAccuracy, auc (macro over labels);
 * - regression: loss (mse or mae, as the task trains), mse, mae, r2;
 * - survival: loss (Cox negative partial log-likelihood / n, Breslow), cIndex (Harrell, lifelines' semantics), numEvents.
 */
export interface TaskMetrics {
  numExamples: number;
  loss: number;
  [name: string]: number;
}

/**
 * What a non-finite output counts as: 0, the uninformative logit (p = 1/2
 * for a sigmoid, equal logits for a softmax row) and risk. As in
 * client/trainer/evaluate.ts, an overflow on one record must not turn into an
 * error that depends on that record.
 */
const NONFINITE_OUTPUT = 0;

/**
 * `outputs` is n × outputUnits(task) raw model outputs, `y` is n ×
 * labelWidth(task) labels in the task's layout. Throws E_INTERNAL on sizes
 * or labels that do not fit the task (they come from the intake, not from a
 * peer), never on output values.
 */
export function taskMetrics(task: Task, outputs: Float32Array, y: Float32Array, n: number): TaskMetrics {
  const units = outputUnits(task);
  const width = labelWidth(task);
  if (!Number.isInteger(n) || n < 0 || outputs.length !== n * units || y.length !== n * width)
    throw new CohortError(
      'E_INTERNAL',
      `${n} ${task.kind} examples need ${n * units} outputs and ${n * width} labels, got ${outputs.length} and ${y.length}`,
    );
  const z = Float64Array.from(outputs, (v) => (Number.isFinite(v) ? v : NONFINITE_OUTPUT));
  switch (task.kind) {
    case 'binary':
      return { ...binaryMetrics(z.map(sigmoid), y) };
    case 'multiclass':
      return { ...multiclassMetrics(z, y, n, units) };
    case 'multilabel':
      return { ...multilabelMetrics(z, y, n, units) };
    case 'regression': {
      const m = regressionMetrics(z, y, n);
      return { ...m, loss: task.loss === 'mae' ? m.mae : m.mse };
    }
    case 'survival':
      return survivalMetrics(z, y, n);
  }
}

function survivalMetrics(risk: Float64Array, y: Float32Array, n: number): TaskMetrics {
  const time = new Float64Array(n);
  const event = new Float64Array(n);
  let numEvents = 0;
  for (let i = 0; i < n; i++) {
    time[i] = y[2 * i]!;
    event[i] = y[2 * i + 1]!;
    numEvents += event[i] === 1 ? 1 : 0;
  }
  // Higher Cox risk means shorter survival: the C-index ranks −risk as a survival time.
  const cIndex = concordanceIndex(
    time,
    event,
    risk.map((r) => -r),
  );
  return { numExamples: n, loss: coxNegLogLikelihood(time, event, risk), cIndex, numEvents };
}

/** σ(z) without overflow for large |z|. */
function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
