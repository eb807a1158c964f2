/**
 * A model's metrics on one test split: computing the binary ones, pooling
 * any task's across sites, and checking them when they arrive from a peer.
 */
import { CohortError } from './errors.ts';
import type { TaskKind } from './model/task.ts';

/**
 * Metrics of a model on one test split, for any task (core/task-metrics.ts
 * computes them; client/trainer/evaluate.ts maps them here). The binary
 * fields are always present; a task without accuracy or AUC sends 0, 0 and
 * NaN. By task:
 * - binary: accuracy, auc;
 * - multiclass: accuracy, balancedAccuracy, auc (macro one-vs-rest);
 * - multilabel: numCorrect/accuracy count examples with every label right
 *   (subset accuracy), hammingAccuracy, auc (macro over labels);
 * - regression: mse, mae, r2 (on the scaled target, core/data/encode-label.ts);
 * - survival: cIndex.
 * loss is always the task's mean loss per example.
 */
export interface Metrics {
  numExamples: number;
  numCorrect: number;
  /** Mean binary cross-entropy. */
  loss: number;
  /** numCorrect / numExamples. */
  accuracy: number;
  /** ROC AUC; NaN when the split holds only one class. */
  auc: number;
  /**
   * Survival jobs only: Harrell's C-index (core/task-metrics.ts), NaN when no
   * pair is comparable. Such metrics have loss = the Cox negative partial
   * log-likelihood per record, numCorrect and accuracy 0, auc NaN.
   */
  cIndex?: number;
  /** Multi-class only: mean recall over the classes present (scikit-learn's balanced_accuracy_score). */
  balancedAccuracy?: number;
  /** Multi-label only: share of the n × L label decisions right (1 − Hamming loss). */
  hammingAccuracy?: number;
  /** Regression only: mean squared and absolute error, and R² (NaN on an empty split). */
  mse?: number;
  mae?: number;
  r2?: number;
}

/** The task-specific fields, each with the tasks that send it and the range a peer's value must lie in. */
const TASK_FIELDS = {
  cIndex: { task: 'survival', range: 'unit' },
  balancedAccuracy: { task: 'multiclass', range: 'unit' },
  hammingAccuracy: { task: 'multilabel', range: 'unit' },
  mse: { task: 'regression', range: 'nonnegative' },
  mae: { task: 'regression', range: 'nonnegative' },
  r2: { task: 'regression', range: 'at-most-one' },
} as const satisfies Record<string, { task: TaskKind; range: string }>;
type TaskField = keyof typeof TASK_FIELDS;
const TASK_FIELD_NAMES = Object.keys(TASK_FIELDS) as TaskField[];

/** Probabilities are clamped to [EPS, 1 − EPS] before the logarithm so one confident mistake gives a large, finite loss (as Keras does). */
const BCE_EPS = 1e-7;
/** Largest example count accepted from a peer. */
const MAX_EXAMPLES = 1e9;
/** Slack between a reported accuracy and numCorrect / numExamples (wire doubles, rounding). */
const ACCURACY_TOLERANCE = 1e-6;

/**
 * Accuracy at `threshold` (prob ≥ threshold predicts 1), mean binary
 * cross-entropy, and ROC AUC of predicted probabilities against 0/1 labels.
 * An empty split gives zero counts, zero loss and accuracy, and NaN AUC.
 */
export function binaryMetrics(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold = 0.5): Metrics {
  const n = probs.length;
  if (labels.length !== n) throw new CohortError('E_INTERNAL', `${n} probabilities but ${labels.length} labels`);
  let correct = 0;
  let lossSum = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    const y = labels[i]!;
    if (!Number.isFinite(p)) throw new CohortError('E_UPDATE_NONFINITE', `probability at index ${i} is not finite`);
    if (y !== 0 && y !== 1) throw new CohortError('E_INTERNAL', `label at index ${i} is ${y}, expected 0 or 1`);
    if ((p >= threshold ? 1 : 0) === y) correct++;
    const q = Math.min(Math.max(p, BCE_EPS), 1 - BCE_EPS);
    lossSum -= y === 1 ? Math.log(q) : Math.log(1 - q);
  }
  if (n === 0) return { numExamples: 0, numCorrect: 0, loss: 0, accuracy: 0, auc: Number.NaN };
  return { numExamples: n, numCorrect: correct, loss: lossSum / n, accuracy: correct / n, auc: rocAuc(probs, labels) };
}

