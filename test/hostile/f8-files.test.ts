/**
 * Finding 8 of issue 16, the file items: databases holding model weights were
 * created 0644; token files were not checked for permissions or strength; a
 * `--schema` of /dev/zero got past the size check (st_size 0, then an endless
 * read); `ledger serve` would bind any address in plain http. Now databases
 * (and their -wal and -shm) and key files are 0600 whatever the umask; token
 * files must be owner-only and random (E_TOKEN_FILE); every user-named file is
 * read through one capped reader that refuses anything but a regular file;
 * and `ledger serve` binds loopback unless given TLS.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { readJsonFile, readPem, readPublicKeyFile, writeIdentityKey } from '../../edge/keys.ts';
import { readRosterFile } from '../../edge/roster-file.ts';
import { loadSchemaFile } from '../../client/intake/index.ts';
import { loadOrCreateSiteSecret } from '../../client/intake/secret.ts';
import { readFhirBundle } from '../../client/intake/fhir.ts';
import { readCappedFile } from '../../edge/capped-file.ts';
import { readTokenFile } from '../../coordinator/token-file.ts';
import { serveLedger } from '../../coordinator/ledger-http.ts';
import { CohortError } from '../../core/errors.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { ehrSchema } from '../core/data/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f8-files-'));
const mode = (p: string) => statSync(p).mode & 0o777;
const strong = () => randomBytes(32).toString('hex');

/** A file written with exactly `m` (chmod after: the umask only removes bits). */
function file(name: string, content: string, m = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, m);
  return p;
}

async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof CohortError) return e.code;
    throw e;
  }
  return 'ok';
}

/**
 * The real CLI run with `words` (split on spaces) and then `paths`, expected to
 * fail saying `refusal`; with a guard so that an endless read fails the test
 * instead of stalling it.
 */
function expectCliRefusal(refusal: RegExp, words: string, ...paths: string[]): void {
  const r = spawnSync('node', ['cohort.mjs', ...words.split(' '), ...paths], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).not.toBe(0);
  expect(r.stderr).toMatch(refusal);
}

