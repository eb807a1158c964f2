/**
 * Record-stable train/test split: each record's side is decided by a keyed
 * hash of that record alone, so adding or removing a record moves no other
 * record between train and test (a seeded shuffle of the whole file moved
 * about a third of them). Without that, the split itself would depend on
 * every record and DP-SGD's per-record sensitivity argument would not hold.
 *
 *   side     = test iff u < testFraction
 *   u        = first 53 bits of HMAC-SHA256(splitKey, identity) / 2^53, uniform on [0, 1)
 *   splitKey = HMAC-SHA256(secret, "cohort/split/v1" 0x00 decimal seed)
 *   identity = "p" 0x00 pseudonym                   when the schema has a pseudonym column, else
 *              "c" (u32be(utf8 length) utf8)*      over every cell, in schema column order
 *
 * Keyed by a pseudonym, all records of one patient share a side. Keyed by
 * content, two identical rows share a side (they are indistinguishable to
 * the model anyway). The length prefixes make the content encoding
 * unambiguous (["ab", "c"] and ["a", "bc"] differ).
 *
 * Nothing is stratified (that would couple records): each record lands in
 * test with probability testFraction, so the test share and its class
 * balance hold in expectation only, not exactly per centre.
 *
 * Without a site secret the key comes from the public constant PUBLIC_SPLIT_SECRET
 * and the seed: anyone holding the file can then recompute which records
 * were trained on. That is acceptable only for public benchmark data;
 * hospitals pass their site secret (client/intake/secret.ts).
 */
import { createHmac } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { hmacSha256, MIN_SECRET_BYTES } from './pseudonym.ts';

const SPLIT_LABEL = 'cohort/split/v1';
/** The key material used when no site secret is given: public, so the split is predictable. */
export const PUBLIC_SPLIT_SECRET = new TextEncoder().encode('cohort/split/v1/public-benchmark-key');

export interface SplitOptions {
  /** Probability that a record goes to test, in (0, 1). */
  readonly testFraction: number;
  /** Mixed into the key: another seed is another split. A non-negative safe integer. */
  readonly seed: number;
  /** The site secret; absent, the split is predictable from the file (public data only). */
  readonly secret?: Uint8Array;
}

export interface RecordSplit {
  /** Whether the record with this pseudonym (all records of one patient) goes to test. */
  inTestByPseudonym(pseudonym: string): boolean;
  /** Whether the record with these cells goes to test; `order` lists cell positions in schema column order. */
  inTestByContent(cells: readonly string[], order: readonly number[]): boolean;
}

export function recordSplit(o: SplitOptions): RecordSplit {
  if (!(o.testFraction > 0 && o.testFraction < 1))
    throw new CohortError('E_CONFIG_INVALID', `split testFraction must be in (0, 1), got ${o.testFraction}`);
  const key = splitKey(o.seed, o.secret);
  const f = o.testFraction;
  return {
    inTestByPseudonym: (pseudonym) => pseudonymDraw(key, pseudonym) < f,
    inTestByContent: (cells, order) => contentDraw(key, cells, order) < f,
  };
}

/** HMAC-SHA256(secret or PUBLIC_SPLIT_SECRET, "cohort/split/v1" 0x00 seed). */
export function splitKey(seed: number, secret?: Uint8Array): Buffer {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new CohortError('E_CONFIG_INVALID', `split seed must be a non-negative integer, got ${seed}`);
  if (secret !== undefined && (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_BYTES)) {
    throw new CohortError('E_INTAKE_SECRET', `site secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return hmacSha256(secret ?? PUBLIC_SPLIT_SECRET, `${SPLIT_LABEL}\u0000${seed}`);
}

/** The uniform draw in [0, 1) of the record with this pseudonym. */
export function pseudonymDraw(key: Uint8Array, pseudonym: string): number {
  return unitInterval(hmacSha256(key, `p\u0000${pseudonym}`));
}

/** The uniform draw in [0, 1) of the record with these cells; `order` lists cell positions in schema column order. */
export function contentDraw(key: Uint8Array, cells: readonly string[], order: readonly number[]): number {
  let size = 1;
  for (const at of order) size += 4 + Buffer.byteLength(cells[at] ?? '', 'utf8');
  // One buffer, one HMAC update: a third cheaper than an update per cell. Every byte is written below.
  const message = Buffer.allocUnsafe(size);
  message[0] = 0x63; // "c"
  let offset = 1;
  for (const at of order) {
    const written = message.write(cells[at] ?? '', offset + 4, 'utf8');
    message.writeUInt32BE(written, offset);
    offset += 4 + written;
  }
  return unitInterval(createHmac('sha256', key).update(message).digest());
}

/** The first 53 bits of a digest (at least 8 bytes) as a double, uniform on [0, 1). */
export function unitInterval(digest: Uint8Array): number {
  const first64 = new DataView(digest.buffer, digest.byteOffset, digest.byteLength).getBigUint64(0);
  return Number(first64 >> 11n) / 2 ** 53;
}
