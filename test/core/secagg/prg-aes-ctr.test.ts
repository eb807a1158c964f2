/**
 * Pins node:crypto's 'aes-256-ctr', the keystream under prg.ts's masks, to the
 * published vectors, so a Node or OpenSSL upgrade cannot silently change the
 * masks (client and server must expand identical keystreams).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCipheriv } from 'node:crypto';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// NIST SP 800-38A (2001), Appendix F.5.5, CTR-AES256.Encrypt: key, initial counter block,
// and the four plaintext / ciphertext blocks.
const KEY = hex('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4');
const INIT_COUNTER = hex('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff');
const BLOCKS = [
  { plaintext: '6bc1bee22e409f96e93d7e117393172a', ciphertext: '601ec313775789a5b7a7f504bbf3d228' },
  { plaintext: 'ae2d8a571e03ac9c9eb76fac45af8e51', ciphertext: 'f443e3ca4d62b59aca84e990cacaf5c5' },
  { plaintext: '30c81c46a35ce411e5fbc1191a0a52ef', ciphertext: '2b0930daa23de94ce87017ba2d84988d' },
  { plaintext: 'f69f2445df4f9b17ad2b417be66c3710', ciphertext: 'dfc9c58db67aada613c2dd08457941a6' },
];
const PLAINTEXT = hex(BLOCKS.map((b) => b.plaintext).join(''));
const CIPHERTEXT = BLOCKS.map((b) => b.ciphertext).join('');

const ctr = (key: Buffer, iv: Buffer) => createCipheriv('aes-256-ctr', key, iv);

describe("node:crypto 'aes-256-ctr' (NIST SP 800-38A F.5.5)", () => {
  it('encrypts the four blocks to the published ciphertext', () => {
    const c = ctr(KEY, INIT_COUNTER);
    const out = Buffer.concat([c.update(PLAINTEXT), c.final()]);
    expect(out.toString('hex')).toBe(CIPHERTEXT);
  });

  it.each(BLOCKS.map((b, i) => ({ ...b, i: i + 1 })))(
    'block $i alone, from its own counter block',
    ({ plaintext, ciphertext, i }) => {
      // F.5.5 counter blocks: f0f1…fdfeff, then …ff00, …ff01, …ff02 — the increment carries
      // out of the last byte, so this checks the full 128-bit big-endian counter (SP 800-38A B.1).
      const counter = Buffer.from(INIT_COUNTER);
      counter.writeUInt16BE(0xfeff + (i - 1), 14);
      expect(ctr(KEY, counter).update(hex(plaintext)).toString('hex')).toBe(ciphertext);
    },
  );

  it('decrypts back (CTR-AES256.Decrypt, F.5.6, is the same operation)', () => {
    expect(ctr(KEY, INIT_COUNTER).update(hex(CIPHERTEXT)).equals(PLAINTEXT)).toBe(true);
  });

  it('gives the same keystream however the input is chunked', () => {
    const keystream = ctr(KEY, INIT_COUNTER).update(Buffer.alloc(64));
    const expected = Buffer.from(PLAINTEXT.map((p, j) => p ^ hex(CIPHERTEXT)[j]!));
    expect(keystream.equals(expected)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 64 }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set([0, ...cuts, 64])].sort((a, b) => a - b);
        const c = ctr(KEY, INIT_COUNTER);
        const parts = points.slice(1).map((end, k) => c.update(Buffer.alloc(end - points[k]!)));
        return Buffer.concat(parts).equals(keystream);
      }),
    );
  });
});
