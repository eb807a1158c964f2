/**
 * `cohort client start` against a coordinator that refuses it for good (not
 * enrolled): the command ends with the refusal's code on one line, exit 2,
 * instead of reconnecting forever (test/client/handshake-refusal.test.ts has
 * the daemon's side, and the retries of transient failures).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { clientStartArgs, expectFailure, tinyCsvDataset } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-refused-'));
let coordinator: Coordinator | null = null;
afterAll(async () => {
  await coordinator?.close();
});

/** `cohort ...args` run asynchronously, so the coordinator in this process can answer it. */
function cohortAsync(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  return new Promise((resolve) => {
    execFile('node', ['cohort.mjs', ...args], { encoding: 'utf8' }, (e, out, err) =>
      resolve({ out, err, code: e ? ((e as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

describe('client start refused at the handshake', () => {
  it('exits 2 with E_AUTH_FAILED when the coordinator has not enrolled it', async () => {
    coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, requireEnrolment: true });
    const port = await coordinator.listen();
    const { schema, data } = tinyCsvDataset(dir, 'refused-v1');
    const r = await cohortAsync(...clientStartArgs(dir, `ws://127.0.0.1:${port}`, schema, data));
    expectFailure(r, 'E_AUTH_FAILED');
    expect(r.err).toMatch(/the coordinator refused this daemon \(alpha\).*Not reconnecting/);
  }, 120_000);
});
