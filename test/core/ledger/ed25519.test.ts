/**
 * The ledger's Ed25519 (node:crypto / OpenSSL) against RFC 8032 §7.1 TEST 1,
 * and interoperable with @noble/curves (the implementation core/secagg and
 * an auditor's script may use) in both directions.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ledgerPublicKey, ledgerSign, ledgerVerify } from '../../../core/ledger/ed25519.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { errorCode } from '../../helpers/errors.ts';
import { hex, plusGroupOrder, toHex } from '../secagg/crypto-util.ts';

// RFC 8032 §7.1, TEST 1: SECRET KEY (the 32-byte seed), PUBLIC KEY, empty MESSAGE, SIGNATURE.
const TEST1 = {
  secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
};

describe('ledger Ed25519: RFC 8032 §7.1 TEST 1', () => {
  it('derives the public key and the signature of the empty message, and verifies it', () => {
    expect(toHex(ledgerPublicKey(hex(TEST1.secret)))).toBe(TEST1.public);
    expect(toHex(ledgerSign(hex(TEST1.secret), new Uint8Array(0)))).toBe(TEST1.signature);
    expect(ledgerVerify(hex(TEST1.public), new Uint8Array(0), hex(TEST1.signature))).toBe(true);
    expect(ledgerVerify(hex(TEST1.public), new Uint8Array(1), hex(TEST1.signature))).toBe(false);
  });

  it('rejects the S + L re-encoding of a valid signature (RFC 8032 §5.1.7 step 1)', () => {
    expect(ledgerVerify(hex(TEST1.public), new Uint8Array(0), plusGroupOrder(hex(TEST1.signature)))).toBe(false);
  });

  it('rejects a small-order public key and garbage of any type or length, without throwing', () => {
    const identityPoint = hex('0100000000000000000000000000000000000000000000000000000000000000');
    expect(ledgerVerify(identityPoint, new Uint8Array(0), hex(TEST1.signature))).toBe(false);
    const pub = hex(TEST1.public);
    const sig = hex(TEST1.signature);
    for (const g of [
      null,
      undefined,
      'ab',
      [1, 2],
      new Uint8Array(31),
      new Uint8Array(33),
      new Uint8Array(63),
      new Uint8Array(65),
    ] as unknown[]) {
      expect(ledgerVerify(g as Uint8Array, new Uint8Array(0), sig)).toBe(false);
      expect(ledgerVerify(pub, new Uint8Array(0), g as Uint8Array)).toBe(false);
      expect(ledgerVerify(pub, g as Uint8Array, sig)).toBe(false);
    }
  });

  it('refuses a secret key that is not 32 bytes (E_LEDGER_KEY) and a non-byte message (E_LEDGER_ENTRY)', () => {
    for (const bad of [new Uint8Array(31), new Uint8Array(33), new Uint8Array(64), 'x'.repeat(32), null] as unknown[]) {
      expect(errorCode(() => ledgerSign(bad as Uint8Array, new Uint8Array(1)))).toBe('E_LEDGER_KEY');
      expect(errorCode(() => ledgerPublicKey(bad as Uint8Array))).toBe('E_LEDGER_KEY');
    }
    expect(errorCode(() => ledgerSign(hex(TEST1.secret), 'text' as unknown as Uint8Array))).toBe('E_LEDGER_ENTRY');
  });
});

describe('ledger Ed25519 interoperates with @noble/curves', () => {
  it('node:crypto signatures verify with noble, noble signatures verify here, and both are the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 200 }), (seed, msg) => {
        const pub = ed25519.getPublicKey(seed);
        expect(toHex(ledgerPublicKey(seed))).toBe(toHex(pub));
        const ours = ledgerSign(seed, msg);
        const theirs = ed25519.sign(msg, seed);
        expect(ed25519.verify(ours, msg, pub)).toBe(true);
        expect(ledgerVerify(pub, msg, theirs)).toBe(true);
        // Ed25519 signing is deterministic (RFC 8032 §5.1.6): one key and message, one signature.
        expect(toHex(ours)).toBe(toHex(theirs));
      }),
      { numRuns: 100 },
    );
  });

  it('keys from core/secagg ed25519KeyPair (the identity format of edge/keys.ts) sign and verify here', () => {
    const id = ed25519KeyPair();
    const msg = new TextEncoder().encode('cohort');
    expect(ledgerVerify(id.publicKey, msg, ledgerSign(id.secretKey, msg))).toBe(true);
    expect(ledgerVerify(ed25519KeyPair().publicKey, msg, ledgerSign(id.secretKey, msg))).toBe(false);
  });
});
