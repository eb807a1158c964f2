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
  // A hospital's entries: those naming it, and the created/ended entries of its jobs, one page of candidates
  // read (SQLite finds them): a request costs a page, not the hospital's whole history (review finding).
  const jobs = store.hospitalJobs(reader.name, jobId);
  const rows = store.hospitalLedgerCandidates(reader.name, jobs, afterSeq, jobId, LEDGER_PAGE_ENTRIES + 1);
  const more = rows.length > LEDGER_PAGE_ENTRIES;
  const examined = more ? rows.slice(0, LEDGER_PAGE_ENTRIES) : rows;
  // Past the candidates examined lie more: the page ends at the last one examined, whether or not it was own.
  const page = pageOf(ownEntries(examined, reader.name, jobs), afterSeq, more ? examined.at(-1)!.seq : last);
  return page.more ? page : { ...page, more };
}

function receiptsOf(store: CoordinatorStore, page: LedgerPage) {
  if (!page.entries.length) return [];
  const given = new Set(page.entries.map((e) => e.seq));
  return store.receiptsBetween(page.entries[0]!.seq, page.entries.at(-1)!.seq).filter((x) => given.has(x.seq));
}
