/**
 * A hospital reads its own ledger over its connection (`ledger.read`): a
 * daemon that missed the entries recording its spend (it was gone when the
 * round closed) fetches, checks and receipts them when it reconnects, and the
 * whole ledger then verifies against its copy.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
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
  it('a daemon fetches, checks and receipts the entries it missed; the ledger verifies against its copy', async () => {
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
    const receipts = () => coordinator.database.receipts().length;
    await until(() => receipts() === 8, 10_000, "both hospitals' receipts");
    expect(verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers }).ok).toBe(true);

    // h1 "missed" its four round entries (three trained, one evaluation released): gone from its copy, its receipts gone from the coordinator.
    await live[1]!.close();
    const kept = new Database(states[1]!);
    const forgotten = kept.prepare(`DELETE FROM ledger_entries`).run().changes;
    kept.prepare(`DELETE FROM ledger_meta WHERE key = 'synced_through'`).run();
    kept.close();
    expect(forgotten).toBe(4);
    const c = new Database(join(dir, 'c.db'));
    c.prepare(`DELETE FROM ledger_receipts WHERE hospital = 'h1'`).run();
    c.close();
    const missing = verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers });
    expect(missing.receiptsVerified).toBe(4); // h0's only

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
    again.d.start();
    await caughtUp;
    await until(() => receipts() === 8, 10_000, "h1's receipts again");
    expect(
      again.st.ledger
        .entries()
        .filter((e) => e.receipt !== null)
        .map((e) => e.seq),
    ).toEqual(seen.sort((a, b) => a - b));
    expect(again.st.ledger.syncedThrough()).toBe(coordinator.database.lastLedgerSeq());
    const report = verifyFiles({ db: join(dir, 'c.db'), hospitalLedger: hospitalLedgers });
    expect(report.ok).toBe(true);
    expect(report.receiptsVerified).toBe(8);
  });
});
