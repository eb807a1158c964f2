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

/** The roster a running coordinator has adopted: its chain, verified head and JSON (sent in every hospital's Welcome). */
export interface AdoptedRoster {
  chain: RosterChain;
  head: Roster;
  json: string;
}

/**
 * The running coordinator's roster: published here (publishRoster) or by
 * another process (`cohort roster publish` writes the database, and
 * `refresh` adopts it), each adoption told to `onAdopt`.
 */
export class CoordinatorRoster {
  private adopted: AdoptedRoster | null = null;

  constructor(
    private readonly store: CoordinatorStore,
    private readonly ledger: CoordinatorLedger,
    private readonly onAdopt: (roster: AdoptedRoster) => void,
  ) {}

  get current(): AdoptedRoster | null {
    return this.adopted;
  }

  /** The roster's size, or null before one is published (core/job/prepare.ts networkSize). */
  get networkSize(): number | null {
    return this.adopted ? this.adopted.head.size : null;
  }

  /** Publishes a chain that extends the database's and adopts it; returns the versions added. */
  publish(chain: RosterChain, now: number): number {
    const { added } = publishRoster(this.store, this.ledger, chain, now);
    if (added > 0) this.adopt(chain);
    return added;
  }

  /** Adopts the database's roster if it is newer than the adopted one (published by another process). */
  refresh(): void {
    if (this.store.rosterVersion() <= (this.adopted?.head.version ?? 0)) return;
    const stored = this.store.rosterChain();
    if (stored) this.adopt(stored);
  }

  private adopt(chain: RosterChain): void {
    this.adopted = { chain, head: verifyRosterChain(chain), json: JSON.stringify(chain) };
    this.onAdopt(this.adopted);
  }
}
