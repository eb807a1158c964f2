/**
 * Migration: a coordinator database of the release before the Merkle tree
 * (fixtures/ledger-v9.db, a hash chain with receipts; make-ledger-v9.ts)
 * verifies with the chain checks as it is, converts when the coordinator
 * opens it (leaf hashes filled in, a checkpoint of its size signed), and
 * verifies after with that checkpoint covering the old entries; an audit
 * state saved before the tree still continues. Then `ledger prove` and
 * `ledger check-proof` on the converted database.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { verifyFiles, verifyFromCheckpoint } from '../../coordinator/ledger-audit.ts';
import { headOf, readCoordinatorHead, readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { proveConsistency, proveEntry } from '../../coordinator/ledger-prove.ts';
import { checkLedgerProof, type LedgerProof } from '../../core/ledger/verify-proof.ts';
import { ledgerPublicKey } from '../../core/ledger/index.ts';
import { errorCode } from '../helpers/errors.ts';
import { CohortError } from '../../core/errors.ts';
import Database from 'better-sqlite3';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'ledger-v9.db');
const seed = (b: number) => new Uint8Array(32).fill(b);
const coordinator = { secretKey: seed(0x11), publicKey: ledgerPublicKey(seed(0x11)) };
const keyHex = Buffer.from(coordinator.publicKey).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'cohort-migration-'));
const db = join(dir, 'c.db');
let t = 1_800_000_000_000;

/** Opens the database as the coordinator does (migrating and converting it), optionally appends, and closes it. */
function openAsCoordinator(append?: (l: CoordinatorLedger) => void): void {
  const store = new CoordinatorStore(db);
  try {
    const ledger = new CoordinatorLedger(store, coordinator, () => ++t);
    append?.(ledger);
  } finally {
    store.close();
  }
}

beforeAll(() => copyFileSync(FIXTURE, db));

