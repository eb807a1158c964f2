/**
 * `GET /ledger` a page at a time. `after` (a seq, default 0) and `limit`
 * (entries, 1 to MAX_PAGE, default MAX_PAGE) select the entries whose seq is
 * greater than `after`, at most `limit` of them, read as a range of the
 * ledger's primary key; `job` and `hospital` then filter their rows, so a
 * page may hold fewer rows than entries, or none. A page with entries after
 * it names the next one in `Link: <...>; rel="next"` (RFC 8288): the same
 * query with `after` moved on. The pages of an unchanged ledger, walked to
 * the one without a Link, hold the rows of `ledger export`, in its order
 * (each CSV page with its header line).
 */
import { CohortError } from '../core/errors.ts';
import { LEDGER_PAGE_ENTRIES, MAX_PROOF_COSIGNATURES } from '../core/ledger/index.ts';
import { hasTable, unreadable, type LedgerRowsInput } from './ledger-reader.ts';
import { openUntrusted } from './untrusted-db.ts';
import { LedgerTables } from './ledger-tables.ts';

/** Entries a page holds at most: what one request may make the server read (as a hospital's ledger.read page). */
export const MAX_PAGE = LEDGER_PAGE_ENTRIES;

export interface PageQuery {
  after: number;
  limit: number;
}

/** A decimal integer from `min` to `max`, or E_HTTP_REQUEST (400) naming the parameter. */
function integerParam(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new CohortError('E_HTTP_REQUEST', `${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function pageQuery(params: URLSearchParams): PageQuery {
  return {
    after: integerParam(params, 'after', 0, 0, Number.MAX_SAFE_INTEGER),
    limit: integerParam(params, 'limit', MAX_PAGE, 1, MAX_PAGE),
  };
}

/**
 * The page's entries, their receipts and the latest cosignatures, in one
 * read transaction; `next` is the `after` of the page that follows (null:
 * none does).
 */
export function readLedgerPage(path: string, q: PageQuery): LedgerRowsInput & { next: number | null } {
  const db = openUntrusted(path, 'coordinator database');
  try {
    return db.transaction(() => {
      const tables = new LedgerTables(db);
      // One entry more than the page, read only to learn whether another page follows.
      const read = tables.ledgerEntriesAfter(q.after, '', q.limit + 1);
      const entries = read.slice(0, q.limit);
      const last = entries.at(-1)?.seq ?? q.after;
      return {
        entries,
        receipts: tables.receiptsBetween(q.after + 1, last),
        // Walked on the (witness, size) key, as a proof reply's: not a scan of every cosignature stored.
        cosignatures: hasTable(db, 'ledger_cosignatures')
          ? tables.latestCosignaturesBounded(MAX_PROOF_COSIGNATURES)
          : [],
        next: read.length > q.limit ? last : null,
      };
    })();
  } catch (err) {
    throw unreadable(path, err);
  } finally {
    db.close();
  }
}

/** The Link header naming the next page: this request's query with `after` moved on (encoded, so no header breaks). */
export function nextLink(params: URLSearchParams, next: number): string {
  const query = new URLSearchParams(params);
  query.set('after', String(next));
  return `</ledger?${query.toString()}>; rel="next"`;
}
