/**
 * `cohort ledger verify` on a coordinator or hospital database the operator
 * (the deviating party) hands the auditor: whatever the file's schema, a
 * read costs no more than the file's rows. A `ledger` that is a view (an
 * endless recursive query, or a few rows repeated a hundred thousand times),
 * a virtual table or a column computed at read time is refused with E_STORE
 * before any row is read, as is a path that is no regular file (a FIFO
 * would block the open forever).
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { ledgerPublicKey } from '../../core/ledger/ed25519.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { readHospitalLedger } from '../../coordinator/ledger-reader.ts';
import { CohortError } from '../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-untrusted-db-'));
const secretKey = new Uint8Array(32).fill(7);
const identity = { secretKey, publicKey: ledgerPublicKey(secretKey) };

/** A coordinator database with five signed, checkpointed entries, in one file (no WAL beside it). */
const base = join(dir, 'base.db');
{
  const store = new CoordinatorStore(base);
  const ledger = new CoordinatorLedger(store, identity, () => 1_700_000_000_000);
  for (let i = 0; i < 5; i++) store.appendEntry(ledger.denial('', `s-${i}`, 'researcher', 'ledger.read', 'no'));
  store.close();
  const d = new Database(base);
  d.pragma('journal_mode = DELETE');
  d.close();
}

let n = 0;
/** A copy of the base database with the operator's `sql` applied. */
function hostile(sql: string): string {
  const path = join(dir, `hostile-${n++}.db`);
  copyFileSync(base, path);
  const d = new Database(path);
  d.exec(sql);
  d.close();
  return path;
}

/** The table's rows kept aside, the name `table` given to `create`. */
const replaced = (table: string, create: string) =>
  `CREATE TABLE kept_${table} AS SELECT * FROM ${table}; DROP TABLE ${table}; ${create}`;

/** The five stored entries repeated 20,000 times over: 100,000 rows from a file of a few pages. */
const REPEATED = replaced(
  'ledger',
  `CREATE VIEW ledger (seq, canonical, hash, signature, leaf, rowid) AS
     WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000)
     SELECT k.seq, k.canonical, k.hash, k.signature, k.leaf, x FROM c, kept_ledger k`,
);

/** verifyFiles' refusal, or what it returned instead (the rows it read). */
function outcome(db: string): string {
  try {
    const r = verifyFiles({ db, recompute: false });
    return `read ${r.entries} entries`;
  } catch (err) {
    if (!(err instanceof CohortError)) throw err;
    return err.code;
  }
}

describe('ledger verify on a database whose schema the operator wrote', () => {
  it('the untouched database verifies (the fixture is sound)', () => {
    expect(verifyFiles({ db: base }).ok).toBe(true);
  });

  it('a ledger that is a view repeating a few rows 100,000 times: E_STORE, no row read', () => {
    expect(outcome(hostile(REPEATED))).toBe('E_STORE');
    // The same under another case: SQLite's names are case-insensitive.
    expect(outcome(hostile(REPEATED.replace('CREATE VIEW ledger', 'CREATE VIEW LEDGER')))).toBe('E_STORE');
  });

  it('receipts, checkpoints, cosignatures or meta as views: E_STORE', () => {
    for (const t of ['ledger_receipts', 'ledger_checkpoints', 'ledger_cosignatures', 'meta'])
      expect(outcome(hostile(replaced(t, `CREATE VIEW ${t} AS SELECT * FROM kept_${t}`))), t).toBe('E_STORE');
  });

  it('a canonical column computed when read (a generated column padding each row by a megabyte): E_STORE', () => {
    const db = hostile(
      replaced(
        'ledger',
        `CREATE TABLE ledger (seq INTEGER PRIMARY KEY, c TEXT, hash TEXT, signature TEXT, leaf BLOB,
           canonical TEXT GENERATED ALWAYS AS (c || printf('%.*c', 1000000, ' ')) VIRTUAL);
         INSERT INTO ledger (seq, c, hash, signature, leaf) SELECT seq, canonical, hash, signature, leaf FROM kept_ledger`,
      ),
    );
    expect(outcome(db)).toBe('E_STORE');
  });

  it('a ledger rebuilt without NOT NULL, entry 3 without text: a failure at entry 3 in the report, not E_STORE', () => {
    const db = hostile(
      replaced(
        'ledger',
        `CREATE TABLE ledger AS SELECT * FROM kept_ledger; UPDATE ledger SET canonical = NULL WHERE seq = 3`,
      ),
    );
    const r = verifyFiles({ db, recompute: false });
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ seq: 3, code: 'not-canonical' });
  });

  it('a hospital copy whose entries are a view of 100,000 rows: E_STORE', () => {
    const state = join(dir, 'state.db');
    const d = new Database(state);
    d.exec(`CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value TEXT);
      INSERT INTO ledger_meta VALUES ('hospital', 'h0');
      CREATE VIEW ledger_entries (seq, canonical, hash, signature, receipt) AS
        WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) SELECT x, '{}', '', '', NULL FROM c`);
    d.close();
    const read = () => {
      try {
        return `read ${readHospitalLedger(state).entries.length} entries`;
      } catch (err) {
        return (err as CohortError).code;
      }
    };
    expect(read()).toBe('E_STORE');
  });
});

/** The real CLI, with a kill after two minutes so that a hang fails the test instead of stalling the run. */
function cli(...args: string[]): { code: number | null; err: string; killed: boolean } {
  const r = spawnSync('node', ['cohort.mjs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, err: r.stderr, killed: r.signal !== null };
}

/** The stored entries' ledger replaced by a recursive query that never ends. */
const ENDLESS = replaced(
  'ledger',
  `CREATE VIEW ledger (seq, canonical, hash, signature, leaf, rowid) AS
     WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)
     SELECT x, '{}', '', '', NULL, x FROM c`,
);

/** Exit 2, E_STORE naming the view, on one line. */
function expectViewRefused(r: ReturnType<typeof cli>): void {
  expect(r.killed).toBe(false);
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/^cohort: E_STORE: .*ledger is a view/);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
}

describe('the ledger commands on an endless view', () => {
  it('verify: exit 2, E_STORE on one line, nothing read', () => {
    expectViewRefused(cli('ledger', 'verify', '--db', hostile(ENDLESS), '--workers', '1'));
  }, 150_000);

  it('prove: exit 2, E_STORE on one line, nothing read', () => {
    expectViewRefused(cli('ledger', 'prove', '--db', hostile(ENDLESS), '--entry', '1'));
  }, 150_000);
});

describe('ledger verify on key-less tables', () => {
  it('200,000 cosignatures of 1,000 witnesses in a table rebuilt without its key: read once, each latest one checked', () => {
    const db = hostile(
      replaced(
        'ledger_cosignatures',
        `CREATE TABLE ledger_cosignatures (witness TEXT, size INTEGER, timestamp INTEGER, signature BLOB, at INTEGER);
         WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000)
           INSERT INTO ledger_cosignatures SELECT 'w' || (x % 1000), x, 1, x'00', 1 FROM c`,
      ),
    );
    const r = spawnSync('node', ['cohort.mjs', 'ledger', 'verify', '--db', db, '--no-recompute', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    // Read with a lookup per row, the table costs 200,000 scans of itself (hours), and the kill fails the test.
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { failures: { code: string }[] };
    expect(report.failures.map((f) => f.code)).toContain('bad-cosignature');
  }, 150_000);
});
