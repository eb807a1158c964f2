/**
 * Sealing entries and receipting them: round trips, wrong keys, tampered
 * texts, hashes and signatures, and the exact bytes each signature covers.
 */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  entryHash,
  receiptMessage,
  sealEntry,
  signReceipt,
  verifyReceipt,
  verifySeal,
  canonicalJson,
} from '../../../core/ledger/index.ts';
import { GENESIS_HASH, type LedgerEntry, type RoundBody, type SealedEntry } from '../../../core/ledger/types.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { errorCode } from '../../helpers/errors.ts';

const coordinator = ed25519KeyPair();
const hospital = ed25519KeyPair();
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const body: RoundBody = {
  unit: 'record',
  delta: 1e-5,
  accountant: 'rdp',
  clip: 1,
  noiseMultiplier: 1.1,
  samplingRate: 0.05,
  stepsPerRound: 20,
  bits: 32,
  participants: ['a', 'b'],
  survivors: ['a'],
  modelHash: sha('m'),
  spends: [
    {
      hospital: 'a',
      mechanism: { kind: 'sampled-gaussian', q: 0.05, sigma: 1.1, steps: 20 },
      epsilon: 0.5,
      rdpEpsilon: 0.5,
      pldEpsilon: null,
      cumulativeEpsilon: 0.5,
      cumulativeRdpEpsilon: 0.5,
      cumulativePldEpsilon: null,
      bound: 'rdp',
    },
  ],
};
const entry: LedgerEntry = {
  seq: 1,
  at: 1_700_000_000_000,
  kind: 'round',
  jobId: 'j',
  round: 1,
  body,
  prevHash: GENESIS_HASH,
};

/** `s` with one hex digit changed. */
const flipHex = (s: string, i = 0) => s.slice(0, i) + (s[i] === '0' ? '1' : '0') + s.slice(i + 1);

