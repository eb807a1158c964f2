/**
 * `GET /ledger/budget`: the spend per hospital and job, computed from the
 * whole ledger once per database version (ledger-http-version.ts) and kept,
 * so repeated requests on an unchanged ledger read nothing but data_version.
 * The computation reads one entry's text at a time, not the ledger into
 * memory.
 */
import { budgetSummary, openReadOnly, unreadable } from './ledger-reader.ts';
import type { DataVersion } from './ledger-http-version.ts';

export class CachedBudget {
  private kept: { version: number; json: string } | null = null;

  constructor(
    private readonly db: string,
    private readonly dataVersion: DataVersion,
  ) {}

  /** The summary as JSON, computed again only if the database changed since the last one. */
  json(): string {
    // The version is read first: a commit during the computation leaves the summary under the older version, so the
    // next request computes it again rather than keeping a summary older than its version.
    const version = this.dataVersion.now();
    if (this.kept?.version !== version) this.kept = { version, json: JSON.stringify(this.compute()) };
    return this.kept.json;
  }

  private compute(): ReturnType<typeof budgetSummary> {
    const db = openReadOnly(this.db, 'coordinator database');
    try {
      const texts = db.prepare(`SELECT canonical FROM ledger ORDER BY seq`).iterate() as Iterable<{
        canonical: string;
      }>;
      return budgetSummary({ entries: texts });
    } catch (err) {
      throw unreadable(this.db, err);
    } finally {
      db.close();
    }
  }
}
