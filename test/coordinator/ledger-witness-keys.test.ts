/**
 * The keys a running coordinator checks witnesses' cosignatures against
 * (coordinator/ledger.ts acceptCosignature) follow the ledger as it grows:
 * a roster version adopted, an enrolment written by the running coordinator
 * or by the admin CLI in another process, all after the first cosignature
 * was checked. Review finding (coordledger): the key map was read once and
 * kept, so a hospital added later had its cosignatures refused, and a
 * hospital removed from the roster, or the old key of a re-keyed one, still
 * counted as a witness: cosignatures no auditor's verifier accepts
 * (core/ledger/grants.ts hospitalKeysOf is the verifier's map).
 *
 * And the audit's side (core/ledger/verify-keys.ts): a cosignature is checked
 * under the key its witness held at the checkpoint's size. Review findings:
 * an honest re-key failed the hospital's earlier, valid cosignatures
 * (checked under its latest key only); and a hospital removed from the
 * roster fell back to its latest role grant, the coordinator's word alone,
 * so the coordinator could grant the name a key of its own and cosign as it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { publishRoster } from '../../coordinator/roster.ts';
import { cosign, parseCheckpointBody, parseNote, witnessName } from '../../core/ledger/checkpoint.ts';
import { hospitalKeysOf } from '../../core/ledger/grants.ts';
import { draftRosterChange, signRoster, type RosterChain } from '../../core/roster/index.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { errorCode } from '../helpers/errors.ts';

const hex = (k: Uint8Array) => Buffer.from(k).toString('hex');

function coordinatorDb() {
  const db = join(mkdtempSync(join(tmpdir(), 'cohort-witness-keys-')), 'c.db');
  const store = new CoordinatorStore(db);
  const key = ed25519KeyPair();
  let t = 1_700_000_000_000;
  return { db, store, key, ledger: new CoordinatorLedger(store, key, () => t++) };
}

/** `name`'s cosignature, under `id`, of the latest checkpoint: the refusal's code, or null if it was stored. */
function cosignLatest(store: CoordinatorStore, ledger: CoordinatorLedger, name: string, id: Identity): string | null {
  const size = store.lastLedgerSeq();
  const body = parseNote(store.checkpointOfSize(size)!.note).body;
  const c = cosign(body, witnessName(name), id.secretKey, 1_800_000_000);
  return (
    errorCode(() =>
      ledger.acceptCosignature(name, {
        size,
        root: parseCheckpointBody(body).root,
        timestamp: c.timestamp,
        signature: c.signature,
      }),
    ) ?? null
  );
}

