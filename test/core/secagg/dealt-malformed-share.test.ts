/**
 * A malicious hospital that deals malformed shares (review R3's rule: a
 * malicious hospital must not be able to get an honest one blamed). The
 * dealer encrypts them properly, so they open; an honest holder that kept
 * them would reveal them faithfully while unmasking, and the coordinator,
 * which checks every revealed share's form and x (server.ts acceptUnmask),
 * would reject the holder's whole answer and blame the holder for what the
 * dealer dealt. A holder must check the form of what it holds when it opens
 * it, and treat a malformed pair like one that does not open: not held, its
 * dealer reported.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { drive, expectedSum, names, sameWords } from './driver.ts';
import { SecAggClient } from '../../../core/secagg/index.ts';
import type * as M from '../../../core/secagg/messages.ts';
import { open, seal } from '../../../core/secagg/crypto.ts';
import { decodeSharePair, encodeSharePair, shareAad, shareKey } from '../../../core/secagg/session.ts';

const N = 7;
const T = 4;
const ALL = names(N);
const DEALER = ALL[1]!;

/** What the dealer does to the pair it deals one neighbour (plaintext: key share, then self-mask-seed share). */
type Edit = (pair: { keyShare: Uint8Array; seedShare: Uint8Array }) => void;

const EDITS: [string, Edit][] = [
  [
    "a self-mask-seed share at another holder's x",
    (p) => {
      p.seedShare[0] = p.seedShare[0] === 7 ? 6 : 7;
    },
  ],
  [
    'a self-mask-seed share with a y outside GF(65537)',
    (p) => {
      p.seedShare[4] = 0x02;
    },
  ],
  ['a mask-key share one byte short', (p) => (p.keyShare = p.keyShare.subarray(1))],
];

const original = SecAggClient.prototype.onKeys;
afterEach(() => {
  SecAggClient.prototype.onKeys = original;
});

/** The dealer runs the real client, then re-seals what it deals to each of `victims` with `edit` applied. */
function dealMalformed(victims: readonly string[], edit: Edit): void {
  SecAggClient.prototype.onKeys = function (this: SecAggClient, msg: M.SecAggKeys): M.SecAggShares {
    const out = original.call(this, msg);
    if (this.self !== DEALER) return out;
    const peers = (this as unknown as { peers: Map<string, { cShared: Uint8Array }> }).peers;
    const s = this.session;
    const shares = out.shares!.map((e) => {
      if (!victims.includes(e.name!)) return e;
      const key = shareKey(s, peers.get(e.name!)!.cShared, DEALER, e.name!);
      const aad = shareAad(s, DEALER, e.name!);
      const pair = decodeSharePair(open(key, e.value!, aad));
      edit(pair);
      return { name: e.name, value: seal(key, encodeSharePair(pair.keyShare, pair.seedShare), aad) };
    });
    return { shares };
  };
}

describe('a hospital that deals malformed shares cannot get the honest holders blamed (R3)', () => {
  for (const [what, edit] of EDITS) {
    it(`${what}, dealt to one neighbour: the holder reports the dealer, nobody is blamed, the sum is right`, () => {
      const victim = ALL[5]!;
      dealMalformed([victim], edit);
      const r = drive({ n: N, threshold: T, corrupt: 1 });
      expect(r.refused.size).toBe(0);
      expect(r.rejected).toEqual([]);
      expect([...r.server.blamed.keys()]).toEqual([]);
      expect(r.server.phase).toBe('done');
      expect(sameWords(r.server.sum, expectedSum(r.inputs, ALL))).toBe(true);
      expect([...(r.server.complaints.get(DEALER) ?? [])]).toEqual([victim]);
    });
  }

  it('dealt to every neighbour: the dealer alone is blamed, no honest hospital is', () => {
    dealMalformed(
      ALL.filter((v) => v !== DEALER),
      EDITS[0]![1],
    );
    const r = drive({ n: N, threshold: T, corrupt: 1 });
    expect(r.refused.size).toBe(0);
    expect([...r.server.blamed.keys()]).toEqual([DEALER]);
  });
});
