/**
 * `cohort client checkpoint --state DB`: the latest ledger checkpoint the
 * hospital cosigned, as a C2SP signed note carrying the coordinator's
 * signature and the hospital's cosignature, which any C2SP reader checks.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLedger } from '../../client/local-ledger.ts';
import {
  cosignatureOf,
  logOrigin,
  openCheckpoint,
  parseNote,
  verifyCosignature,
  witnessName,
} from '../../core/ledger/checkpoint.ts';
import { buildFixture, type Fixture } from '../core/ledger/fixture.ts';
import { ME, NOW_MS, view, witnessing } from '../client/witness-harness.ts';
import { cohort, expectFailure } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-client-checkpoint-'));
let f: Fixture;
const cosigned = join(dir, 'cosigned.db');
beforeAll(() => {
  f = buildFixture();
  const w = witnessing(f, { path: cosigned });
  w.connect(view(f.entries, f.coordinator));
  expect(w.cosignatures()).toHaveLength(1);
  w.ledger.close();
});

describe('cohort client checkpoint', () => {
  it("prints the coordinator's signed note with this hospital's cosignature line appended", () => {
    const r = cohort('client', 'checkpoint', '--state', cosigned);
    expect(r.code).toBe(0);
    const origin = logOrigin(f.coordinator.publicKey);
    const c = openCheckpoint(r.out, origin, f.coordinator.publicKey);
    expect(c?.size).toBe(f.entries.length);
    const { body, signatures } = parseNote(r.out);
    expect(signatures.map((s) => s.name)).toEqual([origin, witnessName(ME)]);
    const cosig = cosignatureOf(signatures[1]!, f.hospitals.get(ME)!.publicKey)!;
    expect(cosig.timestamp).toBe(NOW_MS / 1000);
    expect(verifyCosignature(body, cosig, f.hospitals.get(ME)!.publicKey)).toBe(true);
    // Not another hospital's: its key gives another key ID.
    expect(cosignatureOf(signatures[1]!, f.hospitals.get('h2')!.publicKey)).toBeNull();
  });

  it('with --json, prints the fields and the same note', () => {
    const text = cohort('client', 'checkpoint', '--state', cosigned).out;
    const r = cohort('client', 'checkpoint', '--state', cosigned, '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j).toMatchObject({
      size: f.entries.length,
      witness: witnessName(ME),
      publicKey: Buffer.from(f.hospitals.get(ME)!.publicKey).toString('hex'),
      timestamp: NOW_MS / 1000,
      note: text,
    });
    expect(Buffer.from(j['root'] as string, 'base64')).toHaveLength(32);
    expect(Buffer.from(j['signature'] as string, 'base64')).toHaveLength(64);
  });

  it('says so, exit 1, when the hospital has cosigned nothing yet', () => {
    const empty = join(dir, 'empty.db');
    new LocalLedger(empty).close();
    const r = cohort('client', 'checkpoint', '--state', empty);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/cosigned no ledger checkpoint yet/);
  });

  it('refuses a missing file or one that is not a hospital state database with E_STORE, creating nothing', () => {
    const missing = join(dir, 'missing.db');
    expectFailure(cohort('client', 'checkpoint', '--state', missing), 'E_STORE');
    expect(existsSync(missing)).toBe(false);
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database\n');
    expectFailure(cohort('client', 'checkpoint', '--state', text), 'E_STORE');
  });
});
