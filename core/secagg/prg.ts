/**
 * The mask PRG of secure aggregation (Bonawitz et al. CCS 2017, §4: "PRG(b_u)"
 * and "PRG(s_{u,v})"): a 32-byte seed stretched into a vector of words in
 * Z_{2^k}.
 *
 * Construction: the AES-256-CTR keystream under key = seed and a zero IV
 * (i.e. AES_seed(0) ‖ AES_seed(1) ‖ …, big-endian 128-bit counter from 0),
 * read as little-endian uint32 words and reduced mod 2^k by keeping the low k
 * bits (2^k divides 2^32, so the reduction keeps the words uniform).
 *
 * Why a fixed IV is safe: the seed is not a long-lived key but a one-use key
 * the caller derives with HKDF from the agreed secret (or the self-mask seed)
 * and binds to (job, round, pair, vector length). Each key therefore encrypts
 * exactly one keystream, and binding happens in that derivation, not here.
 * A caller that reuses a seed for two different vectors reuses the mask: the
 * derivation must never let that happen.
 *
 * The keystream is produced in CHUNK_BYTES pieces so that the fused
 * `addMaskInto` never holds more than one chunk of mask, whatever the model
 * size; each piece is zeroed once consumed so mask material does not linger
 * on the heap (the self mask PRG(b_u) is what hides a client's input).
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { endianness } from 'node:os';
import { CohortError } from '../errors.ts';
import { addWords, ringMask, subWords } from './ring.ts';

export const SEED_BYTES = 32;

/**
 * Keystream generated per cipher call. Measured on Node 20 (x86-64, AES-NI):
 * below 16 KiB the per-call cost of cipher.update shows, 64–256 KiB is a
 * plateau, and at 1 MiB the chunk no longer stays in cache while the words
 * are added into the accumulator. It also bounds the mask held at once.
 */
export const CHUNK_BYTES = 64 * 1024;
const CHUNK_WORDS = CHUNK_BYTES / 4;

/** Plaintext for CTR mode: the keystream is the encryption of zeros. Never written to. */
const ZEROS = Buffer.alloc(CHUNK_BYTES);
const IV = Buffer.alloc(16);
const LITTLE_ENDIAN = endianness() === 'LE';

function checkSeed(seed: Uint8Array): void {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
    throw new CohortError('E_SECAGG_BAD_KEY', `mask seed must be ${SEED_BYTES} bytes`);
  }
}

function checkLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new CohortError('E_CONFIG_INVALID', `mask length expected integer >= 0, got ${length}`);
  }
}

/**
 * The keystream of one seed, handed out a chunk at a time as little-endian
 * words. A class rather than a callback so the add loops in addMaskInto stay
 * plain loops over typed arrays that V8 optimises in place.
 */
class Keystream {
  private readonly cipher: Cipher;
  private prev: Buffer | undefined;
  private scratch: Int32Array | undefined;

  constructor(seed: Uint8Array) {
    this.cipher = createCipheriv('aes-256-ctr', seed, IV);
  }

  /**
   * The next n ≤ CHUNK_WORDS words, as int32 (the same bits; int32 keeps the
   * add loops in V8's integer fast path). Valid until the next call or close();
   * the previous chunk is zeroed first.
   */
  next(n: number): Int32Array {
    this.wipe();
    // Node has no cipher.update into a caller's buffer, so each call returns a
    // fresh Buffer; the raw-AES floor in bench/secagg-prg.ts pays the same.
    const bytes = this.cipher.update(n === CHUNK_WORDS ? ZEROS : ZEROS.subarray(0, n * 4));
    this.prev = bytes;
    if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, n);
    // Unaligned (Node returns offset-0 buffers today) or big-endian: one copy into aligned scratch.
    this.scratch ??= new Int32Array(CHUNK_WORDS);
    const ks = this.scratch.subarray(0, n);
    if (LITTLE_ENDIAN) new Uint8Array(ks.buffer, 0, n * 4).set(bytes);
    else for (let j = 0; j < n; j++) ks[j] = bytes.readInt32LE(j * 4);
    return ks;
  }

  /** Zeroes what is left of the keystream in memory. */
  close(): void {
    this.wipe();
    this.scratch?.fill(0);
    this.cipher.final();
  }

  private wipe(): void {
    this.prev?.fill(0);
    this.prev = undefined;
  }
}

/**
 * PRG(seed) as `length` words of Z_{2^bits}, written into `out` when given
 * (its length must be `length`), otherwise into a new array.
 */
export function expandMask(seed32: Uint8Array, length: number, out?: Uint32Array, bits = 32): Uint32Array {
  checkSeed(seed32);
  checkLength(length);
  const mask = ringMask(bits);
  if (out !== undefined && out.length !== length) {
    throw new CohortError('E_UPDATE_LENGTH', `output has ${out.length} words, mask has ${length}`);
  }
  const dst = out ?? new Uint32Array(length);
  const ks = new Keystream(seed32);
  try {
    const d = new Int32Array(dst.buffer, dst.byteOffset, length);
    for (let start = 0; start < length; start += CHUNK_WORDS) {
      const n = Math.min(CHUNK_WORDS, length - start);
      const m = ks.next(n);
      if (mask === -1) d.set(m, start);
      else for (let j = 0, o = start; j < n; j++, o++) d[o] = m[j]! & mask;
    }
  } finally {
    ks.close();
  }
  return dst;
}

/**
 * acc ← acc + sign·PRG(seed) in Z_{2^bits}, element-wise, with the mask
 * generated one chunk at a time and never materialised whole. `acc` must
 * already hold words of Z_{2^bits}; the result does.
 */
export function addMaskInto(acc: Uint32Array, seed: Uint8Array, sign: 1 | -1, bits = 32): Uint32Array {
  checkSeed(seed);
  const mask = ringMask(bits);
  if (sign !== 1 && sign !== -1)
    throw new CohortError('E_CONFIG_INVALID', `mask sign expected 1 or -1, got ${String(sign)}`);
  const a = new Int32Array(acc.buffer, acc.byteOffset, acc.length);
  const ks = new Keystream(seed);
  try {
    for (let start = 0; start < a.length; start += CHUNK_WORDS) {
      const n = Math.min(CHUNK_WORDS, a.length - start);
      const d = a.subarray(start, start + n);
      if (sign === 1) addWords(d, ks.next(n), mask);
      else subWords(d, ks.next(n), mask);
    }
  } finally {
    ks.close();
  }
  return acc;
}
