/**
 * The checks against what others hold: receipts, each hospital's own copy of
 * the ledger and its budget's charges, and a head saved out of band.
 */
import { canonicalJson } from './canonical.ts';
import { entryHash, sealSignatureValid, verifyReceipt, verifySeal } from './seal.ts';
import type { LedgerHead, Receipt, RoundBody, SealedEntry } from './types.ts';
import type { Mechanism } from '../privacy/spend.ts';
import type { HospitalLedgerInput } from './verify.ts';
import type { KeyAt } from './verify-witness.ts';
import { examples, hex, NOTE_EXAMPLES, shown, spenders, type Checked, type Failures } from './verify-failures.ts';

/**
 * Receipts (legacy: hospitals signed them before the tree's cosignatures
 * replaced them): each for an entry the ledger holds, from a hospital that
 * entry charges, signed by that hospital's key. Returns "seq\nhospital" of
 * each receipt that verified.
 */
export function checkReceipts(
  bySeq: ReadonlyMap<number, Checked>,
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  receipts: readonly Receipt[],
  keyAt: KeyAt,
  failures: Failures,
): Set<string> {
  const receipted = new Set<string>();
  for (const r of receipts) {
    const seq = Number.isSafeInteger(r.seq) ? r.seq : null;
    const row = seq === null ? undefined : rowBySeq.get(seq);
    if (!row) {
      failures.add(
        seq,
        'receipt-unknown-entry',
        `receipt by ${shown(r.hospital)} for entry ${shown(r.seq)}, which the ledger does not hold (deleted or truncated?)`,
      );
      continue;
    }
    const checked = bySeq.get(row.seq);
    // A malformed entry is already a failure; its receipts cannot be judged against its spends.
    if (checked && !spenders(checked.entry).includes(r.hospital)) {
      failures.add(
        seq,
        'receipt-not-a-spender',
        `entry ${seq} records no spend of ${shown(r.hospital)}, who receipted it`,
      );
      continue;
    }
    const hospitalKey = keyAt(r.hospital, row.seq);
    if (!hospitalKey) {
      failures.add(
        seq,
        'receipt-unknown-hospital',
        `entry ${seq}: no key is known for ${shown(r.hospital)}, who receipted it`,
      );
      continue;
    }
    if (!verifyReceipt(r, row, hospitalKey))
      failures.add(seq, 'bad-receipt', `entry ${seq}: ${shown(r.hospital)}'s receipt does not verify under its key`);
    else receipted.add(`${seq}\n${r.hospital}`);
  }
  return receipted;
}

/**
 * Each spend should be acknowledged by its hospital: by a cosignature of a
 * checkpoint covering its entry (a witness cosigns only after checking its
 * entries' inclusion and agreeing with what it charged), or, for entries
 * written before cosignatures, by a receipt. Spends with neither are noted,
 * not failed: a hospital may crash before it cosigns. Returns the spends a
 * cosignature covers.
 */
export function checkAcknowledged(
  entries: readonly Checked[],
  receipted: ReadonlySet<string>,
  witnessed: ReadonlyMap<string, number>,
  notes: string[],
): number {
  const missing: string[] = [];
  let spends = 0;
  let cosigned = 0;
  let neither = 0;
  for (const { sealed, entry } of entries) {
    for (const h of spenders(entry)) {
      spends++;
      const byCosignature = (witnessed.get(h) ?? 0) >= sealed.seq;
      if (byCosignature) cosigned++;
      if (byCosignature || receipted.has(`${sealed.seq}\n${h}`)) continue;
      neither++;
      if (missing.length <= NOTE_EXAMPLES) missing.push(`${sealed.seq}/${h}`);
    }
  }
  if (neither > 0)
    notes.push(
      `${neither} of ${spends} spends have no valid receipt from their hospital and no cosignature of it covering their entry (entry/hospital: ${examples(missing)})`,
    );
  return cosigned;
}

/**
 * A hospital's copy: every entry it kept must be byte-identical to the
 * coordinator's at that seq, its receipts must verify against its copies,
 * and every spend the coordinator records for it must match a charge of its
 * budget (same job, round and mechanism; each charge matches one spend).
 */
export function checkHospital(
  h: HospitalLedgerInput,
  entries: readonly Checked[],
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  key: Uint8Array,
  keyAt: KeyAt,
  failures: Failures,
  notes: string[],
): void {
  const kept = checkCopies(h, rowBySeq, key, failures);
  checkOwnReceipts(h, kept, keyAt, failures);
  checkCharges(h, entries, kept, failures, notes);
}

/** Every entry the hospital kept is byte-identical to the coordinator's; returns its copies by seq. */
function checkCopies(
  h: HospitalLedgerInput,
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  key: Uint8Array,
  failures: Failures,
): Map<number, SealedEntry> {
  const kept = new Map<number, SealedEntry>();
  for (const e of h.entries) {
    kept.set(e.seq, e);
    const mine = rowBySeq.get(e.seq);
    if (!mine) {
      failures.add(
        e.seq,
        'hospital-disagrees',
        `${h.hospital} holds entry ${shown(e.seq)}, which the coordinator's ledger lacks${verifySeal(e, key) ? ' although it is sealed by the coordinator key (deleted or truncated)' : ''}`,
      );
    } else if (mine.canonical !== e.canonical || mine.hash !== e.hash || mine.signature !== e.signature) {
      const sealed = verifySeal(e, key);
      failures.add(
        e.seq,
        'hospital-disagrees',
        `${h.hospital}'s copy of entry ${shown(e.seq)} differs from the coordinator's${sealed ? '; its copy is sealed by the coordinator key, so the coordinator sealed two versions or its copy was rewritten' : '; its copy is not sealed by the coordinator key'}`,
      );
    }
  }
  return kept;
}

