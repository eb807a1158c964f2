import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { CohortError } from '../../../core/errors.ts';
import { errorCode } from '../../helpers/errors.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { sign } from '../../../core/secagg/crypto.ts';
import { encodeFields, signedBytes } from '../../../core/secagg/canonical.ts';
import {
  draftGenesis,
  draftRosterChange,
  extendsRoster,
  genesisRoster,
  parseRosterChain,
  quorum,
  rosterFingerprint,
  rosterHash,
  rosterSignedBytes,
  rosterStatus,
  signRoster,
  verifyRosterChain,
  MAX_ROSTER_MEMBERS,
  MAX_ROSTER_VERSIONS,
  type RosterBody,
  type RosterChain,
  type RosterIdentity,
  type RosterMember,
  type RosterSignature,
} from '../../../core/roster/index.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const NAMES = ['ams', 'bern', 'cork', 'dax', 'elx', 'faro', 'gent', 'hull', 'innsbruck', 'jena'];
/** Each name's identity, and a second one for re-keying. */
const ID = new Map(NAMES.map((n) => [n, ed25519KeyPair()]));
const ALT = new Map(NAMES.map((n) => [n, ed25519KeyPair()]));
const id = (n: string) => ID.get(n)!;
const alt = (n: string) => ALT.get(n)!;
const member = (n: string, identity: RosterIdentity = id(n)): RosterMember => ({
  name: n,
  key: hex(identity.publicKey),
});
const genesis = (names: string[], network = 'eu-net') =>
  genesisRoster(
    network,
    names.map((name) => ({ name, identity: id(name) })),
  );

function errorOf(fn: () => unknown): CohortError {
  try {
    fn();
  } catch (err) {
    return err as CohortError;
  }
  throw new Error('expected a throw');
}

/** Signs `chain`'s last version as each [name, identity]. */
function signAs(chain: RosterChain, signers: [string, RosterIdentity][]): RosterChain {
  return signers.reduce((c, [n, i]) => signRoster(c, n, i), chain);
}
const olds = (names: string[]): [string, RosterIdentity][] => names.map((n) => [n, id(n)]);

/** A raw signature of `body`, placed by hand: for documents signRoster would refuse to touch. */
function rawSignature(body: RosterBody, name: string, identity: RosterIdentity): RosterSignature {
  return { name, signature: hex(sign(identity.secretKey, rosterSignedBytes(body))) };
}

/** `chain` with its last version's body replaced by `edit(body)` and signed (raw) by `signers`. */
function withLastBody(
  chain: RosterChain,
  edit: (b: RosterBody) => RosterBody,
  signers: [string, RosterIdentity][],
): RosterChain {
  const c = structuredClone(chain);
  const last = c.versions.at(-1)!;
  last.body = edit(last.body);
  last.signatures = signers.map(([n, i]) => rawSignature(last.body, n, i)).sort((a, b) => (a.name < b.name ? -1 : 1));
  return c;
}

