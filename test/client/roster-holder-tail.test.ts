/**
 * What a hospital adopts from a roster the coordinator offers, now that it
 * checks form first and verifies only the versions after its own
 * (client/roster-holder.ts, core/roster/verify.ts completeRoster): never a
 * version after one that lacks its quorum (even one its quorum signed), the
 * complete prefix of a tail still being signed and the rest once signed, and
 * never a signature the coordinator added to the versions it already holds
 * (what it adopts is written to its roster file).
 */
import { describe, expect, it } from 'vitest';
import { RosterHolder } from '../../client/roster-holder.ts';
import type { Logger } from '../../edge/log.ts';
import { draftRosterChange, signRoster, type RosterChain } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/crypto.ts';
import { simulatedNetwork } from '../../simulations/network.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const net = simulatedNetwork(['a', 'b', 'c', 'd'], 'holder-tail');
const copy = (c: RosterChain): RosterChain => JSON.parse(JSON.stringify(c));

function holder() {
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  const adopted: RosterChain[] = [];
  const h = new RosterHolder('a', net.identity('a').publicKey, log, net.chain, (c) => adopted.push(c));
  return { h, warnings, adopted };
}

/** `chain` and one more version adding `add` (with a fresh key, its own signature), signed by `signers`. */
function next(chain: RosterChain, signers: string[], add?: string): RosterChain {
  const extra = add ? ed25519KeyPair() : null;
  let c = draftRosterChange(chain, add && extra ? { add: [{ name: add, key: hex(extra.publicKey) }] } : {});
  for (const n of signers) c = signRoster(c, n, net.identity(n));
  if (add && extra) c = signRoster(c, add, extra);
  return c;
}

describe('a hospital offered roster versions after its own', () => {
  it('adopts nothing after a version that lacks its quorum, though the next one has its own', () => {
    const { h, adopted } = holder();
    const v3 = copy(next(next(net.chain, ['b', 'c', 'd'], 'e'), ['a', 'b', 'c', 'd'], 'f'));
    // Version 2 as the coordinator offers it: one vote of the three it needs.
    v3.versions[1]!.signatures = v3.versions[1]!.signatures.filter((s) => s.name === 'b' || s.name === 'e');
    h.offered(JSON.stringify(v3));
    expect(h.head?.version).toBe(1);
    expect(adopted).toEqual([]);
  });

  it('adopts the complete prefix of a tail still being signed, then the rest once it is signed', () => {
    const { h, adopted, warnings } = holder();
    const v2 = next(net.chain, ['b', 'c', 'd'], 'e');
    const v3short = next(v2, ['b'], 'f');
    h.offered(JSON.stringify(v3short));
    expect(h.head?.version).toBe(2);
    expect(adopted.map((c) => c.versions.length)).toEqual([2]);
    const v3 = copy(v3short);
    for (const n of ['a', 'c', 'd']) Object.assign(v3, signRoster(v3, n, net.identity(n)));
    h.offered(JSON.stringify(v3));
    expect(warnings).toEqual([]);
    expect(h.head?.version).toBe(3);
    expect(adopted.map((c) => c.versions.length)).toEqual([2, 3]);
  });

  it('keeps its own signatures of the versions it holds, not ones the coordinator added or forged', () => {
    const { h, adopted, warnings } = holder();
    const v2 = copy(next(net.chain, ['b', 'c', 'd'], 'e'));
    // The coordinator garbles the genesis's signatures: a bad one in place of a member's.
    v2.versions[0]!.signatures = v2.versions[0]!.signatures.map((s) => ({ ...s, signature: '00'.repeat(64) }));
    h.offered(JSON.stringify(v2));
    expect(warnings).toEqual([]);
    expect(h.head?.version).toBe(2);
    expect(adopted[0]!.versions[0]).toEqual(net.chain.versions[0]);
  });

  it('refuses a tail with a forged vote in a version its signers would complete', () => {
    const { h, adopted, warnings } = holder();
    const v2 = copy(next(net.chain, ['b', 'c', 'd'], 'e'));
    const vote = v2.versions[1]!.signatures.find((s) => s.name === 'c')!;
    vote.signature = (vote.signature[0] === '0' ? '1' : '0') + vote.signature.slice(1);
    h.offered(JSON.stringify(v2));
    expect(h.head?.version).toBe(1);
    expect(adopted).toEqual([]);
    expect(warnings.join('\n')).toMatch(/signer "c": the signature does not verify/);
  });
});
