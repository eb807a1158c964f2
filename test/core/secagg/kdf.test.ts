import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { hkdf, deriveKey, keyInfo, KEY_PURPOSES, MAX_OKM_BYTES, type KeyContext } from '../../../core/secagg/kdf.ts';
import { hex, toHex, codeOf, NOT_BYTES } from './crypto-util.ts';

const range = (from: number, to: number): Uint8Array => Uint8Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('HKDF-SHA256 (RFC 5869 Appendix A)', () => {
  // RFC 5869 A.1–A.3 (the SHA-256 cases). PRK is internal to node's hkdfSync; OKM is checked.
  const cases = [
    {
      name: 'A.1 basic',
      ikm: new Uint8Array(22).fill(0x0b),
      salt: range(0x00, 0x0c),
      info: range(0xf0, 0xf9),
      L: 42,
      okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    },
    {
      name: 'A.2 longer inputs and outputs',
      ikm: range(0x00, 0x4f),
      salt: range(0x60, 0xaf),
      info: range(0xb0, 0xff),
      L: 82,
      okm:
        'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    },
    {
      name: 'A.3 zero-length salt and info',
      ikm: new Uint8Array(22).fill(0x0b),
      salt: new Uint8Array(0),
      info: new Uint8Array(0),
      L: 42,
      okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    },
  ];
  it.each(cases)('$name', ({ ikm, salt, info, L, okm }) => {
    const out = hkdf(ikm, salt, info, L);
    expect(out).toBeInstanceOf(Uint8Array);
    expect(toHex(out)).toBe(okm);
  });

  it('refuses wrong types and out-of-range lengths with E_SECAGG_BAD_INPUT', () => {
    const b = new Uint8Array(32);
    for (const bad of NOT_BYTES) {
      expect(codeOf(() => hkdf(bad as Uint8Array, b, b, 32))).toBe('E_SECAGG_BAD_INPUT');
      expect(codeOf(() => hkdf(b, bad as Uint8Array, b, 32))).toBe('E_SECAGG_BAD_INPUT');
      expect(codeOf(() => hkdf(b, b, bad as Uint8Array, 32))).toBe('E_SECAGG_BAD_INPUT');
    }
    for (const L of [0, -1, 1.5, NaN, MAX_OKM_BYTES + 1, '32']) {
      expect(codeOf(() => hkdf(b, b, b, L as number))).toBe('E_SECAGG_BAD_INPUT');
    }
    expect(hkdf(b, b, b, MAX_OKM_BYTES).length).toBe(MAX_OKM_BYTES);
    // node:crypto (OpenSSL) caps info at 1024 bytes; we refuse before calling it.
    expect(codeOf(() => hkdf(b, b, new Uint8Array(1025), 32))).toBe('E_SECAGG_BAD_INPUT');
  });
});

describe('deriveKey', () => {
  const shared = hex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  const base: KeyContext = { purpose: 'share-aead', jobId: 'job-1', round: 3, a: 'alice', b: 'bob' };

  it('is HKDF-SHA256 with an empty salt over the documented info encoding (pins the format)', () => {
    // The info layout of kdf.ts/canonical.ts written out by hand: kind byte, uint32 BE length, content.
    const str = (s: string) => [0x02, ...u32(Buffer.byteLength(s)), ...Buffer.from(s)];
    const int = (n: number) => [0x03, 0, 0, 0, 8, 0, 0, 0, 0, ...u32(n)];
    const info = Uint8Array.from([
      ...str('cohort/secagg/v1/kdf'),
      ...str('share-aead'),
      ...str('job-1'),
      ...int(3),
      ...str('alice'),
      ...str('bob'),
      ...int(32),
    ]);
    expect(toHex(keyInfo(base))).toBe(toHex(info));
    // RFC 5869 §2.2–2.3 computed independently with HMAC: empty salt = HashLen zeros; L = 32 is one block.
    const prk = createHmac('sha256', new Uint8Array(32)).update(shared).digest();
    const t1 = createHmac('sha256', prk).update(info).update(Uint8Array.of(1)).digest();
    expect(toHex(deriveKey(shared, base))).toBe(t1.toString('hex'));
  });

  it('encodes an absent party differently from an empty one', () => {
    const absent = keyInfo({ purpose: 'self-mask', jobId: 'j', round: 0 });
    // …, a absent (kind 0x00, length 0), b absent, length 32.
    expect(toHex(absent).endsWith('0000000000' + '0000000000' + '0300000008' + '0000000000000020')).toBe(true);
    expect(toHex(absent)).not.toBe(toHex(keyInfo({ purpose: 'self-mask', jobId: 'j', round: 0, a: '', b: '' })));
  });

  it('separates keys by purpose, job, round, parties and length', () => {
    const keys = new Set<string>();
    const variants: KeyContext[] = [
      base,
      ...KEY_PURPOSES.filter((p) => p !== base.purpose).map((purpose) => ({ ...base, purpose })),
      { ...base, jobId: 'job-2' },
      { ...base, round: 4 },
      { ...base, a: 'bob', b: 'alice' },
      { ...base, a: 'aliceb', b: 'ob' },
      { ...base, a: undefined },
      { ...base, b: undefined },
      { ...base, length: 16 },
      { ...base, length: 64 },
    ];
    for (const c of variants) keys.add(toHex(deriveKey(shared, c)));
    expect(keys.size).toBe(variants.length);
    // A shorter key is not a prefix of the longer one (the length is in info).
    expect(toHex(deriveKey(shared, base)).startsWith(toHex(deriveKey(shared, { ...base, length: 16 })))).toBe(false);
    expect(deriveKey(shared, base)).toEqual(deriveKey(shared, { ...base }));
    expect(deriveKey(shared, base).length).toBe(32);
    expect(deriveKey(shared, { ...base, length: 48 }).length).toBe(48);
  });

  it('info is injective: different contexts never share an encoding, even across field boundaries', () => {
    // A small alphabet with multi-byte characters makes near-collisions likely.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀'), maxLength: 4 });
    const context = fc.record(
      {
        purpose: fc.constantFrom(...KEY_PURPOSES),
        jobId: text,
        round: fc.nat({ max: 3 }),
        a: fc.option(text, { nil: undefined }),
        b: fc.option(text, { nil: undefined }),
        length: fc.constantFrom(16, 32),
      },
      { requiredKeys: ['purpose', 'jobId', 'round', 'a', 'b', 'length'] },
    );
    const same = (x: KeyContext, y: KeyContext) =>
      x.purpose === y.purpose &&
      x.jobId === y.jobId &&
      x.round === y.round &&
      x.a === y.a &&
      x.b === y.b &&
      x.length === y.length;
    fc.assert(
      fc.property(context, context, (x, y) => same(x, y) === (toHex(keyInfo(x)) === toHex(keyInfo(y)))),
      { numRuns: 2000 },
    );
    // Moving a boundary between adjacent string fields changes the encoding.
    fc.assert(
      fc.property(text, text, fc.nat({ max: 4 }), (jobId, ab, cut) => {
        const chars = [...ab]; // cut between code points, not inside a surrogate pair
        const k = Math.min(cut, chars.length);
        const [head, tail] = [chars.slice(0, k).join(''), chars.slice(k).join('')];
        const x = keyInfo({ purpose: 'pairwise-mask', jobId, round: 1, a: head, b: tail });
        const y = keyInfo({ purpose: 'pairwise-mask', jobId: jobId + head, round: 1, a: '', b: tail });
        return k === 0 || toHex(x) !== toHex(y);
      }),
    );
  });

  it('refuses a shared secret that is not 32 bytes with E_SECAGG_BAD_KEY', () => {
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), ...NOT_BYTES]) {
      expect(codeOf(() => deriveKey(bad as Uint8Array, base))).toBe('E_SECAGG_BAD_KEY');
    }
  });

  it('refuses an invalid context with E_SECAGG_BAD_INPUT', () => {
    const bad: unknown[] = [
      null,
      'share-aead',
      { ...base, purpose: 'other' },
      { ...base, purpose: undefined },
      { ...base, jobId: 7 },
      { ...base, round: -1 },
      { ...base, round: 1.5 },
      { ...base, round: '3' },
      { ...base, a: 1 },
      { ...base, b: null },
      { ...base, a: '\uD800' },
      { ...base, length: 0 },
      { ...base, length: MAX_OKM_BYTES + 1 },
      { ...base, length: 2.5 },
      { ...base, jobId: 'x'.repeat(1000) }, // info over node's 1024-byte limit
    ];
    for (const c of bad)
      expect(
        codeOf(() => deriveKey(shared, c as KeyContext)),
        JSON.stringify(c),
      ).toBe('E_SECAGG_BAD_INPUT');
  });
});

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}
