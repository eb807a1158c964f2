/**
 * Arithmetic in the prime field GF(65537) used by Shamir sharing (shamir.ts).
 *
 * Why p = 2^16 + 1 (a Fermat prime): every 16-bit secret chunk is a field
 * element, and every product of two elements is below 2^34, far under 2^53, so
 * plain Number `*` and `%` are exact. That keeps the code free of BigInt, whose
 * operations take time that depends on the operands' sizes, and of
 * secret-dependent branches and table lookups (no log/antilog tables). JS gives
 * no hard constant-time guarantee; like noble-curves we avoid the known leaks
 * and say so.
 */
import { randomBytes } from 'node:crypto';

export const P = 65537;

/** (a + b) mod p for a, b in [0, p). */
export function add(a: number, b: number): number {
  return (a + b) % P;
}

/** (a − b) mod p for a, b in [0, p); adding p first keeps `%` on a non-negative operand. */
export function sub(a: number, b: number): number {
  return (a - b + P) % P;
}

/** (a · b) mod p for a, b in [0, p): a · b < 2^34 < 2^53, so the product is exact. */
export function mul(a: number, b: number): number {
  return (a * b) % P;
}

/**
 * a^(p−2) mod p, which is a^(−1) for a ≠ 0 (Fermat's little theorem); 0 maps
 * to 0. Left-to-right square-and-multiply whose branches depend only on the
 * public exponent's bits, so the sequence of operations is the same for
 * every a.
 */
export function inv(a: number): number {
  const e = P - 2; // 0xffff: sixteen squarings, sixteen multiplications
  let r = 1;
  for (let bit = 15; bit >= 0; bit--) {
    r = mul(r, r);
    if ((e >>> bit) & 1) r = mul(r, a);
  }
  return r;
}

/** Candidates are 17-bit integers: 2^17 is the least power of two ≥ p. */
const CANDIDATE_MASK = 0x1ffff;
const CANDIDATE_BYTES = 3;

/**
 * `count` independent uniform elements of [0, p) from node:crypto's CSPRNG.
 *
 * Rejection sampling, not reduction: taking a k-bit random integer mod p
 * would make the residues below 2^k mod p more likely than the rest. Instead
 * each candidate is 17 random bits, kept if below p and redrawn otherwise
 * (accepted with probability p / 2^17 ≈ 1/2), so every kept value is exactly
 * uniform. The loop's duration reveals only how many candidates were
 * rejected, which is independent of the values kept.
 *
 * The caller owns the result and should zero it after use.
 */
export function randomElements(count: number): Uint32Array {
  const out = new Uint32Array(count);
  let filled = 0;
  while (filled < count) {
    // About two candidates per element are needed; draw a little more so one batch usually suffices.
    const want = 2 * (count - filled) + 16;
    const buf = randomBytes(want * CANDIDATE_BYTES);
    for (let i = 0; i + CANDIDATE_BYTES <= buf.length && filled < count; i += CANDIDATE_BYTES) {
      const v = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16)) & CANDIDATE_MASK;
      if (v < P) out[filled++] = v;
    }
    buf.fill(0);
  }
  return out;
}
