/**
 * The ledger of a real 20-round simulated job (fed-heart-disease, record-level
 * DP, secure aggregation), tampered with by direct SQL edits of the
 * coordinator's database: `cohort ledger verify` must fail on each edit and
 * name the entry, and pass on the untouched ledger. The ledger is a Merkle
 * tree with a checkpoint per entry, cosigned by the four hospitals as
 * witnesses (receipts are legacy: their tamper tests are in
 * test/core/ledger/verify.test.ts and ledger-migration.test.ts).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runFedHeartDisease, CENTERS } from '../../simulations/fed-heart-disease.ts';
import { verifyFiles, verifyFilesParallel } from '../../coordinator/ledger-audit.ts';
import { headOf, readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { sealEntry } from '../../core/ledger/index.ts';
import {
  checkpointBody,
  cosignatureLine,
  logOrigin,
  parseCheckpointBody,
  parseNote,
  signCheckpoint,
  witnessName,
} from '../../core/ledger/checkpoint.ts';
import { leafHash, MerkleTree } from '../../core/ledger/merkle.ts';
import { GENESIS_HASH, type LedgerEntry, type RoundBody } from '../../core/ledger/types.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';

let db = '';
let states: string[] = [];
let dir = '';

beforeAll(async () => {
  const r = await runFedHeartDisease({ rounds: 20, seed: 4, dp: { unit: 'record', epsilon: 2 } });
  db = r.dbPath;
  states = CENTERS.map((c) => db.replace(/(\.db)?$/, `-${c}-state.db`));
  dir = mkdtempSync(join(tmpdir(), 'cohort-tamper-'));
}, 120_000);

/** A copy of the database with `sql` applied (WAL folded in first, so the copy is complete). */
function tampered(name: string, edit: (d: Database.Database) => void): string {
  const src = new Database(db);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  const path = join(dir, `${name}.db`);
  copyFileSync(db, path);
  const d = new Database(path);
  edit(d);
  d.close();
  return path;
}

const entries = (d: Database.Database) =>
  d.prepare('SELECT seq, canonical FROM ledger ORDER BY seq').all() as { seq: number; canonical: string }[];
const firstRoundSeq = (d: Database.Database, nth = 0) =>
  entries(d).filter((e) => (JSON.parse(e.canonical) as LedgerEntry).kind === 'round')[nth]!.seq;

/** A copy of the database with the `nth` round entry's cumulative ε lowered in place (hash, seal and leaf kept). */
function epsilonLowered(name: string, nth: number): { path: string; seq: number } {
  let seq = 0;
  const path = tampered(name, (d) => {
    seq = firstRoundSeq(d, nth);
    const e = entries(d).find((x) => x.seq === seq)!;
    const changed = e.canonical.replace(/"cumulativeEpsilon":([0-9.e-]+)/, '"cumulativeEpsilon":0.001');
    expect(changed).not.toBe(e.canonical);
    d.prepare('UPDATE ledger SET canonical = ? WHERE seq = ?').run(changed, seq);
  });
  return { path, seq };
}

/**
 * The note `hospital` keeps of the checkpoint of `size` it cosigned: the
 * coordinator's stored note with the stored cosignature's line appended.
 */
function witnessNoteOf(hospital: string, size: number): string {
  const d = new Database(db, { readonly: true });
  try {
    const note = d.prepare('SELECT note FROM ledger_checkpoints WHERE size = ?').pluck().get(size) as string;
    const c = d
      .prepare('SELECT timestamp, signature FROM ledger_cosignatures WHERE witness = ? AND size = ?')
      .get(hospital, size) as { timestamp: number; signature: Buffer };
    const key = readCoordinatorLedger(db).hospitalKeys.get(hospital)!;
    expect(checkpointBody(parseCheckpointBody(parseNote(note).body))).toBe(parseNote(note).body);
    const line = cosignatureLine(
      { name: witnessName(hospital), timestamp: c.timestamp, signature: new Uint8Array(c.signature) },
      new Uint8Array(Buffer.from(key, 'hex')),
    );
    return note + line;
  } finally {
    d.close();
  }
}

