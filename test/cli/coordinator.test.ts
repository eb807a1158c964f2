import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { cohort } from '../helpers/cli.ts';

describe('cohort admin enroll|revoke', () => {
  it('enrols from a key file or a hex public key, revokes, and records both in the verifiable ledger', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-admin-'));
    const db = join(dir, 'c.db');
    const keyFile = join(dir, 'h.key');
    const pub = cohort('keys', 'generate', '--out', keyFile).out.trim();
    expect(
      cohort('admin', 'enroll', '--db', db, '--role', 'hospital', '--name', 'cleveland', '--pubkey', keyFile).out,
    ).toMatch(/enrolled cleveland as hospital/);
    const hexFile = join(dir, 'rita.pub');
    writeFileSync(hexFile, `${pub}\n`);
    expect(
      cohort('admin', 'enroll', '--db', db, '--role', 'researcher', '--name', 'rita', '--pubkey', hexFile).code,
    ).toBe(0);
    expect(cohort('admin', 'revoke', '--db', db, '--name', 'cleveland').out).toMatch(/revoked cleveland/);
    const store = new CoordinatorStore(db);
    expect(store.identity('cleveland')!.revokedAt).not.toBeNull();
    expect(store.identity('rita')).toMatchObject({ role: 'researcher', publicKey: pub, revokedAt: null });
    store.close();
    const grants = readCoordinatorLedger(db)
      .entries.map((e) => JSON.parse(e.canonical))
      .filter((e) => e.kind === 'role-grant')
      .map((e) => [e.body.subject, e.body.role, e.body.granted]);
    expect(grants).toEqual([
      ['cleveland', 'hospital', true],
      ['rita', 'researcher', true],
      ['cleveland', 'hospital', false],
    ]);
    expect(cohort('ledger', 'verify', '--db', db).code).toBe(0);
  });

  it('refuses bad input with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-admin-'));
    const db = join(dir, 'c.db');
    const junk = join(dir, 'junk.pub');
    writeFileSync(junk, 'not a key');
    expect(cohort('admin', 'enroll', '--db', db, '--role', 'hospital', '--name', 'x', '--pubkey', junk).err).toMatch(
      /E_CONFIG_INVALID/,
    );
    expect(cohort('admin', 'enroll', '--db', db, '--role', 'janitor', '--name', 'x', '--pubkey', junk).err).toMatch(
      /Allowed choices are admin, researcher, auditor, hospital/,
    );
    expect(cohort('admin', 'revoke', '--db', db, '--name', 'nobody').err).toMatch(/nobody is not enrolled/);
  });
});
