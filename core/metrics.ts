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