describe('sealEntry / verifySeal', () => {
  const sealed = sealEntry(entry, coordinator.secretKey);

  it('stores the canonical text, its SHA-256 and a seal that verifies under the coordinator key', () => {
    expect(sealed.seq).toBe(1);
    expect(sealed.canonical).toBe(canonicalJson(entry));
    expect(sealed.hash).toBe(sha(sealed.canonical));
    expect(sealed.hash).toBe(entryHash(sealed.canonical));
    expect(sealed.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(verifySeal(sealed, coordinator.publicKey)).toBe(true);
  });

  it('signs exactly the ASCII bytes "cohort/ledger/v1\\n" + hash (checked with noble)', () => {
    const message = new TextEncoder().encode(`cohort/ledger/v1\n${sealed.hash}`);
    expect(message.length).toBe(81);
    expect(ed25519.verify(Buffer.from(sealed.signature, 'hex'), message, coordinator.publicKey)).toBe(true);
  });

  it('fails under another key, with a changed text, hash or signature, or malformed fields', () => {
    expect(verifySeal(sealed, ed25519KeyPair().publicKey)).toBe(false);
    const text = sealed.canonical.replace('"epsilon":0.5', '"epsilon":0.4');
    expect(text).not.toBe(sealed.canonical);
    expect(verifySeal({ ...sealed, canonical: text }, coordinator.publicKey)).toBe(false);
    // Re-hashed but not re-signed: the seal covers the old hash.
    expect(verifySeal({ ...sealed, canonical: text, hash: sha(text) }, coordinator.publicKey)).toBe(false);
    // Re-sealed by someone else: valid under their key only.
    const forged = sealEntry(JSON.parse(text) as LedgerEntry, ed25519KeyPair().secretKey);
    expect(verifySeal(forged, coordinator.publicKey)).toBe(false);
    for (let i = 0; i < 128; i += 7)
      expect(verifySeal({ ...sealed, signature: flipHex(sealed.signature, i) }, coordinator.publicKey)).toBe(false);
    for (const bad of [sealed.signature.toUpperCase(), sealed.signature.slice(2), `${sealed.signature}00`, '', 42]) {
      expect(verifySeal({ ...sealed, signature: bad } as SealedEntry, coordinator.publicKey)).toBe(false);
    }
    expect(verifySeal({ ...sealed, hash: sealed.hash.toUpperCase() }, coordinator.publicKey)).toBe(false);
    expect(verifySeal({ ...sealed, canonical: undefined } as unknown as SealedEntry, coordinator.publicKey)).toBe(
      false,
    );
    expect(verifySeal(sealed, new Uint8Array(31))).toBe(false);
  });

  it('refuses to seal what a verifier would call malformed (E_LEDGER_ENTRY), what has no canonical form (E_LEDGER_ENCODING), or with a bad key (E_LEDGER_KEY)', () => {
    expect(errorCode(() => sealEntry({ ...entry, seq: 0 }, coordinator.secretKey))).toBe('E_LEDGER_ENTRY');
    expect(errorCode(() => sealEntry({ ...entry, prevHash: 'ab' }, coordinator.secretKey))).toBe('E_LEDGER_ENTRY');
    expect(errorCode(() => sealEntry({ ...entry, body: { ...body, spends: [] } }, coordinator.secretKey))).toBe(
      'E_LEDGER_ENTRY',
    );
    expect(errorCode(() => sealEntry({ ...entry, body: { ...body, survivors: ['z'] } }, coordinator.secretKey))).toBe(
      'E_LEDGER_ENTRY',
    );
    expect(
      errorCode(() => sealEntry({ ...entry, body: { ...body, extra: 1 } as RoundBody }, coordinator.secretKey)),
    ).toBe('E_LEDGER_ENTRY');
    expect(errorCode(() => sealEntry({ ...entry, at: NaN }, coordinator.secretKey))).toBe('E_LEDGER_ENCODING');
    expect(
      errorCode(() => sealEntry({ ...entry, jobId: undefined } as unknown as LedgerEntry, coordinator.secretKey)),
    ).toBe('E_LEDGER_ENCODING');
    expect(errorCode(() => sealEntry(entry, new Uint8Array(64)))).toBe('E_LEDGER_KEY');
  });
});

describe('receipts', () => {
  const sealed = sealEntry(entry, coordinator.secretKey);

  it('a hospital receipts an entry; the receipt verifies under its key only, for that entry and name only', () => {
    const r = signReceipt(sealed, 'a', hospital.secretKey);
    expect(r).toEqual({ seq: 1, hospital: 'a', signature: expect.stringMatching(/^[0-9a-f]{128}$/) });
    expect(verifyReceipt(r, sealed, hospital.publicKey)).toBe(true);
    expect(verifyReceipt(r, sealed, coordinator.publicKey)).toBe(false);
    expect(verifyReceipt({ ...r, hospital: 'b' }, sealed, hospital.publicKey)).toBe(false);
    expect(verifyReceipt({ ...r, seq: 2 }, sealed, hospital.publicKey)).toBe(false);
    const other = sealEntry({ ...entry, seq: 2, prevHash: sealed.hash }, coordinator.secretKey);
    expect(verifyReceipt({ ...r, seq: 2 }, other, hospital.publicKey)).toBe(false);
    expect(verifyReceipt({ ...r, signature: flipHex(r.signature, 5) }, sealed, hospital.publicKey)).toBe(false);
    expect(verifyReceipt({ ...r, signature: 'zz' }, sealed, hospital.publicKey)).toBe(false);
  });

  it('signs exactly "cohort/ledger-receipt/v1\\n" + seq + "\\n" + hash + "\\n" + hospital in UTF-8', () => {
    const m = receiptMessage(12, sealed.hash, 'Hôpital Saint-Louis');
    expect(Buffer.from(m).toString('utf8')).toBe(`cohort/ledger-receipt/v1\n12\n${sealed.hash}\nHôpital Saint-Louis`);
    const r = signReceipt(sealed, 'Hôpital Saint-Louis', hospital.secretKey);
    expect(
      ed25519.verify(
        Buffer.from(r.signature, 'hex'),
        receiptMessage(1, sealed.hash, 'Hôpital Saint-Louis'),
        hospital.publicKey,
      ),
    ).toBe(true);
  });

  it('refuses malformed fields (E_LEDGER_ENTRY) and never receipts a text whose hash it does not match', () => {
    for (const seq of [0, -1, 1.5, NaN, 2 ** 53])
      expect(errorCode(() => receiptMessage(seq, sealed.hash, 'a'))).toBe('E_LEDGER_ENTRY');
    for (const h of ['', sealed.hash.slice(1), sealed.hash.toUpperCase()])
      expect(errorCode(() => receiptMessage(1, h, 'a'))).toBe('E_LEDGER_ENTRY');
    for (const name of ['', 'x'.repeat(1025), 'a\ud800'])
      expect(errorCode(() => receiptMessage(1, sealed.hash, name))).toBe('E_LEDGER_ENTRY');
    expect(
      errorCode(() => signReceipt({ ...sealed, canonical: `${sealed.canonical} ` }, 'a', hospital.secretKey)),
    ).toBe('E_LEDGER_ENTRY');
    expect(errorCode(() => signReceipt(sealed, 'a', new Uint8Array(3)))).toBe('E_LEDGER_KEY');
  });
});
