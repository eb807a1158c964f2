/**
 * Reading the ledger from a running coordinator over an authenticated
 * connection (the `ledger.read` action): an auditor gets every entry, a
 * hospital its own (core/ledger/scope.ts). Pages are fetched until the end and
 * checked here, under the key the reader pinned when it has one.
 */
import { CohortError } from '../core/errors.ts';
import {
  hospitalKeysOf,
  ledgerPageReplySchema,
  pageProblem,
  verifyLedger,
  verifySeal,
  type VerifyReport,
} from '../core/ledger/index.ts';
import type { Receipt, SealedEntry } from '../core/ledger/types.ts';
import { request, type RequestOptions } from './request.ts';

export interface FetchedLedger {
  coordinatorKey: string;
  /** 'all': the whole ledger (or one job's part of it); 'own': a hospital's entries. */
  scope: 'all' | 'own';
  jobId: string | null;
  entries: SealedEntry[];
  receipts: Receipt[];
}

/** Most pages one fetch follows: a coordinator that always says "more" cannot keep the reader looping. */
export const MAX_LEDGER_PAGES = 100_000;

export async function fetchLedger(conn: RequestOptions, jobId: string | null = null): Promise<FetchedLedger> {
  const out: FetchedLedger = { coordinatorKey: '', scope: 'all', jobId, entries: [], receipts: [] };
  let after = 0;
  for (let pages = 0; pages < MAX_LEDGER_PAGES; pages++) {
    const r = ledgerPageReplySchema.safeParse(
      (await request(conn, { action: 'ledger.read', afterSeq: after, ...(jobId ? { jobId } : {}) })).json,
    );
    if (!r.success)
      throw new CohortError(
        'E_LEDGER_ENTRY',
        `the coordinator's ledger page is malformed: ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    const p = r.data;
    if (out.coordinatorKey && p.coordinatorKey !== out.coordinatorKey)
      throw new CohortError('E_LEDGER_KEY', 'the coordinator changed its ledger key between pages');
    const problem = pageProblem(p, after);
    if (problem) throw new CohortError('E_LEDGER_ENTRY', `the coordinator's ledger: ${problem}`);
    Object.assign(out, { coordinatorKey: p.coordinatorKey, scope: p.scope });
    out.entries.push(...p.entries);
    out.receipts.push(...p.receipts);
    after = p.lastSeq;
    if (!p.more) return out;
  }
  throw new CohortError('E_LEDGER_ENTRY', `the coordinator's ledger did not end within ${MAX_LEDGER_PAGES} pages`);
}

export interface FetchCheck {
  ok: boolean;
  entries: number;
  /** How far it could be checked: the whole chain, or each entry's hash and seal only (a part of the ledger has gaps by design). */
  checked: 'chain' | 'entries';
  /** Seqs whose hash or seal is wrong (entries mode), or the full verification report (chain mode). */
  badEntries: number[];
  report: VerifyReport | null;
  /** Whether the key came from the reader, not from the coordinator's own reply. */
  pinned: boolean;
}

const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Verifies what was fetched: the whole chain when it is the whole ledger, else every entry on its own. */
export function checkFetched(f: FetchedLedger, pinnedKey?: string): FetchCheck {
  if (pinnedKey !== undefined && !/^[0-9a-f]{64}$/.test(pinnedKey))
    throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  const key = bytes(pinnedKey ?? f.coordinatorKey);
  const pinned = pinnedKey !== undefined;
  if (f.scope === 'all' && f.jobId === null) {
    const report = verifyLedger({
      entries: f.entries,
      coordinatorKey: key,
      receipts: f.receipts,
      hospitalKeys: new Map([...hospitalKeysOf(f.entries)].map(([n, k]) => [n, bytes(k)])),
    });
    return { ok: report.ok, entries: f.entries.length, checked: 'chain', badEntries: [], report, pinned };
  }
  const badEntries = f.entries.filter((e) => !verifySeal(e, key)).map((e) => e.seq);
  return {
    ok: badEntries.length === 0,
    entries: f.entries.length,
    checked: 'entries',
    badEntries,
    report: null,
    pinned,
  };
}
