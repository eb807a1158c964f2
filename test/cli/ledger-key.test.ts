/**
 * A lost ledger key (coordinator/ledger-key.ts): a database whose ledger is bound to a key refuses to start or be
 * administered without its key file, creating none; restoring the file brings it back. A fresh database still
 * creates its key.
 */
import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';

describe('the ledger key file', () => {
  it('lost under an existing ledger: E_LEDGER_KEY_MISSING, no new key; restored: the ledger goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-ledger-key-'));
    const db = join(dir, 'c.db');
    const key = `${db}.ledger.key`;
    const hospital = join(dir, 'h.key');
    expect(cohort('keys', 'generate', '--out', hospital).code).toBe(0);
    // A fresh database: its first ledger entry creates the key file.
    expect(cohort('admin', 'enroll', '--db', db, '--role', 'hospital', '--name', 'a', '--pubkey', hospital).code).toBe(
      0,
    );
    expect(existsSync(key)).toBe(true);
    copyFileSync(key, join(dir, 'backup.key'));
    rmSync(key);

    const start = cohort('coordinator', 'start', '--db', db, '--port', '0');
    expectFailure(start, 'E_LEDGER_KEY_MISSING');
    expect(start.err).toContain(key);
    expect(existsSync(key)).toBe(false);
    expectFailure(cohort('admin', 'revoke', '--db', db, '--name', 'a'), 'E_LEDGER_KEY_MISSING');
    expect(existsSync(key)).toBe(false);

    copyFileSync(join(dir, 'backup.key'), key);
    expect(cohort('admin', 'revoke', '--db', db, '--name', 'a').out).toMatch(/revoked a/);
    expect(cohort('ledger', 'verify', '--db', db).code).toBe(0);
  });
});