/**
 * ROC AUC as the Mann–Whitney U statistic over positives and negatives,
 * U / (n₁ n₀) (Hanley & McNeil 1982, "The meaning and use of the area under a
 * ROC curve"), in O(n log n). Tied scores get average ranks, i.e. a tied
 * positive–negative pair counts 1/2. U is counted directly per block of tied
 * scores, which is the rank-sum R₁ − n₁(n₁+1)/2 without the large rank sums.
 * NaN when only one class is present.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => scores[a]! - scores[b]!);
  let negativesBelow = 0;
  let positives = 0;
  let u = 0;
  for (let start = 0; start < n;) {
    const s = scores[order[start]!]!;
    let pos = 0;
    let neg = 0;
    let end = start;
    for (; end < n && scores[order[end]!]! === s; end++) {
      if (labels[order[end]!] === 1) pos++;
      else neg++;
    }
    u += pos * negativesBelow + (pos * neg) / 2;
    negativesBelow += neg;
    positives += pos;
    start = end;
  }
  if (positives === 0 || negativesBelow === 0) return Number.NaN;
  return u / (positives * negativesBelow);
}

/**
 * Combines per-site metrics. Counts are summed, so accuracy is exactly the
 * accuracy on the union of the test sets, and loss (a per-example mean) is the
 * example-weighted mean. AUC is the example-weighted mean of the sites' defined
 * AUCs: it is NOT the AUC of the pooled set, which depends on how scores from
 * different sites interleave and cannot be computed from per-site summaries.
 * NaN when no site has a defined AUC.
 */
