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
  const granted = new Map<string, string>();
  const rostered = new Map<string, string>();
  const fromRoster = (version: unknown) => {
    const members = (version as { body?: { members?: unknown } } | null)?.body?.members;
    if (!Array.isArray(members)) return;
    rostered.clear();
    for (const m of members as { name?: unknown; key?: unknown }[])
      if (typeof m?.name === 'string' && typeof m.key === 'string') rostered.set(m.name, m.key);
  };
  if (priorRoster.length > 0) fromRoster(priorRoster.at(-1));
  for (const e of entries) {
    if (e.canonical.includes('"kind":"role-grant"')) {
      const b = (JSON.parse(e.canonical) as LedgerEntry).body as { subject: string; publicKey: string };
      granted.set(b.subject, b.publicKey);
    } else if (e.canonical.includes('"kind":"roster"')) {
      fromRoster(((JSON.parse(e.canonical) as LedgerEntry).body as RosterEntryBody).roster);
    }
  }
  return new Map([...granted, ...rostered]);
}
