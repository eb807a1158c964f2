/**
 * The canonical byte encoding of a list of fields, for every message that is
 * signed and every HKDF `info` (kdf.ts). It must be injective: two different
 * field lists must never give the same bytes, or a signature over one
 * transcript would also be a signature over another (("ab", "c") against
 * ("a", "bc"), or the string "7" against the number 7).
 *
 * Encoding, version 1 — each field is self-delimiting, so the concatenation
 * parses back in exactly one way:
 *
 *   field   = kind (1 byte) || length (uint32 big-endian) || content
 *   kind    0x00 absent    content empty (an optional field left out)
 *           0x01 bytes     the Uint8Array as is
 *           0x02 string    UTF-8; lone UTF-16 surrogates are refused, since
 *                          TextEncoder would map them all to U+FFFD
 *           0x03 integer   a safe non-negative integer, uint64 big-endian
 *   message = field(domain tag) || field(f1) || … || field(fn)
 *
 * The domain tag is always the first field, so a signature made for cohort's
 * SecAgg v1 verifies nowhere else, and a change of format changes the tag
 * (the usual domain-separation practice, e.g. RFC 8032 §2's dom2 prefix).
 */
import { CohortError } from '../errors.ts';
import { isBytes } from './bytes.ts';

export type Field = string | number | Uint8Array;

/** Domain-separation tag prefixed to every signed secure-aggregation message. */
export const SIGNED_TAG = 'cohort/secagg/v1';
/** Largest encoding produced, in bytes: far above the largest transcript (a survivor list). */
export const MAX_ENCODED_BYTES = 1 << 20;

const KIND_ABSENT = 0x00;
const KIND_BYTES = 0x01;
const KIND_STRING = 0x02;
const KIND_INTEGER = 0x03;
const HEADER_BYTES = 5;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const utf8 = new TextEncoder();

/**
 * The bytes every SecAgg signature covers: SIGNED_TAG, then `fields`, in the
 * encoding above. Throws E_SECAGG_BAD_INPUT for a field that is not a string
 * (well-formed UTF-16), a safe non-negative integer or a Uint8Array (null
 * included), or when
 * the result would exceed MAX_ENCODED_BYTES.
 */
export function signedBytes(fields: readonly Field[]): Uint8Array {
  if (!Array.isArray(fields)) throw new CohortError('E_SECAGG_BAD_INPUT', 'signedBytes expects an array of fields');
  // Absent fields belong to the key schedule's optional parties; a signed message states every field.
  if (fields.includes(null as never)) throw new CohortError('E_SECAGG_BAD_INPUT', 'signed fields cannot be null');
  return encodeFields([SIGNED_TAG, ...fields]);
}

/** The encoding above for any list (null = absent); the caller supplies its own domain tag first. */
export function encodeFields(fields: readonly (Field | null)[]): Uint8Array {
  const parts = fields.map(encodeContent);
  const total = parts.reduce((n, p) => n + HEADER_BYTES + p.content.length, 0);
  if (total > MAX_ENCODED_BYTES)
    throw new CohortError('E_SECAGG_BAD_INPUT', `encoded fields exceed ${MAX_ENCODED_BYTES} bytes`);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { kind, content } of parts) {
    out[at] = kind;
    view.setUint32(at + 1, content.length);
    out.set(content, at + HEADER_BYTES);
    at += HEADER_BYTES + content.length;
  }
  return out;
}

function encodeContent(f: Field | null, i: number): { kind: number; content: Uint8Array } {
  if (f === null) return { kind: KIND_ABSENT, content: new Uint8Array(0) };
  if (isBytes(f)) return { kind: KIND_BYTES, content: f };
  if (typeof f === 'string') {
    // UTF-8 never takes fewer bytes than UTF-16 code units: refuse before encoding.
    if (f.length > MAX_ENCODED_BYTES)
      throw new CohortError('E_SECAGG_BAD_INPUT', `field ${i} exceeds ${MAX_ENCODED_BYTES} bytes`);
    if (LONE_SURROGATE.test(f)) throw new CohortError('E_SECAGG_BAD_INPUT', `field ${i} is not well-formed UTF-16`);
    return { kind: KIND_STRING, content: utf8.encode(f) };
  }
  if (typeof f === 'number') {
    if (!Number.isSafeInteger(f) || f < 0)
      throw new CohortError('E_SECAGG_BAD_INPUT', `field ${i} must be a safe non-negative integer`);
    const content = new Uint8Array(8);
    new DataView(content.buffer).setBigUint64(0, BigInt(f));
    return { kind: KIND_INTEGER, content };
  }
  throw new CohortError('E_SECAGG_BAD_INPUT', `field ${i} must be a string, a non-negative integer or a Uint8Array`);
}
