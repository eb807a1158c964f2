/**
 * The dashboard's ledger verifier (coordinator/dashboard/ledger-verifier.ts):
 * a worker thread that verifies only what is new since its last verification,
 * agrees with a full `ledger verify`, catches history rewritten before its
 * checkpoint (the tip check, or the next full pass), keeps the event loop
 * free, survives its thread's crash, and leaves no thread behind on close.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { verifyFiles } from '../../../coordinator/ledger-audit.ts';
import {
  DEFAULT_LEDGER_VERIFIER,
  LedgerVerifier,
  ledgerVerifierOptions,
  startVerifierThread,
  type LedgerVerifierOptions,
  type LedgerVerifierDeps,
  type LedgerVerifyView,
  type VerifierWorkerFactory,
} from '../../../coordinator/dashboard/ledger-verifier.ts';
import { auditFigures } from '../../../coordinator/dashboard/incremental-audit.ts';
import { DashboardServer } from '../../../coordinator/dashboard/server.ts';
import { CoordinatorMetrics } from '../../../coordinator/dashboard/metrics.ts';
import type { LedgerView } from '../../../coordinator/dashboard/api.ts';
import { loginCookie } from '../../helpers/dashboard-fixture.ts';
import { silentLogger } from '../../../edge/log.ts';
import { CohortError } from '../../../core/errors.ts';
import type { Receipt, SealedEntry } from '../../../core/ledger/types.ts';
import { buildFixture, type Fixture } from '../../core/ledger/fixture.ts';

const LONG = 2 ** 31 - 1; // no full pass but the first, unless asked for
// Built once (its spends are priced by the real accountant, which takes seconds); each test writes its own database.
let built: Fixture | undefined;
const fixture = () => (built ??= buildFixture());
/** The fixture's role grants and job creations: entries with no spend to price. */
const NO_SPENDS = 6;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A coordinator database holding `f`'s ledger as appended so far (the store signs a checkpoint with each entry). */
function ledgerDb(f: Fixture) {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-dash-verify-')), 'c.db');
  const store = new CoordinatorStore(path);
  cleanups.push(() => store.close());
  const ledger = new CoordinatorLedger(store, f.coordinator, () => 1_700_000_000_000);
  let appended = 0;
  return {
    path,
    store,
    ledger,
    /** Appends the fixture's entries up to `seq`, with their receipts. */
    appendThrough(seq: number) {
      const entries: SealedEntry[] = f.entries.slice(appended, seq);
      for (const e of entries) store.appendEntry(() => e);
      const receipts: Receipt[] = f.receipts.filter((r) => r.seq > appended && r.seq <= seq);
      for (const r of receipts) store.addReceipt(r, 0);
      appended = seq;
    },
  };
}

function verifier(path: string, opts: Partial<LedgerVerifierOptions> = {}, deps: LedgerVerifierDeps = {}) {
  const v = new LedgerVerifier(path, { memoryLimitMb: 512, fullEveryMs: LONG, ...opts }, deps);
  cleanups.push(() => v.close());
  return v;
}

/** Tells `v` of a change and waits for the runs it starts. */
async function verified(v: LedgerVerifier): Promise<LedgerVerifyView> {
  v.changed();
  await v.settled();
  return v.view();
}

/** Rewrites entry `seq`'s text in place, as an insider with the database might (its hash, seal and leaf left as they were). */
function rewrite(path: string, seq: number, edit: (canonical: string) => string): void {
  const db = new Database(path);
  const row = db.prepare('SELECT canonical FROM ledger WHERE seq = ?').get(seq) as { canonical: string };
  const forged = edit(row.canonical);
  expect(forged).not.toBe(row.canonical);
  db.prepare('UPDATE ledger SET canonical = ? WHERE seq = ?').run(forged, seq);
  db.close();
}

