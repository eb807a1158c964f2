/** The identity keys a ledger records: what a verifier checks receipts and cosignatures against. */
import type { LedgerEntry, RosterEntryBody, SealedEntry } from './types.ts';

/**
 * The key each hospital's receipts and witness cosignatures are checked
 * against (hex): its key in the latest roster version recorded (in `entries`,
 * or in `priorRoster`, the versions a saved audit state already holds), else
 * its latest role grant's, revoked or not (a revocation ends what a key may
 * do from then on, not what it signed before). A roster version is signed by
 * its quorum of hospitals (verify.ts checkRosters fails a forged one); a role
 * grant is the coordinator's word alone, and one that granted a hospital's
 * name a key the coordinator holds let it cosign checkpoints as that
 * hospital (review finding). A hospital in no roster is still checked
 * against its grant.
 */
export function hospitalKeysOf(
  entries: readonly SealedEntry[],
  priorRoster: readonly unknown[] = [],
): Map<string, string> {
  const fold = new HospitalKeyFold(priorRoster);
  fold.add(entries);
  return fold.keys();
}

/**
 * hospitalKeysOf as a fold, for a reader that follows a growing ledger
 * (coordinator/ledger.ts): `add` the entries appended since, in seq order,
 * and the keys are those of the whole ledger read so far.
 */
export class HospitalKeyFold {
  /** Each name's latest role grant's key. */
  readonly granted = new Map<string, string>();
  /** The latest roster version's members' keys. */
  private readonly rostered = new Map<string, string>();

  constructor(priorRoster: readonly unknown[] = []) {
    if (priorRoster.length > 0) this.roster(priorRoster.at(-1));
  }

  add(entries: readonly SealedEntry[]): void {
    for (const e of entries) {
      // Most entries are neither: their text is searched, not parsed.
      const grant = e.canonical.includes('"kind":"role-grant"');
      if (!grant && !e.canonical.includes('"kind":"roster"')) continue;
      const entry = JSON.parse(e.canonical) as LedgerEntry;
      if (entry.kind === 'role-grant') {
        const b = entry.body as { subject: string; publicKey: string };
        this.granted.set(b.subject, b.publicKey);
      } else if (entry.kind === 'roster') {
        this.roster((entry.body as RosterEntryBody).roster);
      }
    }
  }

  /** `name`'s key (hex), or undefined. */
  keyOf(name: string): string | undefined {
    return this.rostered.get(name) ?? this.granted.get(name);
  }

  keys(): Map<string, string> {
    return new Map([...this.granted, ...this.rostered]);
  }

  private roster(version: unknown): void {
    const members = (version as { body?: { members?: unknown } } | null)?.body?.members;
    if (!Array.isArray(members)) return;
    this.rostered.clear();
    for (const m of members as { name?: unknown; key?: unknown }[])
      if (typeof m?.name === 'string' && typeof m.key === 'string') this.rostered.set(m.name, m.key);
  }
}
