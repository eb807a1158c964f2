/**
 * Whether one roster chain continues another: the test a party applies
 * before replacing the roster it holds, so that nobody can roll it back to
 * an older version (where a since-removed or re-keyed member still counts)
 * or hand it a fork. Refusing (E_ROSTER_MISMATCH) is the caller's part.
 */
import { rosterHash } from './hash.ts';
import { parseRosterChain } from './schema.ts';
import type { RosterChain } from './types.ts';

/**
 * True iff `next` holds `current`'s versions, same body hashes in the same
 * order, as a prefix (an equal chain extends itself). Signatures are not
 * compared: a version may gain signatures. Checks form only; verify `next`
 * with verifyRosterChain. Throws E_ROSTER_INVALID for a malformed chain.
 */
export function extendsRoster(current: RosterChain, next: RosterChain): boolean {
  const a = parseRosterChain(current).versions;
  const b = parseRosterChain(next).versions;
  if (b.length < a.length) return false;
  return a.every((v, i) => rosterHash(v.body) === rosterHash(b[i]!.body));
}
