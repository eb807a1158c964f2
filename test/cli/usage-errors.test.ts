/**
 * A command line commander refuses (a required flag missing, also from a --config file; an unknown flag; a value its
 * parser refuses) is a refusal like any other: one typed line and exit 2, the code the systemd units do not restart on
 * (RestartPreventExitStatus=2, docs/deploy.md: "exit code 2: a refusal (a bad option, ...)"), and never exit 1, by which
 * `ledger verify` and `ledger check-proof` say the ledger or proof failed. And whatever bytes a refused file holds, or
 * a file another hospital handed over (a roster) quotes back, the refusal stays one line with no terminal escape.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort usage errors '));
const file = (name: string, content: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
/** A control character (ESC, CR, NUL...) anywhere in what was printed. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

describe('a command line commander refuses', () => {
  it('client start: a --config file without a required flag is E_CONFIG_INVALID, exit 2, naming the flag', () => {
    const config = file('client.json', JSON.stringify({ coordinator: 'ws://127.0.0.1:9', name: 'alpha' }));
    const r = cohort('client', 'start', '--config', config);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('--data');
  });

  it("coordinator start: a value outside the flag's choices is E_CONFIG_INVALID, exit 2, naming the flag", () => {
    const r = cohort('coordinator', 'start', '--db', join(dir, 'c.db'), '--log-level', 'loud');
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('--log-level');
  });

  it('ledger verify and check-proof: a bad command line is exit 2, never the 1 of a failed verification', () => {
    const verify = cohort('ledger', 'verify', '--db', join(dir, 'c.db'), '--witnes', 'w.note');
    expectFailure(verify, 'E_CONFIG_INVALID');
    expect(verify.err).toContain("'--witnes'");
    expectFailure(cohort('ledger', 'check-proof', '--coordinator-key', 'a'.repeat(64)), 'E_CONFIG_INVALID');
  });

  it('help and version still exit 0', () => {
    expect(cohort('ledger', 'verify', '--help').code).toBe(0);
    expect(cohort('--version').code).toBe(0);
  });
});

describe('a refusal quoting hostile bytes stays one printable line', () => {
  it("a roster file from another hospital: its unknown key's escapes and newline are not printed", () => {
    const roster = file('roster.json', JSON.stringify({ versions: [{ '\u001b[2J\u001b[32mroster OK\nx': 1 }] }));
    const r = cohort('roster', 'show', '--roster', roster);
    expectFailure(r, 'E_ROSTER_INVALID');
    expect(r.err.trimEnd()).not.toMatch(CONTROL);
  });

  it('a binary --config file: the parse error quoting it is one line without control characters', () => {
    const config = file('binary.json', Buffer.from('\u001b[2J\r\n\u0000\u0007garbage', 'latin1'));
    const r = cohort('coordinator', 'start', '--config', config);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err.trimEnd()).not.toMatch(CONTROL);
  });
});
