/**
 * Crash between aggregation and commit: the coordinator process is killed
 * (SIGKILL) after aggregating a round and before its transaction. After the
 * restart the round table and the ledger agree (the killed round is in
 * neither), the job resumes and completes, and the whole ledger verifies
 * against the hospitals' own copies.
 *
 * The killed attempt's inputs had left the hospitals, which charged for them:
 * its spend must reach the ledger although the coordinator never committed
 * it. The release is stored as the input arrives (coordinator/
 * hospital-messages.ts releases, store.ts recordRelease, table round_releases)
 * and written as a failed attempt's spend when the job resumes
 * (coordinator/job-registry.ts releasesLost): at record level once each
 * hospital has answered the unmask request, at hospital level as each masked
 * input leaves (its noise share is in it).
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

const names = ['h0', 'h1', 'h2'];

/**
 * A coordinator started on `job` that kills itself before committing round
 * `kill`, and three hospitals with state files; `lastEntries` resolves once
 * every hospital has accepted the ledger entry of `lastRound`, the last
 * thing a hospital does for the job.
 */
async function crashing(job: object, kill: number, lastRound: number, seed: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-crash-'));
  const db = join(dir, 'coordinator.db');
  const jobFile = join(dir, 'job.json');
  writeFileSync(jobFile, JSON.stringify(job));
  const net = simulatedNetwork(names);
  const rosterFile = join(dir, 'roster.json');
  writeRosterFile(rosterFile, net.chain, 'create');
  const first = startCoordinator([
    '--db',
    db,
    '--roster',
    rosterFile,
    '--job',
    jobFile,
    '--kill-before-commit',
    `${kill}`,
  ]);
  const port = await first.port;
  const states = names.map((n) => join(dir, `${n}-state.db`));
  const hospitals = names.map((name, i) =>
    hospitalDaemon({
      port,
      net,
      name,
      statePath: states[i]!,
      seed: seed + i,
      accountant: 'rdp',
      options: { backoffMinMs: 50, backoffMaxMs: 200 },
    }),
  );
  cleanups.push(async () => void (await Promise.all(hospitals.map((h) => h.close()))));
  const lastEntries = Promise.all(
    hospitals.map(
      ({ d }) =>
        new Promise<void>((resolve) => {
          const onEntry = (e: { round: number }) => {
            if (e.round !== lastRound) return;
            d.off('ledgerEntry', onEntry);
            resolve();
          };
          d.on('ledgerEntry', onEntry);
        }),
    ),
  );
  for (const h of hospitals) h.d.start();
  expect(await first.exit).toBe('SIGKILL');
  /** The coordinator restarted on its database (no --roster: it runs under the roster stored there), to the job's end. */
  const resume = async () => {
    const second = startCoordinator(['--db', db, '--port', String(port)]);
    await second.port;
    await completed(second);
    await lastEntries;
  };
  return { db, states, hospitals, resume };
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
    const completedRounds = d.prepare(`SELECT completed_rounds FROM jobs`).pluck().get() as number;
    return { trainRounds, entries, releases, completedRounds, spends: entries.filter((e) => e.kind === 'round') };
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

describe('coordinator crash between aggregation and commit', () => {
  it('leaves the round table and the ledger agreeing; the resumed job completes and the ledger verifies', async () => {
    const rounds = 4;
    const job = syntheticJob({ rounds, minClients: 3, targetClients: 3, roundTimeoutMs: 10_000, privacy: RECORD_DP });
    // Record level: the last entry is round 5's, the final evaluation's.
    const { db, states, hospitals, resume } = await crashing(job, 3, rounds + 1, 300);
    const afterCrash = read(db);
    // Round 3 was aggregated but never committed: it is in neither table.
    expect(afterCrash.completedRounds).toBe(2);
    expect(afterCrash.trainRounds.map((r) => r.round)).toEqual([1, 2]);
    expect(afterCrash.spends.map((e) => e.round)).toEqual([1, 2]);
    expect(verifyFiles({ db }).ok).toBe(true);

    await resume();
    const done = read(db);
    expect(done.trainRounds.map((r) => r.round)).toEqual([1, 2, 3, 4]);
    // Four training rounds, then round 5: the final evaluation's noisy counts, of round 4's model; and before the
    // resumed round 3, the spend of the attempt the kill ended (every hospital had answered its unmask request),
    // written at the restart (coordinator/job-registry.ts releasesLost), over the model it started from.
    expect(done.spends.map((e) => e.round)).toEqual([1, 2, 3, 3, 4, 5]);
    const lost = done.spends[2]!;
    expect((lost.body as RoundBody).survivors).toEqual(names);
    expect((lost.body as RoundBody).modelHash).toBe(modelHash(bytesToVector(done.trainRounds[1]!.weights, 4)));
    // Each round entry names the model that round committed.
    for (const e of done.spends.filter((x) => x !== lost)) {
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
    expectVerified(db, states);
  }, 120_000);

  it('in a hospital-level DP round after the masked inputs left: that attempt reaches the ledger at the restart', async () => {
    const rounds = 3;
    const job = syntheticJob({
      rounds,
      minClients: 3,
      targetClients: 3,
      roundTimeoutMs: 10_000,
      secureAggregation: { enabled: true, corruptFraction: 0 },
      privacy: { unit: 'hospital', epsilon: 20, delta: 1e-5, clip: 1, minSurvivors: 3, accountant: 'rdp' },
    });
    // A hospital-level job releases no evaluation: its last entry is the last training round's.
    const { db, states, hospitals, resume } = await crashing(job, 2, rounds, 500);
    const afterCrash = read(db);
    // Round 2 was aggregated, never committed: not in the ledger, but every hospital's masked input left.
    expect(afterCrash.trainRounds.map((r) => r.round)).toEqual([1]);
    expect(afterCrash.spends.map((e) => e.round)).toEqual([1]);
    expect(afterCrash.releases).toEqual(names.map((hospital) => ({ round: 2, hospital })));
    for (const h of hospitals) expect(h.st.budget.spends('synthetic-v1').map((x) => x.round)).toEqual([1, 2]);

    await resume();
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
    expectVerified(db, states);
  }, 120_000);
});

/** The whole ledger verifies against the hospitals' copies, with no local charge missing from it. */
function expectVerified(db: string, states: string[]): void {
  const report = verifyFiles({ db, hospitalLedger: states });
  expect(report.failures).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.notes.filter((n) => n.includes('charged locally but not in any released sum'))).toEqual([]);
}
