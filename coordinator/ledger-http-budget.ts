/**
 * `GET /ledger/budget`: the spend per hospital and job (ledger-budget.ts),
 * kept per database version (ledger-http-version.ts): repeated requests on an
 * unchanged ledger read nothing but data_version, and after a commit only
 * the entries appended since are read, one text at a time, and folded in.
 * The whole ledger is read again only if the last entry folded in is no
 * longer the one stored at its position (a database restored or replaced).
 */
import { BudgetFold } from './ledger-budget.ts';
import { unreadable } from './ledger-reader.ts';
import { openUntrusted } from './untrusted-db.ts';
import type { DataVersion } from './ledger-http-version.ts';

interface Kept {
  version: number;
  json: string;
  fold: BudgetFold;
  /** The last entry folded in (seq 0: none yet). */
  seq: number;
  hash: string;
}

export class CachedBudget {
  private kept: Kept | null = null;

  constructor(
    private readonly db: string,
    private readonly dataVersion: DataVersion,
  ) {}

  /** The summary as JSON, brought up to date only if the database changed since the last one. */
  json(): string {
    // The version is read first: a commit during the reading leaves the summary under the older version, so the
    // next request reads on rather than keeping a summary older than its version.
    const version = this.dataVersion.now();
    if (this.kept?.version !== version) {
      const kept = this.kept;
      // The fold is added to in place: one that failed part-way is dropped, and the next request reads it all.
      this.kept = null;
      const k = this.readOn(kept);
      this.kept = { ...k, version, json: JSON.stringify(k.fold.rows()) };
    }
    return this.kept.json;
  }

  private readOn(kept: Kept | null): Omit<Kept, 'version' | 'json'> {
    const db = openUntrusted(this.db, 'coordinator database');
    try {
      const at = kept && (db.prepare(`SELECT hash FROM ledger WHERE seq = ?`).pluck().get(kept.seq) as unknown);
      const k = kept && (kept.seq === 0 || at === kept.hash) ? kept : { fold: new BudgetFold(), seq: 0, hash: '' };
      const rows = db
        .prepare(`SELECT seq, hash, canonical FROM ledger WHERE seq > ? ORDER BY seq`)
        .iterate(k.seq) as Iterable<{ seq: number; hash: string; canonical: string }>;
      let { seq, hash } = k;
      for (const r of rows) {
        k.fold.add([r]);
        ({ seq, hash } = r);
      }
      return { fold: k.fold, seq, hash };
    } catch (err) {
      throw unreadable(this.db, err);
    } finally {
      db.close();
    }
  }
}
