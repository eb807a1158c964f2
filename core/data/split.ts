/**
 * Seeded train/test split, stratified by label so a small centre's test set
 * keeps its class balance (FLamby Fed-Heart-Disease splits each centre 66/34).
 */
import { seededRng, shuffleInPlace } from '../rng.ts';

export interface SplitOptions {
  /** Share of each class (or of all rows, unstratified) that goes to test. */
  readonly testFraction: number;
  readonly stratified: boolean;
  readonly seed: number;
}

export interface SplitIndices {
  /** Row indices, ascending. */
  readonly train: number[];
  /** Row indices, ascending. */
  readonly test: number[];
}

/**
 * Per class in ascending label order, shuffles that class's row indices with
 * one seeded generator and sends the first round(testFraction * classCount)
 * to test. Indices are then sorted so each split keeps file order: the result
 * depends only on (labels, options), not on iteration details.
 */
export function splitIndices(labels: ArrayLike<number>, o: SplitOptions): SplitIndices {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const key = o.stratified ? labels[i]! : 0;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const rng = seededRng(o.seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(groups.get(key)!, rng);
    const k = Math.round(o.testFraction * idx.length);
    // Loops, not push(...xs): spreading a large class would overflow the call stack.
    for (let j = 0; j < idx.length; j++) (j < k ? test : train).push(idx[j]!);
  }
  const asc = (a: number, b: number) => a - b;
  return { train: train.sort(asc), test: test.sort(asc) };
}
