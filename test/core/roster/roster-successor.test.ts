/**
 * verifyRosterSuccessor, one step of verifyRosterChain for a party that
 * receives versions one at a time (a ledger's roster entries): it accepts
 * exactly what verifyRosterChain accepts of the chain with that version
 * appended, checking only the new version's signatures. Review finding
 * (rosterreview): core/ledger/verify.ts checkRosters verified the whole
 * recorded chain again for every roster entry, ~V²/2 versions for V (60,500
 * signature checks for a 200-version chain of four members, against 602).
 */
import { describe, expect, it } from 'vitest';
import { errorCode } from '../../helpers/errors.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import {
  draftRosterChange,
  genesisRoster,
  rosterHash,
  signRoster,
  verifyRosterChain,
  verifyRosterSuccessor,
  type RosterChain,
} from '../../../core/roster/index.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('verifyRosterSuccessor', () => {
  const net = simulatedNetwork(['a', 'b', 'c', 'd']);
  const e = ed25519KeyPair();
  const b2 = ed25519KeyPair();
  // v2 adds e; v3 re-keys b and removes d.
  let chain: RosterChain = draftRosterChange(net.chain, { add: [{ name: 'e', key: hex(e.publicKey) }] });
  for (const n of ['a', 'b', 'c']) chain = signRoster(chain, n, net.identity(n));
  chain = signRoster(chain, 'e', e);
  chain = draftRosterChange(chain, { add: [{ name: 'b', key: hex(b2.publicKey) }], remove: ['d'] });
  for (const n of ['a', 'c', 'd', 'e']) chain = signRoster(chain, n, net.identity(n) ?? e);
  chain = signRoster(chain, 'b', b2);

  it('gives, version by version, the head verifyRosterChain gives each prefix', () => {
    const heads = chain.versions.map((v, i) => verifyRosterSuccessor(i === 0 ? null : chain.versions[i - 1]!, v));
    const expected = chain.versions.map((_, i) => verifyRosterChain({ versions: chain.versions.slice(0, i + 1) }));
    expect(heads).toEqual(expected);
  });

  it('refuses what verifyRosterChain refuses: a broken link, a skipped or repeated version, a bad or missing signature, an outsider', () => {
    const [v1, v2, v3] = chain.versions as [RosterChain['versions'][number], ...RosterChain['versions']];
    const clone = <T>(x: T): T => structuredClone(x);
    const cases: [RosterChain['versions'][number] | null, unknown][] = [
      [v1, v3], // v3 does not follow v1
      [v2!, v2], // v2 again
      [null, v2], // a later version as the genesis
      [v1, { ...clone(v2!), body: { ...v2!.body, previous: rosterHash(v3!.body) } }],
      [v1, { ...clone(v2!), signatures: v2!.signatures.filter((s) => s.name !== 'e') }], // the added member's missing
      [v1, { ...clone(v2!), signatures: v2!.signatures.filter((s) => s.name !== 'a') }], // 2 of q(4) = 3
      [
        v1,
        {
          ...clone(v2!),
          signatures: v2!.signatures.map((s) => (s.name === 'b' ? { ...s, signature: '00'.repeat(64) } : s)),
        },
      ],
      [v2!, { ...clone(v3!), signatures: [...v3!.signatures, { name: 'zz', signature: '00'.repeat(64) }] }],
      [v1, { versions: [] }],
    ];
    for (const [prev, next] of cases) {
      expect(errorCode(() => verifyRosterSuccessor(prev, next))).toBe('E_ROSTER_INVALID');
      if (prev && (next as { body?: unknown }).body)
        expect(errorCode(() => verifyRosterChain({ versions: [...chainUpTo(prev), next as never] }))).toBe(
          'E_ROSTER_INVALID',
        );
    }
    // A genesis of another network's members, complete, is a genesis.
    const other = genesisRoster('other', [{ name: 'x', identity: e }]);
    expect(verifyRosterSuccessor(null, other.versions[0]).network).toBe('other');
  });

  function chainUpTo(v: RosterChain['versions'][number]): RosterChain['versions'] {
    return chain.versions.slice(0, v.body.version);
  }
});
