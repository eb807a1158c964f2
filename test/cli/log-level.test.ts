/**
 * --log-level of the daemons (`coordinator start`, `client start`): it wins over COHORT_LOG_LEVEL (silent in the
 * tests), so a warning the daemon logs before its refusal shows on stdout only when the flag asks for it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';
import { writeIdentityKey } from '../../edge/keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-log-level-'));
const messages = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { msg: string }).msg);

describe('--log-level', () => {
  it('coordinator start: warn shows the INSECURE warnings logged before a refusal; the env level hides them', () => {
    // A plain-ws coordinator on 0.0.0.0 warns (--insecure), then stops at the missing token file, before binding.
    const args = ['coordinator', 'start', '--db', join(dir, 'c.db'), '--host', '0.0.0.0', '--insecure'];
    const refused = [...args, '--dashboard-port', '0', '--metrics-token-file', join(dir, 'none.token')];
    const loud = cohort(...refused, '--log-level', 'warn');
    expectFailure(loud, 'E_TOKEN_FILE');
    expect(messages(loud.out)).toContain('INSECURE: serving plain ws:// without TLS on a non-loopback address');
    const quiet = cohort(...refused);
    expectFailure(quiet, 'E_TOKEN_FILE');
    expect(quiet.out).toBe('');
  });

  it('client start: warn shows the missing-roster warning; an unknown level is refused by commander', () => {
    const identity = join(dir, 'h.key');
    writeIdentityKey(identity);
    const args = ['client', 'start', '--coordinator', 'ws://127.0.0.1:9', '--name', 'alpha', '--identity', identity];
    const start = [...args, '--schema', join(dir, 'none.json'), '--data', join(dir, 'none.csv')];
    const loud = cohort(...start, '--log-level', 'warn');
    expectFailure(loud, 'E_SCHEMA_INVALID');
    expect(messages(loud.out)).toContain('no roster (--roster): secure-aggregation jobs will be declined');
    expect(cohort(...start).out).toBe('');
    const bad = cohort(...start, '--log-level', 'loud');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Allowed choices are trace, debug, info, warn, error, fatal, silent/);
  });
});
