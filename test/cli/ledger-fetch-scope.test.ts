/**
 * `cohort ledger fetch` against a lying coordinator (played by the test) that
 * answers a reader of the whole ledger with `scope: 'own'`: a page of a few
 * entries, each sealed with its key. Taken as it stands, the fetch would
 * check those seals only and report "ledger OK (your own)", hiding every
 * other entry from the auditor. Without --own the whole ledger is expected
 * and anything less is E_LEDGER_SCOPE (exit 2); a hospital reading its own
 * entries says --own, and gets its seal-by-seal check.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GENESIS_HASH, sealEntry, type LedgerEntry } from '../../core/ledger/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import { writeIdentityKey } from '../../edge/keys.ts';
import { fakeCoordinator, type FakeCoordinator } from '../helpers/fake-coordinator.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-fetch-scope-'));
const ledgerKey = ed25519KeyPair();
const keyHex = Buffer.from(ledgerKey.publicKey).toString('hex');
const reader = join(dir, 'reader.key');
const grant: LedgerEntry = {
  seq: 1,
  at: 1_700_000_000_000,
  kind: 'role-grant',
  jobId: '',
  round: 0,
  body: { subject: 'aud', role: 'auditor', granted: true, publicKey: 'ab'.repeat(32) },
  prevHash: GENESIS_HASH,
};
let scope: 'all' | 'own' = 'own';
let fake: FakeCoordinator;

beforeAll(async () => {
  writeIdentityKey(reader);
  const page = () => ({
    coordinatorKey: keyHex,
    scope,
    entries: [sealEntry(grant, ledgerKey.secretKey)],
    receipts: [],
    more: false,
    lastSeq: 1,
  });
  fake = await fakeCoordinator(() => undefined, [], {
    onFrame: (env, send) => {
      const r = env.request;
      if (env.body !== 'request' || r?.action !== 'ledger.read') return;
      send({ reply: { id: r.id ?? 0, json: JSON.stringify(page()) } });
    },
  });
});
afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real `cohort ledger fetch`, pinned to the coordinator's key, with its exit code and output. */
async function fetch(...extra: string[]): Promise<{ code: number; out: string; err: string }> {
  const args = ['ledger', 'fetch', '--coordinator', fake.url, '--name', 'aud', '--identity', reader];
  try {
    const r = await promisify(execFile)('node', ['cohort.mjs', ...args, '--coordinator-key', keyHex, ...extra], {
      encoding: 'utf8',
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: String(x.stdout), err: String(x.stderr) };
  }
}

describe('ledger fetch: the scope the coordinator answers with', () => {
  it("an auditor's fetch answered with a hospital's own entries is refused, not checked seal by seal", async () => {
    scope = 'own';
    for (const extra of [[], ['--json']]) {
      const r = await fetch(...extra);
      expect(r.out).not.toMatch(/ledger OK|"ok": true/);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^cohort: E_LEDGER_SCOPE: /);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('a hospital that asks for its own entries (--own) gets them checked seal by seal', async () => {
    scope = 'own';
    const r = await fetch('--own');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ledger OK: 1 entries \(your own\); checked each entry's hash and seal/);
  });

  it('--own answered with the whole ledger is refused too: the reader asked for one view and got another', async () => {
    scope = 'all';
    const r = await fetch('--own', '--job', 'j1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cohort: E_LEDGER_SCOPE: /);
  });

  it('--own with --checkpoint is refused before any connection (an audit state is of the whole ledger)', async () => {
    const r = await fetch('--own', '--checkpoint', join(dir, 'audit.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^cohort: E_CONFIG_INVALID: --checkpoint .*without --own/);
  });
});
