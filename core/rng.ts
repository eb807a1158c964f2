/**
 * Seeded, reproducible randomness for experiment bookkeeping (data splits,
 * weight initialisation, batch shuffling). Never for secrets: keys, masks and
 * DP noise come from node:crypto's CSPRNG.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export interface SeededRng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
}

export function seededRng(seed: number): SeededRng {
  const g = xoroshiro128plus(seed | 0);
  return {
    float: () => uniformFloat64(g),
    int: (from, to) => uniformInt(g, from, to),
  };
}

/** Derives a 32-bit sub-seed from a base seed and labels (FNV-1a over their text). */
export function deriveSeed(base: number, ...labels: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (base >>> 0);
  for (const ch of labels.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher-Yates shuffle in place. */
export function shuffleInPlace<T>(xs: T[], rng: SeededRng): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = xs[i]!;
    xs[i] = xs[j]!;
    xs[j] = t;
  }
  return xs;
}
