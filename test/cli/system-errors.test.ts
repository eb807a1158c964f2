/**
 * Issue 21's "raw Node stack traces": a missing --data or --schema file, an --out into a missing folder, a missing
 * metrics token file, a port already in use. Each is one typed line and exit 2 (expectFailure), never a stack trace.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:net';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { cohort, expectFailure, startWithoutCoordinator } from '../helpers/cli.ts';

const SCHEMA = 'simulations/synthetic-ehr/schemas/csv.schema.json';
const dir = mkdtempSync(join(tmpdir(), 'cohort-system-errors-'));
const missing = join(dir, 'no-such-folder');

describe('a missing --data or --schema file', () => {
  it('client inspect: E_DATA_FILE for the data, E_SCHEMA_INVALID for the schema', () => {
    expectFailure(cohort('client', 'inspect', '--data', join(missing, 'a.csv'), '--schema', SCHEMA), 'E_DATA_FILE');
    const data = join(dir, 'a.csv');
    writeFileSync(data, 'x\n1\n');
    expectFailure(cohort('client', 'inspect', '--data', data, '--schema', join(missing, 's.json')), 'E_SCHEMA_INVALID');
  });

  it('client start: the same refusals, before any connection is tried', () => {
    expectFailure(startWithoutCoordinator(dir, SCHEMA, join(missing, 'a.csv')), 'E_DATA_FILE');
  });

  it('client start: a bad policy file is reported before the dataset is read', () => {
    const policy = join(dir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ requireDp: 'sometimes' }));
    // The data path is missing too: the policy's error must come first, not after a whole intake.
    // A folder of its own: the identity key written in `dir` by the test before is not overwritten.
    const own = mkdtempSync(join(dir, 'policy-'));
    const r = startWithoutCoordinator(own, SCHEMA, join(missing, 'a.csv'), '--policy', policy);
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(r.err).toContain('policy');
  });
});

describe('an --out into a missing folder', () => {
  it('keys generate is E_CONFIG_INVALID and creates nothing', () => {
    expectFailure(cohort('keys', 'generate', '--out', join(missing, 'h.key')), 'E_CONFIG_INVALID');
    expect(existsSync(missing)).toBe(false);
  });

  it('roster init is E_CONFIG_INVALID and creates nothing', () => {
    const key = join(dir, 'member.key');
    expect(cohort('keys', 'generate', '--out', key).code).toBe(0);
    const r = cohort('roster', 'init', '--network', 'n', '--member', `alpha=${key}`, '--out', join(missing, 'r.json'));
    expectFailure(r, 'E_CONFIG_INVALID');
    expect(existsSync(missing)).toBe(false);
  });
  // ledger export --out: test/cli/ledger-bad-input.test.ts; simulate --json and --workdir: test/cli/simulate.test.ts;
  // job download --out: test/client/model-export.test.ts ("an --out that cannot be written ...").
});

describe('a missing metrics token file', () => {
  it('coordinator start --metrics-token-file is E_TOKEN_FILE before anything listens', () => {
    const r = cohort(
      'coordinator',
      'start',
      '--db',
      join(dir, 'token.db'),
      '--port',
      '0',
      '--dashboard-port',
      '0',
      '--metrics-token-file',
      join(dir, 'none.token'),
    );
    expectFailure(r, 'E_TOKEN_FILE');
  });
});

describe('a port already in use', () => {
  let taken: Server;
  let port: string;
  const token = join(dir, 'auditor.token');

  beforeAll(async () => {
    writeFileSync(token, randomBytes(32).toString('hex'));
    chmodSync(token, 0o600);
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = String((taken.address() as { port: number }).port);
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('coordinator start --port is E_LISTEN naming the address', () => {
    const r = cohort('coordinator', 'start', '--db', join(dir, 'port.db'), '--port', port);
    expectFailure(r, 'E_LISTEN');
    expect(r.err).toContain(`127.0.0.1:${port}`);
  });

  it('coordinator start --dashboard-port is E_LISTEN', () => {
    const r = cohort('coordinator', 'start', '--db', join(dir, 'dash.db'), '--port', '0', '--dashboard-port', port);
    expectFailure(r, 'E_LISTEN');
  });

  it('ledger serve --port is E_LISTEN', () => {
    const r = cohort('ledger', 'serve', '--db', join(dir, 'port.db'), '--token-file', token, '--port', port);
    expectFailure(r, 'E_LISTEN');
  });
});
