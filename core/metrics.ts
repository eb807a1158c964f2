/**
 * Binary-classification metrics: computing them on one test split, pooling
 * them across sites, and checking them when they arrive from a peer.
 */
import { CohortError } from './errors.ts';

/** Binary-classification metrics of a model on one test split. */
export interface Metrics {
  numExamples: number;
  numCorrect: number;
  /** Mean binary cross-entropy. */
  loss: number;
  /** numCorrect / numExamples. */
  accuracy: number;
  /** ROC AUC; NaN when the split holds only one class. */
  auc: number;
}

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
function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
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
  return {
    numExamples: n,
    numCorrect: correct,
    loss: n === 0 ? 0 : lossSum / n,
    accuracy: n === 0 ? 0 : correct / n,
    auc: aucWeight === 0 ? Number.NaN : aucSum / aucWeight,
  };
}

/**
 * Checks metrics received from a peer and returns a clean copy holding only the
 * Metrics fields. Throws E_UPDATE_RANGE naming the first bad field.
 */
export function validateMetrics(m: unknown): Metrics {
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
  return { numExamples, numCorrect, loss, accuracy, auc };
}

function rangeError(field: keyof Metrics, expected: string, got: unknown): CohortError {
  return new CohortError(
    'E_UPDATE_RANGE',
    `"${field}" expected ${expected}, got ${typeof got === 'number' ? got : typeof got}`,
  );
}
