/**
 * A coordinator crash ending a hospital-level DP attempt after the masked
 * inputs were released: each hospital charged its budget as its masked
 * input left (its noise share is in it), so that attempt's spend must reach
 * the ledger although the coordinator never committed it. The release is
 * stored as the input arrives (coordinator/hospital-messages.ts releases,
 * store.ts recordRelease, table round_releases) and written as a failed
 * attempt's spend when the job resumes (coordinator/job-registry.ts
 * releasesLost). ledger-crash.test.ts is the record-level equivalent.
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

/** The database as a restarted coordinator would find it. */
function read(db: string) {
  const d = new Database(db, { readonly: true });
  try {
    const trainRounds = d.prepare(`SELECT round, weights FROM rounds WHERE kind = 'train' ORDER BY round`).all() as {
      round: number;
      weights: Buffer;
    }[];
    const entries = (d.prepare(`SELECT canonical FROM ledger ORDER BY seq`).pluck().all() as string[]).map(
      (c) => JSON.parse(c) as LedgerEntry,
    );
    const releases = d.prepare(`SELECT round, hospital FROM round_releases ORDER BY round, hospital`).all();
    return { trainRounds, entries, releases, spends: entries.filter((e) => e.kind === 'round') };
  } finally {
    d.close();
  }
}

/** Resolves when the process prints "JOB completed". */
function completed(c: CoordinatorProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    const check = () => {
      if (!c.lines.includes('JOB completed')) return;
      c.proc.stdout!.off('data', check);
      resolve();
    };
    c.proc.stdout!.on('data', check);
    check();
  });
}

describe('coordinator crash in a hospital-level DP round after the masked inputs were released', () => {
  it('writes that attempt to the ledger at the restart, for every hospital whose input left', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-crash-hospital-'));
    const db = join(dir, 'coordinator.db');
    const jobFile = join(dir, 'job.json');
    const rounds = 3;
    const job = syntheticJob({
      rounds,
      minClients: 3,
      targetClients: 3,
      roundTimeoutMs: 10_000,
      secureAggregation: { enabled: true, corruptFraction: 0 },
      privacy: { unit: 'hospital', epsilon: 20, delta: 1e-5, clip: 1, minSurvivors: 3, accountant: 'rdp' },
    });
    writeFileSync(jobFile, JSON.stringify(job));
    const names = ['h0', 'h1', 'h2'];
    const net = simulatedNetwork(names);
    const rosterFile = join(dir, 'roster.json');
    writeRosterFile(rosterFile, net.chain, 'create');

    const first = startCoordinator(['--db', db, '--roster', rosterFile, '--job', jobFile, '--kill-before-commit', '2']);
    const port = await first.port;
    const states = names.map((n) => join(dir, `${n}-state.db`));
    const hospitals = names.map((name, i) =>
      hospitalDaemon({
        port,
        net,
        name,
        statePath: states[i]!,
        seed: 500 + i,
        accountant: 'rdp',
        options: { backoffMinMs: 50, backoffMaxMs: 200 },
      }),
    );
    cleanups.push(async () => void (await Promise.all(hospitals.map((h) => h.close()))));
    // The last thing a hospital does for the job: accept the last round's entry (a hospital-level job releases no
    // evaluation: it has no round rounds + 1).
    const lastEntries = hospitals.map(
      ({ d }) =>
        new Promise<void>((resolve) => {
          const onEntry = (e: { round: number }) => {
            if (e.round !== rounds) return;
            d.off('ledgerEntry', onEntry);
            resolve();
          };
          d.on('ledgerEntry', onEntry);
        }),
    );
    for (const h of hospitals) h.d.start();

    expect(await first.exit).toBe('SIGKILL');
    const afterCrash = read(db);
    // Round 2 was aggregated, never committed: not in the ledger, but every hospital's masked input left.
    expect(afterCrash.trainRounds.map((r) => r.round)).toEqual([1]);
    expect(afterCrash.spends.map((e) => e.round)).toEqual([1]);
    expect(afterCrash.releases).toEqual(names.map((hospital) => ({ round: 2, hospital })));
    for (const h of hospitals) expect(h.st.budget.spends('synthetic-v1').map((x) => x.round)).toEqual([1, 2]);

    const second = startCoordinator(['--db', db, '--port', String(port)]);
    await second.port;
    await completed(second);
    await Promise.all(lastEntries);
    const done = read(db);
    expect(done.trainRounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(done.releases).toEqual([]);
    // Before the resumed round 2, the spend of the attempt the kill ended, over the model it started from (round 1's).
    expect(done.spends.map((e) => e.round)).toEqual([1, 2, 2, 3]);
    const lost = done.spends[1]!.body as RoundBody;
    expect(lost.survivors).toEqual(names);
    expect(lost.spends.map((s) => s.hospital)).toEqual(names);
    expect(lost.modelHash).toBe(modelHash(bytesToVector(done.trainRounds[0]!.weights, 4)));
    // Each hospital paid for round 2 twice, and the ledger's cumulative figure counts both.
    for (const h of hospitals) expect(h.st.budget.spends('synthetic-v1').map((x) => x.round)).toEqual([1, 2, 2, 3]);
    const retried = done.spends[2]!.body as RoundBody;
    expect(retried.spends[0]!.cumulativeEpsilon).toBeGreaterThan(lost.spends[0]!.cumulativeEpsilon);
    const report = verifyFiles({ db, hospitalLedger: states });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.notes.filter((n) => n.includes('charged locally but not in any released sum'))).toEqual([]);
  }, 120_000);
});
