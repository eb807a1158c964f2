/**
 * The ledger verifier's roster entries, checked one version at a time on the
 * chain verified before them (verifyRosterSuccessor): every entry must get
 * the verdict it got when the whole chain before it was verified again
 * (verifyRosterChain over [...chain, version]). A differential test over the
 * bad entries a lying coordinator can record: one that is not the genesis in
 * a full audit, a broken previous hash, another network, a gap or a repeat
 * in the numbering, a version without its quorum, a forged or outside
 * signature, a recorded hash or version that is not the body's; in a full
 * audit and in an incremental one from a saved state with the roster so far.
 * (A verifier keeps one failure per code, so each ledger holds one bad entry.)
 */
import { describe, expect, it } from 'vitest';
import { ledgerChain } from './fixture.ts';
import { verifyLedger, type VerifyCheckpoint } from '../../../core/ledger/verify.ts';
import type { SealedEntry } from '../../../core/ledger/types.ts';
import {
  ROSTER_FORMAT,
  rosterHash,
  rosterSignedBytes,
  verifyRosterChain,
  type RosterBody,
  type RosterVersion,
} from '../../../core/roster/index.ts';
import { ed25519KeyPair, sign } from '../../../core/secagg/crypto.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const net = simulatedNetwork(['a', 'b', 'c', 'd'], 'roster-verdicts');
const genesis = net.chain.versions[0]! as RosterVersion;

/** Version `version` after `prev`, with `signers`' signatures (by default a's, b's and c's: a quorum of four). */
function successor(
  prev: RosterBody,
  o: { version?: number; previous?: string; network?: string; signers?: string[]; forge?: string } = {},
): RosterVersion {
  const body = {
    format: ROSTER_FORMAT,
    network: o.network ?? prev.network,
    version: o.version ?? prev.version + 1,
    previous: o.previous ?? rosterHash(prev),
    members: prev.members,
  } as RosterBody;
  const m = rosterSignedBytes(body);
  const signatures = (o.signers ?? ['a', 'b', 'c']).map((n) => ({
    name: n,
    signature: hex(sign((n === o.forge ? ed25519KeyPair() : net.identity(n)).secretKey, m)),
  }));
  return { body, signatures };
}

type Recorded = { roster: RosterVersion; version?: number; hash?: string };

/** Each recorded roster entry: whether the whole-chain verification of old accepts it, and then adds it to the chain. */
function oldVerdicts(before: RosterVersion[], recorded: Recorded[]): boolean[] {
  const chain = [...before];
  return recorded.map((r) => {
    try {
      const head = verifyRosterChain({ versions: [...chain, r.roster] });
      const same =
        head.network === r.roster.body.network &&
        head.version === (r.version ?? r.roster.body.version) &&
        head.hash === (r.hash ?? rosterHash(r.roster.body));
      if (same) chain.push(r.roster);
      return same;
    } catch {
      return false;
    }
  });
}

function ledgerOf(recorded: Recorded[]) {
  const coordinator = ed25519KeyPair();
  const l = ledgerChain(coordinator.secretKey, 1000);
  for (const r of recorded)
    l.append('roster', '', 0, {
      network: r.roster.body.network,
      version: r.version ?? r.roster.body.version,
      hash: r.hash ?? rosterHash(r.roster.body),
      roster: r.roster,
    } as never);
  return { coordinator, entries: l.entries };
}

const verify = (coordinator: { publicKey: Uint8Array }, entries: SealedEntry[], from?: VerifyCheckpoint) =>
  verifyLedger({
    entries,
    coordinatorKey: coordinator.publicKey,
    receipts: [],
    hospitalKeys: new Map(),
    ...(from ? { from } : {}),
  });

const v2 = successor(genesis.body);
const v3 = successor(v2.body);
const outsider = successor(v2.body);
outsider.signatures.push({ name: 'zz', signature: '00'.repeat(64) });
const BAD: [string, Recorded][] = [
  ['does not link', { roster: successor(v2.body, { previous: rosterHash(genesis.body) }) }],
  ['names another network', { roster: successor(v2.body, { network: 'elsewhere' }) }],
  ['skips a version', { roster: successor(v2.body, { version: 4 }) }],
  ['repeats the version before', { roster: v2 }],
  ['repeats the genesis', { roster: genesis }],
  ['lacks its quorum (2 of the 3 needed)', { roster: successor(v2.body, { signers: ['a', 'b'] }) }],
  ['carries a forged vote', { roster: successor(v2.body, { forge: 'b' }) }],
  ['carries a signer from outside its signing set', { roster: outsider }],
  ["is recorded under another version than its body's", { roster: v3, version: 7 }],
  ["is recorded under another hash than its body's", { roster: v3, hash: rosterHash(v2.body) }],
];

/** Whether the verifier accepted the roster entry at `seq` (a verifier keeps one failure per code: one bad entry a ledger). */
const accepted = (failures: { seq: number | null; code: string }[], seq: number) =>
  !failures.some((f) => f.seq === seq && f.code === 'bad-roster');

describe("the verifier's verdict on a roster entry", () => {
  it.each(BAD)('one that %s: refused, as verifying the whole chain before it again refuses it', (_, bad) => {
    expect(oldVerdicts([genesis, v2], [bad])).toEqual([false]);
    const { coordinator, entries } = ledgerOf([{ roster: genesis }, { roster: v2 }, bad]);
    const r = verify(coordinator, entries);
    expect(accepted(r.failures, 3)).toBe(false);
    expect(r.failures.filter((f) => f.code === 'bad-roster')).toHaveLength(1);
  });

  it.each(BAD)('one that %s, in an incremental audit from a state holding the roster so far: refused', (_, bad) => {
    const { coordinator, entries } = ledgerOf([{ roster: genesis }, { roster: v2 }, bad]);
    const saved = verify(coordinator, entries.slice(0, 2));
    expect(saved.checkpoint?.roster).toHaveLength(2);
    expect(accepted(verify(coordinator, entries.slice(2), saved.checkpoint!).failures, 3)).toBe(false);
  });

  it('a full audit whose first roster entry is not the genesis: refused', () => {
    expect(oldVerdicts([], [{ roster: v2 }])).toEqual([false]);
    const { coordinator, entries } = ledgerOf([{ roster: v2 }]);
    expect(accepted(verify(coordinator, entries).failures, 1)).toBe(false);
  });

  it('the good chain, in full and from a saved state: accepted, its roster saved', () => {
    const recorded = [{ roster: genesis }, { roster: v2 }, { roster: v3 }];
    expect(oldVerdicts([], recorded)).toEqual([true, true, true]);
    const { coordinator, entries } = ledgerOf(recorded);
    const full = verify(coordinator, entries);
    expect(full.failures).toEqual([]);
    expect(full.checkpoint?.roster?.map((v) => v.body.version)).toEqual([1, 2, 3]);
    const saved = verify(coordinator, entries.slice(0, 1));
    const step = verify(coordinator, entries.slice(1), saved.checkpoint!);
    expect(step.failures).toEqual([]);
    expect(step.checkpoint?.roster?.map((v) => v.body.version)).toEqual([1, 2, 3]);
  });
});
