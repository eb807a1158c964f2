/**
 * A UTF-8 byte-order mark (EF BB BF) at the start of a file a user names:
 * Windows editors (Notepad before 2019, PowerShell's Out-File) write one, and
 * JSON.parse refuses it. Every text file cohort reads (JSON configuration,
 * job specs and policies, roster files, identity and public key files, token
 * files, a hospital's intake schemas) is read with one leading BOM stripped (edge/capped-file.ts fileText); a
 * second one, or one further in, is still the file's content.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIdentityKey, readJsonFile, readPublicKeyFile } from '../../edge/keys.ts';
import { readRosterFile } from '../../edge/roster-file.ts';
import { readTokenFile } from '../../coordinator/token-file.ts';
import { readJsonFile as readIntakeJson } from '../../client/intake/json-file.ts';
import { genesisRoster } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { errorCode } from '../helpers/errors.ts';

const BOM = '\uFEFF';
const dir = mkdtempSync(join(tmpdir(), 'cohort-bom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** `text` written as UTF-8 (a BOM in it becomes EF BB BF), mode 0600. */
const file = (text: string): string => {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, text, { mode: 0o600 });
  chmodSync(p, 0o600);
  return p;
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('a leading byte-order mark', () => {
  it('is stripped from a JSON configuration file (config, job spec, policy)', () => {
    const p = file(`${BOM}{"port": 7700}\n`);
    expect(readJsonFile(p)).toEqual({ port: 7700 });
    expect(readJsonFile(p, 'E_JOB_SPEC')).toEqual({ port: 7700 });
  });

  it('is stripped from a roster file, whose signatures still verify (they cover the parsed body)', () => {
    const id = ed25519KeyPair();
    const chain = genesisRoster('eu-net', [{ name: 'ams', identity: id }]);
    expect(readRosterFile(file(`${BOM}${JSON.stringify(chain, null, 2)}\n`))).toEqual(chain);
  });

  it('is stripped from an identity key file and a public key file, in either form', () => {
    const id = ed25519KeyPair();
    const json = JSON.stringify({ kind: 'cohort-ed25519', secretKey: hex(id.secretKey), publicKey: hex(id.publicKey) });
    const key = file(`${BOM}${json}\r\n`);
    expect(readIdentityKey(key)).toEqual(id);
    expect(readPublicKeyFile(key)).toEqual(id.publicKey);
    expect(readPublicKeyFile(file(`${BOM}${hex(id.publicKey)}\r\n`))).toEqual(id.publicKey);
  });

  it("is stripped from a hospital's intake schema file", async () => {
    const o = { maxBytes: 1024, what: 'schema', code: 'E_SCHEMA_INVALID' } as const;
    expect(await readIntakeJson(file(`${BOM}{"format": "csv"}\n`), o)).toEqual({ format: 'csv' });
  });

  it('is stripped from a token file', () => {
    const token = 'c0ffee'.repeat(8) + '0123456789abcdef';
    expect(readTokenFile(file(`${BOM}${token}\n`), 'metrics token file')).toBe(token);
  });

  it('only one, and only at the start: a second BOM, or one further in, is content (and not JSON)', () => {
    expect(readJsonFile(file(`${BOM}"x${BOM}"`))).toBe(`x${BOM}`);
    expect(errorCode(() => readJsonFile(file(`${BOM}${BOM}{}`)))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => readJsonFile(file(` ${BOM}{}`)))).toBe('E_CONFIG_INVALID');
  });
});