describe('roster genesis', () => {
  it('signed by every member verifies, and its head lists the members in name order with their keys', () => {
    const chain = genesis(['dax', 'ams', 'cork', 'bern']);
    const head = verifyRosterChain(chain);
    expect(head).toMatchObject({ network: 'eu-net', version: 1, size: 4, hash: rosterHash(chain.versions[0]!.body) });
    expect(hex(head.hashBytes)).toBe(head.hash);
    expect([...head.members.keys()]).toEqual(['ams', 'bern', 'cork', 'dax']);
    expect(hex(head.members.get('cork')!)).toBe(hex(id('cork').publicKey));
    expect(chain.versions[0]!.signatures.map((s) => s.name)).toEqual(['ams', 'bern', 'cork', 'dax']);
  });

  it('missing one signature is incomplete: status says who, verify refuses', () => {
    const chain = signAs(
      draftGenesis(
        'eu-net',
        ['ams', 'bern', 'cork', 'dax'].map((n) => member(n)),
      ),
      olds(['ams', 'bern', 'cork']),
    );
    const status = rosterStatus(chain);
    expect(status.versions[0]).toMatchObject({
      version: 1,
      signers: ['ams', 'bern', 'cork'],
      required: ['dax'],
      unsigned: ['dax'],
      quorum: null,
      complete: false,
    });
    expect(status.head).toBeNull();
    expect(status.problems).toHaveLength(1);
    expect(errorCode(() => verifyRosterChain(chain))).toBe('E_ROSTER_INVALID');
    expect(verifyRosterChain(signRoster(chain, 'dax', id('dax'))).size).toBe(4);
  });

  it('a signature over another network, version or body, or under another domain, does not verify', () => {
    const chain = signAs(
      draftGenesis(
        'eu-net',
        ['ams', 'bern'].map((n) => member(n)),
      ),
      olds(['ams']),
    );
    const body = chain.versions[0]!.body;
    const forged = (message: Uint8Array) => {
      const c = structuredClone(chain);
      c.versions[0]!.signatures.push({ name: 'bern', signature: hex(sign(id('bern').secretKey, message)) });
      return c;
    };
    const hashBytes = Buffer.from(rosterHash(body), 'hex');
    const cases = [
      rosterSignedBytes({ ...body, network: 'us-net' }),
      rosterSignedBytes({ ...body, version: 2, previous: rosterHash(body) }),
      rosterSignedBytes({ ...body, members: [member('ams'), member('bern', alt('bern'))] }),
      signedBytes([body.network, body.version, hashBytes]), // SecAgg's domain tag, same fields
      encodeFields(['cohort/roster/v2', body.network, body.version, hashBytes]),
    ];
    for (const m of cases) {
      const err = errorOf(() => rosterStatus(forged(m)));
      expect(err.code).toBe('E_ROSTER_INVALID');
      expect(err.message).toMatch(/version 1: signer "bern".*does not verify/);
    }
    expect(verifyRosterChain(forged(rosterSignedBytes(body))).size).toBe(2);
  });

  it('refuses a signer outside the signing set and a duplicate signer', () => {
    const chain = genesis(['ams', 'bern']);
    const outsider = structuredClone(chain);
    outsider.versions[0]!.signatures.push(rawSignature(chain.versions[0]!.body, 'zed', ed25519KeyPair()));
    expect(errorOf(() => verifyRosterChain(outsider)).message).toMatch(/version 1: signer "zed" is not a member/);
    expect(errorCode(() => signRoster(chain, 'zed', ed25519KeyPair()))).toBe('E_ROSTER_INVALID');
    const twice = structuredClone(chain);
    twice.versions[0]!.signatures.push(twice.versions[0]!.signatures[1]!);
    const err = errorOf(() => verifyRosterChain(twice));
    expect(err.code).toBe('E_ROSTER_INVALID');
    expect(err.message).toMatch(/versions\.0\.signatures\.2: "bern" signs twice/);
  });

  it('signRoster refuses another key than the roster lists, and replaces its own earlier signature', () => {
    const chain = draftGenesis(
      'eu-net',
      ['ams', 'bern'].map((n) => member(n)),
    );
    expect(errorOf(() => signRoster(chain, 'ams', id('bern'))).message).toMatch(/not the key of "ams"/);
    expect(
      errorCode(() => signRoster(chain, 'ams', { secretKey: id('bern').secretKey, publicKey: id('ams').publicKey })),
    ).toBe('E_ROSTER_INVALID');
    const once = signRoster(chain, 'ams', id('ams'));
    const junk = structuredClone(once);
    junk.versions[0]!.signatures[0]!.signature = 'ab'.repeat(64);
    expect(errorCode(() => signRoster(junk, 'bern', id('bern')))).toBe('E_ROSTER_INVALID'); // junk is never signed over
    expect(signRoster(once, 'ams', id('ams')).versions[0]!.signatures).toEqual(once.versions[0]!.signatures);
  });
});

