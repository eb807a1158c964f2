/**
 * A hospital reads its own ledger over its connection (`ledger.read`): a
 * daemon that missed the entries recording its spend (it was gone when the
 * round closed) fetches and checks them when it reconnects, then witnesses
 * the ledger (`ledger.prove`) and cosigns a checkpoint covering them; the
 * whole ledger then verifies against its copy, every spend witnessed.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { cosignedSize } from '../helpers/cosigned.ts';
import { until } from '../helpers/until.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-catchup-'));
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('ledger catch-up on reconnect', () => {
  it('a daemon fetches and checks the entries it missed and cosigns a checkpoint covering them; the ledger verifies against its copy', async () => {
    const names = ['h0', 'h1'];
    const net = simulatedNetwork(names);
    const coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, roster: net.chain });
    const port = await coordinator.listen();
    cleanups.push(() => coordinator.close());
    const states = names.map((n) => join(dir, `${n}.db`));
    const daemon = (i: number) =>
      hospitalDaemon({
        port,
        net,
        name: names[i]!,
        statePath: states[i]!,
        seed: 40 + i,
        accountant: 'rdp',
        keepOutputs: false,
      });
    const live = names.map((_, i) => daemon(i));
    cleanups.push(() => live[0]!.close());
    const done = new Promise<void>((resolve) => coordinator.on('job', (e) => e.status === 'completed' && resolve()));
    coordinator.submitJob(
      syntheticJob({
        rounds: 3,
        minClients: 2,
        targetClients: 2,
        privacy: RECORD_DP,
        secureAggregation: PAIR_SECURE_AGGREGATION,
      }),
    );
    for (const x of live) x.d.start();
    await done;
    const hospitalLedgers = states;
    // The last entry recording each hospital's spend: a cosignature of at least that size covers all of them.
    const lastSpend = (h: string) =>
      Math.max(
        ...coordinator.database
          .ledgerEntries()
          .map((e) => JSON.parse(e.canonical) as LedgerEntry)
          .filter((e) => e.kind === 'round' && (e.body as RoundBody).spends.some((s) => s.hospital === h))
          .map((e) => e.seq),
      );
    const cosigned = (h: string) => cosignedSize(coordinator.database, h);
    await until(() => names.every((h) => cosigned(h) >= lastSpend(h)), 10_000, "both hospitals' cosignatures");
    const before = verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers });
    expect(before.ok).toBe(true);
    expect(before.spendsWitnessed).toBe(8);
    // Not one receipt: the cosignatures replace them.
    expect(coordinator.database.receipts()).toEqual([]);

    // h1 "missed" its four round entries (three trained, one evaluation released): gone from its copy with the
    // checkpoint it cosigned, its cosignatures gone from the coordinator.
    await live[1]!.close();
    const kept = new Database(states[1]!);
    const forgotten = kept.prepare(`DELETE FROM ledger_entries`).run().changes;
    kept.prepare(`DELETE FROM ledger_meta WHERE key = 'synced_through'`).run();
    kept.prepare(`DELETE FROM ledger_witnessed`).run();
    kept.close();
    expect(forgotten).toBe(4);
    const c = new Database(join(dir, 'c.db'));
    c.prepare(`DELETE FROM ledger_cosignatures WHERE witness = 'h1'`).run();
    c.close();
    const missing = verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers });
    expect(missing.spendsWitnessed).toBe(4); // h0's only

    const again = daemon(1);
    cleanups.push(() => again.close());
    const seen: number[] = [];
    const caughtUp = new Promise<void>((resolve) =>
      again.d.on('ledgerEntry', (e) => {
        expect(e.problem).toBeNull();
        seen.push(e.seq);
        if (seen.length === 4) resolve();
      }),
    );
    const witnessed = new Promise<{ size: number; cosigned: boolean; code: string | null }>((resolve) =>
      again.d.on('witnessed', resolve),
    );
    again.d.start();
    await caughtUp;
    const w = await witnessed;
    expect(w).toEqual({ size: coordinator.database.lastLedgerSeq(), cosigned: true, code: null });
    await until(() => cosigned('h1') >= lastSpend('h1'), 10_000, "h1's cosignature again");
    expect(
      again.st.ledger
        .entries()
        .filter((e) => e.problem === null)
        .map((e) => e.seq),
    ).toEqual(seen.sort((a, b) => a - b));
    expect(again.st.ledger.syncedThrough()).toBe(coordinator.database.lastLedgerSeq());
    expect(again.st.ledger.witnessed()!.size).toBe(coordinator.database.lastLedgerSeq());
    const report = verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers });
    expect(report.ok).toBe(true);
    expect(report.spendsWitnessed).toBe(8);
  });
});
