/**
 * `cohort coordinator backup|restore` through the real CLI, in its own
 * process beside a running coordinator: the backup of its live database
 * restores, `cohort ledger verify` passes on the restored copy, and restore
 * refuses the live database, an existing file without --force, and a backup
 * that fails verification: exit 2, one line with the code.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-cli-backup-'));
const db = join(dir, 'coordinator.db');
const out = join(dir, 'backup.db');
let coordinator: Coordinator;

beforeAll(async () => {
  // A roster published at start: ledger entries to verify.
  coordinator = new Coordinator({ dbPath: db, port: 0, roster: simulatedNetwork(['h0', 'h1', 'h2']).chain });
  await coordinator.listen();
});
afterAll(async () => {
  await coordinator.close();
});

describe('cohort coordinator backup|restore', () => {
  it("backs up the running coordinator's database; the restored copy passes ledger verify", () => {
    const b = cohort('coordinator', 'backup', '--db', db, '--out', out);
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/integrity ok, ledger OK \(\d+ entries/);
    const restored = join(dir, 'restored.db');
    expect(cohort('coordinator', 'restore', '--from', out, '--db', restored).code).toBe(0);
    const v = cohort('ledger', 'verify', '--db', restored);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^ledger OK/);
  });

  it('refuses: the live database even with --force, an existing file without it, a forged backup', () => {
    expectFailure(cohort('coordinator', 'restore', '--from', out, '--db', db, '--force'), 'E_DB_IN_USE');
    expectFailure(cohort('coordinator', 'backup', '--db', db, '--out', out), 'E_CONFIG_INVALID');
    const existing = join(dir, 'existing.db');
    copyFileSync(out, existing);
    expectFailure(cohort('coordinator', 'restore', '--from', out, '--db', existing), 'E_CONFIG_INVALID');
    const forged = join(dir, 'forged.db');
    copyFileSync(out, forged);
    const f = new Database(forged);
    f.prepare(`UPDATE ledger SET canonical = canonical || ' ' WHERE seq = 1`).run();
    f.close();
    expectFailure(cohort('coordinator', 'restore', '--from', forged, '--db', existing, '--force'), 'E_BACKUP_INVALID');
    // A --db that is not a database at all: SQLite's refusal as one typed line, not a stack trace.
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n'.repeat(500));
    expectFailure(cohort('coordinator', 'backup', '--db', text, '--out', join(dir, 'from-text.db')), 'E_STORE');
    const refused = cohort('coordinator', 'restore', '--from', text, '--db', join(dir, 'to.db'));
    expectFailure(refused, 'E_BACKUP_INVALID');
    // The message names the file the operator gave, not the temporary copy.
    expect(refused.err).toContain(text);
    expect(refused.err).not.toContain('.restoring');
  });

  it('refuses typos in paths as one typed line each, and leaves no partial file behind', () => {
    const folder = mkdtempSync(join(dir, 'a-folder-'));
    const missing = join(dir, 'no-such-folder');
    for (const args of [
      ['backup', '--db', folder, '--out', join(dir, 'of-folder.db')],
      ['backup', '--db', db, '--out', join(missing, 'b.db')],
      ['restore', '--from', folder, '--db', join(dir, 'r1.db')],
      ['restore', '--from', out, '--db', join(missing, 'r2.db')],
      ['restore', '--from', out, '--db', folder, '--force'],
    ])
      expectFailure(cohort('coordinator', ...args), 'E_STORE');
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial') || f.endsWith('.restoring'))).toEqual([]);
  });
});
