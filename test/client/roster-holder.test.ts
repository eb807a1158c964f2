/**
 * What a roster from the coordinator costs a hospital to refuse
 * (client/roster-holder.ts): a lying coordinator sends every Welcome and any
 * number of rosterUpdates, each up to MAX_ROSTER_JSON_CHARS (12 MiB, ~40,000
 * signatures). Review finding (rosterreview): the hospital verified every
 * signature of the offered chain before asking whether it extends its own
 * or can add anything, so a fork made of the coordinator's own keys, or a
 * tail of versions signed only by Sybils, cost tens of thousands of
 * Ed25519 verifications (~52 s of a blocked event loop for one 10 MB frame:
 * ~10,000 distinct keys overflow the key cache) and was then refused anyway.
 * Verifications are counted, not timed. Also: a chain the other hospitals'
 * quorum signed that removes or re-keys this hospital is never adopted.
 */
import { describe, expect, it, vi } from 'vitest';
import { RosterHolder } from '../../client/roster-holder.ts';
import type { Logger } from '../../edge/log.ts';
import {
  ROSTER_FORMAT,
  draftRosterChange,
  genesisRoster,
  rosterHash,
  rosterSignedBytes,
  signRoster,
  type RosterBody,
  type RosterChain,
  type RosterMember,
} from '../../core/roster/index.ts';
import { ed25519KeyPair, sign } from '../../core/secagg/crypto.ts';
import type { Identity } from '../../core/secagg/index.ts';
import { simulatedNetwork } from '../../simulations/network.ts';

const calls = vi.hoisted(() => ({ verify: 0 }));
vi.mock('../../core/secagg/crypto.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../core/secagg/crypto.ts')>();
  return {
    ...real,
    verify: (...args: Parameters<typeof real.verify>) => {
      calls.verify++;
      return real.verify(...args);
    },
  };
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Sybils named to sort before every real member ('A…' < 'a'), so their signatures are checked first. */
const SYBILS = Array.from({ length: 60 }, (_, i) => ({ name: `A${String(i).padStart(3, '0')}`, id: ed25519KeyPair() }));

