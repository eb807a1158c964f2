import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  signedBytes,
  encodeFields,
  SIGNED_TAG,
  MAX_ENCODED_BYTES,
  type Field,
} from '../../../core/secagg/canonical.ts';
import { toHex, codeOf } from './crypto-util.ts';

/**
 * An independent parser of the encoding documented in canonical.ts. If
 * decode(signedBytes(fields)) gives back `fields` for every list, the encoding
 * has a left inverse and so is injective.
 */
function decode(bytes: Uint8Array): (Field | null)[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: (Field | null)[] = [];
  let at = 0;
  while (at < bytes.length) {
    const kind = bytes[at]!;
    const len = view.getUint32(at + 1);
    const content = bytes.slice(at + 5, at + 5 + len);
    if (content.length !== len) throw new Error('truncated');
    if (kind === 0) out.push(null);
    else if (kind === 1) out.push(content);
    else if (kind === 2) out.push(new TextDecoder('utf-8', { fatal: true }).decode(content));
    else if (kind === 3 && len === 8) out.push(Number(view.getBigUint64(at + 5)));
    else throw new Error(`bad kind ${kind}`);
    at += 5 + len;
  }
  return out;
}

const field: fc.Arbitrary<Field> = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', '7', 'é', '😀', '\u0000'), maxLength: 5 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.nat({ max: 9 }),
  fc.maxSafeNat(),
  fc.uint8Array({ maxLength: 6 }),
);
/** A list's identity, with the type of each field: "7" ≠ 7 ≠ bytes [0x37]. */
const key = (fields: readonly Field[]): string =>
  JSON.stringify(fields.map((f) => (f instanceof Uint8Array ? ['b', toHex(f)] : [typeof f, f])));

describe('signedBytes', () => {
  it('starts with the domain tag and lays fields out as kind || uint32 BE length || content (pins the format)', () => {
    const bytes = signedBytes(['ab', 258, Uint8Array.of(0xff)]);
    const tag = Buffer.from(SIGNED_TAG).toString('hex');
    expect(SIGNED_TAG).toBe('cohort/secagg/v1');
    expect(toHex(bytes)).toBe(
      '02' +
        '00000010' +
        tag + // the tag, 16 bytes of UTF-8
        '02' +
        '00000002' +
        '6162' + // "ab"
        '03' +
        '00000008' +
        '0000000000000102' + // 258
        '01' +
        '00000001' +
        'ff', // bytes [0xff]
    );
    expect(toHex(signedBytes([]))).toBe('02' + '00000010' + tag);
  });

  it('separates field boundaries and types', () => {
    const distinct: Field[][] = [
      ['ab', 'c'],
      ['a', 'bc'],
      ['abc'],
      ['abc', ''],
      ['', 'abc'],
      [],
      ['7'],
      [7],
      [Uint8Array.of(0x37)],
      [Uint8Array.of()],
      [''],
      [0],
      [Uint8Array.of(1, 2)],
      [Uint8Array.of(1), Uint8Array.of(2)],
    ];
    const seen = new Set(distinct.map((f) => toHex(signedBytes(f))));
    expect(seen.size).toBe(distinct.length);
  });

  it('decodes back to its fields (so it is injective)', () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 8 }), (fields) => {
        const [tag, ...rest] = decode(signedBytes(fields));
        expect(tag).toBe(SIGNED_TAG);
        expect(key(rest as Field[])).toBe(key(fields));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives different bytes for different field lists', () => {
    fc.assert(
      fc.property(
        fc.array(field, { maxLength: 4 }),
        fc.array(field, { maxLength: 4 }),
        (x, y) => (key(x) === key(y)) === (toHex(signedBytes(x)) === toHex(signedBytes(y))),
      ),
      { numRuns: 2000 },
    );
    // Re-splitting one string across two adjacent fields changes the bytes.
    fc.assert(
      fc.property(
        fc.array(field, { maxLength: 3 }),
        fc.string({ unit: 'grapheme', minLength: 2, maxLength: 8 }),
        fc.nat(),
        (prefix, s, cut) => {
          const chars = [...s];
          const k = 1 + (cut % (chars.length - 1 || 1));
          const whole = signedBytes([...prefix, s, '']);
          const split = signedBytes([...prefix, chars.slice(0, k).join(''), chars.slice(k).join('')]);
          return chars.length < 2 || toHex(whole) !== toHex(split);
        },
      ),
    );
  });

  it('refuses fields it cannot encode unambiguously with E_SECAGG_BAD_INPUT', () => {
    const bad: unknown[] = [
      -1,
      1.5,
      NaN,
      Infinity,
      2 ** 53,
      -0.5,
      10n,
      true,
      null,
      undefined,
      {},
      [1],
      new Uint16Array(2),
      new ArrayBuffer(2),
      '\uD800',
      'a\uDC00b',
      '\uDBFF', // lone surrogates: TextEncoder would turn each into U+FFFD
    ];
    for (const f of bad)
      expect(
        codeOf(() => signedBytes(['ok', f as Field])),
        String(f),
      ).toBe('E_SECAGG_BAD_INPUT');
    for (const notList of [undefined, null, 'abc', 5, Uint8Array.of(1)]) {
      expect(codeOf(() => signedBytes(notList as unknown as Field[]))).toBe('E_SECAGG_BAD_INPUT');
    }
    expect(codeOf(() => signedBytes([new Uint8Array(MAX_ENCODED_BYTES)]))).toBe('E_SECAGG_BAD_INPUT');
    expect(codeOf(() => signedBytes(['x'.repeat(MAX_ENCODED_BYTES + 1)]))).toBe('E_SECAGG_BAD_INPUT');
    // A well-formed surrogate pair is fine.
    expect(decode(signedBytes(['😀']))[1]).toBe('😀');
  });

  it('encodes an absent field (null) apart from an empty string or empty bytes', () => {
    const variants = [[null], [''], [Uint8Array.of()], []].map((f) => toHex(encodeFields(f as (Field | null)[])));
    expect(new Set(variants).size).toBe(4);
  });
});
