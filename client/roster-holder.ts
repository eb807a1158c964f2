/**
 * The roster this hospital runs secure-aggregation sessions under: the one
 * its operator installed, or a later version the coordinator relays that
 * extends it with the members' quorum and still lists this hospital under its
 * own key. A rollback or a fork is refused and logged, never trusted; nothing
 * the coordinator sends can become an anchor.
 */
import { CohortError, asCohortError } from '../core/errors.ts';
import {
  completeRoster,
  extendsRoster,
  parseRosterChain,
  type Roster,
  type RosterChain,
} from '../core/roster/index.ts';
import { constantTimeEqual } from '../core/secagg/index.ts';
import type { Logger } from '../edge/log.ts';

export class RosterHolder {
  private roster: { chain: RosterChain; head: Roster } | null = null;

  constructor(
    private readonly name: string,
    private readonly publicKey: Uint8Array,
    private readonly log: Logger,
    installed: RosterChain | undefined,
    private readonly onRoster?: (chain: RosterChain) => void,
  ) {
    if (installed) this.roster = this.own(installed);
  }

  /** The roster's head, if this hospital has one. */
  get head(): Roster | null {
    return this.roster?.head ?? null;
  }

  /**
   * A roster chain from the coordinator (JSON): adopted only if it extends
   * this hospital's own. Its form is checked before its signatures: a
   * rollback, a fork or the chain this hospital holds (every Welcome carries
   * it) costs no signature check, and only the versions after this
   * hospital's are verified, on this hospital's own verified versions (so no
   * signature the coordinator adds to them is kept).
   */
  offered(json: string): void {
    const mine = this.roster;
    if (!mine) return;
    try {
      const offered = parseRosterChain(JSON.parse(json)).versions;
      const have = mine.chain.versions.length;
      if (offered.length < have)
        throw new CohortError(
          'E_ROSTER_MISMATCH',
          `the coordinator's roster has ${offered.length} versions, this hospital's ${have} (a rollback)`,
        );
      if (!extendsRoster(mine.chain, { versions: offered.slice(0, have) }))
        throw new CohortError('E_ROSTER_MISMATCH', "the coordinator's roster does not extend this hospital's (a fork)");
      if (offered.length === have) return;
      const next = this.own({ versions: [...mine.chain.versions, ...offered.slice(have)] });
      if (next.chain.versions.length === have) return; // the versions after this hospital's are still being signed
      this.roster = next;
      this.log.info(
        { network: next.head.network, version: next.head.version, members: next.head.size },
        'roster updated',
      );
      this.onRoster?.(next.chain);
    } catch (err) {
      const e = asCohortError(err);
      this.log.warn({ code: e.code }, `roster from the coordinator refused: ${e.message}`);
    }
  }

  /**
   * A roster chain's complete part and head, which must list this hospital
   * under its own key (E_ROSTER_* otherwise). A newest version still being
   * signed is left out until it has its quorum.
   */
  private own(full: RosterChain): { chain: RosterChain; head: Roster } {
    const { chain, head } = completeRoster(full);
    const listed = head.members.get(this.name);
    if (!listed)
      throw new CohortError('E_ROSTER_NOT_MEMBER', `${this.name} is not in roster ${head.network} v${head.version}`);
    if (!constantTimeEqual(listed, this.publicKey))
      throw new CohortError(
        'E_ROSTER_NOT_MEMBER',
        `roster ${head.network} v${head.version} lists another key for ${this.name} than its identity key`,
      );
    return { chain, head };
  }
}
