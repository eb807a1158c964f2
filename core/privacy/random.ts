/**
 * Uniform random integers and reals from node:crypto's CSPRNG, for DP noise.
 *
 * Why not Math.random: its generator (xorshift128+ in V8) is predictable
 * from a few outputs, so noise drawn from it can be reconstructed and
 * subtracted; and core/rng.ts is seeded on purpose, for reproducible
 * experiments, so it is no better. Every sampler in core/privacy draws its
 * randomness from this module and nowhere else (test/core/privacy/noise.test.ts
 * checks that Math.random is never called).
 *
 * Why a pool: `randomFillSync` costs about a microsecond per call however few
 * bytes it returns, and the samplers want hundreds of thousands of 32-bit
 * words per model vector. Words are read from a pool refilled in one call
 * when exhausted. The pool holds nothing but CSPRNG output: each word is
 * handed out once and overwritten with zero as it is read, so the pool never
 * keeps randomness that has already become noise (from which, with the noisy
 * output, the raw value could be recovered), and it is refilled, never
 * reused. Each worker thread loads its own copy of this module and so has
 * its own pool.
 */
import { randomFillSync } from 'node:crypto';
import { CohortError } from '../errors.ts';
import type { SeededRng } from '../rng.ts';

/** Words per refill: 16 KiB, small enough to stay in cache, large enough that refills cost ~1 ns a word. */
const POOL_WORDS = 4096;
const pool = new Uint32Array(POOL_WORDS);
let next = POOL_WORDS; // empty: the first read fills it

const TWO_32 = 2 ** 32;
const TWO_21 = 2 ** 21;
const TWO_53 = 2 ** 53;

/** Largest bit count `randomBits` accepts: bounds the work and memory of one call. */
export const MAX_RANDOM_BITS = 1 << 20;

function invalid(message: string): never {
  throw new CohortError('E_PRIVACY_PARAMS', message);
}

/** A uniform integer in [0, 2^32). */
export function randomUint32(): number {
  if (next === POOL_WORDS) {
    randomFillSync(pool);
    next = 0;
  }
  const w = pool[next]!;
  pool[next++] = 0;
  return w;
}

let bitWord = 0;
let bitsLeft = 0;

/** A uniform bit, 0 or 1: Bernoulli(1/2) for signs, 32 per pool word. */
export function randomBit(): 0 | 1 {
  if (bitsLeft === 0) {
    bitWord = randomUint32();
    bitsLeft = 32;
  }
  const b = (bitWord & 1) as 0 | 1;
  bitWord >>>= 1;
  bitsLeft--;
  return b;
}

/** A uniform integer in [0, 2^53): 21 bits of one word and all of the next, exact in a double. */
export function randomUint53(): number {
  const hi = randomUint32() % TWO_21;
  return hi * TWO_32 + randomUint32();
}

/**
 * A uniform real in the open interval (0, 1): k / 2^53 for k uniform in
 * [1, 2^53). Zero is rejected (probability 2^−53) rather than shifted, so the
 * remaining 2^53 − 1 values stay equally likely and −log(u) is finite.
 */
export function randomUniform(): number {
  for (;;) {
    const k = randomUint53();
    if (k !== 0) return k / TWO_53;
  }
}

/**
 * A uniform integer in [0, n) for an integer 1 ≤ n ≤ 2^53, by rejection
 * (never by reduction alone, which would favour small residues). For
 * n ≤ 2^32 a word is kept if below the largest multiple of n that fits, then
 * reduced; above, candidates of ⌈log2 n⌉ bits are kept if below n. Either way
 * fewer than two draws are needed on average.
 */
export function randomIntBelow(n: number): number {
  if (!Number.isSafeInteger(n) && n !== TWO_53) invalid(`"n" expected an integer in [1, 2^53], got ${String(n)}`);
  if (n < 1) invalid(`"n" expected an integer in [1, 2^53], got ${String(n)}`);
  if (n <= TWO_32) {
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const w = randomUint32();
      if (w < limit) return w % n;
    }
  }
  // n > 2^32: the top word carries the high bits (below 2^21), the bottom word 32 more.
  const highBound = Math.ceil(n / TWO_32); // exact: n and the quotient are integers below 2^53
  const highBits = 32 - Math.clz32(highBound - 1);
  const highMod = 2 ** highBits;
  for (;;) {
    const x = (randomUint32() % highMod) * TWO_32 + randomUint32();
    if (x < n) return x;
  }
}

/** A uniform integer in [0, 2^k) as a bigint, for 0 ≤ k ≤ MAX_RANDOM_BITS. */
export function randomBits(k: number): bigint {
  if (!Number.isSafeInteger(k) || k < 0 || k > MAX_RANDOM_BITS) {
    invalid(`"k" expected an integer in [0, ${MAX_RANDOM_BITS}], got ${String(k)}`);
  }
  let x = 0n;
  let have = 0;
  while (have + 32 <= k) {
    x = (x << 32n) | BigInt(randomUint32());
    have += 32;
  }
  const rest = k - have;
  if (rest > 0) x = (x << BigInt(rest)) | BigInt(randomUint32() >>> (32 - rest));
  return x;
}

/** Number of bits of a positive bigint (bitLength(1) = 1). */
export function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}

/**
 * A uniform bigint in [0, n) for n ≥ 1, by rejection: candidates of
 * bitLength(n − 1) bits are kept if below n (accepted with probability > 1/2).
 */
export function randomBigIntBelow(n: bigint): bigint {
  if (typeof n !== 'bigint' || n < 1n) invalid(`"n" expected a bigint >= 1, got ${String(n)}`);
  if (n === 1n) return 0n;
  const k = bitLength(n - 1n);
  if (k > MAX_RANDOM_BITS) invalid(`"n" expected at most ${MAX_RANDOM_BITS} bits, got ${k}`);
  for (;;) {
    const x = randomBits(k);
    if (x < n) return x;
  }
}

/** The CSPRNG behind the seeded generators' interface (core/rng.ts): secret, and independent draw by draw. */
export const csprngRng: SeededRng = { float: randomUniform, int: (from, to) => from + randomIntBelow(to - from + 1) };