function holder(net: ReturnType<typeof simulatedNetwork>, name = 'a') {
  const warnings: string[] = [];
  const log = { info: () => {}, warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  const adopted: RosterChain[] = [];
  const h = new RosterHolder(name, net.identity(name).publicKey, log, net.chain, (c) => adopted.push(c));
  return { h, warnings, adopted };
}

/** `chain` with `count` more versions listing `members`, each signed (validly) by `signers` alone. */
function withTail(
  chain: RosterChain,
  members: RosterMember[],
  signers: { name: string; id: Identity }[],
  count: number,
) {
  const out: RosterChain = JSON.parse(JSON.stringify(chain));
  for (let i = 0; i < count; i++) {
    const prev = out.versions.at(-1)!.body;
    const body: RosterBody = {
      format: ROSTER_FORMAT,
      network: prev.network,
      version: prev.version + 1,
      previous: rosterHash(prev),
      members: [...members].sort(byName),
    };
    const message = rosterSignedBytes(body);
    const signatures = signers.map((s) => ({ name: s.name, signature: hex(sign(s.id.secretKey, message)) }));
    out.versions.push({ body, signatures: signatures.sort(byName) });
  }
  return out;
}

/** Verifications `f` makes. */
function verifications(f: () => void): number {
  const before = calls.verify;
  f();
  return calls.verify - before;
}

describe('a roster offered by a lying coordinator costs the hospital little to refuse', () => {
  const net = simulatedNetwork(['a', 'b', 'c', 'd']);
  const real = net.chain.versions[0]!.body.members;
  const sybilMembers = SYBILS.map((s) => ({ name: s.name, key: hex(s.id.publicKey) }));

  it("a fork of the coordinator's own keys is refused before any signature is checked", () => {
    const { h, warnings } = holder(net);
    const fork = withTail(
      genesisRoster(
        'simulated',
        SYBILS.map((s) => ({ name: s.name, identity: s.id })),
      ),
      sybilMembers,
      SYBILS,
      2,
    );
    expect(verifications(() => h.offered(JSON.stringify(fork)))).toBe(0);
    expect(h.head?.version).toBe(1);
    expect(warnings.join('\n')).toMatch(/fork/);
  });

  it('a tail of versions only Sybils signed is not verified past the first that lacks its quorum', () => {
    const { h, adopted } = holder(net);
    // v2 adds the Sybils (they sign as added members, validly; no old member signs); v3 and v4 are signed by
    // v2's Sybil majority, validly too: complete on their own, but v2 never is.
    const tail = withTail(
      withTail(net.chain, [...real, ...sybilMembers], SYBILS, 1),
      [...real, ...sybilMembers],
      SYBILS,
      2,
    );
    // At most the hospital's own genesis again: nothing of the tail.
    expect(verifications(() => h.offered(JSON.stringify(tail)))).toBeLessThanOrEqual(real.length);
    expect(h.head?.version).toBe(1);
    expect(adopted).toEqual([]);
  });

  it("forged quorum signatures are checked before the Sybils' valid ones", () => {
    const { h, warnings } = holder(net);
    const forged = withTail(net.chain, [...real, ...sybilMembers], SYBILS, 1);
    const v2 = forged.versions[1]!;
    for (const n of ['b', 'c', 'd'])
      v2.signatures.push({ name: n, signature: hex(ed25519KeyPair().publicKey).repeat(2) });
    v2.signatures.sort(byName);
    // The genesis, then the first old member's forged vote: never the 60 Sybil signatures sorted before it.
    expect(verifications(() => h.offered(JSON.stringify(forged)))).toBeLessThanOrEqual(real.length + 1);
    expect(h.head?.version).toBe(1);
    expect(warnings.join('\n')).toMatch(/does not verify/);
  });

  it('the roster every Welcome carries again is not verified again', () => {
    const { h, warnings } = holder(net);
    expect(verifications(() => h.offered(JSON.stringify(net.chain)))).toBe(0);
    expect(warnings).toEqual([]);
  });

  it('a version the quorum signed is still adopted, and a rollback still refused', () => {
    const { h, warnings, adopted } = holder(net);
    const e = ed25519KeyPair();
    let v2 = draftRosterChange(net.chain, { add: [{ name: 'e', key: hex(e.publicKey) }] });
    for (const n of ['b', 'c', 'd']) v2 = signRoster(v2, n, net.identity(n));
    v2 = signRoster(v2, 'e', e);
    h.offered(JSON.stringify(v2));
    expect(h.head?.version).toBe(2);
    expect(adopted.map((c) => c.versions.length)).toEqual([2]);
    h.offered(JSON.stringify(net.chain));
    expect(h.head?.version).toBe(2);
    expect(warnings.join('\n')).toMatch(/rollback/);
    // An offer of v2 whose signatures were stripped keeps the hospital's complete v2.
    const stripped: RosterChain = JSON.parse(JSON.stringify(v2));
    stripped.versions[1]!.signatures = [];
    h.offered(JSON.stringify(stripped));
    expect(h.head?.version).toBe(2);
  });
});

describe("a chain the other hospitals' quorum signed", () => {
  const net = simulatedNetwork(['a', 'b', 'c', 'd']);

  it('that re-keys this hospital to a key the coordinator holds, or removes it, is refused (E_ROSTER_NOT_MEMBER)', () => {
    const planted = ed25519KeyPair();
    // Re-keying a in one version takes q(4) = 3 votes of the other three: b, c and d, and the new key's holder.
    let rekeyed = draftRosterChange(net.chain, { add: [{ name: 'a', key: hex(planted.publicKey) }] });
    for (const n of ['b', 'c', 'd']) rekeyed = signRoster(rekeyed, n, net.identity(n));
    rekeyed = signRoster(rekeyed, 'a', planted);
    let removed = draftRosterChange(net.chain, { remove: ['a'] });
    for (const n of ['b', 'c', 'd']) removed = signRoster(removed, n, net.identity(n));
    for (const chain of [rekeyed, removed]) {
      const { h, warnings, adopted } = holder(net);
      h.offered(JSON.stringify(chain));
      expect(h.head?.version).toBe(1);
      expect(h.head?.members.get('a')).toEqual(net.identity('a').publicKey);
      expect(adopted).toEqual([]);
      expect(warnings.join('\n')).toMatch(/E_ROSTER_NOT_MEMBER|not in roster|another key/);
    }
  });
});
