/**
 * Binary search over an ascending array of numbers (C++'s lower_bound and
 * upper_bound): where a value stands, or would be inserted, in O(log n).
 */

/** The first index at which `before` turns false; `before` must hold on a prefix of `sorted` and nowhere after it. */
function partitionPoint(sorted: ArrayLike<number>, before: (x: number) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(sorted[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is ≥ v (sorted.length if none is). */
export function lowerBound(sorted: ArrayLike<number>, v: number): number {
  return partitionPoint(sorted, (x) => x < v);
}

/** The first index whose value is > v (sorted.length if none is). */
export function upperBound(sorted: ArrayLike<number>, v: number): number {
  return partitionPoint(sorted, (x) => x <= v);
}
