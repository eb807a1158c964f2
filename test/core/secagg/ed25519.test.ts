import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ed25519KeyPair, ed25519PublicKey, sign, verify } from '../../../core/secagg/ed25519.ts';
import { hex, toHex, codeOf, NOT_BYTES, plusGroupOrder } from './crypto-util.ts';

// RFC 8032 §7.1, Ed25519 TEST 1, TEST 2 and TEST 3 (SECRET KEY is the 32-byte seed).
const rfc8032 = [
  {
    name: 'TEST 1 (empty message)',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155' +
      '5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (1-byte message)',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
      '085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (2-byte message)',
    secret: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    public: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac' +
      '18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

const flipBit = (b: Uint8Array, i: number): Uint8Array => {
  const c = Uint8Array.from(b);
  c[(i >> 3) % c.length]! ^= 1 << (i & 7);
  return c;
};

describe('Ed25519 (RFC 8032 §7.1)', () => {
  it.each(rfc8032)('$name: public key, signature, verification', (v) => {
    const secret = hex(v.secret);
    const msg = hex(v.message);
    expect(toHex(ed25519PublicKey(secret))).toBe(v.public);
    expect(toHex(sign(secret, msg))).toBe(v.signature);
    expect(verify(hex(v.public), msg, hex(v.signature))).toBe(true);
  });

  it.each(rfc8032)('$name: any flipped bit in message, signature or public key is rejected', (v) => {
    const pub = hex(v.public);
    const msg = hex(v.message);
    const sig = hex(v.signature);
    for (let i = 0; i < 512; i++) expect(verify(pub, msg, flipBit(sig, i)), `signature bit ${i}`).toBe(false);
    for (let i = 0; i < 256; i++) expect(verify(flipBit(pub, i), msg, sig), `key bit ${i}`).toBe(false);
    for (let i = 0; i < msg.length * 8; i++) expect(verify(pub, flipBit(msg, i), sig), `message bit ${i}`).toBe(false);
    expect(verify(pub, Uint8Array.of(...msg, 0), sig)).toBe(false);
  });

  it('rejects a malleated signature (S + L)', () => {
    // RFC 8032 §5.1.7 step 1 requires S < L; without that check S + L satisfies the
    // verification equation too and one signature has two valid encodings.
    const v = rfc8032[0]!;
    expect(verify(hex(v.public), hex(v.message), plusGroupOrder(hex(v.signature)))).toBe(false);
  });
});

describe('sign / verify', () => {
  it('signs with fresh key pairs; other keys and messages do not verify', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), (msg, other) => {
        const id = ed25519KeyPair();
        const sig = sign(id.secretKey, msg);
        expect(sig.length).toBe(64);
        expect(verify(id.publicKey, msg, sig)).toBe(true);
        expect(verify(ed25519KeyPair().publicKey, msg, sig)).toBe(false);
        if (toHex(other) !== toHex(msg)) expect(verify(id.publicKey, other, sig)).toBe(false);
      }),
      { numRuns: 50 },
    );
    const id = ed25519KeyPair();
    expect(id.secretKey.length).toBe(32);
    expect(Buffer.isBuffer(id.secretKey)).toBe(false);
    expect(id.publicKey).toEqual(ed25519PublicKey(id.secretKey));
  });

  it('verify returns false, never throws, for garbage of any type or length', () => {
    const v = rfc8032[1]!;
    const [pub, msg, sig] = [hex(v.public), hex(v.message), hex(v.signature)];
    const garbage: unknown[] = [
      ...NOT_BYTES,
      new Uint8Array(0),
      new Uint8Array(31),
      new Uint8Array(33),
      new Uint8Array(63),
      new Uint8Array(65),
      new Uint8Array(32),
      new Uint8Array(64),
      new Uint8Array(32).fill(0xff),
      new Uint8Array(64).fill(0xff),
    ];
    for (const g of garbage) {
      expect(verify(g as Uint8Array, msg, sig)).toBe(false);
      expect(verify(pub, msg, g as Uint8Array)).toBe(false);
      if (!(g instanceof Uint8Array)) expect(verify(pub, g as Uint8Array, sig)).toBe(false);
    }
    // The identity point as public key: small order, refused by strict verification.
    const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
    expect(verify(identity, msg, sig)).toBe(false);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 16 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (k, m, s) => verify(k, m, s) === false,
      ),
      { numRuns: 300 },
    );
  });

  it('sign refuses a bad secret key (E_SECAGG_BAD_KEY) or a non-byte message (E_SECAGG_BAD_INPUT)', () => {
    const id = ed25519KeyPair();
    for (const bad of [new Uint8Array(0), new Uint8Array(31), new Uint8Array(33), new Uint8Array(64), ...NOT_BYTES]) {
      expect(codeOf(() => sign(bad as Uint8Array, new Uint8Array(1)))).toBe('E_SECAGG_BAD_KEY');
      expect(codeOf(() => ed25519PublicKey(bad as Uint8Array))).toBe('E_SECAGG_BAD_KEY');
    }
    for (const bad of NOT_BYTES) expect(codeOf(() => sign(id.secretKey, bad as Uint8Array))).toBe('E_SECAGG_BAD_INPUT');
  });
});
