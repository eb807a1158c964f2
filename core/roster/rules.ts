/**
 * Who may sign a roster version, who must, and how many suffice: the
 * security design of the roster. Daemons take their peers' identity keys
 * only from a verified roster, never from the coordinator, so a lying
 * coordinator can neither substitute a key nor add Sybil hospitals unless
 * hospitals sign for it. (Quorum intersection as in Byzantine quorum systems:
 * Malkhi and Reiter, "Byzantine Quorum Systems", STOC 1997.)
 *
 * Version 1 (genesis) must be signed by EVERY member it lists. Nobody is yet
 * trusted to vouch for the others, so each hospital attests to the whole
 * list, after checking the others' key fingerprints out of band (the signing
 * ceremony; fingerprint.ts). A Sybil or a substituted key in the genesis
 * therefore needs the signature of every honest hospital listed beside it.
 *
 * Version v+1 must be signed by at least q(N) = floor(2N/3) + 1 of version
 * v's N members, counted under their version-v keys (more than two thirds),
 * AND by every member it adds or re-keys, under its new key: proof that the
 * named hospital holds that key, so nobody can list a key in another's name.
 * Removed members need not sign (a removed hospital may be gone), but may
 * vote. A re-keyed member's new-key signature is not a quorum vote:
 * otherwise a coordinator could re-key q honest members to keys of its own
 * and sign as all of them. Hence re-keying k members at once needs q(N) of
 * the other N - k; for N <= 3 (q(N) = N) re-key in two steps, remove then add.
 *
 * What q(N) guarantees, for C colluding members (all proved for N = 1..1000
 * in test/core/roster/roster.test.ts):
 * - q(N) > 2N/3 and q(N) <= N: a fully present network can always change.
 * - Up to N - q(N) = ceil(N/3) - 1 members may be offline during a change.
 * - Two different successors of one version that both reach q(N) share at
 *   least 2q(N) - N >= floor(N/3) + 1 signers.
 * - With C <= floor(N/3) (floor(0.33 N) for the job spec's largest
 *   corruptFraction 0.33): C < q(N), so colluders cannot change the roster
 *   alone; and C < 2q(N) - N, so a fork (two signed successors) needs an
 *   honest member to sign both, which an honest daemon never does knowingly.
 * - Counting colluders as ceil(0.33 N), as jobs do (core/job/privacy.ts
 *   corruptCount): still C < q(N) for every
 *   N >= 2, but C = 2q(N) - N for N = 1, 4, 7, …, 97 (N = 1 mod 3, N < 100),
 *   where colluders signing both sides plus disjoint honest signers can fork.
 *   A fork is not silent: parties holding the two branches refuse each other
 *   (extendsRoster, E_ROSTER_MISMATCH).
 * Every signature in a version must come from its signing set (version v's
 * members and version v+1's) and verify; anything else invalidates the
 * version rather than being ignored, so a file never carries junk that a
 * later rule change could start counting.
 */
import { CohortError } from '../errors.ts';
import type { RosterBody, RosterMember } from './types.ts';

/** floor(2n/3) + 1: the signatures of a version's n members a change needs. */
export function quorum(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CohortError('E_ROSTER_INVALID', `a quorum is of a positive number of members, got ${String(n)}`);
  return Math.floor((2 * n) / 3) + 1;
}

/** What version `next` changes against `prev`, each list in name order. */
export interface RosterDiff {
  added: RosterMember[];
  removed: RosterMember[];
  rekeyed: { name: string; from: string; to: string }[];
}

export function rosterDiff(prev: RosterBody, next: RosterBody): RosterDiff {
  const before = new Map(prev.members.map((m) => [m.name, m.key]));
  const after = new Set(next.members.map((m) => m.name));
  const diff: RosterDiff = { added: [], removed: prev.members.filter((m) => !after.has(m.name)), rekeyed: [] };
  for (const m of next.members) {
    const old = before.get(m.name);
    if (old === undefined) diff.added.push(m);
    else if (old !== m.key) diff.rekeyed.push({ name: m.name, from: old, to: m.key });
  }
  return diff;
}

/** The signing rule of one version. */
export interface SigningRules {
  /** Every name that may sign, with the key (hex) its signature must verify under; in name order. */
  keys: ReadonlyMap<string, string>;
  /** Names that must sign: genesis, every member; later, the added and re-keyed ones. */
  required: readonly string[];
  /** Names whose signature counts toward the quorum (previous members under their previous keys). */
  voters: ReadonlySet<string>;
  /** Quorum signatures needed from voters; null for genesis. */
  need: number | null;
}

/** The rule for signing `body`, the successor of `prev` (null: body is the genesis). */
export function signingRules(prev: RosterBody | null, body: RosterBody): SigningRules {
  if (prev === null) {
    return {
      keys: new Map(body.members.map((m) => [m.name, m.key])),
      required: body.members.map((m) => m.name),
      voters: new Set(),
      need: null,
    };
  }
  const diff = rosterDiff(prev, body);
  const rekeyed = new Set(diff.rekeyed.map((r) => r.name));
  const voters = prev.members.filter((m) => !rekeyed.has(m.name));
  const fresh = [...diff.added, ...diff.rekeyed.map((r) => ({ name: r.name, key: r.to }))];
  const keys = [...voters, ...fresh].sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    keys: new Map(keys.map((m) => [m.name, m.key])),
    required: fresh.map((m) => m.name).sort(),
    voters: new Set(voters.map((m) => m.name)),
    need: quorum(prev.members.length),
  };
}
