/**
 * Files written by a Windows editor start with a UTF-8 byte-order mark: the
 * real `cohort` commands read them as the same file without it (a --config
 * file, a roster file, an identity key file), not as "Unexpected token".
 */
import { describe, it, expect, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { genesisRoster, rosterFingerprint } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-cli-bom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** `text` after a BOM, as Notepad saves "UTF-8 with BOM", mode 0600. */
const withBom = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, `\uFEFF${text}`, { mode: 0o600 });
  chmodSync(p, 0o600);
  return p;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('files with a byte-order mark', () => {
  it("coordinator start --config: the file is read (its value then meets the flag's validation)", () => {
    const f = withBom('coordinator.json', JSON.stringify({ db: join(dir, 'c.db'), port: 0, 'max-frame-bytes': 10 }));
    const r = cohort('coordinator', 'start', '--config', f);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('--max-frame-bytes');
    expect(r.err).not.toContain('JSON');
  });

  it('roster verify reads a roster file, and roster fingerprint an identity key file', () => {
    const id = ed25519KeyPair();
    const roster = withBom('roster.json', JSON.stringify(genesisRoster('eu-net', [{ name: 'ams', identity: id }])));
    const verified = cohort('roster', 'verify', '--roster', roster);
    expect(verified.err).toBe('');
    expect(verified.out).toMatch(/^roster eu-net v1 verified: 1 members/);
    const key = withBom(
      'ams.key',
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: hex(id.secretKey), publicKey: hex(id.publicKey) }),
    );
    const printed = cohort('roster', 'fingerprint', '--key', key);
    expect(printed.err).toBe('');
    expect(printed.out).toBe(`${rosterFingerprint(hex(id.publicKey))}\n`);
  });
});