describe('roster quorum', () => {
  /** floor(33 N / 100) and ceil(33 N / 100) in integers: the job spec's largest corruptFraction, 0.33. */
  const floorC = (n: number) => Math.floor((33 * n) / 100);
  const ceilC = (n: number) => Math.floor((33 * n + 99) / 100);

  it('q(N) = floor(2N/3) + 1', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(quorum)).toEqual([1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9]);
    for (let n = 1; n <= 12; n++) expect(quorum(n)).toBe(Math.floor((2 * n) / 3) + 1);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) expect(errorCode(() => quorum(bad))).toBe('E_ROSTER_INVALID');
  });

  it('guarantees exactly what rules.ts states, for N = 1..1000', () => {
    const forkable: number[] = [];
    for (let n = 1; n <= 1000; n++) {
      const q = quorum(n);
      expect(3 * q).toBeGreaterThan(2 * n); // more than two thirds
      expect(q).toBeLessThanOrEqual(n);
      expect(n - q).toBe(Math.ceil(n / 3) - 1); // members that may be offline
      expect(2 * q - n).toBeGreaterThanOrEqual(Math.floor(n / 3) + 1); // two quorums' smallest overlap
      // C = floor(0.33 N) colluders: cannot sign alone, cannot fork without an honest double signer.
      expect(floorC(n)).toBeLessThan(q);
      expect(floorC(n)).toBeLessThan(2 * q - n);
      // C = ceil(0.33 N), as jobs count it at the largest corruptFraction (core/job/privacy.ts): cannot sign alone
      // from N = 2; the fork bound fails for a known set.
      if (n >= 2) expect(ceilC(n)).toBeLessThan(q);
      if (ceilC(n) >= 2 * q - n) forkable.push(n);
    }
    expect(ceilC(1)).toBe(quorum(1));
    expect(forkable).toEqual(Array.from({ length: 33 }, (_, k) => 3 * k + 1)); // 1, 4, 7, …, 97
  });

  it('a change with exactly q(N) old signers and the new member verifies; with q(N) - 1 it does not', () => {
    const old = NAMES.slice(0, 7);
    const draft = draftRosterChange(genesis(old), { add: [member('hull')] });
    const q = quorum(7);
    const short = signAs(draft, [...olds(old.slice(0, q - 1)), ['hull', id('hull')]]);
    expect(rosterStatus(short).versions[1]).toMatchObject({
      quorum: { have: q - 1, need: q },
      required: [],
      complete: false,
    });
    expect(rosterStatus(short).head?.version).toBe(1);
    expect(errorCode(() => verifyRosterChain(short))).toBe('E_ROSTER_INVALID');
    const head = verifyRosterChain(signRoster(short, old[q - 1]!, id(old[q - 1]!)));
    expect(head).toMatchObject({ version: 2, size: 8 });
    expect(head.members.has('hull')).toBe(true);
  });

  it('colluders alone cannot add a Sybil', () => {
    const old = NAMES.slice(0, 7); // floor(7/3) = 2 colluders
    const sybil = ed25519KeyPair();
    const draft = draftRosterChange(genesis(old), { add: [{ name: 'sybil', key: hex(sybil.publicKey) }] });
    const attempt = signAs(draft, [...olds(['ams', 'bern']), ['sybil', sybil]]);
    expect(rosterStatus(attempt).versions[1]!.complete).toBe(false);
    expect(errorCode(() => verifyRosterChain(attempt))).toBe('E_ROSTER_INVALID');
  });

  it("a re-key signature is not a quorum vote: re-keying honest members to the attacker's keys gets nowhere", () => {
    const old = NAMES.slice(0, 7);
    const chain = genesis(old);
    const stolen = new Map(['cork', 'dax', 'elx'].map((n) => [n, ed25519KeyPair()]));
    const attack = withLastBody(
      { versions: [...chain.versions, { body: chain.versions[0]!.body, signatures: [] }] },
      (b) => ({
        ...b,
        version: 2,
        previous: rosterHash(b),
        members: b.members.map((m) => (stolen.has(m.name) ? member(m.name, stolen.get(m.name)!) : m)),
      }),
      [...olds(['ams', 'bern']), ...[...stolen].map(([n, k]): [string, RosterIdentity] => [n, k])],
    );
    expect(rosterStatus(attack).versions[1]).toMatchObject({
      required: [],
      quorum: { have: 2, need: 5 },
      complete: false,
    });
    expect(errorCode(() => verifyRosterChain(attack))).toBe('E_ROSTER_INVALID');
    // The draft function refuses such a change outright: 4 voters left, quorum 5.
    expect(errorOf(() => draftRosterChange(chain, { add: [...stolen].map(([n, k]) => member(n, k)) })).message).toMatch(
      /fewer than the quorum of 5/,
    );
  });
});

