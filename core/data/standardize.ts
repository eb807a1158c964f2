/**
 * Declared scaling: each column that gives the model one number is mapped
 * onto [-1, 1] by the public range its schema declares,
 *
 *     (clamp(v, lo, hi) - center) / halfWidth,  center = (lo + hi) / 2, halfWidth = (hi - lo) / 2,
 *
 * never by statistics of the records. DP-SGD bounds the change one record
 * makes to a step by the clipping norm C (Abadi et al. 2016, "Deep Learning
 * with Differential Privacy", Algorithm 1); that bound holds only if adding or
 * removing the record leaves every other record's input as it was. A mean or
 * standard deviation fitted on the hospital's rows breaks it: one record
 * would move all the others' features. Clamping also bounds every input,
 * whatever the hospital's extremes.
 *
 * One-hot indicators stay 0/1; they need no range.
 */

export interface DeclaredScale {
  readonly lo: number;
  readonly hi: number;
  readonly center: number;
  readonly halfWidth: number;
}

/** The scale of a declared range [lo, hi], lo < hi (checked by the schema). */
export function declaredScale(lo: number, hi: number): DeclaredScale {
  return { lo, hi, center: (lo + hi) / 2, halfWidth: (hi - lo) / 2 };
}

/** `v` clamped to the declared range and mapped onto [-1, 1]. */
export function scaleValue(v: number, s: DeclaredScale): number {
  const u = (Math.min(Math.max(v, s.lo), s.hi) - s.center) / s.halfWidth;
  // Rounding in center and halfWidth can overshoot by an ulp on a narrow range far from 0.
  return Math.min(Math.max(u, -1), 1);
}

/** Whether `v` lies outside the declared range (and so is clamped). */
export function isClamped(v: number, s: DeclaredScale): boolean {
  return v < s.lo || v > s.hi;
}
