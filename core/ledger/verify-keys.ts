/**
 * The hospital keys a verification checks signatures against, by entry: the
 * key a hospital held when it signed. A roster version that re-keys a
 * hospital (a lost or rotated key) leaves its earlier cosignatures and
 * receipts valid under the key it held then, and one that removes a hospital
 * gives its name no key from then on (review findings: an honest re-key
 * failed the hospital's earlier cosignatures; a grant, the coordinator's word
 * alone, gave a removed hospital's name a key again).
 */
import { HospitalKeyFold } from './grants.ts';
import type { SealedEntry } from './types.ts';
import type { KeyAt } from './verify-witness.ts';

export interface KeysByEntry {
  /** A hospital's key in force at entry `seq`. */
  at: KeyAt;
  /** Each hospital's key after the last row (what an audit state saves for the next one). */
  atEnd: Map<string, Uint8Array>;
}

/**
 * The keys the grants and roster versions among `rows` set (a row that does
 * not parse sets none: it is a failure of its own), on top of `priorRoster`
 * (a saved audit state's roster versions). For a hospital they name no key
 * for at an entry, `known` holds its key from before them (a saved state's
 * keys, or a caller's).
 */
export function keysByEntry(
  rows: readonly SealedEntry[],
  priorRoster: readonly unknown[],
  known: ReadonlyMap<string, Uint8Array>,
): KeysByEntry {
  const fold = new HospitalKeyFold(priorRoster);
  fold.add(rows);
  const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
  const at: KeyAt = (hospital, seq) => {
    // A receipt's or a copy's fields may be anything: what is not a name at a position has no key.
    if (typeof hospital !== 'string' || typeof seq !== 'number') return undefined;
    const key = fold.keyAt(hospital, seq);
    return key === null ? undefined : key === undefined ? known.get(hospital) : bytes(key);
  };
  const atEnd = new Map(known);
  for (const name of fold.names()) {
    const key = fold.keyAt(name, Infinity);
    if (typeof key === 'string') atEnd.set(name, bytes(key));
    else atEnd.delete(name);
  }
  return { at, atEnd };
}