describe('roster changes', () => {
  const four = ['ams', 'bern', 'cork', 'dax'];

  it('an added member must sign', () => {
    const draft = draftRosterChange(genesis(four), { add: [member('elx')] });
    const withoutNew = signAs(draft, olds(four));
    expect(rosterStatus(withoutNew).versions[1]).toMatchObject({
      quorum: { have: 4, need: 3 },
      required: ['elx'],
      complete: false,
    });
    expect(errorCode(() => verifyRosterChain(withoutNew))).toBe('E_ROSTER_INVALID');
    expect(verifyRosterChain(signRoster(withoutNew, 'elx', id('elx'))).size).toBe(5);
  });

  it('a key change needs the new key signature, and its vote does not count toward the quorum', () => {
    const draft = draftRosterChange(genesis(four), { add: [member('bern', alt('bern'))] });
    expect(rosterStatus(draft).versions[1]).toMatchObject({
      required: ['bern'],
      unsigned: ['ams', 'bern', 'cork', 'dax'],
      quorum: { have: 0, need: 3 },
    });
    expect(errorOf(() => signRoster(draft, 'bern', id('bern'))).message).toMatch(
      /not the key of "bern" in roster version 2/,
    );
    const oldKey = structuredClone(draft);
    oldKey.versions[1]!.signatures = [rawSignature(draft.versions[1]!.body, 'bern', id('bern'))];
    expect(errorCode(() => rosterStatus(oldKey))).toBe('E_ROSTER_INVALID');
    const two = signAs(draft, [
      ['ams', id('ams')],
      ['bern', alt('bern')],
      ['cork', id('cork')],
    ]);
    expect(rosterStatus(two).versions[1]).toMatchObject({
      quorum: { have: 2, need: 3 },
      required: [],
      complete: false,
    });
    const withoutNewKey = signAs(draft, olds(['ams', 'cork', 'dax']));
    expect(rosterStatus(withoutNewKey).versions[1]).toMatchObject({ required: ['bern'], complete: false });
    const head = verifyRosterChain(signRoster(two, 'dax', id('dax')));
    expect(hex(head.members.get('bern')!)).toBe(hex(alt('bern').publicKey));
    // With q(3) = 3 the other two cannot carry a re-key: remove, then add back.
    expect(
      errorCode(() => draftRosterChange(genesis(['ams', 'bern', 'cork']), { add: [member('bern', alt('bern'))] })),
    ).toBe('E_ROSTER_INVALID');
  });

  it('a removal needs a quorum of the old set, where the removed member may vote', () => {
    const draft = draftRosterChange(genesis(four), { remove: ['dax'] });
    expect(rosterStatus(signAs(draft, olds(['ams', 'bern']))).versions[1]).toMatchObject({
      quorum: { have: 2, need: 3 },
      required: [],
      complete: false,
    });
    const head = verifyRosterChain(signAs(draft, olds(['ams', 'bern', 'dax'])));
    expect([...head.members.keys()]).toEqual(['ams', 'bern', 'cork']);
    const next = draftRosterChange(signAs(draft, olds(['ams', 'bern', 'cork'])), { add: [member('elx')] });
    expect(errorOf(() => signRoster(next, 'dax', id('dax'))).message).toMatch(/"dax" may not sign roster version 3/);
  });

  it('refuses bad drafts', () => {
    const chain = genesis(four);
    const incomplete = draftRosterChange(chain, { add: [member('elx')] });
    expect(errorOf(() => draftRosterChange(incomplete, { remove: ['ams'] })).message).toMatch(
      /finish signing version 2/,
    );
    for (const change of [
      {},
      { remove: ['zed'] },
      { remove: ['ams', 'ams'] },
      { add: [member('ams')] },
      { add: [member('elx'), member('elx')] },
      { remove: ['ams'], add: [member('ams', alt('ams'))] },
      { add: [member('elx', id('ams'))] },
      { add: [{ name: 'bad name', key: hex(id('elx').publicKey) }] },
    ]) {
      expect(errorCode(() => draftRosterChange(chain, change))).toBe('E_ROSTER_INVALID');
    }
    expect(errorOf(() => draftRosterChange(genesis(['ams']), { remove: ['ams'] })).message).toMatch(/leaves no member/);
  });

  it('a broken previous-hash link, a skipped version or a changed network is invalid even when fully signed', () => {
    const base = draftRosterChange(genesis(four), { add: [member('elx')] });
    const all: [string, RosterIdentity][] = [...olds(four), ['elx', id('elx')]];
    expect(verifyRosterChain(withLastBody(base, (b) => b, all)).version).toBe(2);
    const cases: [(b: RosterBody) => RosterBody, RegExp][] = [
      [(b) => ({ ...b, previous: 'f'.repeat(64) }), /previous hash is not the hash of version 1/],
      [(b) => ({ ...b, version: 3 }), /numbered 1, 2, 3/],
      [(b) => ({ ...b, network: 'other-net' }), /changes the network/],
    ];
    for (const [edit, why] of cases) {
      const err = errorOf(() => rosterStatus(withLastBody(base, edit, all)));
      expect(err.code).toBe('E_ROSTER_INVALID');
      expect(err.message).toMatch(why);
    }
    expect(errorCode(() => rosterStatus(withLastBody(base, (b) => ({ ...b, previous: null }), all)))).toBe(
      'E_ROSTER_INVALID',
    );
  });

  it('extendsRoster: a prefix extends, a rollback or a fork does not', () => {
    const v1 = genesis(four);
    const v2 = draftRosterChange(v1, { add: [member('elx')] });
    const v2signed = signAs(v2, [...olds(['ams', 'bern', 'cork']), ['elx', id('elx')]]);
    const fork = draftRosterChange(v1, { remove: ['dax'] });
    expect(extendsRoster(v1, v2signed)).toBe(true);
    expect(extendsRoster(v2, v2signed)).toBe(true); // more signatures, same bodies
    expect(extendsRoster(v2signed, v2signed)).toBe(true);
    expect(extendsRoster(v2signed, v1)).toBe(false); // rollback
    expect(extendsRoster(v2signed, fork)).toBe(false); // fork
    expect(extendsRoster(fork, v2signed)).toBe(false);
    expect(extendsRoster(v1, genesis(four, 'other-net'))).toBe(false);
  });
});