describe('the dashboard ledger verifier', () => {
  it('verifies incrementally after appends, with the figures of a full verification', async () => {
    const f = fixture();
    const db = ledgerDb(f);
    const v = verifier(db.path);
    expect(v.view()).toMatchObject({ verifiedThrough: null, pending: false, ok: false });
    let before = 0;
    for (const through of [8, 17, 29, f.entries.length]) {
      db.appendThrough(through);
      const view = await verified(v);
      expect(auditFigures(view)).toEqual(auditFigures(verifyFiles({ db: db.path })));
      expect(view).toMatchObject({
        ok: true,
        verifiedThrough: through,
        pending: false,
        error: null,
        // The first run verifies everything; each later one only the rows after the one before.
        mode: before === 0 ? 'full' : 'incremental',
        from: before,
      });
      before = through;
    }
    expect(v.view().spendsRecomputed).toBeGreaterThan(0);
    expect(v.view().receiptsVerified).toBe(f.receipts.length);
  });

  it('a rewritten tip fails the next run (the tip check turns it into a full one); it stays failed', async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS);
    const v = verifier(db.path);
    expect((await verified(v)).ok).toBe(true);
    const tip = NO_SPENDS;
    rewrite(db.path, tip, (c) => c.replace(/"modelHash":"[0-9a-f]{64}"/, `"modelHash":"${'0'.repeat(64)}"`));
    const failed = await verified(v);
    expect(failed).toMatchObject({ ok: false, mode: 'full', verifiedThrough: tip });
    expect(failed.failures[0]).toMatchObject({ seq: tip, code: 'hash-mismatch' });
    expect(failed.notes[0]).toMatch(new RegExp(`^entry ${tip}, where the previous verification ended, changed`));
    // No checkpoint survives a failure: the next run verifies everything again, and fails again.
    expect(await verified(v)).toMatchObject({ ok: false, mode: 'full', failures: failed.failures });
  });

  it('a deleted tip turns the next run into a full one, saying the entry is gone', async () => {
    const db = ledgerDb(fixture());
    db.appendThrough(NO_SPENDS);
    const v = verifier(db.path);
    expect((await verified(v)).ok).toBe(true);
    const raw = new Database(db.path);
    raw.prepare('DELETE FROM ledger WHERE seq = ?').run(NO_SPENDS);
    raw.close();
    const after = await verified(v);
    expect(after).toMatchObject({ mode: 'full', from: 0, verifiedThrough: NO_SPENDS - 1 });
    expect(after.notes[0]).toMatch(new RegExp(`^entry ${NO_SPENDS}, where the previous verification ended, is gone`));
  });

  it('an entry rewritten before the tip passes the incremental run and fails the full pass that follows it', async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS + 4);
    const clock = { now: 0 };
    let update = () => {};
    const updated = () => new Promise<void>((resolve) => (update = resolve));
    const v = verifier(db.path, { fullEveryMs: 20 }, { now: () => clock.now, onUpdate: () => update() });
    expect((await verified(v)).mode).toBe('full');

    const seq = f.rounds.record[1]!;
    expect(seq).toBeLessThan(NO_SPENDS + 4);
    rewrite(db.path, seq, (c) => c.replace(/"cumulativeEpsilon":[0-9.e-]+/, '"cumulativeEpsilon":0.001'));
    // The clock has not moved: this run is incremental, and cannot see a row before its checkpoint.
    const fullPass = updated().then(updated);
    expect(await verified(v)).toMatchObject({ ok: true, mode: 'incremental' });
    // The full pass armed by that change runs with no further change.
    await fullPass;
    const view = v.view();
    expect(view).toMatchObject({ ok: false, mode: 'full' });
    expect(view.failures[0]).toMatchObject({ seq, code: 'hash-mismatch' });
    expect(auditFigures(view)).toEqual(auditFigures(verifyFiles({ db: db.path })));
    // It stays failed: with no checkpoint left, the next change is verified in full again, not from before the edit.
    expect(await verified(v)).toMatchObject({ ok: false, mode: 'full', failures: view.failures });
  });

  it('keeps the event loop running while it verifies thousands of entries', async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS);
    // One transaction for all (each append is otherwise a commit of its own, synced to disk).
    (db.store as unknown as { db: Database.Database }).db.transaction(() => {
      for (let i = 0; i < 3000; i++)
        db.store.appendEntry(db.ledger.denial(`job-${i}`, 'mallory', 'researcher', 'job.submit', 'not enrolled'));
    })();
    let ticks = 0;
    let ticksAtReport = -1;
    let done = false;
    const spin = () => {
      ticks++;
      if (!done) setImmediate(spin);
    };
    const v = verifier(db.path, {}, { onUpdate: () => (ticksAtReport = ticks) });
    setImmediate(spin);
    const view = await verified(v);
    done = true;
    expect(view).toMatchObject({ ok: true, entries: NO_SPENDS + 3000 });
    // Had the verification run on this thread, no immediate could have run before its report.
    expect(ticksAtReport).toBeGreaterThan(0);
  });

  it("reports its thread's crash in the view, and starts a new thread at the next change", async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS - 2);
    const made: Worker[] = [];
    const factory: VerifierWorkerFactory = (options) => {
      const w =
        made.length === 0
          ? new Worker(
              `require('node:worker_threads').parentPort.once('message', () => { throw new Error('boom'); });`,
              {
                ...options,
                eval: true,
              },
            )
          : startVerifierThread(options);
      made.push(w);
      return w;
    };
    let update = () => {};
    const v = verifier(db.path, {}, { createWorker: factory, onUpdate: () => update() });

    // A thread that dies before any report: the view says so, and nothing restarts it on its own.
    expect(await verified(v)).toMatchObject({
      verifiedThrough: null,
      pending: false,
      error: { code: 'E_INTERNAL' },
    });
    expect(made).toHaveLength(1);
    expect(await verified(v)).toMatchObject({ ok: true, verifiedThrough: NO_SPENDS - 2, mode: 'full', error: null });
    expect(made).toHaveLength(2);

    // A thread that dies after a report: that report stays, marked by the error.
    const stopped = new Promise<void>((resolve) => (update = resolve));
    await made[1]!.terminate();
    await stopped;
    expect(v.view()).toMatchObject({ ok: true, verifiedThrough: NO_SPENDS - 2, error: { code: 'E_INTERNAL' } });
    db.appendThrough(NO_SPENDS);
    // The new thread has no checkpoint: its first run is a full one.
    expect(await verified(v)).toMatchObject({ ok: true, verifiedThrough: NO_SPENDS, mode: 'full', error: null });
    expect(made).toHaveLength(3);
  });

  it('its options are checked once, naming the one that is wrong', () => {
    expect(ledgerVerifierOptions()).toEqual(DEFAULT_LEDGER_VERIFIER);
    for (const bad of [{ fullEveryMs: -1 }, { fullEveryMs: 2 ** 31 }, { memoryLimitMb: 8 }, { memoryLimitMb: 1.5 }]) {
      const err = (() => {
        try {
          ledgerVerifierOptions(bad);
        } catch (e) {
          return e as CohortError;
        }
      })();
      expect(err).toBeInstanceOf(CohortError);
      expect(err!.code).toBe('E_CONFIG_INVALID');
      expect(err!.message).toContain(`"${Object.keys(bad)[0]}"`);
    }
  });

  it('close terminates its thread, and no change starts another', async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS);
    const made: Worker[] = [];
    const v = verifier(db.path, {}, { createWorker: (o) => made[made.push(startVerifierThread(o)) - 1]! });
    await verified(v);
    const exited = new Promise<number>((resolve) => made[0]!.once('exit', resolve));
    await v.close();
    await exited;
    v.changed();
    expect(made).toHaveLength(1);
    expect(v.view().pending).toBe(false);
  });
});

