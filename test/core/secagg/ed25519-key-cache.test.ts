/**
 * The Ed25519 key caches (core/secagg/ed25519.ts, and the ledger's in
 * core/ledger/ed25519.ts) under a flood of distinct
 * keys: a coordinator (or any peer whose keys a hospital checks) offering
 * thousands of junk identity keys must not evict the keys in use. Once the
 * cache emptied itself at 4,096 keys, so every 4,096 junk keys made each
 * honest key be parsed again (a miss costs ~10x a hit); now the least
 * recently used key goes, one at a time. Misses are counted as the key
 * parses (createPublicKey) of the honest keys, never timed.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const parsed = vi.hoisted(() => ({ keys: [] as Buffer[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  const createPublicKey = ((input: Parameters<typeof crypto.createPublicKey>[0]) => {
    const der = (input as { key?: unknown }).key;
    if (Buffer.isBuffer(der)) parsed.keys.push(Buffer.from(der.subarray(der.length - 32)));
    return crypto.createPublicKey(input);
  }) as typeof crypto.createPublicKey;
  return { ...crypto, default: { ...crypto, createPublicKey }, createPublicKey };
});

const secagg = await import('../../../core/secagg/ed25519.ts');
const ledger = await import('../../../core/ledger/ed25519.ts');

/** Each implementation as a key pair maker, a signer and a verifier. */
const implementations = [
  {
    name: 'secure aggregation (core/secagg/ed25519.ts)',
    keyPair: secagg.ed25519KeyPair,
    sign: secagg.sign,
    verify: secagg.verify,
  },
  {
    name: 'ledger (core/ledger/ed25519.ts)',
    keyPair: () => {
      const secretKey = new Uint8Array(randomBytes(32));
      return { secretKey, publicKey: ledger.ledgerPublicKey(secretKey) };
    },
    sign: ledger.ledgerSign,
    verify: ledger.ledgerVerify,
  },
];

/** Key parses of `publicKey` so far. */
const parsesOf = (publicKey: Uint8Array): number => parsed.keys.filter((k) => k.equals(Buffer.from(publicKey))).length;

describe.each(implementations)('Ed25519 key cache of $name under many distinct keys', ({ keyPair, sign, verify }) => {
  it('keeps the keys in use while 10,000 junk keys pass through: each honest key is parsed once', () => {
    const message = new TextEncoder().encode('round keys');
    const honest = Array.from({ length: 8 }, () => {
      const kp = keyPair();
      return { publicKey: kp.publicKey, signature: sign(kp.secretKey, message) };
    });
    const junkSignature = new Uint8Array(64);
    let junk = 0;
    for (let batch = 0; batch < 100; batch++) {
      for (const h of honest) expect(verify(h.publicKey, message, h.signature)).toBe(true);
      // Random bytes: distinct keys, cheap to refuse or parse, each taking a cache entry.
      for (let i = 0; i < 100; i++, junk++) verify(randomBytes(32), message, junkSignature);
    }
    expect(junk).toBeGreaterThan(2 * 4096);
    expect(honest.map((h) => parsesOf(h.publicKey))).toEqual(honest.map(() => 1));
  });

  it('still holds at most its limit: a key pushed out by 4,096 newer ones is parsed again', () => {
    const message = new TextEncoder().encode('m');
    const kp = keyPair();
    const signature = sign(kp.secretKey, message);
    expect(verify(kp.publicKey, message, signature)).toBe(true);
    for (let i = 0; i < 4096; i++) verify(randomBytes(32), message, signature);
    expect(verify(kp.publicKey, message, signature)).toBe(true);
    expect(parsesOf(kp.publicKey)).toBe(2);
  });
});
