/**
 * A hospital's `ledger.read` (coordinator/ledger-pages.ts) over a ledger in
 * which it is named many times: one request answers one page, so it must
 * read about one page of rows from the database, not every entry that has
 * ever named the hospital. Otherwise every catch-up (one after each round)
 * and every request a hostile hospital repeats loads and parses its whole
 * history: memory and CPU growing with the ledger, per request (review
 * finding: 2,050 rows read for a page; coordinator/ledger-pages.ts now reads
 * one page of candidates, ledger-tables.ts hospitalLedgerCandidates). The
 * pages, followed to the end, still give every entry of the hospital's own.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { ledgerPage } from '../../coordinator/ledger-pages.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { ledgerPublicKey } from '../../core/ledger/ed25519.ts';
import { entriesConcerning, LEDGER_PAGE_ENTRIES, ledgerPageReplySchema } from '../../core/ledger/index.ts';

const secretKey = new Uint8Array(32).fill(0x21);
const identity = { secretKey, publicKey: ledgerPublicKey(secretKey) };
const opened: CoordinatorStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

describe("a hospital's ledger.read over a long history naming it", () => {
  it('reads about one page of rows per request, wherever the page starts', () => {
    const store = new CoordinatorStore(join(mkdtempSync(join(tmpdir(), 'cohort-pages-')), 'c.db'));
    opened.push(store);
    const ledger = new CoordinatorLedger(store, identity, () => 1_700_000_000_000);
    const named = 2 * LEDGER_PAGE_ENTRIES + 50;
    for (let i = 0; i < named; i++) store.appendEntry(ledger.denial(`job-${i}`, 'h1', 'hospital', 'ledger.read', 'no'));
    const last = store.lastLedgerSeq();

    const rows = { read: 0 };
    for (const m of ['hospitalLedgerCandidates', 'ledgerEntriesAfter'] as const) {
      const original = store[m].bind(store) as (...a: unknown[]) => unknown[];
      vi.spyOn(store, m).mockImplementation(((...a: unknown[]) => {
        const out = original(...a);
        rows.read += out.length;
        return out;
      }) as never);
    }
    const reader = { name: 'h1', role: 'hospital' as const };
    const key = Buffer.from(identity.publicKey).toString('hex');

    // The page at the end of the ledger holds nothing; the first holds a full page.
    for (const after of [last, 0, LEDGER_PAGE_ENTRIES]) {
      rows.read = 0;
      const page = ledgerPageReplySchema.parse(ledgerPage(store, key, reader, after, ''));
      expect(page.entries.every((e) => e.seq > after)).toBe(true);
      expect(rows.read, `rows read for the page after ${after}`).toBeLessThanOrEqual(LEDGER_PAGE_ENTRIES + 1);
    }
    // Followed to the end, the pages give the hospital's own ledger, every entry once, in order.
    vi.restoreAllMocks();
    const all = store.ledgerEntriesAfter(0, '', last + 1);
    const paged: number[] = [];
    for (let after = 0, more = true; more;) {
      const page = ledgerPageReplySchema.parse(ledgerPage(store, key, reader, after, ''));
      paged.push(...page.entries.map((e) => e.seq));
      ({ more } = page);
      after = page.lastSeq;
    }
    expect(paged).toEqual(entriesConcerning(all, 'h1').map((e) => e.seq));
    expect(paged).toHaveLength(named);
  }, 60_000);
});