describe('roster format', () => {
  const zeroKey = '00'.repeat(32);
  const body: RosterBody = {
    format: 'cohort-roster/v1',
    network: 'n',
    version: 1,
    previous: null,
    members: [{ name: 'a', key: zeroKey }],
  };

  it('hashes the RFC 8785 canonical JSON of the body, whatever the field order', () => {
    const canonical = `{"format":"cohort-roster/v1","members":[{"key":"${zeroKey}","name":"a"}],"network":"n","previous":null,"version":1}`;
    expect(rosterHash(body)).toBe(createHash('sha256').update(canonical).digest('hex'));
    const reordered = JSON.parse(
      `{"versions":[{"signatures":[],"body":{"members":[{"key":"${zeroKey}","name":"a"}],"version":1,"previous":null,"network":"n","format":"cohort-roster/v1"}}]}`,
    );
    expect(rosterHash(parseRosterChain(reordered).versions[0]!.body)).toBe(rosterHash(body));
  });

  it('signs the field encoding of its domain tag, network, version and hash', () => {
    const hashBytes = Buffer.from(rosterHash(body), 'hex');
    expect(hex(rosterSignedBytes(body))).toBe(hex(encodeFields(['cohort/roster/v1', 'n', 1, hashBytes])));
    expect(hex(rosterSignedBytes(body).subarray(0, 21))).toBe(
      `0200000010${Buffer.from('cohort/roster/v1').toString('hex')}`,
    );
  });

  it('requires members and signatures sorted by name: out of order is refused, not re-sorted', () => {
    const chain = genesis(['ams', 'bern', 'cork']);
    const members = structuredClone(chain);
    members.versions[0]!.body.members.reverse();
    expect(errorOf(() => parseRosterChain(members)).message).toMatch(
      /versions\.0\.body\.members\.1: "bern" is out of order/,
    );
    const signatures = structuredClone(chain);
    signatures.versions[0]!.signatures.reverse();
    expect(errorCode(() => verifyRosterChain(signatures))).toBe('E_ROSTER_INVALID');
  });

  it('refuses malformed documents with the path and problem', () => {
    const ok = () => structuredClone(genesis(['ams', 'bern']));
    const bad: [(c: RosterChain & Record<string, unknown>) => void, RegExp][] = [
      [
        (c) => {
          c.versions[0]!.body.members[0]!.key = c.versions[0]!.body.members[0]!.key.toUpperCase();
        },
        /versions\.0\.body\.members\.0\.key: expected 64 lowercase hex/,
      ],
      [
        (c) => {
          c.versions[0]!.body.members[1]!.key = c.versions[0]!.body.members[0]!.key;
        },
        /the key of "bern" is another member's key/,
      ],
      [
        (c) => {
          c.versions[0]!.body.members[0]!.name = 'coordinator';
        },
        /reserved/,
      ],
      [
        (c) => {
          c.versions[0]!.body.members[0]!.name = 'a b';
        },
        /members\.0\.name/,
      ],
      [
        (c) => {
          c.versions[0]!.body.network = 'x'.repeat(129);
        },
        /body\.network/,
      ],
      [
        (c) => {
          c.versions[0]!.body.members = [];
        },
        /members/,
      ],
      [
        (c) => {
          c.versions = [];
        },
        /versions/,
      ],
      [
        (c) => {
          c.extra = 1;
        },
        /unrecognized|extra/i,
      ],
      [
        (c) => {
          (c.versions[0]!.body as { format: string }).format = 'cohort-roster/v2';
        },
        /format/,
      ],
      [
        (c) => {
          c.versions[0]!.signatures[0]!.signature = 'ab';
        },
        /signatures\.0\.signature/,
      ],
      [
        (c) => {
          c.versions[0]!.body.version = 1.5;
        },
        /body\.version/,
      ],
    ];
    for (const [edit, why] of bad) {
      const c = ok() as RosterChain & Record<string, unknown>;
      edit(c);
      const err = errorOf(() => parseRosterChain(c));
      expect(err.code).toBe('E_ROSTER_INVALID');
      expect(err.message).toMatch(why);
    }
    for (const junk of [null, 'roster', 42, [], { versions: 'x' }])
      expect(errorCode(() => parseRosterChain(junk))).toBe('E_ROSTER_INVALID');
  });

  it('enforces the member and version limits', () => {
    const key = (i: number) => createHash('sha256').update(String(i)).digest('hex');
    const members = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `h${String(i).padStart(5, '0')}`, key: key(i) }));
    expect(parseRosterChain(draftGenesis('n', members(MAX_ROSTER_MEMBERS))).versions[0]!.body.members).toHaveLength(
      MAX_ROSTER_MEMBERS,
    );
    expect(errorCode(() => draftGenesis('n', members(MAX_ROSTER_MEMBERS + 1)))).toBe('E_ROSTER_INVALID');
    const v = draftGenesis('n', members(1)).versions[0]!;
    const versions = (n: number) => ({
      versions: Array.from({ length: n }, (_, i) => ({
        ...v,
        body: { ...v.body, version: i + 1, previous: i === 0 ? null : key(i) },
      })),
    });
    expect(parseRosterChain(versions(MAX_ROSTER_VERSIONS)).versions).toHaveLength(MAX_ROSTER_VERSIONS);
    expect(errorCode(() => parseRosterChain(versions(MAX_ROSTER_VERSIONS + 1)))).toBe('E_ROSTER_INVALID');
  });

  it('fingerprints a key as the first 16 bytes of its SHA-256 in groups of four hex digits', () => {
    // SHA-256 of 32 zero bytes = 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925.
    expect(rosterFingerprint(new Uint8Array(32))).toBe('6668-7aad-f862-bd77-6c8f-c18b-8e9f-8e20');
    expect(rosterFingerprint(zeroKey)).toBe(rosterFingerprint(new Uint8Array(32)));
    const k = id('ams').publicKey;
    expect(rosterFingerprint(hex(k).toUpperCase())).toBe(rosterFingerprint(k));
    for (const bad of ['00', new Uint8Array(31), null, 7])
      expect(errorCode(() => rosterFingerprint(bad as string))).toBe('E_ROSTER_INVALID');
  });
});

