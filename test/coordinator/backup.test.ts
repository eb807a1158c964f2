/**
 * `coordinator backup|restore` (coordinator/backup.ts): a copy of a live
 * coordinator's database taken mid-job verifies (integrity and ledger), and
 * restores; a restore refuses a database in use, an existing one without
 * force, and a backup that fails verification, leaving the database as it was.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { backupDatabase, checkCopy, restoreDatabase, type BackupCheck } from '../../coordinator/backup.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';
import { RECORD_DP } from '../helpers/privacy.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { CohortError } from '../../core/errors.ts';
import { errorCode } from '../helpers/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-backup-'));
const dbPath = join(dir, 'coordinator.db');
const backup = join(dir, 'mid-job.backup.db');
const net = simulatedNetwork(['h0', 'h1']);
let coordinator: Coordinator;
let midJob: BackupCheck;
let finalEntries: number;

beforeAll(async () => {
  coordinator = new Coordinator({ dbPath, port: 0, roster: net.chain });
  const port = await coordinator.listen();
  const jobId = coordinator.submitJob(
    syntheticJob({
      rounds: 4,
      minClients: 2,
      targetClients: 2,
      privacy: RECORD_DP,
      secureAggregation: PAIR_SECURE_AGGREGATION,
    }),
  );
  let copying: Promise<BackupCheck> | null = null;
  const ended = new Promise<string>((resolve) =>
    coordinator.on(
      'job',
      (e) => e.jobId === jobId && e.status !== 'running' && e.status !== 'waiting' && resolve(e.status),
    ),
  );
  // The copy starts on round 2's event, while the job goes on writing rounds 3 and 4.
  coordinator.on('round', (e) => {
    if (e.record.round === 2) copying = backupDatabase(dbPath, backup);
  });
  const hospitals = ['h0', 'h1'].map((name, i) =>
    hospitalDaemon({ port, net, name, statePath: join(dir, `${name}.db`), seed: 10 + i, accountant: 'rdp' }),
  );
  for (const h of hospitals) h.d.start();
  expect(await ended).toBe('completed');
  midJob = await copying!;
  for (const h of hospitals) await h.close();
  finalEntries = verifyFiles({ db: dbPath }).entries;
}, 120_000);

afterAll(async () => {
  await coordinator.close();
});

describe('coordinator backup', () => {
  it('copies the live database mid-job: integrity ok and the ledger verifies, short of the final ledger', () => {
    expect(midJob.entries).toBeGreaterThan(0);
    expect(midJob.entries).toBeLessThan(finalEntries);
    expect(checkCopy(backup)).toEqual(midJob);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // Only the backup itself: no .partial, no -wal or -shm left beside it.
    expect(readdirSync(dir).filter((f) => f.startsWith('mid-job'))).toEqual(['mid-job.backup.db']);
  });

  it('refuses an existing --out file without force', async () => {
    await expect(backupDatabase(dbPath, backup)).rejects.toThrow(CohortError);
    await expect(backupDatabase(dbPath, backup)).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
  });
});

describe('coordinator restore', () => {
  it('restores into a new path; the ledger verifies there', () => {
    const target = join(dir, 'restored.db');
    expect(restoreDatabase(backup, target)).toEqual(midJob);
    expect(verifyFiles({ db: target }).ok).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('restored.db'))).toEqual(['restored.db']);
  });

  it('refuses the database of a running coordinator even with force', () => {
    expect(errorCode(() => restoreDatabase(backup, dbPath, true))).toBe('E_DB_IN_USE');
  });

  it('refuses an existing database without force, and a backup that fails verification; the database is untouched', () => {
    const target = join(dir, 'existing.db');
    restoreDatabase(backup, target);
    expect(errorCode(() => restoreDatabase(backup, target))).toBe('E_CONFIG_INVALID');
    const forged = join(dir, 'forged.db');
    restoreDatabase(backup, forged);
    const db = new Database(forged);
    // A space after the first entry's text: the copy is whole, its ledger is not.
    db.prepare(`UPDATE ledger SET canonical = canonical || ' ' WHERE seq = 1`).run();
    db.close();
    const before = readFileSync(target);
    expect(errorCode(() => restoreDatabase(forged, target, true))).toBe('E_BACKUP_INVALID');
    expect(readFileSync(target).equals(before)).toBe(true);
    expect(existsSync(`${target}.restoring`)).toBe(false);
  });

  it('over the stopped database with force: the coordinator reopens it under its ledger key', async () => {
    await coordinator.close();
    restoreDatabase(backup, dbPath, true);
    coordinator = new Coordinator({ dbPath, port: 0 });
    await coordinator.listen();
    expect(coordinator.readiness()).toEqual({ ready: true });
    expect(verifyFiles({ db: dbPath }).ok).toBe(true);
  });
});
