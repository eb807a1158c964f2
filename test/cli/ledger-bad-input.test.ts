/**
 * The ledger commands given bad input (a file that is no database, garbage
 * JSON, a malformed key, an output path that cannot be written): a typed
 * error on one line, exit 2, never a stack trace.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-ledger-bad-'));
const text = join(dir, 'notes.txt');
const garbage = join(dir, 'garbage.json');
const db = join(dir, 'coordinator.db');
const KEY = 'ab'.repeat(32);

beforeAll(() => {
  writeFileSync(text, 'not a database\n');
  writeFileSync(garbage, '{not json');
  new CoordinatorStore(db).close();
});

describe('ledger commands on bad input', () => {
  it('prove: a file that is no SQLite database is E_STORE', () => {
    expectFailure(cohort('ledger', 'prove', '--db', text, '--entry', '1'), 'E_STORE');
  });

  it('check-proof: garbage JSON, JSON that is no proof, a short key are E_CONFIG_INVALID', () => {
    expectFailure(cohort('ledger', 'check-proof', '--proof', garbage, '--coordinator-key', KEY), 'E_CONFIG_INVALID');
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"a":1}');
    expectFailure(cohort('ledger', 'check-proof', '--proof', other, '--coordinator-key', KEY), 'E_CONFIG_INVALID');
    expectFailure(cohort('ledger', 'check-proof', '--proof', other, '--coordinator-key', 'zz'), 'E_CONFIG_INVALID');
  });

  it('export: an --out in a missing directory is E_CONFIG_INVALID, leaving no file behind', () => {
    const out = join(dir, 'missing', 'rows.json');
    const r = cohort('ledger', 'export', '--db', db, '--out', out);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toMatch(/cannot write/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('verify: a missing witness note is E_CONFIG_INVALID', () => {
    const r = cohort('ledger', 'verify', '--db', db, '--coordinator-key', KEY, '--witness', join(dir, 'none.txt'));
    expectFailure(r, 'E_CONFIG_INVALID');
  });

  /** `ledger fetch` against a dead port with a missing identity file: the option under test must fail first. */
  const fetchLedger = (...extra: string[]) =>
    cohort(
      'ledger',
      'fetch',
      '--coordinator',
      'ws://127.0.0.1:1',
      '--name',
      'aud',
      '--identity',
      join(dir, 'none.key'),
      ...extra,
    );

  it('fetch: a malformed --coordinator-key is refused before the identity is read or a connection made', () => {
    // The identity file is missing too: the key's error comes first, so nothing was read or dialled.
    const r = fetchLedger('--coordinator-key', 'zz');
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toMatch(/--coordinator-key expected 64 hex digits/);
  });

  it('fetch: a --checkpoint file of garbage JSON is E_CONFIG_INVALID', () => {
    const r = fetchLedger('--checkpoint', garbage);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toMatch(/cannot read the ledger checkpoint/);
  });
});