describe('roster property', () => {
  type Step = { kind: 'add' | 'remove' | 'rekey'; pick: number };
  const step = fc.record({ kind: fc.constantFrom<Step['kind']>('add', 'remove', 'rekey'), pick: fc.nat() });
  const identities = new Map<string, RosterIdentity>(
    [...ID.values(), ...ALT.values()].map((i) => [hex(i.publicKey), i]),
  );

  /** The change a step makes to `body`, or null when it cannot apply (no one to add, last member, too few voters to re-key). */
  function changeOf(body: RosterBody, s: Step): Parameters<typeof draftRosterChange>[1] | null {
    const names = body.members.map((m) => m.name);
    const outside = NAMES.filter((n) => !names.includes(n));
    if (s.kind === 'add') return outside.length === 0 ? null : { add: [member(outside[s.pick % outside.length]!)] };
    if (s.kind === 'remove') return names.length === 1 ? null : { remove: [names[s.pick % names.length]!] };
    if (names.length - 1 < quorum(names.length)) return null;
    const m = body.members[s.pick % names.length]!;
    return { add: [member(m.name, m.key === hex(id(m.name).publicKey) ? alt(m.name) : id(m.name))] };
  }

  /** Signs the last version by every required name and exactly q(N) voters chosen by `g`. */
  function signQuorum(chain: RosterChain, choose: (names: string[], k: number) => string[]): RosterChain {
    const s = rosterStatus(chain).versions.at(-1)!;
    const [body, prev] = [chain.versions.at(-1)!.body, chain.versions.at(-2)!.body];
    const keyIn = (b: RosterBody, n: string) => identities.get(b.members.find((m) => m.name === n)!.key)!;
    const voters = choose(
      s.unsigned.filter((n) => !s.required.includes(n)),
      s.quorum!.need,
    );
    const signers: [string, RosterIdentity][] = [
      ...s.required.map((n): [string, RosterIdentity] => [n, keyIn(body, n)]),
      ...voters.map((n): [string, RosterIdentity] => [n, keyIn(prev, n)]),
    ];
    return signAs(chain, signers);
  }

  it('a chain of random changes, each signed by a random quorum and every new key, verifies; dropping any one signature breaks it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(step, { maxLength: 5 }), fc.gen(), (size, steps, g) => {
        let chain = genesis(NAMES.slice(0, size));
        for (const s of steps) {
          const change = changeOf(chain.versions.at(-1)!.body, s);
          if (change === null) continue;
          chain = signQuorum(draftRosterChange(chain, change), (names, k) =>
            g(fc.shuffledSubarray, names, { minLength: k, maxLength: k }),
          );
        }
        const head = verifyRosterChain(chain);
        const last = chain.versions.at(-1)!.body;
        expect([...head.members].map(([n, k]) => ({ name: n, key: hex(k) }))).toEqual(last.members);
        const vi = g(fc.nat, { max: chain.versions.length - 1 });
        const si = g(fc.nat, { max: chain.versions[vi]!.signatures.length - 1 });
        const broken = structuredClone(chain);
        broken.versions[vi]!.signatures.splice(si, 1);
        expect(errorCode(() => verifyRosterChain(broken))).toBe('E_ROSTER_INVALID');
      }),
      { numRuns: 40 },
    );
  });
});
