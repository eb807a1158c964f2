/**
 * Survival metrics: Harrell's C-index and the Cox negative partial
 * log-likelihood, in float64.
 */
import { CohortError } from '../errors.ts';
import { lowerBound, upperBound } from '../sorted.ts';

/**
 * Harrell's concordance index with the semantics of lifelines'
 * `concordance_index(event_times, predicted_scores, event_observed)`
 * (lifelines/utils/concordance.py; Harrell, Lee & Mark 1996): `score` is a
 * predicted survival time or anything ordered like one, so a Cox model's
 * risk enters as −risk (as FLamby's Fed-TCGA-BRCA benchmark does).
 *
 * A pair is comparable when the earlier time is an event; a pair of equal
 * times is comparable only when exactly one is an event (the censored one is
 * taken to outlive the other); two censored records never are. A comparable
 * pair counts 1 if the one that lived longer has the larger score, 1/2 if the
 * scores tie, 0 otherwise. Result (concordant + tied/2) / comparable; NaN
 * when no pair is comparable (lifelines raises ZeroDivisionError).
 *
 * O(n log n): lifelines' sweep over times in increasing order, events of a
 * time before its censored records, with the scores of earlier events in a
 * Fenwick tree over their ranks instead of lifelines' B-tree. Counts are
 * exact integers in float64 up to 2^53 pairs, so n ≤ 1.3·10^8.
 */
export function concordanceIndex(time: ArrayLike<number>, event: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = time.length;
  if (event.length !== n || score.length !== n)
    throw new CohortError('E_INTERNAL', `${n} times but ${event.length} events and ${score.length} scores`);
  const died: number[] = [];
  const censored: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(time[i]!) || Number.isNaN(score[i]!))
      throw new CohortError('E_INTERNAL', `time or score at index ${i} is NaN`);
    const e = event[i]!;
    if (e !== 0 && e !== 1) throw new CohortError('E_INTERNAL', `event at index ${i} is ${e}, expected 0 or 1`);
    (e === 1 ? died : censored).push(i);
  }
  const byTime = (a: number, b: number) => time[a]! - time[b]!;
  died.sort(byTime);
  censored.sort(byTime);
  const ranks = Float64Array.from(died.map((i) => score[i]!)).sort();
  const pool = new Fenwick(ranks.length);
  let pairs = 0;
  let correct = 0;
  let tied = 0;
  let d = 0;
  let c = 0;
  while (d < died.length || c < censored.length) {
    const diedNext = d < died.length && (c >= censored.length || time[died[d]!]! <= time[censored[c]!]!);
    const list = diedNext ? died : censored;
    const start = diedNext ? d : c;
    let end = start;
    while (end < list.length && time[list[end]!] === time[list[start]!]) end++;
    // Every earlier event (the pool) is comparable with every record of this time.
    pairs += pool.total * (end - start);
    for (let k = start; k < end; k++) {
      const s = score[list[k]!]!;
      const below = lowerBound(ranks, s);
      correct += pool.prefix(below);
      if (below < ranks.length && ranks[below] === s) tied += pool.prefix(upperBound(ranks, s)) - pool.prefix(below);
    }
    if (diedNext) {
      // Events enter the pool after their own time: tied event times are not comparable.
      for (let k = start; k < end; k++) pool.add(lowerBound(ranks, score[list[k]!]!));
      d = end;
    } else c = end;
  }
  return pairs === 0 ? Number.NaN : (correct + tied / 2) / pairs;
}

/**
 * The Cox model's negative partial log-likelihood with Breslow's handling of
 * tied times, divided by the number of records n (events and censored, as
 * FLamby's fed_tcga_brca BaselineLoss takes the mean over the batch):
 *
 *     −(1/n) Σ_{i: event} ( risk_i − log Σ_{j: time_j ≥ time_i} exp(risk_j) ).
 *
 * 0 for a split without events. O(n log n); the running log-sum-exp keeps a
 * running maximum, so it is finite for any finite risks.
 */
export function coxNegLogLikelihood(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  risk: ArrayLike<number>,
): number {
  const n = time.length;
  if (n === 0) return 0;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[b]! - time[a]!);
  let max = -Infinity;
  let sum = 0; // Σ exp(risk_j − max) over the risk set so far
  let ll = 0;
  for (let start = 0; start < n;) {
    let end = start;
    // Breslow: a tied group's risk set holds the whole group, so add it before any of its terms.
    for (; end < n && time[order[end]!] === time[order[start]!]; end++) {
      const r = risk[order[end]!]!;
      if (r > max) {
        sum = sum * Math.exp(max - r) + 1;
        max = r;
      } else sum += Math.exp(r - max);
    }
    const lse = max + Math.log(sum);
    for (let k = start; k < end; k++) if (event[order[k]!] === 1) ll += risk[order[k]!]! - lse;
    start = end;
  }
  return -ll / n;
}

/** Binary-indexed tree of counts over ranks 0..size−1 (Fenwick 1994). */
class Fenwick {
  private readonly tree: Float64Array;
  total = 0;
  constructor(size: number) {
    this.tree = new Float64Array(size + 1);
  }
  add(rank: number): void {
    this.total++;
    for (let i = rank + 1; i < this.tree.length; i += i & -i) this.tree[i]!++;
  }
  /** How many added ranks are below `rank`. */
  prefix(rank: number): number {
    let s = 0;
    for (let i = rank; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }
}