describe('finding 8: files', () => {
  it('databases, their -wal and -shm, and key files are created 0600 under a umask of 000', async () => {
    const old = process.umask(0o000);
    try {
      const db = join(dir, 'coordinator.db');
      const c = new Coordinator({ dbPath: db, port: 0, requireEnrolment: true });
      await c.listen();
      c.enroll('rita', 'researcher', ed25519KeyPair().publicKey); // a write: the WAL file exists now
      for (const p of [db, `${db}-wal`, `${db}-shm`, `${db}.ledger.key`])
        expect([p, mode(p).toString(8)]).toEqual([p, '600']);
      await c.close();

      const state = join(dir, 'hospital.db');
      const h = openHospitalState(state);
      h.budget.setBudget('d', { epsilon: 1, delta: 1e-5, accountant: 'pld' });
      for (const p of [state, `${state}-wal`, `${state}-shm`]) expect([p, mode(p).toString(8)]).toEqual([p, '600']);
      h.close();

      writeIdentityKey(join(dir, 'id.key'));
      loadOrCreateSiteSecret(join(dir, 'site.secret'));
      expect(mode(join(dir, 'id.key')).toString(8)).toBe('600');
      expect(mode(join(dir, 'site.secret')).toString(8)).toBe('600');
    } finally {
      process.umask(old);
    }
  });

  it('a token file group or others can read, or one holding a weak token, is refused (E_TOKEN_FILE)', async () => {
    const token = strong();
    expect(readTokenFile(file('ok.token', `${token}\n`), 'token file')).toBe(token);
    expect(await codeOf(() => readTokenFile(file('loose.token', strong(), 0o644), 'token file'))).toBe('E_TOKEN_FILE');
    expect(await codeOf(() => readTokenFile(file('group.token', strong(), 0o640), 'token file'))).toBe('E_TOKEN_FILE');
    expect(await codeOf(() => readTokenFile(file('short.token', 'x'.repeat(31)), 'token file'))).toBe('E_TOKEN_FILE');
    expect(await codeOf(() => readTokenFile(file('same.token', 'a'.repeat(64)), 'token file'))).toBe('E_TOKEN_FILE');
    expect(await codeOf(() => readTokenFile(file('pattern.token', 'abcd'.repeat(16)), 'token file'))).toBe(
      'E_TOKEN_FILE',
    );
    expect(await codeOf(() => readTokenFile('/dev/zero', 'token file'))).toBe('E_TOKEN_FILE');
    // Through the CLI: `ledger serve` and `coordinator start --metrics-token-file` read their tokens this way.
    const db = join(dir, 'coordinator.db');
    expectCliRefusal(/E_TOKEN_FILE/, 'ledger serve --port 0 --db', db, '--token-file', join(dir, 'loose.token'));
    expectCliRefusal(
      /E_TOKEN_FILE/,
      'coordinator start --port 0 --dashboard-port 0 --db',
      join(dir, 'never.db'),
      '--metrics-token-file',
      join(dir, 'same.token'),
    );
  });

  it('/dev/zero, a FIFO and a file over the cap are refused at once wherever a user names a file', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const big = file('big.json', ' '.repeat(5 * 1024 * 1024));
    for (const special of ['/dev/zero', fifo]) {
      expect(await codeOf(() => loadSchemaFile(special))).toBe('E_SCHEMA_INVALID');
      expect(await codeOf(() => readJsonFile(special, 'E_JOB_SPEC'))).toBe('E_JOB_SPEC');
      expect(await codeOf(() => readJsonFile(special))).toBe('E_CONFIG_INVALID');
      expect(await codeOf(() => readRosterFile(special))).toBe('E_CONFIG_INVALID');
      expect(await codeOf(() => readPem(special))).toBe('E_CONFIG_INVALID');
      expect(await codeOf(() => readPublicKeyFile(special))).toBe('E_CONFIG_INVALID');
      expect(await codeOf(() => readFhirBundle(special, ehrSchema('fhir')))).toBe('E_DATA_FILE');
    }
    expect(await codeOf(() => readJsonFile(big, 'E_JOB_SPEC'))).toBe('E_JOB_SPEC');
    expect(await codeOf(() => loadSchemaFile(big))).toBe('E_SCHEMA_INVALID');
    // The cap holds on the bytes read, not on what stat said.
    expect(await codeOf(() => readCappedFile(big, { maxBytes: 1024, what: 'x', code: 'E_CONFIG_INVALID' }))).toBe(
      'E_CONFIG_INVALID',
    );
    const csv = file('data.csv', 'a,b\n1,2\n');
    expectCliRefusal(/E_SCHEMA_INVALID/, 'client inspect --schema /dev/zero --data', csv);
    expectCliRefusal(
      /E_JOB_SPEC/,
      'job submit /dev/zero --coordinator ws://127.0.0.1:1 --name rita --identity',
      join(dir, 'id.key'),
    );
  });

  it('`ledger serve` binds loopback by default and refuses any other address without TLS', async () => {
    const db = join(dir, 'coordinator.db');
    expect(existsSync(db)).toBe(true);
    expect(await codeOf(() => serveLedger({ db, token: strong(), host: '0.0.0.0' }))).toBe('E_CONFIG_INVALID');
    expect(await codeOf(() => serveLedger({ db, token: strong(), host: '::' }))).toBe('E_CONFIG_INVALID');
    expect(await codeOf(() => serveLedger({ db, token: 'a'.repeat(40) }))).toBe('E_CONFIG_INVALID'); // weak
    const { server } = await serveLedger({ db, token: strong() });
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
    server.close();
    expectCliRefusal(
      /E_CONFIG_INVALID.*plain http on 0\.0\.0\.0/,
      'ledger serve --host 0.0.0.0 --port 0 --db',
      db,
      '--token-file',
      join(dir, 'ok.token'),
    );
  });
});