/** The hospital's own receipts verify against its copies, under its key. */
function checkOwnReceipts(
  h: HospitalLedgerInput,
  kept: ReadonlyMap<number, SealedEntry>,
  keyAt: KeyAt,
  failures: Failures,
): void {
  for (const r of h.receipts) {
    const copy = kept.get(r.seq);
    const hospitalKey = copy ? keyAt(h.hospital, copy.seq) : undefined;
    if (!copy)
      failures.add(
        r.seq,
        'receipt-unknown-entry',
        `${h.hospital} keeps a receipt for entry ${shown(r.seq)} but no copy of it`,
      );
    else if (!hospitalKey)
      failures.add(
        r.seq,
        'receipt-unknown-hospital',
        `no key is known for ${h.hospital}, whose copy of entry ${shown(r.seq)} is receipted`,
      );
    else if (r.hospital !== h.hospital || !verifyReceipt(r, copy, hospitalKey))
      failures.add(
        r.seq,
        'bad-receipt',
        `${h.hospital}'s own receipt of entry ${shown(r.seq)} does not verify under its key`,
      );
  }
}

/** Each spend recorded for the hospital matches one charge of its budget; unmatched charges are noted. */
function checkCharges(
  h: HospitalLedgerInput,
  entries: readonly Checked[],
  kept: ReadonlyMap<number, SealedEntry>,
  failures: Failures,
  notes: string[],
): void {
  const charges = new Map<string, { jobId: string; round: number; n: number }>();
  for (const c of h.charges) {
    const k = chargeKey(c.jobId, c.round, c.mechanism);
    if (k === null) continue; // a charge with no JSON form matches no spend; noted below with the others
    const seen = charges.get(k);
    if (seen) seen.n++;
    else charges.set(k, { jobId: c.jobId, round: c.round, n: 1 });
  }
  const unreadable = h.charges.length - [...charges.values()].reduce((n, c) => n + c.n, 0);
  let uncopied = 0;
  for (const { sealed, entry } of entries) {
    if (entry.kind !== 'round') continue;
    const spend = (entry.body as RoundBody).spends.find((s) => s.hospital === h.hospital);
    if (!spend) continue;
    if (!kept.has(sealed.seq)) uncopied++;
    const charge = charges.get(chargeKey(entry.jobId, entry.round, spend.mechanism) ?? '');
    if (charge && charge.n > 0) charge.n--;
    else
      failures.add(
        sealed.seq,
        'hospital-uncharged',
        `entry ${sealed.seq} records a spend of ${h.hospital} (job ${entry.jobId}, round ${entry.round}) that its budget never charged`,
      );
  }
  if (uncopied > 0)
    notes.push(
      `${h.hospital} keeps no copy of ${uncopied} entries recording its spend (not received, or it crashed before storing them)`,
    );
  const unmatched = [...charges.values()].flatMap((c) =>
    Array.from({ length: c.n }, () => `job ${shown(c.jobId)} round ${shown(c.round)}`),
  );
  if (unmatched.length > 0)
    notes.push(
      `${h.hospital}: ${unmatched.length} charge(s) charged locally but not in any released sum (e.g. dropped after training): ${examples(unmatched)}`,
    );
  if (unreadable > 0)
    notes.push(`${h.hospital}: ${unreadable} charge(s) with a mechanism that has no JSON form, matched to no spend`);
}

/** One key per (job, round, mechanism); null when the charge read from a hospital's database has no canonical form. */
function chargeKey(jobId: string, round: number, m: Mechanism): string | null {
  try {
    return canonicalJson([jobId, round, m]);
  } catch {
    return null;
  }
}

/**
 * A head saved earlier must still be in the ledger, with the same hash,
 * signed under the key being verified with: a truncated ledger lacks its
 * seq, a rewritten one has another hash there (or another key).
 */
export function checkHead(
  head: LedgerHead,
  rowBySeq: ReadonlyMap<number, SealedEntry>,
  key: Uint8Array,
  failures: Failures,
): void {
  const seq = Number.isSafeInteger(head.seq) ? head.seq : null;
  if (head.coordinatorKey !== hex(key))
    failures.add(
      seq,
      'head-mismatch',
      `the saved head was signed under key ${shown(head.coordinatorKey).slice(0, 16)}…, not the key being verified with (${hex(key).slice(0, 16)}…)`,
    );
  if (!sealSignatureValid(head.hash, head.signature, key))
    failures.add(seq, 'head-bad-signature', `the saved head's signature does not verify under the coordinator key`);
  const row = seq === null ? undefined : rowBySeq.get(seq);
  if (!row)
    failures.add(
      seq,
      'head-missing',
      `the saved head is entry ${shown(head.seq)}, which the ledger no longer holds (truncated)`,
    );
  else if (typeof row.canonical !== 'string' || entryHash(row.canonical) !== head.hash)
    failures.add(seq, 'head-mismatch', `entry ${seq} is not the entry the saved head names (history rewritten)`);
}
