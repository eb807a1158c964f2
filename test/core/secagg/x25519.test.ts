import { describe, it, expect } from 'vitest';
import { x25519KeyPair, x25519PublicKey, x25519Agree } from '../../../core/secagg/x25519.ts';
import { hex, toHex, codeOf, NOT_BYTES } from './crypto-util.ts';

describe('X25519 (RFC 7748)', () => {
  // RFC 7748 §5.2, the two scalar-multiplication test vectors (scalar, input u, output u).
  // The second input u has its top bit set, which §5 requires implementations to mask.
  const scalarMult = [
    {
      scalar: 'a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4',
      u: 'e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c',
      out: 'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    },
    {
      scalar: '4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d',
      u: 'e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493',
      out: '95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957',
    },
  ];
  it.each(scalarMult)('§5.2 scalar multiplication vector %#', ({ scalar, u, out }) => {
    expect(toHex(x25519Agree(hex(scalar), hex(u)))).toBe(out);
  });

  it('§5.2 iterated vectors: after 1 and after 1,000 iterations', () => {
    // RFC 7748 §5.2: k = u = 9; each step k, u ← X25519(k, u), k.
    let k = hex('0900000000000000000000000000000000000000000000000000000000000000');
    let u = k;
    for (let i = 1; i <= 1000; i++) {
      [k, u] = [x25519Agree(k, u), k];
      if (i === 1) expect(toHex(k)).toBe('422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079');
    }
    expect(toHex(k)).toBe('684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51');
  });

  it('§6.1 Diffie-Hellman: Alice and Bob derive the published public keys and shared secret K', () => {
    // RFC 7748 §6.1.
    const a = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const b = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const alicePublic = x25519PublicKey(a);
    const bobPublic = x25519PublicKey(b);
    expect(toHex(alicePublic)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bobPublic)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const K = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(x25519Agree(a, bobPublic))).toBe(K);
    expect(toHex(x25519Agree(b, alicePublic))).toBe(K);
  });
});

describe('x25519KeyPair / x25519Agree', () => {
  it('generates distinct 32-byte plain Uint8Array key pairs that agree', () => {
    const p = x25519KeyPair();
    const q = x25519KeyPair();
    for (const k of [p.secretKey, p.publicKey]) {
      expect(k).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(k)).toBe(false);
      expect(k.length).toBe(32);
    }
    expect(toHex(p.secretKey)).not.toBe(toHex(q.secretKey));
    expect(p.publicKey).toEqual(x25519PublicKey(p.secretKey));
    const pq = x25519Agree(p.secretKey, q.publicKey);
    expect(pq).toEqual(x25519Agree(q.secretKey, p.publicKey));
    expect(pq.length).toBe(32);
  });

  // The small-order inputs (points of order dividing 8 on the curve or its twist, and
  // non-canonical encodings of them) listed by D. J. Bernstein, "How do I validate Curve25519
  // public keys?", https://cr.yp.to/ecdh.html#validate, also libsodium's blacklist. RFC 7748 §5
  // clamping makes every scalar a multiple of 8, so each yields the all-zero secret for any key.
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000', // 0
    '0100000000000000000000000000000000000000000000000000000000000000', // 1
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // a point of order 8
    '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // a point of order 8
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p − 1
    'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p ≡ 0
    'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 ≡ 1
  ];
  it.each(lowOrder)('rejects the low-order public key %s with E_SECAGG_BAD_KEY', (u) => {
    const { secretKey } = x25519KeyPair();
    expect(codeOf(() => x25519Agree(secretKey, hex(u)))).toBe('E_SECAGG_BAD_KEY');
    // The same point with the ignored top bit set (RFC 7748 §5 masks it).
    const high = hex(u);
    high[31]! |= 0x80;
    expect(codeOf(() => x25519Agree(secretKey, high))).toBe('E_SECAGG_BAD_KEY');
  });

  it('rejects keys of the wrong length or type with E_SECAGG_BAD_KEY', () => {
    const { secretKey, publicKey } = x25519KeyPair();
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), ...NOT_BYTES]) {
      expect(codeOf(() => x25519Agree(bad as Uint8Array, publicKey))).toBe('E_SECAGG_BAD_KEY');
      expect(codeOf(() => x25519Agree(secretKey, bad as Uint8Array))).toBe('E_SECAGG_BAD_KEY');
      expect(codeOf(() => x25519PublicKey(bad as Uint8Array))).toBe('E_SECAGG_BAD_KEY');
    }
  });
});
