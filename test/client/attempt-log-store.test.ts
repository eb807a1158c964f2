/**
 * The attempt log in the hospital's state database (client/attempt-log-store.ts):
 * a mark written by one daemon is read back by the next on the same file, per
 * dataset and job; deleting one forgets only it; a row that does not read as
 * a mark (a damaged file, a hand edit) is E_STORE, and an AttemptLog over it
 * refuses rather than reads it as "never opened"; a database that cannot be
 * written is E_STORE too.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AttemptLogStore } from '../../client/attempt-log-store.ts';
import { openHospitalState, type HospitalState } from '../../client/hospital-state.ts';
import { AttemptLog } from '../../core/round/hospital-session.ts';
import { refusal } from '../helpers/refusal.ts';

const open: HospitalState[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

/** The state database at `path`, and the attempt log of `dataset` beside its ledger copy (as the daemon keeps it). */
function storeAt(path: string, dataset = 'synthetic-v1'): AttemptLogStore {
  const st = openHospitalState(path);
  open.push(st);
  return st.ledger.beside((db, now) => new AttemptLogStore(db, dataset, now));
}

const freshPath = () => join(mkdtempSync(join(tmpdir(), 'cohort-attempts-')), 'state.db');

describe('the attempt log store', () => {
  it('reads back, after a restart, what it wrote: per dataset and job', () => {
    const path = freshPath();
    const a = storeAt(path);
    a.put('job', { round: 3, attempt: 2, unmasked: true });
    a.put('other', { round: 1, attempt: 1, unmasked: false });
    storeAt(path, 'another-dataset').put('job', { round: 9, attempt: 5, unmasked: false });
    for (const s of open.splice(0)) s.close();
    const b = storeAt(path);
    expect(b.get('job')).toEqual({ round: 3, attempt: 2, unmasked: true });
    expect(b.get('other')).toEqual({ round: 1, attempt: 1, unmasked: false });
    expect(b.get('none')).toBeNull();
    expect(storeAt(path, 'another-dataset').get('job')).toEqual({ round: 9, attempt: 5, unmasked: false });
  });

  it('an AttemptLog over it keeps its marks across a restart', () => {
    const path = freshPath();
    const log = new AttemptLog(storeAt(path));
    log.admit('job', 1, 1);
    log.unmasking('job', 1);
    for (const s of open.splice(0)) s.close();
    const again = new AttemptLog(storeAt(path));
    expect(again.unmasked('job', 1)).toBe(true);
    expect(refusal(() => again.admit('job', 1, 1)).code).toBe('E_SECAGG_ATTEMPT');
    again.admit('job', 1, 2);
    expect(again.unmasked('job', 1)).toBe(true);
    again.renewed('job', 1);
    expect(new AttemptLog(storeAt(path)).unmasked('job', 1)).toBe(false);
  });

  it.each([
    ['a round that is text', `'garbage'`, '1', '0'],
    ['a negative attempt', '1', '-1', '0'],
    ['a fractional round', '1.5', '1', '0'],
    ['an unmasked flag that is neither 0 nor 1', '1', '1', '2'],
    ['an unmasked flag that is text', '1', '1', `'yes'`],
  ])('a damaged row (%s) is E_STORE, and the log over it refuses rather than reading it as fresh', (_, r, a, u) => {
    const path = freshPath();
    storeAt(path).put('job', { round: 1, attempt: 1, unmasked: true });
    for (const s of open.splice(0)) s.close();
    const raw = new Database(path);
    raw.exec(`UPDATE attempt_log SET round = ${r}, attempt = ${a}, unmasked = ${u}`);
    raw.close();
    const store = storeAt(path);
    const err = refusal(() => store.get('job'));
    expect(err.code).toBe('E_STORE');
    expect(err.message).toMatch(/job job is damaged/);
    const log = new AttemptLog(store);
    expect(refusal(() => log.unmasked('job', 1)).code).toBe('E_STORE');
    expect(refusal(() => log.admit('job', 1, 2)).code).toBe('E_STORE');
  });

  it("a database it cannot write is E_STORE, not SQLite's own error", () => {
    const path = freshPath();
    storeAt(path);
    for (const s of open.splice(0)) s.close();
    const ro = new Database(path, { readonly: true });
    const store = new AttemptLogStore(ro, 'synthetic-v1');
    const err = refusal(() => store.put('job', { round: 1, attempt: 1, unmasked: true }));
    expect(err.code).toBe('E_STORE');
    expect(err.message).toMatch(/write job job/);
    ro.close();
  });
});