describe('ledger verify on a 20-round simulated job', () => {
  it('the untouched ledger verifies against the coordinator and every hospital copy, and every epsilon recomputes', () => {
    const r = verifyFiles({ db, hospitalLedger: states });
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    const data = readCoordinatorLedger(db);
    const rounds = data.entries.map((e) => JSON.parse(e.canonical) as LedgerEntry).filter((e) => e.kind === 'round');
    // 20 training rounds and the final evaluation's release (round 21).
    expect(rounds).toHaveLength(21);
    expect((rounds.at(-1)!.body as RoundBody).spends[0]!.mechanism).toMatchObject({
      kind: 'discrete-gaussian',
      steps: 1,
    });
    for (const e of rounds) expect((e.body as RoundBody).spends.length).toBeGreaterThanOrEqual(3);
    // The latest checkpoint covers every entry, each hospital cosigned it, and so every spend is witnessed:
    // no seal needed checking.
    expect(r).toMatchObject({
      checkpointSize: data.entries.length,
      cosignaturesVerified: CENTERS.length,
      spendsWitnessed: rounds.reduce((n, e) => n + (e.body as RoundBody).spends.length, 0),
      sealsChecked: 0,
    });
    expect(r.witnessed).toEqual(Object.fromEntries(CENTERS.map((c) => [c, data.entries.length])));
    // And through the CLI, exit 0.
    const out = execFileSync('node', ['cohort.mjs', 'ledger', 'verify', '--db', db, '--hospital-ledger', ...states], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/^ledger OK/);
    expect(out).toContain(`witnesses: ${CENTERS.length} cosignature(s) verified`);
  });

  const failsAt = (path: string, extra: Partial<Parameters<typeof verifyFiles>[0]> = {}) => {
    const r = verifyFiles({ db: path, ...extra });
    expect(r.ok).toBe(false);
    return r.failures[0]!;
  };

  it('an epsilon changed in place: hash mismatch at that entry (and the CLI exits 1 naming it)', () => {
    const { path, seq } = epsilonLowered('epsilon', 5);
    const f = failsAt(path);
    expect(f.seq).toBe(seq);
    expect(f.code).toBe('hash-mismatch');
    let out = '';
    let status = 0;
    try {
      execFileSync('node', ['cohort.mjs', 'ledger', 'verify', '--db', path], { encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      out = String((e as { stdout: string }).stdout);
      status = (e as { status: number }).status;
    }
    expect(status).toBe(1);
    expect(out).toContain(`ledger FAILED at entry ${seq}`);
  });

  it('with epsilon recomputed on two threads, the report is the one-thread report, failures included', async () => {
    const clean = await verifyFilesParallel({ db, hospitalLedger: states, workers: 2 });
    const one = verifyFiles({ db, hospitalLedger: states });
    expect(clean.ok).toBe(true);
    expect(clean.spendsRecomputed).toBe(one.spendsRecomputed);
    expect(clean.spendsRecomputed).toBeGreaterThan(60);
    expect(clean.checkpoint).toEqual(one.checkpoint);
    // A cumulative epsilon lowered in place: beside the hash and tree failures, recomputation names the
    // entry, and both paths report the same failures.
    const { path, seq } = epsilonLowered('epsilon-parallel', 7);
    const two = await verifyFilesParallel({ db: path, workers: 2 });
    expect(two.failures).toEqual(verifyFiles({ db: path }).failures);
    expect(two.failures.find((f) => f.code === 'epsilon-mismatch')?.seq).toBe(seq);
    expect(two.checkpoint).toBeNull();
  });

  it('an epsilon changed and the entry re-hashed: the signature no longer verifies', () => {
    let seq = 0;
    const path = tampered('epsilon-rehashed', (d) => {
      seq = firstRoundSeq(d, 5);
      const e = entries(d).find((x) => x.seq === seq)!;
      const parsed = JSON.parse(e.canonical) as LedgerEntry;
      (parsed.body as RoundBody).spends[0]!.epsilon = 0.001;
      // A forger re-seals with a key of their own, keeping the stored signature's length.
      const forged = sealEntry(parsed, ed25519KeyPair().secretKey);
      d.prepare('UPDATE ledger SET canonical = ?, hash = ?, signature = ? WHERE seq = ?').run(
        forged.canonical,
        forged.hash,
        forged.signature,
        seq,
      );
    });
    const f = failsAt(path);
    expect(f.seq).toBe(seq);
  });

  it('a middle entry deleted', () => {
    let seq = 0;
    const path = tampered('delete', (d) => {
      seq = firstRoundSeq(d, 10);
      d.prepare('DELETE FROM ledger WHERE seq = ?').run(seq);
    });
    const f = failsAt(path);
    expect([seq, seq + 1]).toContain(f.seq);
  });

  it('the tail truncated: caught by the latest checkpoint; truncated with its checkpoints and cosignatures, passes on its own but fails against the head saved before or a witness note', () => {
    const head = headOf(readCoordinatorLedger(db))!;
    const headFile = join(dir, 'head.json');
    writeFileSync(headFile, JSON.stringify(head));
    const rowsOnly = tampered('truncate-rows', (d) => d.prepare('DELETE FROM ledger WHERE seq > ?').run(head.seq - 3));
    expect(failsAt(rowsOnly)).toMatchObject({ seq: head.seq, code: 'checkpoint-mismatch' });
    // A careful truncation drops the checkpoints and cosignatures of the removed entries too.
    const path = tampered('truncate', (d) => {
      d.prepare('DELETE FROM ledger WHERE seq > ?').run(head.seq - 3);
      d.prepare('DELETE FROM ledger_checkpoints WHERE size > ?').run(head.seq - 3);
      d.prepare('DELETE FROM ledger_cosignatures WHERE size > ?').run(head.seq - 3);
    });
    expect(verifyFiles({ db: path }).ok).toBe(true);
    const f = failsAt(path, { head: headFile });
    expect(f.seq).toBe(head.seq);
    expect(f.code).toBe('head-missing');
    // The note a hospital kept of the checkpoint it cosigned (as `cohort client checkpoint` prints it).
    const note = witnessNoteOf('va', head.seq);
    const noteFile = join(dir, 'va-checkpoint.txt');
    writeFileSync(noteFile, note);
    expect(verifyFiles({ db, witness: [noteFile] }).ok).toBe(true);
    const w = failsAt(path, { witness: [noteFile] });
    expect(w).toMatchObject({ seq: head.seq, code: 'checkpoint-mismatch' });
    expect(w.message).toContain('va cosigned');
  });

  it('two entries swapped', () => {
    let seq = 0;
    const path = tampered('reorder', (d) => {
      seq = firstRoundSeq(d, 3);
      const rows = d
        .prepare('SELECT seq, canonical, hash, signature FROM ledger WHERE seq IN (?, ?) ORDER BY seq')
        .all(seq, seq + 1) as { seq: number; canonical: string; hash: string; signature: string }[];
      const set = d.prepare('UPDATE ledger SET canonical = ?, hash = ?, signature = ? WHERE seq = ?');
      set.run(rows[1]!.canonical, rows[1]!.hash, rows[1]!.signature, seq);
      set.run(rows[0]!.canonical, rows[0]!.hash, rows[0]!.signature, seq + 1);
    });
    expect(failsAt(path).seq).toBe(seq);
  });

  it('a cosignature moved to another hospital, or to another size: bad-cosignature there', () => {
    let size = 0;
    const swapped = tampered('cosignature-witness', (d) => {
      const [a, b] = d
        .prepare(
          'SELECT witness, size, signature FROM ledger_cosignatures WHERE size = (SELECT MAX(size) FROM ledger_cosignatures) ORDER BY witness LIMIT 2',
        )
        .all() as { witness: string; size: number; signature: Buffer }[];
      const set = d.prepare('UPDATE ledger_cosignatures SET signature = ? WHERE witness = ? AND size = ?');
      set.run(b!.signature, a!.witness, a!.size);
      set.run(a!.signature, b!.witness, b!.size);
      size = a!.size;
    });
    expect(failsAt(swapped)).toMatchObject({ seq: size, code: 'bad-cosignature' });
    const moved = tampered('cosignature-size', (d) => {
      const a = d
        .prepare('SELECT witness, MAX(size) AS size FROM ledger_cosignatures GROUP BY witness ORDER BY witness LIMIT 1')
        .get() as { witness: string; size: number };
      d.prepare('UPDATE ledger_cosignatures SET size = ? WHERE witness = ? AND size = ?').run(
        a.size + 1,
        a.witness,
        a.size,
      );
      size = a.size + 1;
    });
    // Beyond the rows: a cosignature of a size the ledger never reached verifies over nothing.
    expect(failsAt(moved)).toMatchObject({ seq: size, code: 'bad-cosignature' });
  });

  it('the coordinator key replaced, alone or with the whole history re-signed under it', () => {
    const attacker = ed25519KeyPair();
    const attackerHex = Buffer.from(attacker.publicKey).toString('hex');
    const keyOnly = tampered('key', (d) =>
      d.prepare(`UPDATE meta SET value = ? WHERE key = 'ledger_key'`).run(attackerHex),
    );
    const f = failsAt(keyOnly);
    expect(f.seq).toBe(1);
    expect(f.code).toBe('bad-signature');

    // History rewritten consistently under the attacker's key: only an anchor kept out of band catches it.
    const head = headOf(readCoordinatorLedger(db))!;
    const headFile = join(dir, 'head-2.json');
    writeFileSync(headFile, JSON.stringify(head));
    const rewrite = (name: string, keepCosignatures: boolean) =>
      tampered(name, (d) => {
        let prev = GENESIS_HASH;
        for (const e of entries(d)) {
          const parsed = JSON.parse(e.canonical) as LedgerEntry;
          const forged = sealEntry({ ...parsed, prevHash: prev }, attacker.secretKey);
          d.prepare('UPDATE ledger SET canonical = ?, hash = ?, signature = ? WHERE seq = ?').run(
            forged.canonical,
            forged.hash,
            forged.signature,
            e.seq,
          );
          prev = forged.hash;
        }
        d.prepare(`UPDATE meta SET value = ? WHERE key = 'ledger_key'`).run(attackerHex);
        d.prepare('DELETE FROM ledger_receipts').run();
        // The checkpoints re-signed under the attacker's key (its own origin); the hospitals' cosignatures cannot be.
        const tree = MerkleTree.fromLeafHashes(entries(d).map((e) => leafHash(e.canonical)));
        const origin = logOrigin(attacker.publicKey);
        for (const size of d.prepare('SELECT size FROM ledger_checkpoints').pluck().all() as number[])
          d.prepare('UPDATE ledger_checkpoints SET note = ? WHERE size = ?').run(
            signCheckpoint({ origin, size, root: tree.root(size) }, attacker.secretKey, attacker.publicKey),
            size,
          );
        if (!keepCosignatures) d.prepare('DELETE FROM ledger_cosignatures').run();
      });
    const rewritten = rewrite('rewrite', false);
    // With the hospitals' cosignatures left in place: none verifies under the attacker's origin.
    expect(failsAt(rewrite('rewrite-cosigned', true)).code).toBe('bad-cosignature');
    expect(verifyFiles({ db: rewritten }).ok).toBe(true); // self-consistent on its own
    expect(failsAt(rewritten, { head: headFile }).seq).toBe(1); // the pinned key rejects the very first entry
    // And the hospitals' copies disagree with every rewritten entry they hold.
    expect(failsAt(rewritten, { hospitalLedger: [states[0]!] }).code).toBe('hospital-disagrees');
  });
});

describe("reading the ledger: show/export and the auditors' HTTP endpoint", () => {
  it('exports one row per hospital spend as JSON and CSV, filtered by job and hospital', () => {
    const rows = JSON.parse(
      execFileSync(
        'node',
        ['cohort.mjs', 'ledger', 'export', '--db', db, '--format', 'json', '--hospital', 'cleveland'],
        { encoding: 'utf8' },
      ),
    ) as { kind: string; hospital: string; cumulativeEpsilon: number; receipted: boolean; witnessed: boolean }[];
    const spends = rows.filter((r) => r.kind === 'round');
    expect(spends.length).toBeGreaterThan(10);
    // Cosigned, not receipted: receipts are legacy.
    expect(spends.every((r) => r.hospital === 'cleveland' && r.witnessed && !r.receipted)).toBe(true);
    // Cumulative epsilon only grows, and ends at or below the job's target of 2.
    for (let i = 1; i < spends.length; i++)
      expect(spends[i]!.cumulativeEpsilon).toBeGreaterThan(spends[i - 1]!.cumulativeEpsilon);
    expect(spends.at(-1)!.cumulativeEpsilon).toBeLessThanOrEqual(2);
    const csv = execFileSync('node', ['cohort.mjs', 'ledger', 'export', '--db', db, '--format', 'csv'], {
      encoding: 'utf8',
    });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,at,kind,jobId,round,hospital,unit,mechanism,epsilon,cumulativeEpsilon,delta,bound,survivors,modelHash,receipted,witnessed,hash',
    );
    expect(lines.some((l) => l.includes(',job-created,'))).toBe(true);
    expect(lines.some((l) => l.includes(',job-ended,'))).toBe(true);
  });

  it('serves the same read-only, to a bearer of the auditor token only', async () => {
    const { serveLedger } = await import('../../coordinator/ledger-http.ts');
    const token = randomBytes(32).toString('hex'); // a weak one is refused (test/hostile/f8-files.test.ts)
    const { server, port } = await serveLedger({ db, token });
    try {
      const get = (path: string, auth: string | null = `Bearer ${token}`, method = 'GET') =>
        fetch(`http://127.0.0.1:${port}${path}`, { method, headers: auth ? { authorization: auth } : {} });
      expect((await get('/ledger', null)).status).toBe(401);
      expect((await get('/ledger', `Bearer ${'b'.repeat(40)}`)).status).toBe(401);
      expect((await get('/ledger', `Bearer ${token}`, 'DELETE')).status).toBe(405);
      expect((await get('/nope')).status).toBe(404);
      expect((await get('/ledger?format=xml')).status).toBe(400);
      const rows = (await (await get('/ledger?hospital=va')).json()) as { hospital: string }[];
      expect(rows.length).toBeGreaterThan(0);
      const csv = await (await get('/ledger?format=csv')).text();
      expect(csv.startsWith('seq,at,kind')).toBe(true);
      const head = (await (await get('/ledger/head')).json()) as { seq: number };
      expect(head.seq).toBe(headOf(readCoordinatorLedger(db))!.seq);
      const report = (await (await get('/ledger/verify')).json()) as { ok: boolean };
      expect(report.ok).toBe(true);
      const budget = (await (await get('/ledger/budget')).json()) as { hospital: string; epsilon: number }[];
      expect(budget.map((b) => b.hospital).sort()).toEqual([...CENTERS].sort());
    } finally {
      server.close();
    }
  });

  it('refuses a short token', async () => {
    const { serveLedger } = await import('../../coordinator/ledger-http.ts');
    await expect(serveLedger({ db, token: 'short' })).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
  });
});
