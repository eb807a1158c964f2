/** The identity keys a ledger records: what a verifier checks receipts against. */
import type { LedgerEntry, SealedEntry } from './types.ts';

/** Each subject's latest key in a ledger's role-grant entries (hex), revoked or not. */
export function hospitalKeysOf(entries: readonly SealedEntry[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const e of entries) {
    if (!e.canonical.includes('"kind":"role-grant"')) continue;
    const entry = JSON.parse(e.canonical) as LedgerEntry;
    const b = entry.body as { subject: string; granted: boolean; publicKey: string };
    // A revocation ends what a key may do from now on, not the receipts it signed before: keep it for verification.
    keys.set(b.subject, b.publicKey);
  }
  return keys;
}