describe("the coordinator's witness keys after the roster changes", () => {
  // Five members (quorum 4): version 2 adds f, re-keys b and removes e.
  const net = simulatedNetwork(['a', 'b', 'c', 'd', 'e']);
  const f = ed25519KeyPair();
  const b2 = ed25519KeyPair();
  let v2: RosterChain = draftRosterChange(net.chain, {
    add: [
      { name: 'f', key: hex(f.publicKey) },
      { name: 'b', key: hex(b2.publicKey) },
    ],
    remove: ['e'],
  });
  for (const n of ['a', 'c', 'd', 'e']) v2 = signRoster(v2, n, net.identity(n));
  v2 = signRoster(v2, 'f', f);
  v2 = signRoster(v2, 'b', b2);

  it("accept an added hospital, refuse a removed one and a re-keyed one's old key, as the verifier would", () => {
    const { store, ledger } = coordinatorDb();
    publishRoster(store, ledger, net.chain, 1);
    // Checked once under version 1: the coordinator has read its keys.
    expect(cosignLatest(store, ledger, 'a', net.identity('a'))).toBeNull();
    expect(cosignLatest(store, ledger, 'e', net.identity('e'))).toBeNull();
    expect(cosignLatest(store, ledger, 'f', f)).toBe('E_LEDGER_CHECKPOINT');

    publishRoster(store, ledger, v2, 2);
    expect(cosignLatest(store, ledger, 'f', f)).toBeNull();
    expect(cosignLatest(store, ledger, 'b', b2)).toBeNull();
    expect(cosignLatest(store, ledger, 'b', net.identity('b'))).toBe('E_LEDGER_CHECKPOINT');
    expect(cosignLatest(store, ledger, 'e', net.identity('e'))).toBe('E_LEDGER_CHECKPOINT');
    expect(cosignLatest(store, ledger, 'a', net.identity('a'))).toBeNull();
    // The coordinator's map is the verifier's, read from the whole ledger.
    expect(ledger.hospitalKeys()).toEqual(hospitalKeysOf(store.ledgerEntries()));
    store.close();
  });

  it('follow enrolments written by another process on the same database', () => {
    const { db, store, key, ledger } = coordinatorDb();
    publishRoster(store, ledger, net.chain, 1);
    expect(cosignLatest(store, ledger, 'a', net.identity('a'))).toBeNull();
    const g = ed25519KeyPair();
    expect(cosignLatest(store, ledger, 'g', g)).toBe('E_LEDGER_CHECKPOINT');
    // `cohort enroll` on the database: its own store and ledger, the coordinator's key.
    const admin = new CoordinatorStore(db);
    admin.enroll(
      'g',
      'hospital',
      hex(g.publicKey),
      5,
      new CoordinatorLedger(admin, key, () => 5).grant('g', 'hospital', true, hex(g.publicKey)),
    );
    admin.close();
    expect(cosignLatest(store, ledger, 'g', g)).toBeNull();
    store.close();
  });

  it('record a Hello key once as a grant, never a grant that a roster key overrides on every connection', () => {
    const { store, ledger } = coordinatorDb();
    publishRoster(store, ledger, net.chain, 1);
    const other = ed25519KeyPair();
    const grants = () => store.ledgerEntries().filter((e) => e.canonical.includes('"kind":"role-grant"')).length;
    ledger.recordHospitalKey('a', other.publicKey);
    ledger.recordHospitalKey('a', other.publicKey);
    expect(grants()).toBe(1);
    // The roster, which hospitals signed, still names a's key: the coordinator's word alone does not replace it.
    expect(cosignLatest(store, ledger, 'a', other)).toBe('E_LEDGER_CHECKPOINT');
    expect(cosignLatest(store, ledger, 'a', net.identity('a'))).toBeNull();
    ledger.recordHospitalKey('h', other.publicKey);
    expect(cosignLatest(store, ledger, 'h', other)).toBeNull();
    expect(ledger.hospitalKeys()).toEqual(hospitalKeysOf(store.ledgerEntries()));
    store.close();
  });

  it("audit a re-keyed hospital's earlier cosignature under the key it held then, and a later one under its new key", () => {
    const { db, store, ledger } = coordinatorDb();
    publishRoster(store, ledger, net.chain, 1);
    expect(cosignLatest(store, ledger, 'b', net.identity('b'))).toBeNull();
    expect(verifyFiles({ db }).failures).toEqual([]);
    publishRoster(store, ledger, v2, 2);
    // b's stored cosignature of size 1 (old key) stays valid; the old key at the new size does not.
    expect(verifyFiles({ db }).failures).toEqual([]);
    expect(cosignLatest(store, ledger, 'b', b2)).toBeNull();
    const report = verifyFiles({ db });
    expect(report.failures).toEqual([]);
    expect(report.witnessed).toMatchObject({ b: store.lastLedgerSeq() });
    store.close();
  });

  it("give a removed hospital's name no key, whatever the coordinator grants it afterwards", () => {
    const { db, store, ledger } = coordinatorDb();
    // e was enrolled with its own key (a grant), then the hospitals removed it from the roster.
    ledger.recordHospitalKey('e', net.identity('e').publicKey);
    publishRoster(store, ledger, net.chain, 1);
    expect(cosignLatest(store, ledger, 'e', net.identity('e'))).toBeNull();
    publishRoster(store, ledger, v2, 2);
    // The coordinator records a key of its own in e's name, and cosigns with it.
    const mine = ed25519KeyPair();
    ledger.recordHospitalKey('e', mine.publicKey);
    expect(hospitalKeysOf(store.ledgerEntries()).has('e')).toBe(false);
    expect(cosignLatest(store, ledger, 'e', mine)).toBe('E_LEDGER_CHECKPOINT');
    // Stored behind the coordinator's back, the audit refuses it; e's own cosignature from before its removal holds.
    const size = store.lastLedgerSeq();
    const body = parseNote(store.checkpointOfSize(size)!.note).body;
    const forged = cosign(body, witnessName('e'), mine.secretKey, 1_800_000_000);
    store.addCosignature({ witness: 'e', size, timestamp: forged.timestamp, signature: forged.signature }, 0);
    const failures = verifyFiles({ db }).failures;
    expect(failures.map((f) => f.code)).toEqual(['bad-cosignature']);
    expect(failures[0]!.message).toMatch(/by e, who held no key known at that size/);
    store.close();
  });
});
