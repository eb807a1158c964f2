/**
 * The coordinator's unmasking step of a secure-sum session: each survivor's
 * self-mask seed and each dropped client's mask key rebuilt from the shares
 * revealed to it (blaming an owner only on proof), then every mask taken back
 * out of the running sum.
 */
import type { KeyObject } from 'node:crypto';
import { CohortError } from '../errors.ts';
import { X25519Party, constantTimeEqual, x25519Peer, x25519PublicKey, zeroize } from './crypto.ts';
import { addMaskInto } from './prg.ts';
import { decodeShares, reconstructVerified } from './reed-solomon.ts';
import { maskCommitment } from './seed.ts';
import {
  SECRET_BYTES,
  neighboursOf,
  pairwiseMaskKey,
  pairwiseSign,
  selfMaskKey,
  type Seeded,
  type Session,
} from './session.ts';
import type { Share } from './shamir.ts';

/** A revealed share with the client that revealed it. */
export interface Revealed {
  from: string;
  share: Share;
}

/** Files a revealed share under the secret's owner. */
export function pushShare(store: Map<string, Revealed[]>, owner: string, r: Revealed): void {
  const list = store.get(owner) ?? [];
  list.push(r);
  store.set(owner, list);
}

/** What the server holds when it unmasks, and where blame is recorded. */
export interface UnmaskState {
  session: Session;
  seeded: Seeded;
  /** Clients whose shares were dealt (U2) and survivors whose inputs are in the sum (U3). */
  u2: readonly string[];
  u3: readonly string[];
  keys: ReadonlyMap<string, { sPk: Uint8Array; maskCommit: Uint8Array }>;
  seedShares: ReadonlyMap<string, readonly Revealed[]>;
  keyShares: ReadonlyMap<string, readonly Revealed[]>;
  complaints: ReadonlyMap<string, ReadonlySet<string>>;
  corrupt: number;
  searchBudget: { trials: number };
  blamed: Map<string, string>;
}

/** Removes survivors' self masks and dropped clients' pairwise masks from `acc`; throws a CohortError when a secret does not rebuild. */
export function removeMasks(acc: Uint32Array, st: UnmaskState): void {
  const s = st.session;
  const alive = new Set(st.u3);
  for (const u of st.u3) {
    const seed = rebuild(st, st.seedShares, u, (b) =>
      constantTimeEqual(maskCommitment(s, u, b), st.keys.get(u)!.maskCommit),
    );
    const key = selfMaskKey(s, seed, u);
    addMaskInto(acc, key, -1, s.bits);
    zeroize(seed, key);
  }
  const peers = new Map<string, KeyObject>();
  for (const v of st.u2) {
    if (alive.has(v)) continue;
    const sk = rebuild(st, st.keyShares, v, (k) => constantTimeEqual(x25519PublicKey(k), st.keys.get(v)!.sPk));
    const party = new X25519Party(sk);
    for (const u of neighboursOf(st.seeded, v)) {
      if (!alive.has(u)) continue;
      let peer = peers.get(u);
      if (!peer) peers.set(u, (peer = x25519Peer(st.keys.get(u)!.sPk)));
      const agreed = party.agree(peer);
      const key = pairwiseMaskKey(s, agreed, u, v);
      // u added pairwiseSign(u, v)·mask; take it back out.
      addMaskInto(acc, key, pairwiseSign(u, v) === 1 ? -1 : 1, s.bits);
      zeroize(agreed, key);
    }
    zeroize(sk);
  }
}

/**
 * The owner's secret from its revealed shares, checked against its
 * commitment (reed-solomon.ts: wrong shares are outvoted by the spare ones).
 * Blame falls only where the evidence leaves no doubt, since a malicious
 * hospital must not be able to get an honest one excluded:
 * - a share off the rebuilt polynomial could be its revealer's lie or the
 *   dealer's: nobody is blamed (the secret was rebuilt anyway);
 * - a secret that does not rebuild is the owner's fault only if every
 *   revealed share lies on one polynomial and at least t of them are honest
 *   (t + C revealed): that is the polynomial it dealt, and it does not open
 *   what it committed to;
 * - fewer than t shares are the owner's fault only if more than C
 *   neighbours reported that its share did not open (one of them honest).
 */
function rebuild(
  st: UnmaskState,
  store: ReadonlyMap<string, readonly Revealed[]>,
  owner: string,
  opens: (secret: Uint8Array) => boolean,
): Uint8Array {
  const revealed = store.get(owner) ?? [];
  const t = st.session.threshold;
  const accusers = st.complaints.get(owner)?.size ?? 0;
  if (revealed.length < t) {
    if (accusers > st.corrupt)
      st.blamed.set(
        owner,
        `${accusers} neighbours could not open its shares, more than the ${st.corrupt} colluders assumed, leaving ${revealed.length} of the ${t} needed`,
      );
    throw new CohortError('E_SECAGG_TOO_FEW', `${revealed.length} shares of ${owner}; threshold is ${t}`);
  }
  const shares = revealed.map((r) => r.share);
  try {
    // Spare shares are looked at only when the first t do not open the commitment: a liar whose share was not needed harms nothing.
    return reconstructVerified(shares, t, SECRET_BYTES, opens, { checkSpares: false, budget: st.searchBudget }).secret;
  } catch (err) {
    if (revealed.length >= t + st.corrupt && dealtWrong(shares, t, opens))
      st.blamed.set(owner, 'the shares it dealt rebuild a secret other than the one it committed to');
    throw new CohortError('E_SECAGG_BAD_SHARE', `the shares of ${owner}'s secret do not rebuild what it committed to`, {
      cause: err,
    });
  }
}

/**
 * What rebuilding past liars may cost the coordinator per session, in units
 * of one subset trial's work (a `combine` of t of the ≤ k + 1 shares of a
 * 32-byte secret: ~t² + 16(k + 1)): about 2^24 however many secrets the
 * liars touch; at least t + 1 trials (one liar among t + 1 shares is always
 * found). The unit counts `combine` only: each trial's check against the
 * owner's commitment is extra, and for a mask key (an X25519 base-point
 * multiplication, ~0.7 ms here) it dominates: at t = 10, k = 20 the worst
 * case is about 38,000 trials, tens of seconds on the event loop (issue 16:
 * expensive work off the event loop).
 */
export const SEARCH_WORK = 2 ** 24;

/** Every share on one polynomial of degree < t, whose secret does not open the commitment: what its dealer dealt. */
function dealtWrong(shares: readonly Share[], t: number, opens: (secret: Uint8Array) => boolean): boolean {
  try {
    const { secret } = decodeShares(shares, t, SECRET_BYTES, 0);
    const wrong = !opens(secret);
    zeroize(secret);
    return wrong;
  } catch {
    return false; // the shares disagree among themselves: a revealer or the dealer lied, and which is not known
  }
}
