/**
 * The ledger commands given files that are not what they claim: a FIFO
 * named as a database, an audit state whose job specs nest deeper than
 * JSON.stringify can write back, a row whose text is no entry. Each is a
 * typed error on one line (exit 2), or for verify an entry it reports, never
 * a hang or a stack trace.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CoordinatorLedger } from '../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { ledgerPublicKey } from '../../core/ledger/ed25519.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-ledger-hostile-'));
const db = join(dir, 'coordinator.db');

beforeAll(() => {
  const secretKey = new Uint8Array(32).fill(9);
  const store = new CoordinatorStore(db);
  const ledger = new CoordinatorLedger(store, { secretKey, publicKey: ledgerPublicKey(secretKey) }, () => 1);
  for (let i = 0; i < 3; i++) store.appendEntry(ledger.denial('', `s-${i}`, 'researcher', 'ledger.read', 'no'));
  store.close();
  const d = new Database(db);
  d.pragma('journal_mode = DELETE');
  d.close();
});

/** The real CLI, killed after two minutes so that a hang fails the test rather than stalling the run. */
function cli(...args: string[]): { code: number | null; out: string; err: string; killed: boolean } {
  return cohortLedger('verify', '--workers', '1', ...args);
}

function cohortLedger(...args: string[]): { code: number | null; out: string; err: string; killed: boolean } {
  const r = spawnSync('node', ['cohort.mjs', 'ledger', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr, killed: r.signal !== null };
}

/** Exit 2 with one line naming `code`: no hang, no stack trace. */
function expectRefused(r: ReturnType<typeof cli>, code: string): void {
  expect(r.killed).toBe(false);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(r.err).toMatch(new RegExp(`^cohort: ${code}: `));
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

const fifo = (name: string) => {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};

describe('ledger verify on files that are not what they claim', () => {
  it('a FIFO as the coordinator database or a hospital copy: E_STORE, no open left waiting for a writer', () => {
    expectRefused(cli('--db', fifo('fifo.db')), 'E_STORE');
    expectRefused(cli('--db', db, '--hospital-ledger', fifo('state.db')), 'E_STORE');
  }, 300_000);

  it('an audit state with a job spec nested 100,000 deep: E_CONFIG_INVALID, not a stack trace writing it back', () => {
    const state = join(dir, 'audit.json');
    const first = cli('--db', db, '--checkpoint', state);
    expect([first.code, first.err]).toEqual([0, '']);
    const cp = JSON.parse(readFileSync(state, 'utf8')) as { specs: Record<string, unknown> };
    writeFileSync(
      state,
      JSON.stringify({ ...cp, specs: { x: 0 } }).replace('"x":0', `"x":${'['.repeat(1e5)}${']'.repeat(1e5)}`),
    );
    const r = cli('--db', db, '--checkpoint', state);
    expectRefused(r, 'E_CONFIG_INVALID');
    expect(r.err).toMatch(/nested too deep/);
  }, 300_000);

  it('a row whose text only looks like a role grant (not JSON): verify reports that entry, the listings refuse it', () => {
    const odd = join(dir, 'grant-like.db');
    copyFileSync(db, odd);
    const d = new Database(odd);
    d.prepare(`UPDATE ledger SET canonical = ? WHERE seq = 2`).run('{"kind":"role-grant" x');
    d.close();
    // The operator's row once stopped the whole audit (E_STORE, "no readable ledger") before any entry was checked.
    const v = cli('--db', odd);
    expect([v.code, v.killed]).toEqual([1, false]);
    expect(v.out).toMatch(/^ledger FAILED at entry 2: not-canonical: entry 2: text is not JSON/);
    expect(v.err).toBe('');
    for (const command of ['show', 'budget']) expectRefused(cohortLedger(command, '--db', odd), 'E_LEDGER_ENTRY');
  }, 300_000);

  it('show, export and budget on a database whose entry 2 holds no entry: E_LEDGER_ENTRY naming it, not a stack trace', () => {
    const odd = join(dir, 'odd.db');
    copyFileSync(db, odd);
    const d = new Database(odd);
    d.prepare(`UPDATE ledger SET canonical = 'x' WHERE seq = 2`).run();
    d.close();
    for (const command of ['show', 'export', 'budget']) {
      const r = cohortLedger(command, '--db', odd);
      expectRefused(r, 'E_LEDGER_ENTRY');
      expect(r.err).toMatch(/entry 2 holds no ledger entry/);
    }
  }, 300_000);
});
