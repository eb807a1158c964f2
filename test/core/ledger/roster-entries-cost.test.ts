/**
 * Review finding (rosterreview): each roster entry of a ledger re-verified
 * the whole roster chain recorded before it (verifyRosterChain over
 * [...chain, version]), so V versions cost ~V^2/2 version verifications for
 * every auditor and every hospital's ledger check (200 versions of 4
 * members: 60,500 signature checks, 48 s), and each junk roster entry a
 * coordinator adds re-verified the whole good chain. Counted, not timed.
 */
import { describe, expect, it, vi } from 'vitest';
import { ledgerChain } from './fixture.ts';
import { verifyLedger } from '../../../core/ledger/verify.ts';
import { ROSTER_FORMAT, rosterHash, rosterSignedBytes, type RosterChain } from '../../../core/roster/index.ts';
import { ed25519KeyPair, sign } from '../../../core/secagg/crypto.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const calls = vi.hoisted(() => ({ verify: 0 }));
vi.mock('../../../core/secagg/crypto.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../core/secagg/crypto.ts')>();
  return { ...real, verify: (...a: Parameters<typeof real.verify>) => (calls.verify++, real.verify(...a)) };
});
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('roster entries in a ledger', () => {
  it('cost signature checks linear in the chain, not quadratic', () => {
    const V = 200;
    const net = simulatedNetwork(['a', 'b', 'c', 'd']);
    const chain: RosterChain = JSON.parse(JSON.stringify(net.chain));
    for (let v = 2; v <= V; v++) {
      const prev = chain.versions.at(-1)!.body;
      const body = {
        format: ROSTER_FORMAT,
        network: prev.network,
        version: v,
        previous: rosterHash(prev),
        members: prev.members,
      } as const;
      const m = rosterSignedBytes(body);
      chain.versions.push({
        body,
        signatures: ['a', 'b', 'c'].map((n) => ({ name: n, signature: hex(sign(net.identity(n).secretKey, m)) })),
      });
    }
    const coordinator = ed25519KeyPair();
    const l = ledgerChain(coordinator.secretKey, 1000);
    for (const version of chain.versions)
      l.append('roster', '', 0, {
        network: version.body.network,
        version: version.body.version,
        hash: rosterHash(version.body),
        roster: version,
      } as never);
    const total = chain.versions.reduce((s, v) => s + v.signatures.length, 0);
    calls.verify = 0;
    const r = verifyLedger({
      entries: l.entries,
      coordinatorKey: coordinator.publicKey,
      receipts: [],
      hospitalKeys: new Map(),
    });
    expect(r.failures.filter((f) => f.code === 'bad-roster')).toEqual([]);
    expect(calls.verify).toBeLessThanOrEqual(2 * total);
  }, 120_000);
});
