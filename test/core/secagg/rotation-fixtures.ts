/** Helpers shared by the tests of the randomised rotation and of the DDG codec built on it. */

/** A 32-byte rotation seed, every byte `b`. */
export const seedOf = (b: number): Uint8Array => new Uint8Array(32).fill(b);

/** The Euclidean (L2) norm: what the rotation preserves and the codec clips to. */
export function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s);
}