export function pooledMetrics(perClient: readonly Metrics[]): Metrics {
  let n = 0;
  let correct = 0;
  let lossSum = 0;
  let aucSum = 0;
  let aucWeight = 0;
  for (const m of perClient) {
    n += m.numExamples;
    correct += m.numCorrect;
    lossSum += m.numExamples * m.loss;
    if (!Number.isNaN(m.auc)) {
      aucSum += m.numExamples * m.auc;
      aucWeight += m.numExamples;
    }
  }
  const out: Metrics = {
    numExamples: n,
    numCorrect: correct,
    loss: n === 0 ? 0 : lossSum / n,
    accuracy: n === 0 ? 0 : correct / n,
    auc: aucWeight === 0 ? Number.NaN : aucSum / aucWeight,
  };
  // Each task field as AUC: mse and mae so are exactly the pooled set's, the others (cIndex, balancedAccuracy, r2) are not.
  for (const f of TASK_FIELD_NAMES) {
    const v = weightedMean(perClient, (m) => m[f]);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** The figures a log line or report shows for metrics of any task: the task's own where it has them. */
export function headlineMetrics(m: Metrics): Record<string, number> {
  const own = TASK_FIELD_NAMES.filter((f) => m[f] !== undefined);
  const out: Record<string, number> =
    own.length === 0 || m.balancedAccuracy !== undefined ? { accuracy: m.accuracy } : {};
  for (const f of own) out[f] = m[f]!;
  if (m.hammingAccuracy !== undefined) out['subsetAccuracy'] = m.accuracy;
  return out;
}

/**
 * The example-weighted mean of the sites' defined values of `f` (like AUC,
 * not the value on the pooled set); NaN if no site's is defined, undefined
 * if no site reports one.
 */
function weightedMean(perClient: readonly Metrics[], f: (m: Metrics) => number | undefined): number | undefined {
  let sum = 0;
  let weight = 0;
  let reported = false;
  for (const m of perClient) {
    const v = f(m);
    if (v === undefined) continue;
    reported = true;
    if (Number.isNaN(v)) continue;
    sum += m.numExamples * v;
    weight += m.numExamples;
  }
  if (!reported) return undefined;
  return weight === 0 ? Number.NaN : sum / weight;
}

/**
 * Checks metrics received from a peer and returns a clean copy holding only the
 * Metrics fields. Throws E_UPDATE_RANGE naming the first bad field. With the
 * job's task, the task's own fields must all be there and no other task's
 * (a survival job's metrics carry cIndex, a binary job's none).
 */
export function validateMetrics(m: unknown, task?: TaskKind): Metrics {
  if (typeof m !== 'object' || m === null) throw new CohortError('E_UPDATE_RANGE', 'metrics: expected an object');
  const r = m as Record<string, unknown>;
  const { numExamples, numCorrect, loss, accuracy, auc } = r;
  if (
    typeof numExamples !== 'number' ||
    !Number.isInteger(numExamples) ||
    numExamples < 0 ||
    numExamples > MAX_EXAMPLES
  ) {
    throw rangeError('numExamples', `integer in [0, ${MAX_EXAMPLES}]`, numExamples);
  }
  if (typeof numCorrect !== 'number' || !Number.isInteger(numCorrect) || numCorrect < 0 || numCorrect > numExamples) {
    throw rangeError('numCorrect', `integer in [0, numExamples = ${numExamples}]`, numCorrect);
  }
  if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0) {
    throw rangeError('loss', 'finite number >= 0', loss);
  }
  if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) {
    throw rangeError('accuracy', 'number in [0, 1]', accuracy);
  }
  if (numExamples > 0 && Math.abs(accuracy - numCorrect / numExamples) > ACCURACY_TOLERANCE) {
    throw rangeError('accuracy', `numCorrect / numExamples = ${numCorrect / numExamples}`, accuracy);
  }
  if (typeof auc !== 'number' || !(Number.isNaN(auc) || (auc >= 0 && auc <= 1))) {
    throw rangeError('auc', 'number in [0, 1] or NaN', auc);
  }
  const out: Metrics = { numExamples, numCorrect, loss, accuracy, auc };
  for (const f of TASK_FIELD_NAMES) {
    const v = r[f];
    const expected = task === undefined ? undefined : TASK_FIELDS[f].task === task;
    if (v === undefined) {
      if (expected) throw rangeError(f, `a number (a ${task} job's metrics carry it)`, v);
      continue;
    }
    if (expected === false) throw rangeError(f, `absent (not a metric of a ${task} job)`, v);
    out[f] = checkTaskField(f, v);
  }
  // Jensen: the mean absolute error is at most the root mean squared error, whatever the errors.
  if (out.mse !== undefined && out.mae !== undefined && out.mae > Math.sqrt(out.mse) * (1 + 1e-9) + 1e-12)
    throw rangeError('mae', `at most sqrt(mse) = ${Math.sqrt(out.mse)}`, out.mae);
  return out;
}

/** A task field's value in its range: a share in [0, 1] or NaN, an error >= 0, an R² <= 1 or NaN; always finite or NaN. */
function checkTaskField(f: TaskField, v: unknown): number {
  const range = TASK_FIELDS[f].range;
  const ok =
    typeof v === 'number' &&
    (range === 'unit'
      ? Number.isNaN(v) || (v >= 0 && v <= 1)
      : range === 'nonnegative'
        ? Number.isFinite(v) && v >= 0
        : Number.isNaN(v) || (Number.isFinite(v) && v <= 1));
  if (!ok)
    throw rangeError(
      f,
      range === 'unit'
        ? 'number in [0, 1] or NaN'
        : range === 'nonnegative'
          ? 'finite number >= 0'
          : 'finite number <= 1 or NaN',
      v,
    );
  return v as number;
}

function rangeError(field: keyof Metrics, expected: string, got: unknown): CohortError {
  return new CohortError(
    'E_UPDATE_RANGE',
    `"${field}" expected ${expected}, got ${typeof got === 'number' ? got : typeof got}`,
  );
}
