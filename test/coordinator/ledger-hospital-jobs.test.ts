/**
 * The jobs a hospital took part in (coordinator/ledger-tables.ts
 * hospitalJobs, read for every hospital `ledger.read`): found in a table
 * kept as entries are appended, not by SQLite reading every row of the
 * ledger per request (review finding, coordledger: memory was bounded, CPU
 * grew with the ledger). The table is filled from the stored rows when an
 * older database is opened (schema 12), a row that is not JSON included.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { ledgerPublicKey } from '../../core/ledger/ed25519.ts';
import type { LedgerEntry } from '../../core/ledger/types.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { roundRecord } from '../helpers/round-record.ts';

const secretKey = new Uint8Array(32).fill(0x31);
const identity = { secretKey, publicKey: ledgerPublicKey(secretKey) };
const FIXTURE = join(import.meta.dirname, 'fixtures', 'ledger-v9.db');
const opened: CoordinatorStore[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const s of opened.splice(0)) s.close();
});

function open(path: string): CoordinatorStore {
  const store = new CoordinatorStore(path);
  opened.push(store);
  return store;
}
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'cohort-hospital-jobs-')), 'c.db');

/** The jobs in which the ledger's rows show `hospital` taking part, each row parsed: what hospitalJobs must answer. */
function expected(store: CoordinatorStore, hospital: string, jobId = ''): string[] {
  const jobs = new Set<string>();
  for (const row of store.ledgerEntries()) {
    let e: LedgerEntry;
    try {
      e = JSON.parse(row.canonical) as LedgerEntry;
    } catch {
      continue;
    }
    const b = e.body as { participants?: unknown[]; hospital?: unknown };
    const named =
      (e.kind === 'round' && b.participants?.includes(hospital)) ||
      (e.kind === 'budget-refusal' && b.hospital === hospital);
    if (named && (jobId === '' || e.jobId === jobId)) jobs.add(e.jobId);
  }
  return [...jobs].sort();
}
const jobsOf = (store: CoordinatorStore, hospital: string, jobId = '') =>
  [...store.hospitalJobs(hospital, jobId)].sort();

/** A ledger of three jobs: rounds of h1/h2, a refusal of h3, and entries that name h1 without its taking part. */
function fill(store: CoordinatorStore, ledger: CoordinatorLedger): void {
  const spec = parseJobSpec(syntheticJob({ rounds: 2 }));
  for (const job of ['job-a', 'job-b', 'job-c']) store.appendEntry(ledger.jobCreated(job, spec, 'a'.repeat(64)));
  store.appendEntry(ledger.round('job-a', spec, roundRecord(1, ['h1', 'h2'])));
  store.appendEntry(ledger.round('job-a', spec, roundRecord(2, ['h1', 'h2'], { dropped: ['h2'] })));
  store.appendEntry(ledger.round('job-b', spec, roundRecord(1, ['h2'])));
  store.appendEntry(ledger.refusal('job-b', 1, 'h3', 'E_BUDGET_EXHAUSTED', 'h1 asked too'));
  store.appendEntry(ledger.denial('job-c', 'h1', 'hospital', 'ledger.read', 'no'));
  store.appendEntry(ledger.grant('h1', 'hospital', true, 'ab'.repeat(32)));
}

describe('hospitalJobs', () => {
  it('answers from the entries as they are appended, within a job if given', () => {
    const store = open(dbPath());
    const ledger = new CoordinatorLedger(store, identity, () => 1_700_000_000_000);
    fill(store, ledger);
    expect(jobsOf(store, 'h1')).toEqual(['job-a']);
    expect(jobsOf(store, 'h2')).toEqual(['job-a', 'job-b']);
    expect(jobsOf(store, 'h3')).toEqual(['job-b']);
    expect(jobsOf(store, 'h2', 'job-b')).toEqual(['job-b']);
    expect(jobsOf(store, 'h1', 'job-b')).toEqual([]);
    expect(jobsOf(store, 'nobody')).toEqual([]);
    for (const h of ['h1', 'h2', 'h3']) expect(jobsOf(store, h)).toEqual(expected(store, h));
    // An entry whose transaction rolls back (its caller's write fails after it) leaves no trace.
    const spec = parseJobSpec(syntheticJob({ rounds: 2 }));
    const db = (store as unknown as { db: Database.Database }).db;
    const failed = db.transaction(() => {
      store.appendEntry(ledger.round('job-d', spec, roundRecord(1, ['h1'])));
      throw new Error('rolled back');
    });
    expect(() => failed()).toThrow('rolled back');
    expect(jobsOf(store, 'h1')).toEqual(['job-a']);
  });

  it('reads no row of the ledger: its statements search the index table alone', () => {
    const store = open(dbPath());
    fill(store, new CoordinatorLedger(store, identity, () => 1_700_000_000_000));
    const db = (store as unknown as { db: Database.Database }).db;
    const statements: string[] = [];
    const prepare = db.prepare.bind(db);
    vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
      statements.push(sql);
      return prepare(sql);
    }) as never);
    store.hospitalJobs('h1', '');
    store.hospitalJobs('h1', 'job-a');
    vi.restoreAllMocks();
    expect(statements.length).toBeGreaterThan(0);
    for (const sql of statements) {
      const params = Array.from(sql.matchAll(/\?/g), () => '');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map(
        (r) => r.detail,
      );
      expect(
        plan.filter((d) => /\b(SCAN|SEARCH) ledger\b/.test(d)),
        sql,
      ).toEqual([]);
      expect(
        plan.filter((d) => /^SCAN /.test(d)),
        sql,
      ).toEqual([]);
    }
  });

  it('is filled from the stored rows when a database of schema 11 is opened, past a row that is not JSON', () => {
    const path = dbPath();
    const store = open(path);
    fill(store, new CoordinatorLedger(store, identity, () => 1_700_000_000_000));
    store.close();
    opened.splice(0);
    // Back to schema 11: no table yet, and a damaged row (the coordinator still opens; the audit fails it).
    const raw = new Database(path);
    raw.exec(`DROP TABLE ledger_hospital_jobs`);
    raw
      .prepare(`INSERT INTO ledger (seq, canonical, hash, signature, job_id) VALUES (?, ?, ?, ?, ?)`)
      .run(1000, '{"kind":"round","body":{"participants":["h9"', 'x', 'y', 'job-z');
    raw.pragma('user_version = 11');
    raw.close();
    const migrated = open(path);
    for (const h of ['h1', 'h2', 'h3', 'h9']) expect(jobsOf(migrated, h)).toEqual(expected(migrated, h));
    expect(jobsOf(migrated, 'h2')).toEqual(['job-a', 'job-b']);
    expect(jobsOf(migrated, 'h9')).toEqual([]);
  });

  it('is filled from the rows of the previous release (fixtures/ledger-v9.db)', () => {
    const path = dbPath();
    copyFileSync(FIXTURE, path);
    const store = open(path);
    const hospitals = new Set(
      store.ledgerEntries().flatMap((r) => {
        const e = JSON.parse(r.canonical) as LedgerEntry;
        return e.kind === 'round' ? ((e.body as { participants: string[] }).participants ?? []) : [];
      }),
    );
    expect(hospitals.size).toBeGreaterThan(0);
    for (const h of hospitals) {
      expect(jobsOf(store, h).length).toBeGreaterThan(0);
      expect(jobsOf(store, h)).toEqual(expected(store, h));
    }
  });
});
