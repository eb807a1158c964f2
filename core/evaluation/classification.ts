/**
 * Multi-class and multi-label metrics from a model's raw outputs (logits),
 * computed in float64. AUCs are core/metrics.ts's Mann–Whitney AUC per class
 * or label, averaged as scikit-learn's `roc_auc_score(..., average='macro')`.
 */
import { CohortError } from '../errors.ts';
import { rocAuc } from '../metrics.ts';

export interface MulticlassMetrics {
  numExamples: number;
  numCorrect: number;
  /** Mean softmax cross-entropy, −log softmax(z)_y = logsumexp(z) − z_y. */
  loss: number;
  /** numCorrect / numExamples; the prediction is the first largest logit (numpy's argmax). */
  accuracy: number;
  /**
   * Mean recall over the classes present in the split, as scikit-learn's
   * `balanced_accuracy_score` (a class with no example is left out, not
   * counted as 0).
   */
  balancedAccuracy: number;
  /**
   * Macro one-vs-rest ROC AUC of the softmax probabilities, as scikit-learn's
   * `roc_auc_score(y, p, multi_class='ovr', average='macro')`: the
   * unweighted mean over classes of the AUC of p[:, c] for "class c vs the
   * rest". Probabilities, not logits: softmax does not keep each column's
   * ranking. The probabilities are rounded to float32, the logits'
   * precision, so equal softmax rows tie as they would in scikit-learn. A class absent from the split (scikit-learn refuses such a
   * split) is left out of the mean; NaN when no class has both a positive and
   * a negative example.
   */
  auc: number;
}

export interface MultilabelMetrics {
  numExamples: number;
  /** Mean over examples and labels of the sigmoid cross-entropy on logits (Keras binary_crossentropy on L outputs). */
  loss: number;
  /** Examples whose every label is predicted right (prob ≥ 0.5 ⇔ logit ≥ 0): scikit-learn's `accuracy_score` on multilabel input. */
  subsetAccuracy: number;
  /** Share of the n × L label decisions predicted right: 1 − scikit-learn's `hamming_loss`. */
  hammingAccuracy: number;
  /** Mean over labels with both values present of each label's ROC AUC on its logit (the sigmoid keeps the ranking); NaN if none. */
  auc: number;
}

/** `logits` is n × k row-major, `labels` the class index (0..k−1, as a float) of each row. */
export function multiclassMetrics(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
  k: number,
): MulticlassMetrics {
  checkSizes(logits, labels, n, k, 1);
  // float32, the precision of the logits they come from: rows whose logits differ by a constant
  // (the same softmax) must tie, not differ in the last bits of a float64 exp.
  const probs = Array.from({ length: k }, () => new Float32Array(n));
  const support = new Float64Array(k);
  const hits = new Float64Array(k);
  let correct = 0;
  let lossSum = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (!Number.isInteger(y) || y < 0 || y >= k)
      throw new CohortError('E_INTERNAL', `label at index ${i} is ${y}, expected a class index in 0..${k - 1}`);
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[i * k + c]! > logits[i * k + best]!) best = c;
    const max = logits[i * k + best]!;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(logits[i * k + c]! - max);
    for (let c = 0; c < k; c++) probs[c]![i] = Math.exp(logits[i * k + c]! - max) / sum;
    lossSum += max + Math.log(sum) - logits[i * k + y]!;
    support[y]!++;
    if (best === y) {
      correct++;
      hits[y]!++;
    }
  }
  let recallSum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    if (support[c] === 0) continue;
    recallSum += hits[c]! / support[c]!;
    present++;
  }
  const auc = meanDefined(probs.map((p, c) => rocAuc(p, oneVsRest(labels, n, c))));
  if (n === 0) return { numExamples: 0, numCorrect: 0, loss: 0, accuracy: 0, balancedAccuracy: 0, auc: Number.NaN };
  return {
    numExamples: n,
    numCorrect: correct,
    loss: lossSum / n,
    accuracy: correct / n,
    balancedAccuracy: recallSum / present,
    auc,
  };
}

/** `logits` and `labels` are n × l row-major; each label 0 or 1. */
export function multilabelMetrics(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
  l: number,
): MultilabelMetrics {
  checkSizes(logits, labels, n, l, l);
  let lossSum = 0;
  let rightDecisions = 0;
  let rightRows = 0;
  for (let i = 0; i < n; i++) {
    let rowRight = true;
    for (let j = 0; j < l; j++) {
      const z = logits[i * l + j]!;
      const y = labels[i * l + j]!;
      if (y !== 0 && y !== 1) throw new CohortError('E_INTERNAL', `label ${j} of row ${i} is ${y}, expected 0 or 1`);
      // softplus(z) − z·y, written so that no exp overflows.
      lossSum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
      if ((z >= 0 ? 1 : 0) === y) rightDecisions++;
      else rowRight = false;
    }
    if (rowRight) rightRows++;
  }
  const auc = meanDefined(
    Array.from({ length: l }, (_, j) => {
      const col = new Float64Array(n);
      const lab = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        col[i] = logits[i * l + j]!;
        lab[i] = labels[i * l + j]!;
      }
      return rocAuc(col, lab);
    }),
  );
  if (n === 0) return { numExamples: 0, loss: 0, subsetAccuracy: 0, hammingAccuracy: 0, auc: Number.NaN };
  return {
    numExamples: n,
    loss: lossSum / (n * l),
    subsetAccuracy: rightRows / n,
    hammingAccuracy: rightDecisions / (n * l),
    auc,
  };
}

function checkSizes(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  n: number,
  units: number,
  width: number,
): void {
  if (!Number.isInteger(n) || n < 0 || logits.length !== n * units || labels.length !== n * width)
    throw new CohortError(
      'E_INTERNAL',
      `${n} examples need ${n * units} outputs and ${n * width} labels, got ${logits.length} and ${labels.length}`,
    );
}

function oneVsRest(labels: ArrayLike<number>, n: number, c: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = labels[i] === c ? 1 : 0;
  return out;
}

/** Mean of the values that are not NaN (a class or label whose AUC is undefined); NaN if none. */
function meanDefined(values: readonly number[]): number {
  const defined = values.filter((v) => !Number.isNaN(v));
  return defined.length === 0 ? Number.NaN : defined.reduce((a, b) => a + b, 0) / defined.length;
}
