/**
 * `npm run bench dashboard-hospitals`: what the dashboard's hospitals views
 * (/api/hospitals and /api/hospitals/:name, as an auditor, who sees every
 * job) cost the coordinator's event loop on a long history, cold against
 * warm, in one run. The database: DASHBOARD_JOBS jobs (default 200) of
 * DASHBOARD_ROUNDS rounds (100) over DASHBOARD_HOSPITALS hospitals (10), each
 * round with its ledger entry, written straight into the coordinator's
 * tables. Cold: a fresh reader for each request, so every job's rounds and
 * ledger are read and every spec parsed, as every request did before the
 * per-job tallies (coordinator/dashboard/tallies.ts). Warm: one reader kept
 * across requests, with one job given a new round and its ledger entry
 * before each request, as during training; writes are not timed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { DashboardApi } from '../coordinator/dashboard/api.ts';
import type { LedgerVerifier } from '../coordinator/dashboard/ledger-verifier.ts';
import { DashboardReader } from '../coordinator/dashboard/reader.ts';
import { openCoordinatorDb } from '../coordinator/store-schema.ts';
import type { Viewer } from '../core/dashboard/index.ts';
import { parseJobSpec } from '../core/job/spec.ts';
import { syntheticJob } from '../simulations/synthetic.ts';
import { median } from './stats.ts';
import { RECORD_DP } from '../test/helpers/privacy.ts';

export interface DashboardHospitalsResult {
  jobs: number;
  rounds: number;
  hospitals: number;
  samples: { cold: number; warm: number };
  /** Median ms per request. */
  list: { coldMs: number; warmMs: number; ratio: number };
  page: { coldMs: number; warmMs: number; ratio: number };
}

const AUDITOR: Viewer = { name: 'aud', role: 'auditor' };

/** Appends rounds to a job, each with its round entry in the ledger, as the coordinator's commit would. */
export function history(db: Database.Database, hospitals: string[]) {
  const round = db.prepare(
    `INSERT INTO rounds (job_id, round, kind, participants, dropped, evaluations, pooled, train_loss, weights, completed_at, phase_counts)
     VALUES (?, ?, 'train', ?, ?, ?, NULL, 0.5, x'00', 0, NULL)`,
  );
  const entry = db.prepare(`INSERT INTO ledger (seq, canonical, hash, signature, job_id) VALUES (?, ?, 'h', 's', ?)`);
  const names = JSON.stringify(hospitals);
  const evals = JSON.stringify(Object.fromEntries(hospitals.map((h) => [h, { loss: 0.5, accuracy: 0.8, n: 100 }])));
  let seq = 0;
  return (jobId: string, r: number) => {
    round.run(jobId, r, names, JSON.stringify(r % 10 === 0 ? [hospitals[0]] : []), evals);
    seq++;
    const spends = hospitals.map((h) => ({ hospital: h, cumulativeEpsilon: r * 0.01, mechanism: 'dpsgd' }));
    const body = { kind: 'train', spends };
    entry.run(seq, JSON.stringify({ seq, at: 0, kind: 'round', jobId, round: r, body }), jobId);
  };
}

/** A coordinator database of `jobs` DP jobs of `rounds` rounds each over `hospitals`, and a writer of more rounds. */
export function build(path: string, jobs: number, rounds: number, hospitals: string[]) {
  const db = openCoordinatorDb(path);
  const spec = parseJobSpec(syntheticJob({ rounds, privacy: RECORD_DP }));
  const job = db.prepare(
    `INSERT INTO jobs (id, spec, status, weights, created_at, updated_at, owner) VALUES (?, ?, 'running', x'00', ?, ?, 'rita')`,
  );
  const add = history(db, hospitals);
  db.prepare(`INSERT INTO identities (name, role, public_key, enrolled_at) VALUES ('aud', 'auditor', 'k', 0)`).run();
  const ids = Array.from({ length: jobs }, (_, j) => `job-${String(j).padStart(6, '0')}`);
  db.transaction(() => {
    for (const [j, id] of ids.entries()) {
      job.run(id, JSON.stringify(spec), j, j);
      for (let r = 1; r <= rounds; r++) add(id, r);
    }
  })();
  return { db, ids, add };
}

/** A fresh coordinator database in a temporary folder: `jobs` jobs of `rounds` rounds, each taken by `hospitalCount` hospitals. */
export function benchDatabase(jobs: number, rounds: number, hospitalCount: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-dash-'));
  const path = join(dir, 'c.db');
  const hospitals = Array.from({ length: hospitalCount }, (_, i) => `h${i}`);
  return { dir, path, ...build(path, jobs, rounds, hospitals) };
}

/** The dashboard's API over `reader`, nobody connected; no verifier, which the views measured never use. */
export function apiOver(reader: DashboardReader): DashboardApi {
  return new DashboardApi(reader, {} as LedgerVerifier, () => ({ hospitals: [], jobs: {} }));
}

export function timed(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

export function benchDashboardHospitals(
  jobs = Number(process.env.DASHBOARD_JOBS ?? 200),
  rounds = Number(process.env.DASHBOARD_ROUNDS ?? 100),
  hospitalCount = Number(process.env.DASHBOARD_HOSPITALS ?? 10),
  samples = { cold: 5, warm: 21 },
): DashboardHospitalsResult {
  const { dir, path, db, ids, add } = benchDatabase(jobs, rounds, hospitalCount);
  try {
    const cold = (view: (api: DashboardApi) => unknown) =>
      median(
        Array.from({ length: samples.cold }, () => {
          const reader = new DashboardReader(path);
          try {
            return timed(() => view(apiOver(reader)));
          } finally {
            reader.close();
          }
        }),
      );
    const reader = new DashboardReader(path);
    const api = apiOver(reader);
    let next = rounds;
    const warm = (view: (api: DashboardApi) => unknown) => {
      view(api); // the cache filled
      return median(
        Array.from({ length: samples.warm }, () => {
          add(ids[0]!, ++next); // one job changed since the last request
          return timed(() => view(api));
        }),
      );
    };
    const list = (a: DashboardApi) => a.hospitals(AUDITOR);
    const page = (a: DashboardApi) => a.hospital(AUDITOR, 'h1');
    const listCold = cold(list);
    const pageCold = cold(page);
    const listWarm = warm(list);
    const pageWarm = warm(page);
    reader.close();
    return {
      jobs,
      rounds,
      hospitals: hospitalCount,
      samples,
      list: { coldMs: listCold, warmMs: listWarm, ratio: listCold / listWarm },
      page: { coldMs: pageCold, warmMs: pageWarm, ratio: pageCold / pageWarm },
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDashboardHospitals(r: DashboardHospitalsResult): string[] {
  const line = (what: string, x: { coldMs: number; warmMs: number; ratio: number }) =>
    `  ${what}: cold ${x.coldMs.toFixed(1)} ms, warm with one job changed ${x.warmMs.toFixed(2)} ms; ratio cold / warm = ${x.ratio.toFixed(0)}`;
  return [
    `dashboard hospitals views (auditor), ${r.jobs} jobs × ${r.rounds} rounds × ${r.hospitals} hospitals, median of ${r.samples.cold} cold / ${r.samples.warm} warm requests:`,
    line('/api/hospitals', r.list),
    line('/api/hospitals/h1', r.page),
  ];
}
