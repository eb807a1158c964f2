/**
 * pinnedValue (client/state-db.ts), which every state part pins its schema
 * version or a key with: a database it cannot read or write there is the
 * typed E_STORE, for every caller, not SQLite's own error.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { keyValueTable, pinnedValue } from '../../client/state-db.ts';
import { refusal } from '../helpers/refusal.ts';

describe('pinnedValue', () => {
  it('pins at first use and returns the pinned value after', () => {
    const db = new Database(':memory:');
    db.exec(keyValueTable('meta'));
    expect(pinnedValue(db, 'meta', 'k', 'a')).toBe('a');
    expect(pinnedValue(db, 'meta', 'k', 'b')).toBe('a');
    db.close();
  });

  it('is E_STORE when the value cannot be written (a read-only database)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-pin-')), 's.db');
    const w = new Database(path);
    w.exec(keyValueTable('ledger_meta'));
    w.close();
    const db = new Database(path, { readonly: true });
    const err = refusal(() => pinnedValue(db, 'ledger_meta', 'coordinator_key', 'ab'));
    expect(err.code).toBe('E_STORE');
    expect(err.message).toMatch(/coordinator_key/);
    db.close();
  });

  it('is E_STORE when the table is not there', () => {
    const db = new Database(':memory:');
    expect(refusal(() => pinnedValue(db, 'meta', 'schema_version', '3')).code).toBe('E_STORE');
    db.close();
  });
});
