/**
 * Publishing the network's roster at the coordinator: a chain that extends
 * the one in its database (a rollback or a fork is refused) is stored with
 * one ledger entry per new version, in one transaction, so an auditor sees
 * every roster the coordinator ran sessions under. Used by the running
 * coordinator and by `cohort roster publish` on its database.
 */
import { CohortError } from '../core/errors.ts';
import {
  MAX_ROSTER_JSON_CHARS,
  extendsRoster,
  rosterHash,
  verifyRosterChain,
  type Roster,
  type RosterChain,
} from '../core/roster/index.ts';
import type { CoordinatorLedger } from './ledger.ts';
import type { CoordinatorStore } from './store.ts';

/**
 * Stores the versions of `chain` the database lacks; returns the verified
 * head and how many versions were added. A chain longer than hospitals accept
 * over the wire (`maxJsonChars`, MAX_ROSTER_JSON_CHARS) is refused: sent in
 * every Welcome, it would leave every hospital unable to connect.
 */
export function publishRoster(
  store: CoordinatorStore,
  ledger: CoordinatorLedger,
  chain: RosterChain,
  now: number,
  maxJsonChars = MAX_ROSTER_JSON_CHARS,
): { head: Roster; added: number } {
  const head = verifyRosterChain(chain);
  const chars = JSON.stringify(chain).length;
  if (chars > maxJsonChars)
    throw new CohortError(
      'E_ROSTER_INVALID',
      `roster chain is ${chars} characters as JSON; hospitals accept at most ${maxJsonChars} over the wire`,
    );
  const stored = store.rosterChain();
  if (stored && !extendsRoster(stored, chain)) {
    throw new CohortError(
      'E_ROSTER_MISMATCH',
      `roster v${head.version} does not extend the published v${stored.versions.length}: a rollback or a fork`,
    );
  }
  const added = chain.versions.slice(stored?.versions.length ?? 0);
  if (added.length > 0) {
    store.appendRosterVersions(
      added.map((version) => {
        const hash = rosterHash(version.body);
        return { version, hash, entry: ledger.rosterVersion(version, hash) };
      }),
      now,
    );
  }
  return { head, added: added.length };
}
