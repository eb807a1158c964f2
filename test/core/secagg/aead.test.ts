import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCipheriv, randomBytes } from 'node:crypto';
import { CohortError } from '../../../core/errors.ts';
import { seal, open, sealWithNonce, MAX_PLAINTEXT_BYTES, NONCE_BYTES, TAG_BYTES } from '../../../core/secagg/aead.ts';
import { hex, toHex, codeOf, NOT_BYTES } from './crypto-util.ts';

// D. McGrew and J. Viega, "The Galois/Counter Mode of Operation (GCM)", submission to NIST
// (revised 2005), Appendix B, Test Cases 13–16: the AES-256 cases with 96-bit IVs.
const K15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const gcmCases = [
  { tc: 13, K: '00'.repeat(32), IV: '00'.repeat(12), P: '', A: '', C: '', T: '530f8afbc74536b9a963b4f1c4cb738b' },
  {
    tc: 14,
    K: '00'.repeat(32),
    IV: '00'.repeat(12),
    P: '00'.repeat(16),
    A: '',
    C: 'cea7403d4d606b6e074ec5d3baf39d18',
    T: 'd0d1c8a799996bf0265b98b5d48ab919',
  },
  { tc: 15, K: K15, IV: 'cafebabefacedbaddecaf888', P: P15, A: '', C: C15, T: 'b094dac5d93471bdec1a502270e3cc6c' },
  // 60-byte plaintext (the last 4 bytes of P15 dropped) with 20 bytes of AAD.
  {
    tc: 16,
    K: K15,
    IV: 'cafebabefacedbaddecaf888',
    P: P15.slice(0, 120),
    A: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    C: C15.slice(0, 120),
    T: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
];

describe('AES-256-GCM (McGrew–Viega GCM spec, test cases 13–16)', () => {
  it.each(gcmCases)('test case $tc through node:crypto directly', ({ K, IV, P, A, C, T }) => {
    const cipher = createCipheriv('aes-256-gcm', hex(K), hex(IV));
    cipher.setAAD(hex(A));
    const c = Buffer.concat([cipher.update(hex(P)), cipher.final()]);
    expect(c.toString('hex')).toBe(C);
    expect(cipher.getAuthTag().toString('hex')).toBe(T);
  });

  it.each(gcmCases)('test case $tc through sealWithNonce and open', ({ K, IV, P, A, C, T }) => {
    const sealed = sealWithNonce(hex(K), hex(IV), hex(P), hex(A));
    expect(toHex(sealed)).toBe(IV + C + T);
    expect(toHex(open(hex(K), sealed, hex(A)))).toBe(P);
  });
});

describe('seal / open', () => {
  const bytes = (max: number) => fc.uint8Array({ maxLength: max });
  const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

  it('round-trips, with nonce || ciphertext || tag and a fresh nonce each time', () => {
    fc.assert(
      fc.property(key32, bytes(200), bytes(64), (key, plaintext, aad) => {
        const sealed = seal(key, plaintext, aad);
        expect(sealed.length).toBe(NONCE_BYTES + plaintext.length + TAG_BYTES);
        expect(open(key, sealed, aad)).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
    const key = randomBytes(32);
    const a = seal(key, new Uint8Array(8), new Uint8Array(0));
    const b = seal(key, new Uint8Array(8), new Uint8Array(0));
    expect(toHex(a.subarray(0, NONCE_BYTES))).not.toBe(toHex(b.subarray(0, NONCE_BYTES)));
    const opened = open(key, a, new Uint8Array(0));
    expect(opened).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(opened)).toBe(false);
  });

  it('refuses any single flipped bit in nonce, ciphertext, tag or AAD with E_SECAGG_DECRYPT', () => {
    fc.assert(
      fc.property(
        key32,
        bytes(100),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat({ max: 7 }),
        fc.boolean(),
        (key, plaintext, aad, at, bit, inAad) => {
          const sealed = seal(key, plaintext, aad);
          if (inAad) {
            const badAad = Uint8Array.from(aad);
            badAad[at % aad.length]! ^= 1 << bit;
            expect(codeOf(() => open(key, sealed, badAad))).toBe('E_SECAGG_DECRYPT');
          } else {
            const bad = Uint8Array.from(sealed);
            bad[at % bad.length]! ^= 1 << bit;
            expect(codeOf(() => open(key, bad, aad))).toBe('E_SECAGG_DECRYPT');
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses the wrong key, truncation, extension and a dropped or added AAD byte', () => {
    const key = randomBytes(32);
    const aad = Uint8Array.of(1, 2, 3);
    const sealed = seal(key, Uint8Array.of(9, 9, 9, 9), aad);
    expect(codeOf(() => open(randomBytes(32), sealed, aad))).toBe('E_SECAGG_DECRYPT');
    for (let n = 0; n < sealed.length; n++)
      expect(codeOf(() => open(key, sealed.subarray(0, n), aad))).toBe('E_SECAGG_DECRYPT');
    expect(codeOf(() => open(key, Uint8Array.of(...sealed, 0), aad))).toBe('E_SECAGG_DECRYPT');
    expect(codeOf(() => open(key, sealed, aad.subarray(0, 2)))).toBe('E_SECAGG_DECRYPT');
    expect(codeOf(() => open(key, sealed, Uint8Array.of(...aad, 0)))).toBe('E_SECAGG_DECRYPT');
    expect(codeOf(() => open(key, sealed, new Uint8Array(0)))).toBe('E_SECAGG_DECRYPT');
  });

  it("never passes on node's error text", () => {
    const key = randomBytes(32);
    const bad = seal(key, new Uint8Array(16), new Uint8Array(0));
    bad[bad.length - 1]! ^= 1;
    let caught: unknown;
    try {
      open(key, bad, new Uint8Array(0));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CohortError);
    const e = caught as CohortError;
    expect(e.code).toBe('E_SECAGG_DECRYPT');
    expect(e.cause).toBeUndefined();
    expect(e.message).not.toMatch(/unable to authenticate|Unsupported state/i);
  });

  it('refuses wrong-type inputs: E_SECAGG_BAD_KEY for the key, E_SECAGG_DECRYPT in open, E_SECAGG_BAD_INPUT in seal', () => {
    const key = randomBytes(32);
    const sealed = seal(key, new Uint8Array(4), new Uint8Array(0));
    for (const bad of [new Uint8Array(16), new Uint8Array(31), new Uint8Array(33), ...NOT_BYTES]) {
      expect(codeOf(() => seal(bad as Uint8Array, new Uint8Array(1), new Uint8Array(0)))).toBe('E_SECAGG_BAD_KEY');
      expect(codeOf(() => open(bad as Uint8Array, sealed, new Uint8Array(0)))).toBe('E_SECAGG_BAD_KEY');
    }
    for (const bad of NOT_BYTES) {
      expect(codeOf(() => open(key, bad as Uint8Array, new Uint8Array(0)))).toBe('E_SECAGG_DECRYPT');
      expect(codeOf(() => open(key, sealed, bad as Uint8Array))).toBe('E_SECAGG_DECRYPT');
      expect(codeOf(() => seal(key, bad as Uint8Array, new Uint8Array(0)))).toBe('E_SECAGG_BAD_INPUT');
      expect(codeOf(() => seal(key, new Uint8Array(1), bad as Uint8Array))).toBe('E_SECAGG_BAD_INPUT');
    }
    expect(codeOf(() => sealWithNonce(key, new Uint8Array(16), new Uint8Array(1), new Uint8Array(0)))).toBe(
      'E_SECAGG_BAD_INPUT',
    );
    expect(codeOf(() => seal(key, new Uint8Array(MAX_PLAINTEXT_BYTES + 1), new Uint8Array(0)))).toBe(
      'E_SECAGG_BAD_INPUT',
    );
  });
});
