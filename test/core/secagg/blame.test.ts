/**
 * Who a session blames, and who one bad key can stop (review findings R3,
 * R4). A blamed hospital sits out the round's retries, so blame must rest on
 * evidence one malicious hospital cannot produce against an honest one: a
 * wrong share at its revealer's own x could be the revealer's lie or the
 * dealer's, and one complaint could be false. The server (core/secagg/
 * server.ts, `rebuild`) blames a dealer only when t + C revealed shares all
 * lie on one polynomial that does not open its commitment, or when more
 * than C neighbours could not open its shares.
 */
import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { drive, expectedSum, names, sameWords } from './driver.ts';
import { LyingCoordinator } from './adversary.ts';
import { SecAggServer, type ClientMessage } from '../../../core/secagg/index.ts';
import { sign } from '../../../core/secagg/crypto.ts';
import { SECRET_BYTES, advertiseTranscript } from '../../../core/secagg/session.ts';
import { decodeShare, encodeShare, split } from '../../../core/secagg/shamir.ts';
import { P } from '../../../core/secagg/field.ts';

const [H0, H1, H2, , H4] = names(5);

/** The share with its first chunk's y moved by one in F_p: the same x, a wrong value. */
function nudged(share: Uint8Array): Uint8Array {
  const s = decodeShare(share, SECRET_BYTES);
  const v = s.y[0]! | (s.y[1]! << 8) | (s.y[2]! << 16);
  const w = (v + 1) % P;
  s.y.set([w & 0xff, (w >>> 8) & 0xff, w >>> 16], 0);
  return encodeShare(s);
}

/** Rewrites `from`'s revealed shares of `owner`'s self-mask seed. */
const rewriteSeedShares =
  (from: readonly string[], owner: string, f: (share: Uint8Array) => Uint8Array | null) =>
  (sender: string, msg: ClientMessage): ClientMessage => {
    if (!from.includes(sender) || !('secaggUnmask' in msg)) return msg;
    const u = msg.secaggUnmask;
    const selfMaskShares = (u.selfMaskShares ?? []).flatMap((s) => {
      if (s.name !== owner) return [s];
      const share = f(s.value!);
      return share ? [{ ...s, value: share }] : [];
    });
    return { secaggUnmask: { ...u, selfMaskShares } };
  };

describe('a malicious hospital cannot get an honest one blamed (review R3)', () => {
  it("n = 5, t = 4, all survive: a wrong share of h000's seed is outvoted by the subset search; nobody is blamed, the sum is right", () => {
    // One spare share: Reed–Solomon decoding corrects nothing, but h000's commitment picks the honest 4 of 5.
    const r = drive({ n: 5, threshold: 4, corrupt: 1, tamper: rewriteSeedShares([H1!], H0!, nudged) });
    expect(r.refused.size).toBe(0);
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, names(5)))).toBe(true);
    expect([...r.server.blamed.keys()]).toEqual([]);
  });

  it('a false complaint about h000 plus its share withheld, ending with too few shares: the round fails, h000 is not blamed (one accuser ≤ C)', () => {
    const accuse =
      (accusers: readonly string[]) =>
      (from: string, msg: ClientMessage): ClientMessage => {
        if (!accusers.includes(from)) return msg;
        if ('secaggMaskedInput' in msg) return { secaggMaskedInput: { ...msg.secaggMaskedInput, rejected: [H0!] } };
        return rewriteSeedShares(accusers, H0!, () => null)(from, msg);
      };
    const one = drive({ n: 5, threshold: 4, corrupt: 1, drops: { unmask: [H4!] }, tamper: accuse([H1!]) });
    expect(one.refused.size).toBe(0);
    expect(one.server.phase).toBe('failed');
    expect(one.server.blamed.has(H0!), [...one.server.blamed].join('; ')).toBe(false);
    // Control: more accusers than the C the job assumes include an honest one, so the dealer is blamed.
    const two = drive({ n: 5, threshold: 4, corrupt: 1, drops: { unmask: [H4!] }, tamper: accuse([H1!, H2!]) });
    expect(two.server.phase).toBe('failed');
    expect(two.server.blamed.get(H0!)).toMatch(
      /2 neighbours could not open its shares, more than the 1 colluders assumed/,
    );
  });

  it('shares on one polynomial that does not open the commitment blame their dealer only when t + C of them were revealed', () => {
    // What a dealer that shared another seed than it committed to looks like: every revealed share on one wrong polynomial.
    const wrong = new Map(
      split(
        new Uint8Array(randomBytes(SECRET_BYTES)),
        4,
        [...Array(0xff).keys()].map((i) => i + 1),
      ).map((s) => [s.x, s]),
    );
    const dealt = (share: Uint8Array) => encodeShare(wrong.get(decodeShare(share, SECRET_BYTES).x)!);
    const all = drive({ n: 5, threshold: 4, corrupt: 1, tamper: rewriteSeedShares(names(5), H0!, dealt) });
    expect(all.server.phase).toBe('failed');
    expect(all.server.blamed.get(H0!)).toMatch(/rebuild a secret other than the one it committed to/);
    // With t revealed, any t points lie on one polynomial of degree < t: one liar among them would look the same.
    const four = drive({
      n: 5,
      threshold: 4,
      corrupt: 1,
      drops: { unmask: [H4!] },
      tamper: rewriteSeedShares(names(5), H0!, dealt),
    });
    expect(four.server.phase).toBe('failed');
    expect([...four.server.blamed.keys()]).toEqual([]);
  });
});

describe("a malicious hospital's unusable X25519 key (review R4)", () => {
  /** h04's advertisement with `cPk` replaced, signed by h04's roster key: its own lie, well signed. */
  const lyingAdvert = (sc: LyingCoordinator, cPk: Uint8Array) => {
    const ad = sc.adverts.get('h04')!;
    const signature = sign(
      sc.net.identity('h04').secretKey,
      advertiseTranscript(sc.session, 'h04', cPk, ad.sPk!, ad.seedCommit!, ad.maskCommit!),
    );
    return { ...ad, cPk, signature };
  };

  for (const [what, key] of [
    ['low order (u = 0)', new Uint8Array(32)],
    ['malformed (31 bytes)', new Uint8Array(31).fill(9)],
  ] as const) {
    it(`${what}: the coordinator refuses the advertisement and blames its sender; relayed anyway, the neighbours leave it out and carry on`, () => {
      const sc = new LyingCoordinator({ n: 5, colluders: ['h04'] });
      sc.open();
      sc.advertise();
      const bad = lyingAdvert(sc, key);
      const server = new SecAggServer(sc.session, sc.net.head.members, 1);
      const { rejected } = server.receive('h04', { secaggAdvertise: bad });
      expect(rejected?.code).toBe('E_SECAGG_BAD_KEY');
      expect(server.blamed.has('h04')).toBe(true);
      // A lying coordinator relays it to the honest hospitals (the colluder keeps its real keys).
      const real = sc.adverts.get('h04')!;
      sc.adverts.set('h04', bad);
      sc.commit();
      sc.keys((to, msg) =>
        to === 'h04'
          ? { ...msg, clients: msg.clients!.map((k) => (k.name === 'h04' ? { name: 'h04', ...real } : k)) }
          : msg,
      );
      expect([...sc.refused.entries()], 'honest hospitals that abandoned').toEqual([]);
      for (const h of sc.honest) expect((sc.sharesSentBy(h)!.shares ?? []).map((e) => e.name)).not.toContain('h04');
    });
  }
});
