import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLedger } from '../../client/local-ledger.ts';
import { roundSpends, sealEntry, verifyReceipt } from '../../core/ledger/index.ts';
import { GENESIS_HASH, type LedgerEntry } from '../../core/ledger/types.ts';
import type { Mechanism } from '../../core/privacy/spend.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { errorCode } from '../helpers/errors.ts';

const coordinator = ed25519KeyPair();
const me = { ...ed25519KeyPair(), name: 'va' };
const m: Mechanism = { kind: 'sampled-gaussian', q: 0.1, sigma: 2, steps: 10 };

function roundEntry(seq: number, round: number, prior: Mechanism[], mechanism = m, key = coordinator.secretKey) {
  const entry: LedgerEntry = {
    seq,
    at: 1_700_000_000_000 + seq,
    kind: 'round',
    jobId: 'job-1',
    round,
    prevHash: GENESIS_HASH,
    body: {
      unit: 'record',
      delta: 1e-5,
      accountant: 'rdp',
      clip: 1,
      noiseMultiplier: mechanism.kind === 'sampled-gaussian' ? mechanism.sigma : 1,
      samplingRate: 0.1,
      stepsPerRound: 10,
      bits: 32,
      participants: ['va'],
      survivors: ['va'],
      modelHash: 'ab'.repeat(32),
      spends: roundSpends({
        survivors: ['va'],
        mechanism,
        prior: new Map([['va', prior]]),
        delta: 1e-5,
        accountant: 'rdp',
      }),
    },
  };
  return sealEntry(entry, key);
}

function fresh() {
  const l = new LocalLedger(join(mkdtempSync(join(tmpdir(), 'cohort-local-')), 'state.db'));
  l.pinCoordinatorKey(Buffer.from(coordinator.publicKey).toString('hex'));
  return l;
}

describe("a hospital's local ledger", () => {
  it('receipts an entry that matches what it charged, with the cumulative epsilon of its own earlier entries', () => {
    const l = fresh();
    const first = roundEntry(1, 1, []);
    const a = l.accept(first, me, m);
    expect(a.problem).toBeNull();
    expect(verifyReceipt(a.receipt!, first, me.publicKey)).toBe(true);
    expect(l.accept(roundEntry(2, 2, [m]), me, m).problem).toBeNull();
    // A cumulative figure that ignores round 1 disagrees with the copy kept here.
    expect(l.accept(roundEntry(3, 3, []), me, m).problem).toMatch(/states epsilon/);
    expect(l.receipts('va').map((r) => r.seq)).toEqual([1, 2]);
  });

  it('refuses to receipt another mechanism, an uncharged round, or a foreign signature', () => {
    const l = fresh();
    expect(l.accept(roundEntry(1, 1, [], { ...m, sigma: 0.5 }), me, m).problem).toMatch(/another mechanism/);
    expect(l.accept(roundEntry(2, 2, []), me, null).problem).toMatch(/never charged/);
    expect(l.accept(roundEntry(3, 3, [], m, ed25519KeyPair().secretKey), me, m).problem).toMatch(
      /not signed by the pinned/,
    );
    expect(l.receipts('va')).toEqual([]);
  });

  it('keeps the first copy of a position: a different entry later is a problem, not a replacement', () => {
    const l = fresh();
    const original = roundEntry(1, 1, []);
    expect(l.accept(original, me, m).problem).toBeNull();
    const other = roundEntry(1, 7, []);
    expect(l.accept(other, me, m).problem).toMatch(/different entry for position 1/);
    expect(l.entries()[0]!.hash).toBe(original.hash);
    // The same entry again (a resent round result) returns the receipt already made.
    expect(l.accept(original, me, m).receipt).not.toBeNull();
  });

  it('pins the coordinator key at first use', () => {
    const l = fresh();
    expect(errorCode(() => l.pinCoordinatorKey(Buffer.from(ed25519KeyPair().publicKey).toString('hex')))).toBe(
      'E_LEDGER_MISMATCH',
    );
  });
});
