/**
 * An evenly spaced sample of a series that only grows, in bounded space: the
 * first item, every stride-th after it, and the latest. When the kept items
 * fill the cap, every other one goes and the stride doubles, so adding an
 * item costs O(1) amortised, the sample never holds more than `cap` items
 * however long the series grows, and a series of at most `cap` items is kept
 * whole. The items are the series' own, not averages: every point a chart
 * draws from a sample is one round's real value. What falls between two kept
 * items is not shown, a spike included; the page says how many rounds a
 * chart was sampled from (the dashboard's job page, coordinator/dashboard/api.ts).
 */
export interface Sample<T> {
  readonly cap: number;
  /** Items 0, stride, 2·stride, … of the series are kept. */
  readonly stride: number;
  /** Items added so far. */
  readonly count: number;
  readonly kept: readonly T[];
  /** The latest item added, null before the first. */
  readonly latest: T | null;
}

export function emptySample<T>(cap: number): Sample<T> {
  if (!Number.isSafeInteger(cap) || cap < 2) throw new RangeError(`a sample keeps at least 2 items, not ${cap}`);
  return { cap, stride: 1, count: 0, kept: [], latest: null };
}

/** `from` with `items`, appended to its series after those it sampled, added on; `from` is unchanged. */
export function extendSample<T>(from: Sample<T>, items: readonly T[]): Sample<T> {
  let { stride, count, latest } = from;
  let kept = [...from.kept];
  for (const item of items) {
    if (count % stride === 0 && kept.length === from.cap) {
      kept = kept.filter((_, i) => i % 2 === 0);
      stride *= 2;
    }
    if (count % stride === 0) kept.push(item);
    count++;
    latest = item;
  }
  return { cap: from.cap, stride, count, kept, latest };
}

/** The sample's items in series order: the first, evenly spaced ones, and the latest (in place of the last kept one when the sample is full), at most `cap`. */
export function sampleItems<T>(s: Sample<T>): T[] {
  if (s.latest === null || (s.count - 1) % s.stride === 0) return [...s.kept];
  return s.kept.length < s.cap ? [...s.kept, s.latest] : [...s.kept.slice(0, -1), s.latest];
}
