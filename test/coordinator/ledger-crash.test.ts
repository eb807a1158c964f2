/**
 * Crash between aggregation and commit: the coordinator process is killed
 * (SIGKILL) after aggregating a round and before its transaction. After the
 * restart the round table and the ledger agree (the killed round is in
 * neither), the job resumes and completes, and the whole ledger verifies
 * against the hospitals' own copies.
 */
import { describe, it, expect, afterEach } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { writeRosterFile } from '../../edge/roster-file.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { modelHash } from '../../coordinator/ledger.ts';
import { bytesToVector } from '../../core/model/vector.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { startCoordinatorProcess, type CoordinatorProcess } from '../helpers/coordinator-process.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';

const procs: ChildProcess[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startCoordinator(args: string[]): CoordinatorProcess {
  const started = startCoordinatorProcess(args);
  procs.push(started.proc);
  return started;
}

describe('coordinator crash between aggregation and commit', () => {
  it('leaves the round table and the ledger agreeing; the resumed job completes and the ledger verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-crash-'));
    const db = join(dir, 'coordinator.db');
    const jobFile = join(dir, 'job.json');
    const rounds = 4;
    writeFileSync(
      jobFile,
      JSON.stringify(
        syntheticJob({
          rounds,
          minClients: 3,
          targetClients: 3,
          roundTimeoutMs: 10_000,
          privacy: RECORD_DP,
        }),
      ),
    );

    const names = ['h0', 'h1', 'h2'];
    const net = simulatedNetwork(names);
    const rosterFile = join(dir, 'roster.json');
    writeRosterFile(rosterFile, net.chain, 'create');

    const first = startCoordinator(['--db', db, '--roster', rosterFile, '--job', jobFile, '--kill-before-commit', '3']);
    const port = await first.port;
    const states = names.map((n) => join(dir, `${n}-state.db`));
    const hospitals = names.map((name, i) =>
      hospitalDaemon({
        port,
        net,
        name,
        statePath: states[i]!,
        seed: 300 + i,
        accountant: 'rdp',
        options: { backoffMinMs: 50, backoffMaxMs: 200 },
      }),
    );
    cleanups.push(async () => void (await Promise.all(hospitals.map((h) => h.close()))));
    const clients = hospitals.map((h) => h.d);
    // The last thing a hospital does for the job: accept (and receipt) round 5's entry, the final evaluation's.
    const lastEntries = clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          const onEntry = (e: { round: number }) => {
            if (e.round !== rounds + 1) return;
            c.off('ledgerEntry', onEntry);
            resolve();
          };
          c.on('ledgerEntry', onEntry);
        }),
    );
    for (const c of clients) c.start();

    expect(await first.exit).toBe('SIGKILL');
    const read = () => {
      const d = new Database(db, { readonly: true });
      try {
        const trainRounds = d
          .prepare(`SELECT round, weights FROM rounds WHERE kind = 'train' ORDER BY round`)
          .all() as { round: number; weights: Buffer }[];
        const entries = (d.prepare(`SELECT canonical FROM ledger ORDER BY seq`).pluck().all() as string[]).map(
          (c) => JSON.parse(c) as LedgerEntry,
        );
        const completed = d.prepare(`SELECT completed_rounds FROM jobs`).pluck().get() as number;
        return { trainRounds, entries, completed };
      } finally {
        d.close();
      }
    };
    const afterCrash = read();
    // Round 3 was aggregated but never committed: it is in neither table.
    expect(afterCrash.completed).toBe(2);
    expect(afterCrash.trainRounds.map((r) => r.round)).toEqual([1, 2]);
    expect(afterCrash.entries.filter((e) => e.kind === 'round').map((e) => e.round)).toEqual([1, 2]);
    expect(verifyFiles({ db }).ok).toBe(true);

    // No --roster: the restarted coordinator runs the resumed job's sessions under the roster in its database.
    const second = startCoordinator(['--db', db, '--port', String(port)]);
    await second.port;
    // The helper collects its lines in its own 'data' listener, registered first: each chunk is in `lines` here.
    await new Promise<void>((resolve) => {
      const check = () => {
        if (!second.lines.includes('JOB completed')) return;
        second.proc.stdout!.off('data', check);
        resolve();
      };
      second.proc.stdout!.on('data', check);
      check();
    });
    await Promise.all(lastEntries);
    const done = read();
    expect(done.trainRounds.map((r) => r.round)).toEqual([1, 2, 3, 4]);
    const spendEntries = done.entries.filter((e) => e.kind === 'round');
    // Four training rounds, then round 5: the final evaluation's noisy counts, of round 4's model; and before the
    // resumed round 3, the spend of the attempt the kill ended (every hospital had answered its unmask request),
    // written at the restart (coordinator/job-registry.ts releasesLost), over the model it started from.
    expect(spendEntries.map((e) => e.round)).toEqual([1, 2, 3, 3, 4, 5]);
    const lost = spendEntries[2]!;
    expect((lost.body as RoundBody).survivors).toEqual(names);
    expect((lost.body as RoundBody).modelHash).toBe(modelHash(bytesToVector(done.trainRounds[1]!.weights, 4)));
    const roundEntries = spendEntries.filter((e) => e !== lost);
    // Each round entry names the model that round committed.
    for (const e of roundEntries) {
      const w = done.trainRounds.find((r) => r.round === Math.min(e.round, 4))!.weights;
      expect((e.body as RoundBody).modelHash).toBe(modelHash(bytesToVector(w, 4)));
    }
    expect(done.entries.map((e) => e.kind)).toContain('job-ended');
    // Round 3 ran twice (before the crash, and after the restart with fresh keys). Each hospital had answered its
    // unmask request before the crash, so the coordinator may hold that sum: the retry trained afresh rather than
    // re-send the same output into a second sum, and each hospital paid for round 3 twice (threat-model.md), as the
    // ledger now says too: no charge of any hospital is missing from it.
    for (const h of hospitals)
      expect(h.st.budget.spends('synthetic-v1').map((x) => x.round)).toEqual([1, 2, 3, 3, 4, 5]);
    const report = verifyFiles({ db, hospitalLedger: states });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.notes.filter((n) => n.includes('charged locally but not in any released sum'))).toEqual([]);
  }, 120_000);
});
