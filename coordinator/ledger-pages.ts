/**
 * A page of the privacy ledger as one reader may read it over the wire
 * (core/ledger/scope.ts): all of it for auditors and admins, a hospital's own
 * entries for a hospital; optionally one job's. With the receipts of the
 * entries given and the key that seals them, so the reader can verify the
 * page by itself.
 */
import type { Role } from '../core/auth/policy.ts';
import { ownEntries, pageOf, LEDGER_PAGE_CHARS, LEDGER_PAGE_ENTRIES, type LedgerPage } from '../core/ledger/index.ts';
import type { CoordinatorStore } from './store.ts';

/** Upper bound of one receipt's JSON in a ledger page (seq, a name of up to 128 characters, 128 hex digits). */
const RECEIPT_JSON_CHARS = 320;

/** Who reads: a hospital reads its own entries only. */
export interface LedgerReader {
  name: string;
  role: Role;
}

export function ledgerPage(
  store: CoordinatorStore,
  coordinatorKey: string,
  reader: LedgerReader,
  afterSeq: number,
  jobId: string,
): unknown {
  let page = entriesPage(store, reader, afterSeq, jobId);
  let receipts = receiptsOf(store, page);
  // Receipts grow with the hospitals per round: a page whose receipts would overflow a frame is cut short.
  while (page.entries.length > 1 && receipts.length * RECEIPT_JSON_CHARS > LEDGER_PAGE_CHARS) {
    const entries = page.entries.slice(0, Math.ceil(page.entries.length / 2));
    page = { entries, more: true, lastSeq: entries.at(-1)!.seq };
    receipts = receiptsOf(store, page);
  }
  return { coordinatorKey, scope: reader.role === 'hospital' ? 'own' : 'all', ...page, receipts };
}

function entriesPage(store: CoordinatorStore, reader: LedgerReader, afterSeq: number, jobId: string): LedgerPage {
  const last = store.lastLedgerSeq();
  if (reader.role !== 'hospital')
    return pageOf(store.ledgerEntriesAfter(afterSeq, jobId, LEDGER_PAGE_ENTRIES + 1), afterSeq, last);
  // A hospital's entries: those naming it (found by SQLite), and the created/ended entries of its jobs.
  const named = store.ledgerEntriesContaining(JSON.stringify(reader.name), jobId);
  return pageOf(
    ownEntries(named, reader.name, (jobs) => store.jobBoundaryEntries(jobs)),
    afterSeq,
    last,
  );
}

function receiptsOf(store: CoordinatorStore, page: LedgerPage) {
  if (!page.entries.length) return [];
  const given = new Set(page.entries.map((e) => e.seq));
  return store.receiptsBetween(page.entries[0]!.seq, page.entries.at(-1)!.seq).filter((x) => given.has(x.seq));
}