describe('a chain-format ledger of the previous release', () => {
  const legacyState = join(dir, 'audit-legacy.json');
  const treeState = join(dir, 'audit-tree.json');

  it('verifies before conversion with the chain checks: every seal and receipt, no checkpoint', () => {
    const r = verifyFiles({ db, coordinatorKey: keyHex });
    expect(r.failures).toEqual([]);
    expect(r).toMatchObject({ ok: true, entries: 6, receiptsVerified: 4, sealsChecked: 6, checkpointsVerified: 0 });
    expect(r.notes.join('\n')).toContain('no checkpoint of the Merkle tree');
    expect(errorCode(() => proveEntry(db, 1))).toBe('E_STORE');
    // An audit state as the previous release saved it (no tree), and one saved now (with the tree's frontier).
    expect(verifyFromCheckpoint({ db, checkpoint: treeState, coordinatorKey: keyHex }).ok).toBe(true);
    const { tree, ...old } = JSON.parse(readFileSync(treeState, 'utf8')) as Record<string, unknown>;
    expect(tree).toMatchObject({ size: 6 });
    writeFileSync(legacyState, JSON.stringify(old));
  });

  it('converts when the coordinator opens it, and verifies after with a checkpoint covering the old entries', () => {
    openAsCoordinator();
    const data = readCoordinatorLedger(db);
    expect(data.leaves).toHaveLength(6);
    expect(data.leaves!.every((l) => l instanceof Uint8Array && l.length === 32)).toBe(true);
    expect(data.checkpoints!.length).toBeGreaterThan(0);
    const r = verifyFiles({ db, coordinatorKey: keyHex });
    expect(r.failures).toEqual([]);
    // The old entries are vouched for by the checkpoint; their receipts still verify (legacy).
    expect(r).toMatchObject({ ok: true, checkpointSize: 6, sealsChecked: 0, receiptsVerified: 4 });
    expect(r.checkpointsVerified).toBeGreaterThanOrEqual(1);
    expect(r.notes.join('\n')).not.toContain('no valid receipt');
    // Opening it again converts nothing more and still verifies.
    openAsCoordinator();
    expect(verifyFiles({ db, coordinatorKey: keyHex }).ok).toBe(true);
  });

  it('an audit state saved before the tree continues by seals (with a note); one with the tree, by the checkpoint', () => {
    openAsCoordinator((l) => l.recordHospitalKey('h3', ledgerPublicKey(seed(0x23))));
    const legacy = verifyFromCheckpoint({ db, checkpoint: legacyState });
    expect(legacy).toMatchObject({ ok: true, entries: 1, from: 6, sealsChecked: 1, checkpointsVerified: 0 });
    expect(legacy.notes.join('\n')).toContain('predates the Merkle tree');
    const next = verifyFromCheckpoint({ db, checkpoint: treeState });
    expect(next.failures).toEqual([]);
    expect(next).toMatchObject({ ok: true, entries: 1, from: 6, sealsChecked: 0, checkpointSize: 7 });
    expect((JSON.parse(readFileSync(treeState, 'utf8')) as { tree: { size: number } }).tree.size).toBe(7);
  });

  it('proves an entry and a consistency from an older size, checkable with the key alone', () => {
    const inclusion = proveEntry(db, 3);
    expect(checkLedgerProof(inclusion, coordinator.publicKey)).toMatchObject({ ok: true, size: 7 });
    // The same text claimed at another position, or checked under another key: not shown.
    expect(checkLedgerProof({ ...inclusion, seq: 4, index: 3 } as LedgerProof, coordinator.publicKey).ok).toBe(false);
    expect(checkLedgerProof(inclusion, ledgerPublicKey(seed(0x12))).ok).toBe(false);
    const consistency = proveConsistency(db, 6);
    expect(consistency).toMatchObject({ kind: 'consistency', from: 6, size: 7 });
    expect(checkLedgerProof(consistency, coordinator.publicKey).ok).toBe(true);
    expect(
      checkLedgerProof(
        // Another old root than the tree's at 6.
        { ...consistency, fromRoot: inclusion.kind === 'inclusion' ? inclusion.leaf : '' } as LedgerProof,
        coordinator.publicKey,
      ).ok,
    ).toBe(false);
    expect(errorCode(() => proveEntry(db, 8))).toBe('E_LEDGER_PROOF');
  });

  it("reads the head (GET /ledger/head) from the last row alone: the full read's head", () => {
    const head = readCoordinatorHead(db);
    expect(head).toEqual(headOf(readCoordinatorLedger(db)));
    expect(head).toMatchObject({ seq: 7, coordinatorKey: keyHex });
  });

  it('refuses to prove over rows with one missing in between (E_LEDGER_PROOF), rather than shift the leaves after it', () => {
    const gap = join(dir, 'gap.db');
    copyFileSync(db, gap);
    const raw = new Database(gap);
    raw.prepare('DELETE FROM ledger WHERE seq = 4').run();
    raw.close();
    let message = '';
    try {
      proveEntry(gap, 3);
    } catch (e) {
      expect((e as CohortError).code).toBe('E_LEDGER_PROOF');
      message = (e as Error).message;
    }
    expect(message).toContain('skip from entry 3 to entry 5');
  });

  it('through the CLI: prove prints JSON, check-proof exits 0 on it, 1 on a forged one, 2 with a typed error on junk', () => {
    const proofFile = join(dir, 'proof.json');
    writeFileSync(
      proofFile,
      execFileSync('node', ['cohort.mjs', 'ledger', 'prove', '--db', db, '--entry', '2'], { encoding: 'utf8' }),
    );
    const check = (file: string) =>
      spawnSync('node', ['cohort.mjs', 'ledger', 'check-proof', '--proof', file, '--coordinator-key', keyHex], {
        encoding: 'utf8',
      });
    const ok = check(proofFile);
    expect(ok.stdout).toMatch(/^proof OK: entry 2 is in the tree of size 7/);
    expect(ok.status).toBe(0);
    const forged = JSON.parse(readFileSync(proofFile, 'utf8')) as { canonical: string; leaf: string };
    const forgedFile = join(dir, 'forged.json');
    writeFileSync(forgedFile, JSON.stringify({ ...forged, canonical: forged.canonical.replace('h2', 'h9') }));
    expect(check(forgedFile).status).toBe(1);
    const junkFile = join(dir, 'junk.json');
    writeFileSync(junkFile, '{"kind":"inclusion"}');
    const junk = check(junkFile);
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/^cohort: E_CONFIG_INVALID: /);
    expect(junk.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
