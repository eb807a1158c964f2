/**
 * openHospitalState opens three parts of one file; when a later part cannot
 * open, the parts already open are closed (and so is the part's own
 * connection), and the error is the typed E_STORE, not SQLite's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connectionsOpened } from '../helpers/sqlite-connections.ts';
import { refusal } from '../helpers/refusal.ts';
import { openHospitalState } from '../../client/hospital-state.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('openHospitalState', () => {
  it('a ledger part that cannot open: E_STORE, the budget part and the ledger connection closed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cohort-state-')), 'state.db');
    // A ledger_entries table of another shape: the budget part opens, the ledger's index cannot be created.
    const planted = new Database(path);
    planted.exec('CREATE TABLE ledger_entries (x INTEGER)');
    planted.close();

    const opened = connectionsOpened();
    const err = refusal(() => openHospitalState(path));
    expect(err.code).toBe('E_STORE');
    expect(err.message).toMatch(/hospital ledger/);
    // The budget's connection and the ledger's own: both opened, both closed.
    expect(opened).toHaveLength(2);
    for (const db of opened) expect(db.open).toBe(false);
  });
});
