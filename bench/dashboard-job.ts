/**
 * `npm run bench dashboard-job`: what a long job's page, /api/jobs/:id (as an
 * auditor), costs the coordinator's event loop and the wire, before and after
 * the page was bounded, in one run. The database: one job of
 * DASHBOARD_JOB_ROUNDS rounds (default 10,000) over DASHBOARD_HOSPITALS
 * hospitals (20), each round with its ledger entry (dashboard-hospitals.ts
 * writes them). Before: what the handler did until it sampled, on every
 * request: every round and every ledger entry of the job read, every round's
 * curves and dropouts and the ε series of every round entry sent (the same
 * core functions with no cap). After: the handler (coordinator/dashboard/api.ts
 * job()), warm, with one round and its ledger entry appended before each
 * request, as while the job trains and the page refetches after each commit;
 * writes are not timed. Both serialise their answer to JSON, as the server does.
 */
import { rmSync } from 'node:fs';
import { DashboardReader } from '../coordinator/dashboard/reader.ts';
import {
  addLedgerEntries,
  addRounds,
  curvesView,
  emptyJobSeries,
  ledgerTally,
  privacyView,
  type Viewer,
} from '../core/dashboard/index.ts';
import { apiOver, benchDatabase, timed } from './dashboard-hospitals.ts';
import { median } from './stats.ts';

export interface DashboardJobResult {
  rounds: number;
  hospitals: number;
  samples: { before: number; after: number };
  /** Median ms per request, and the bytes of one answer. */
  before: { ms: number; bytes: number };
  after: { ms: number; bytes: number };
  ratio: { ms: number; bytes: number };
}

const AUDITOR: Viewer = { name: 'aud', role: 'auditor' };

/** The job's page as the handler computed it before it sampled: the whole job, read whole, on every request. */
function wholePage(reader: DashboardReader, id: string): string {
  const job = reader.jobs().find((j) => j.id === id)!;
  const rounds = reader.rounds(id);
  const entries = reader.ledgerOfJob(id).entries;
  const series = addLedgerEntries(addRounds(emptyJobSeries(Number.MAX_SAFE_INTEGER), rounds, Infinity), entries)!;
  const privacy = privacyView(job.spec, ledgerTally(entries), series);
  return JSON.stringify({ curves: curvesView(rounds), privacy, dropouts: series.dropouts });
}

export function benchDashboardJob(
  rounds = Number(process.env.DASHBOARD_JOB_ROUNDS ?? 10_000),
  hospitalCount = Number(process.env.DASHBOARD_HOSPITALS ?? 20),
  samples = { before: 5, after: 21 },
): DashboardJobResult {
  const { dir, path, db, ids, add } = benchDatabase(1, rounds, hospitalCount);
  const reader = new DashboardReader(path);
  const api = apiOver(reader);
  const id = ids[0]!;
  try {
    let next = rounds;
    const measure = (n: number, page: () => string) => {
      let bytes = 0;
      const ms = median(
        Array.from({ length: n }, () => {
          add(id, ++next); // one round committed since the last request
          return timed(() => (bytes = Buffer.byteLength(page())));
        }),
      );
      return { ms, bytes };
    };
    const before = measure(samples.before, () => wholePage(reader, id));
    JSON.stringify(api.job(AUDITOR, id)); // the cache filled: the first request still reads the whole job
    const after = measure(samples.after, () => JSON.stringify(api.job(AUDITOR, id)));
    return {
      rounds,
      hospitals: hospitalCount,
      samples,
      before,
      after,
      ratio: { ms: before.ms / after.ms, bytes: before.bytes / after.bytes },
    };
  } finally {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatDashboardJob(r: DashboardJobResult): string[] {
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  return [
    `dashboard job page (auditor), 1 job × ${r.rounds} rounds × ${r.hospitals} hospitals, one round appended before each request, median of ${r.samples.before} before / ${r.samples.after} after:`,
    `  before (whole job on every request): ${r.before.ms.toFixed(1)} ms, ${kb(r.before.bytes)}`,
    `  after (sampled, kept between requests): ${r.after.ms.toFixed(2)} ms, ${kb(r.after.bytes)}`,
    `  ratio before / after: ${r.ratio.ms.toFixed(0)}× time, ${r.ratio.bytes.toFixed(0)}× bytes`,
  ];
}