describe('the dashboard server and its verifier', () => {
  it("answers the ledger view at once, pending, and closing the dashboard terminates the verifier's thread", async () => {
    const f = fixture();
    const db = ledgerDb(f);
    db.appendThrough(NO_SPENDS);
    db.store.enroll('aud', 'auditor', 'ab'.repeat(32), 0, db.ledger.grant('aud', 'auditor', true, 'ab'.repeat(32)));
    const made: Worker[] = [];
    const server = new DashboardServer({
      dbPath: db.path,
      snapshot: () => ({ hospitals: [], jobs: {} }),
      metrics: new CoordinatorMetrics(() => 0),
      log: silentLogger,
      now: Date.now,
      startVerifier: (o) => made[made.push(startVerifierThread(o)) - 1]!,
    });
    await server.listen();
    let closed = false;
    cleanups.push(() => !closed && server.close());
    const cookie = await loginCookie(server.url, server.login('aud', 'auditor').url);
    const ledger = async () =>
      (await (await fetch(`${server.url}/api/ledger`, { headers: { cookie } })).json()) as LedgerView;
    const first = await ledger();
    // Nothing verified yet: the answer did not wait for the verification it started.
    expect(first.verify).toMatchObject({ pending: true, verifiedThrough: null });
    expect(first.rows.length).toBeGreaterThan(0);
    expect(made).toHaveLength(1);
    const exited = new Promise<number>((resolve) => made[0]!.once('exit', resolve));
    closed = true;
    await server.close();
    await exited;
  });
});
