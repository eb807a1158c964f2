import { describe, it, expect, vi } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLedger, type Witnessed } from '../../client/local-ledger.ts';
import { leafHash } from '../../core/ledger/merkle.ts';
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

function fresh(path = join(mkdtempSync(join(tmpdir(), 'cohort-local-')), 'state.db')) {
  const l = new LocalLedger(path);
  l.pinCoordinatorKey(Buffer.from(coordinator.publicKey).toString('hex'));
  return l;
}

/** The entry at `seq` as the coordinator writes it when this hospital was charged in every earlier position. */
const honest = (seq: number) =>
  roundEntry(
    seq,
    seq,
    Array.from({ length: seq - 1 }, () => m),
  );

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

  describe('the checkpoint it last cosigned as a witness', () => {
    const witnessedAt = (size: number, rootByte: number): Witnessed => ({
      size,
      root: new Uint8Array(32).fill(rootByte),
      note: `note of ${size}\n`,
      cosignature: { name: 'cohort.witness/va', timestamp: 1_700_000_000, signature: new Uint8Array(64).fill(7) },
      publicKey: me.publicKey,
    });

    it('is none at first, then the one recorded, read back whole', () => {
      const l = fresh();
      expect(l.witnessed()).toBeNull();
      l.recordWitnessed(null, witnessedAt(5, 1));
      const w = l.witnessed()!;
      expect({ ...w, root: [...w.root], publicKey: [...w.publicKey] }).toEqual({
        ...witnessedAt(5, 1),
        root: [...new Uint8Array(32).fill(1)],
        publicKey: [...me.publicKey],
        cosignature: { ...witnessedAt(5, 1).cosignature, signature: expect.any(Uint8Array) },
      });
      expect([...w.cosignature.signature]).toEqual([...new Uint8Array(64).fill(7)]);
    });

    it('replaces it only if the stored one is still the checkpoint its proof started from', () => {
      const l = fresh();
      l.recordWitnessed(null, witnessedAt(5, 1));
      // Another process stored size 5: a record believing nothing was stored is refused.
      expect(errorCode(() => l.recordWitnessed(null, witnessedAt(9, 2)))).toBe('E_STORE');
      // A proof from another root at size 5 is refused too.
      expect(errorCode(() => l.recordWitnessed({ size: 5, root: new Uint8Array(32).fill(3) }, witnessedAt(9, 2)))).toBe(
        'E_STORE',
      );
      expect(l.witnessed()!.size).toBe(5);
      l.recordWitnessed({ size: 5, root: new Uint8Array(32).fill(1) }, witnessedAt(9, 2));
      expect(l.witnessed()!.size).toBe(9);
    });

    it('lists the entries kept after a size, the disagreeing ones in a range, and the leaf of each copy', () => {
      const l = fresh();
      expect(l.accept(honest(1), me, m).problem).toBeNull();
      expect(l.accept(roundEntry(3, 3, []), me, m).problem).toMatch(/states epsilon/);
      expect(l.accept(honest(2), me, m).problem).toBeNull();
      expect(l.pendingOwn(0)).toEqual([1, 2, 3]);
      expect(l.pendingOwn(2)).toEqual([3]);
      expect(l.disagreed(0, 2)).toEqual([]);
      expect(l.disagreed(2, 3)).toEqual([3]);
      expect(Buffer.from(l.leaf(2)!).equals(Buffer.from(leafHash(honest(2).canonical)))).toBe(true);
      expect(l.leaf(4)).toBeNull();
    });
  });

  describe('its running spend (each earlier entry of the job, kept in memory)', () => {
    it('agrees with every entry over many rounds', () => {
      const l = fresh();
      for (let seq = 1; seq <= 25; seq++) expect(l.accept(honest(seq), me, m).problem).toBeNull();
      // One round short of its own entries: disagreed.
      const short = roundEntry(
        26,
        26,
        Array.from({ length: 24 }, () => m),
      );
      expect(l.accept(short, me, m).problem).toMatch(/states epsilon/);
      l.close();
    });

    it('counts, for an entry arriving late, only the entries before its position', () => {
      const l = fresh();
      expect(l.accept(honest(1), me, m).problem).toBeNull();
      // 2 and 3 were missed (a reconnect): 4 disagrees now, and the catch-up brings them after it.
      expect(l.accept(honest(4), me, m).problem).toMatch(/states epsilon/);
      expect(l.accept(honest(2), me, m).problem).toBeNull();
      expect(l.accept(honest(3), me, m).problem).toBeNull();
      expect(l.accept(honest(5), me, m).problem).toBeNull();
      l.close();
    });

    it('is read again from the database by a restarted daemon', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'cohort-local-')), 'state.db');
      const before = fresh(path);
      for (let seq = 1; seq <= 5; seq++) before.accept(honest(seq), me, m);
      before.close();
      const after = fresh(path);
      expect(after.accept(honest(6), me, m).problem).toBeNull();
      expect(after.accept(roundEntry(7, 7, []), me, m).problem).toMatch(/states epsilon/);
      after.close();
    });

    it('leaves out an entry whose store failed, and sees entries another connection stored', () => {
      const path = join(mkdtempSync(join(tmpdir(), 'cohort-local-')), 'state.db');
      const l = fresh(path);
      for (let seq = 1; seq <= 3; seq++) l.accept(honest(seq), me, m);
      const other = new Database(path);
      other.exec(
        `CREATE TRIGGER fail_4 BEFORE INSERT ON ledger_entries WHEN NEW.seq = 4 BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
      expect(() => l.accept(honest(4), me, m)).toThrow(/disk full/);
      other.exec(`DROP TRIGGER fail_4`);
      other.close();
      // Position 4 is not kept: 5 counts three earlier rounds.
      expect(l.accept(roundEntry(5, 5, [m, m, m]), me, m).problem).toBeNull();
      // A second process on the same file keeps entry 6; this one counts it for 7.
      const second = fresh(path);
      expect(second.accept(roundEntry(6, 6, [m, m, m, m]), me, m).problem).toBeNull();
      second.close();
      expect(l.accept(roundEntry(7, 7, [m, m, m, m, m]), me, m).problem).toBeNull();
      l.close();
    });

    it('reads none of the earlier entries again when it accepts one: the cost of a round does not grow with the job', () => {
      const l = fresh();
      const entries = Array.from({ length: 25 }, (_, i) => honest(i + 1));
      const parse = vi.spyOn(JSON, 'parse');
      const parsesOf = (seq: number) => {
        parse.mockClear();
        expect(l.accept(entries[seq - 1]!, me, m).problem).toBeNull();
        return parse.mock.calls.length;
      };
      try {
        for (let seq = 1; seq < 10; seq++) l.accept(entries[seq - 1]!, me, m);
        const early = parsesOf(10);
        for (let seq = 11; seq < 25; seq++) l.accept(entries[seq - 1]!, me, m);
        // Without the append at each store, every accept would parse the job's whole history again.
        expect(parsesOf(25)).toBe(early);
      } finally {
        parse.mockRestore();
        l.close();
      }
    });
  });
});
