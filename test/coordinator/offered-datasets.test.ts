/**
 * What a researcher's submission is checked against (CoordinatorStore
 * offeredDatasetsJson): the datasets hospitals offer are read once, not per
 * submission, and read again once a Hello records new ones; a revocation,
 * which the admin CLI writes from another process, counts at once.
 */
import { describe, it, expect, afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
});

function stores() {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-offered-')), 'c.db');
  const store = new CoordinatorStore(path);
  // Another process on the same database, as `cohort admin` is.
  const other = new Database(path);
  opened.push(other, store);
  return { store, other };
}

const offered = (s: CoordinatorStore) =>
  s.offeredDatasetsJson().map((d) => `${d.hospital}/${d.schemaId}:${JSON.parse(d.featuresJson).length}`);
const dataset = (schemaId: string, n: number) => ({
  schemaId,
  label: 'y',
  features: Array.from({ length: n }, (_, i) => `f${i}`),
});

describe('the offered datasets a submission is checked against', () => {
  it('a Hello that records datasets is seen by the next submission', () => {
    const { store } = stores();
    store.recordDatasets('h1', [dataset('a', 2)], 1);
    expect(offered(store)).toEqual(['h1/a:2']);
    store.recordDatasets('h2', [dataset('b', 3)], 2);
    store.recordDatasets('h1', [dataset('a', 5)], 3);
    expect(offered(store)).toEqual(['h1/a:5', 'h2/b:3']);
  });

  it('the rows are read once, not per submission: a row written behind the store (no one does) is not read again', () => {
    const { store, other } = stores();
    store.recordDatasets('h1', [dataset('a', 2)], 1);
    expect(offered(store)).toEqual(['h1/a:2']);
    other
      .prepare(
        `INSERT INTO hospital_datasets (hospital, schema_id, label, features, seen_at) VALUES ('h9', 'z', 'y', '[]', 1)`,
      )
      .run();
    expect(offered(store)).toEqual(['h1/a:2']);
  });

  it('a hospital revoked by another process offers nothing from the next submission on', () => {
    const { store, other } = stores();
    store.recordDatasets('h1', [dataset('a', 2)], 1);
    store.recordDatasets('h2', [dataset('b', 3)], 1);
    other
      .prepare(
        `INSERT INTO identities (name, role, public_key, enrolled_at, revoked_at) VALUES ('h1', 'hospital', ?, 1, NULL)`,
      )
      .run('00'.repeat(32));
    expect(offered(store)).toEqual(['h1/a:2', 'h2/b:3']);
    other.prepare(`UPDATE identities SET revoked_at = 2 WHERE name = 'h1'`).run();
    expect(offered(store)).toEqual(['h2/b:3']);
  });
});
