/**
 * Publishing the roster at the coordinator (coordinator/roster.ts): only a
 * chain extending the stored one goes in, one ledger entry per new version,
 * and never one longer than hospitals accept over the wire.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { publishRoster } from '../../coordinator/roster.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { draftRosterChange, signRoster } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { errorCode } from '../helpers/errors.ts';

function coordinatorDb() {
  const db = join(mkdtempSync(join(tmpdir(), 'cohort-roster-publish-')), 'c.db');
  const store = new CoordinatorStore(db);
  return { db, store, ledger: new CoordinatorLedger(store, ed25519KeyPair(), Date.now) };
}

describe('publishRoster', () => {
  const net = simulatedNetwork(['a', 'b', 'c', 'd']);
  const newcomer = ed25519KeyPair();
  let v2 = draftRosterChange(net.chain, { add: [{ name: 'e', key: Buffer.from(newcomer.publicKey).toString('hex') }] });
  for (const n of ['a', 'b', 'c']) v2 = signRoster(v2, n, net.identity(n));
  v2 = signRoster(v2, 'e', newcomer);
  let fork = draftRosterChange(net.chain, { remove: ['d'] });
  for (const n of ['a', 'b', 'c']) fork = signRoster(fork, n, net.identity(n));

  it('stores each new version once, with its ledger entry; refuses a rollback and a fork (E_ROSTER_MISMATCH)', () => {
    const { db, store, ledger } = coordinatorDb();
    expect(publishRoster(store, ledger, net.chain, 1).added).toBe(1);
    expect(publishRoster(store, ledger, net.chain, 2).added).toBe(0);
    const { head, added } = publishRoster(store, ledger, v2, 3);
    expect({ version: head.version, added }).toEqual({ version: 2, added: 1 });
    expect(errorCode(() => publishRoster(store, ledger, net.chain, 4))).toBe('E_ROSTER_MISMATCH');
    expect(errorCode(() => publishRoster(store, ledger, fork, 5))).toBe('E_ROSTER_MISMATCH');
    expect(store.rosterVersion()).toBe(2);
    store.close();
    const kinds = readCoordinatorLedger(db).entries.map((e) => JSON.parse(e.canonical).kind);
    expect(kinds.filter((k) => k === 'roster')).toHaveLength(2);
  });

  it('refuses a chain longer than hospitals accept over the wire (E_ROSTER_INVALID), storing nothing', () => {
    const { store, ledger } = coordinatorDb();
    const chars = JSON.stringify(v2).length;
    expect(errorCode(() => publishRoster(store, ledger, v2, 1, chars - 1))).toBe('E_ROSTER_INVALID');
    expect(store.rosterVersion()).toBe(0);
    expect(publishRoster(store, ledger, v2, 2, chars).added).toBe(2);
    store.close();
  });
});
