/**
 * coordinator/ledger-tree.ts over a real database file: the tree kept in
 * memory stays the database's through a rolled-back append and another
 * process's appends; a database written by the release before issue 20
 * (test/coordinator/fixtures/ledger-v9.db, made by make-ledger-v9.ts) is
 * converted when opened; a database that lost checkpointed entries is
 * refused rather than signed again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { logOrigin, openCheckpoint } from '../../core/ledger/checkpoint.ts';
import { ledgerPublicKey } from '../../core/ledger/ed25519.ts';
import { MerkleTree, leafHash, verifyInclusion } from '../../core/ledger/merkle.ts';
import { CohortError } from '../../core/errors.ts';
import type { Identity } from '../../core/secagg/index.ts';

const key = (byte: number): Identity => {
  const secretKey = new Uint8Array(32).fill(byte);
  return { secretKey, publicKey: ledgerPublicKey(secretKey) };
};
// The fixture's ledger key (make-ledger-v9.ts).
const identity = key(0x11);
const origin = logOrigin(identity.publicKey);

const opened: CoordinatorStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function open(path: string, id = identity): { store: CoordinatorStore; ledger: CoordinatorLedger } {
  const store = new CoordinatorStore(path);
  opened.push(store);
  return { store, ledger: new CoordinatorLedger(store, id, () => 1_700_000_000_000) };
}

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'cohort-tree-')), 'c.db');
const treeOf = (store: CoordinatorStore) =>
  MerkleTree.fromLeafHashes(store.ledgerEntries().map((e) => leafHash(e.canonical)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The latest checkpoint opens under the ledger key and states the tree recomputed from the rows' text. */
function expectCovered(store: CoordinatorStore): void {
  const tree = treeOf(store);
  const latest = store.latestCheckpoint()!;
  const cp = openCheckpoint(latest.note, origin, identity.publicKey);
  expect(cp).not.toBeNull();
  expect([cp!.size, hex(cp!.root)]).toEqual([tree.size, hex(tree.root())]);
}

function deny(store: CoordinatorStore, ledger: CoordinatorLedger, i: number) {
  return store.appendEntry(ledger.denial('', `someone-${i}`, 'researcher', 'ledger.read', 'no'));
}

describe("the coordinator's ledger tree", () => {
  it('drops a leaf whose transaction rolled back: the next checkpoint and proofs match the rows', () => {
    const { store, ledger } = open(freshPath());
    for (let i = 0; i < 5; i++) deny(store, ledger, i);
    // Appended, checkpointed, then the caller's transaction fails: the row, its leaf and its checkpoint are gone.
    const db = (store as unknown as { db: Database.Database }).db;
    expect(() =>
      db.transaction(() => {
        deny(store, ledger, 99);
        throw new Error('the round could not be stored');
      })(),
    ).toThrow('could not be stored');
    expect(store.lastLedgerSeq()).toBe(5);
    expect(store.latestCheckpoint()!.size).toBe(5);
    expectCovered(store);
    const sealed = deny(store, ledger, 6);
    expect(sealed.seq).toBe(6);
    expectCovered(store);
    const reply = ledger.prove(5, [6]);
    const tree = treeOf(store);
    const proof = reply.inclusion[0]!.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64')));
    expect(verifyInclusion(leafHash(sealed.canonical), 5, 6, proof, tree.root())).toBe(true);
  });

  it("follows another process's appends (the admin CLI) before it signs or proves", () => {
    const path = freshPath();
    const { store, ledger } = open(path);
    deny(store, ledger, 1);
    const other = open(path);
    deny(other.store, other.ledger, 2);
    deny(other.store, other.ledger, 3);
    expect(ledger.prove(1, [3]).inclusion).toHaveLength(1);
    deny(store, ledger, 4);
    expectCovered(store);
    expect(store.latestCheckpoint()!.size).toBe(4);
  });

  it('refuses to sign again over a database that lost checkpointed entries (E_STORE)', () => {
    const path = freshPath();
    const { store, ledger } = open(path);
    for (let i = 0; i < 3; i++) deny(store, ledger, i);
    const raw = new Database(path);
    raw.prepare('DELETE FROM ledger WHERE seq = 3').run();
    raw.close();
    expect(() => deny(store, ledger, 9)).toThrow(CohortError);
    expect(store.lastLedgerSeq()).toBe(2);
    let code = '';
    try {
      open(path);
    } catch (e) {
      code = (e as CohortError).code;
    }
    expect(code).toBe('E_STORE');
  });

  it('converts a database of the release before: leaves filled in, a checkpoint of its size signed, once', () => {
    const path = freshPath();
    copyFileSync(new URL('./fixtures/ledger-v9.db', import.meta.url), path);
    const before = new Database(path, { readonly: true });
    expect(before.pragma('user_version', { simple: true })).toBe(9);
    const rows = (before.prepare('SELECT COUNT(*) FROM ledger').pluck().get() as number) ?? 0;
    before.close();
    expect(rows).toBe(6);

    const { store } = open(path);
    const entries = store.ledgerEntries();
    expect(entries).toHaveLength(rows);
    for (const e of entries) expect(hex(store.ledgerLeaf(e.seq)!)).toBe(hex(leafHash(e.canonical)));
    expect(store.latestCheckpoint()!.size).toBe(rows);
    expectCovered(store);
    // The old receipts are kept as they were.
    expect(store.receipts().length).toBeGreaterThan(0);
    store.close();
    opened.pop();

    // Opened again: nothing to convert, no second checkpoint; new entries extend the same tree.
    const again = open(path);
    expect(again.store.latestCheckpoint()!.at).toBe(1_700_000_000_000);
    const first = again.store.latestCheckpoint()!.note;
    deny(again.store, again.ledger, 7);
    expectCovered(again.store);
    expect(again.store.checkpointOfSize(rows)!.note).toBe(first);
  });

  it('fills in the leaves batch by batch, each read after the last row filled, and only once', () => {
    const path = freshPath();
    copyFileSync(new URL('./fixtures/ledger-v9.db', import.meta.url), path);
    // The store alone migrates (a leaf column of nulls) but does not convert: LedgerTree does.
    const store = new CoordinatorStore(path);
    opened.push(store);
    expect(store.ledgerLeaf(1)).toBeNull();
    // 6 rows in batches of 4 and of 3 (a full last batch): every row filled once, none skipped.
    expect(store.backfillLeaves(4)).toBe(6);
    for (const e of store.ledgerEntries()) expect(hex(store.ledgerLeaf(e.seq)!)).toBe(hex(leafHash(e.canonical)));
    expect(store.backfillLeaves(3)).toBe(0);
  });

  it('refuses a converted database under another ledger key, as before (E_STORE)', () => {
    const path = freshPath();
    copyFileSync(new URL('./fixtures/ledger-v9.db', import.meta.url), path);
    let code = '';
    try {
      open(path, key(0x12));
    } catch (e) {
      code = (e as CohortError).code;
    }
    expect(code).toBe('E_STORE');
  });
});
