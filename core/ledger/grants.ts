/** The identity keys a ledger records: what a verifier checks receipts and cosignatures against. */
import type { LedgerEntry, RosterEntryBody, SealedEntry } from './types.ts';

/**
 * The key each hospital's receipts and witness cosignatures are checked
 * against (hex), as the ledger records it at its end: its key in the latest
 * roster version recorded (in `entries`, or in `priorRoster`, the versions a
 * saved audit state already holds), else, for a hospital no roster version
 * ever listed, its latest role grant's, revoked or not (a revocation ends
 * what a key may do from then on, not what it signed before). A roster
 * version is signed by its quorum of hospitals (verify.ts checkRosters fails
 * a forged one); a role grant is the coordinator's word alone, and one that
 * granted a hospital's name a key the coordinator holds let it cosign
 * checkpoints as that hospital (review finding), also a hospital since
 * removed from the roster (review finding: a grant then gave its name back a
 * key). A hospital in no roster is still checked against its grant.
 */
export function hospitalKeysOf(
  entries: readonly SealedEntry[],
  priorRoster: readonly unknown[] = [],
): Map<string, string> {
  const fold = new HospitalKeyFold(priorRoster);
  fold.add(entries);
  return fold.keys();
}

/** A change of one name's key: from entry `seq` on, `key` (null: none, the name was removed from the roster). */
interface KeyChange {
  seq: number;
  key: string | null;
}

/**
 * hospitalKeysOf as a fold, for a reader that follows a growing ledger
 * (coordinator/ledger.ts) and for a verifier that asks which key was in
 * force at an entry (keyAt: a hospital re-keyed by a roster version signed
 * its earlier cosignatures and receipts with the key it held then). `add`
 * the entries appended since, in seq order.
 */
export class HospitalKeyFold {
  /** Each name's latest role grant's key. */
  readonly granted = new Map<string, string>();
  /** The latest roster version's members' keys. */
  private readonly rostered = new Map<string, string>();
  /** Every name a roster version read so far listed: a grant never gives such a name a key. */
  private readonly everRostered = new Set<string>();
  /** Per name, each change of its key, in seq order. */
  private readonly changes = new Map<string, KeyChange[]>();

  /** `priorRoster`: the roster versions recorded before the entries to come (a saved audit state's), in order. */
  constructor(priorRoster: readonly unknown[] = []) {
    for (const version of priorRoster) this.roster(version, 0);
  }

  add(entries: readonly SealedEntry[]): void {
    for (const e of entries) {
      // Most entries are neither: their text is searched, not parsed.
      // A row may be anything in a file another party handed over: what is not text at a seq sets no key.
      if (typeof e?.canonical !== 'string' || !Number.isSafeInteger(e.seq)) continue;
      if (!e.canonical.includes('"kind":"role-grant"') && !e.canonical.includes('"kind":"roster"')) continue;
      // Nor does a text that only looks like one: verification reports that row, the fold skips it.
      let entry: LedgerEntry;
      try {
        entry = JSON.parse(e.canonical) as LedgerEntry;
      } catch {
        continue;
      }
      this.addEntry(e.seq, entry);
    }
  }

  /** One entry, already parsed (a verifier's): a role grant or a roster version changes keys, any other nothing. */
  addEntry(seq: number, entry: LedgerEntry): void {
    // A verifier's rows may be anything: what is not an entry with a body changes nothing.
    if (typeof entry !== 'object' || entry === null || typeof entry.body !== 'object' || entry.body === null) return;
    if (entry.kind === 'role-grant') {
      const b = entry.body as { subject?: unknown; publicKey?: unknown };
      if (typeof b.subject !== 'string' || typeof b.publicKey !== 'string') return;
      this.granted.set(b.subject, b.publicKey);
      this.noteChanges([b.subject], seq);
    } else if (entry.kind === 'roster') {
      this.roster((entry.body as RosterEntryBody).roster, seq);
    }
  }

  /** `name`'s key (hex) now, or undefined. */
  keyOf(name: string): string | undefined {
    return this.rostered.get(name) ?? (this.everRostered.has(name) ? undefined : this.granted.get(name));
  }

  keys(): Map<string, string> {
    const out = new Map<string, string>();
    for (const name of [...this.granted.keys(), ...this.rostered.keys()]) {
      const key = this.keyOf(name);
      if (key !== undefined) out.set(name, key);
    }
    return out;
  }

  /**
   * `name`'s key (hex) in force at entry `seq`, as the entries read up to it
   * set it: null if none was (it had been removed from the roster), undefined
   * if none of them names it (the caller may know its key from before them).
   */
  keyAt(name: string, seq: number): string | null | undefined {
    const changes = this.changes.get(name) ?? [];
    for (let i = changes.length - 1; i >= 0; i--) if (changes[i]!.seq <= seq) return changes[i]!.key;
    return undefined;
  }

  /** Every name whose key an entry read so far set. */
  names(): IterableIterator<string> {
    return this.changes.keys();
  }

  private roster(version: unknown, seq: number): void {
    const members = (version as { body?: { members?: unknown } } | null)?.body?.members;
    if (!Array.isArray(members)) return;
    const before = [...this.rostered.keys()];
    this.rostered.clear();
    for (const m of members as { name?: unknown; key?: unknown }[])
      if (typeof m?.name === 'string' && typeof m.key === 'string') {
        this.rostered.set(m.name, m.key);
        this.everRostered.add(m.name);
      }
    this.noteChanges(new Set([...before, ...this.rostered.keys()]), seq);
  }

  private noteChanges(names: Iterable<string>, seq: number): void {
    for (const name of names) {
      const key = this.keyOf(name) ?? null;
      const changes = this.changes.get(name);
      if (!changes) this.changes.set(name, [{ seq, key }]);
      else if (changes.at(-1)!.key !== key) changes.push({ seq, key });
    }
  }
}
