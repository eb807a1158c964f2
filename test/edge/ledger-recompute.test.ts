/**
 * recomputeParallel against verifyLedger's own recomputation on the fixture
 * ledger (two jobs with different privacy settings, dropouts, grants and a
 * refusal between them): the same spends recomputed and the same failures
 * with 2 threads and with 1; an edited figure reported at its seq; routing
 * that a text misleads falls back to one task; and a thread that crashes,
 * exits or never loads ends in a typed error, not a hang.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { CohortError } from '../../core/errors.ts';
import { canonicalJson, verifyLedger, type VerifyFailure } from '../../core/ledger/index.ts';
import { leafHash } from '../../core/ledger/merkle.ts';
import type { LedgerEntry, RoundBody, SealedEntry } from '../../core/ledger/types.ts';
import { LedgerPool } from '../../edge/ledger-pool.ts';
import { planRecompute, recomputeParallel, routeHint } from '../../edge/ledger-recompute.ts';
import { buildFixture, type Fixture } from '../core/ledger/fixture.ts';

let f: Fixture;
/** The fixture up to the hospital-level job's 2nd round (with a dropout): both jobs, 8 record-level PLD rounds, a cold recomputation of a few seconds. */
let ledger: SealedEntry[];
/** One pool of 2 threads for most tests: their accountant memos stay warm from one test to the next. */
let pool: LedgerPool;
beforeAll(() => {
  f = buildFixture();
  ledger = f.entries.filter((e) => e.seq <= f.rounds.hospital[1]!);
  pool = new LedgerPool({ workers: 2 });
});
afterAll(() => pool.close());

const parse = (row: SealedEntry) => JSON.parse(row.canonical) as LedgerEntry;

/** verifyLedger's recomputation findings on these rows: spends found equal and its epsilon-mismatch failure. */
function expected(entries: SealedEntry[]): { spendsRecomputed: number; failures: VerifyFailure[] } {
  const r = verifyLedger({ entries, coordinatorKey: f.coordinator.publicKey, receipts: [], hospitalKeys: new Map() });
  return { spendsRecomputed: r.spendsRecomputed, failures: r.failures.filter((x) => x.code === 'epsilon-mismatch') };
}

/** The rows with the entry at `seq` rewritten by `edit` (its text kept canonical; seals are not what is checked here). */
function edited(seq: number, edit: (e: LedgerEntry) => void): SealedEntry[] {
  return ledger.map((row) => {
    if (row.seq !== seq) return row;
    const e = parse(row);
    edit(e);
    return { ...row, canonical: canonicalJson(e) };
  });
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof CohortError ? err.code : `untyped ${(err as Error).constructor.name}`;
  }
}

describe('recomputeParallel', () => {
  it('finds what verifyLedger recomputes on an untouched ledger, with 2 threads and with 1', async () => {
    const want = expected(ledger);
    expect(want.spendsRecomputed).toBeGreaterThan(30);
    const two = await recomputeParallel(ledger, { workers: 2 });
    expect(two).toMatchObject({ ...want, content: [] });
    // The two jobs' settings differ, so the plan split them.
    expect(two.tasks).toBeGreaterThan(1);
    expect(await recomputeParallel(ledger, { workers: 1 })).toMatchObject({ ...want, content: [], tasks: 1 });
  });

  it('an epsilon edited in one entry is reported at that seq, with the message verifyLedger gives', async () => {
    const seq = f.rounds.record[5]!;
    const rows = edited(seq, (e) => ((e.body as RoundBody).spends[1]!.cumulativeEpsilon /= 2));
    const want = expected(rows);
    expect(want.failures).toMatchObject([{ seq, code: 'epsilon-mismatch' }]);
    expect((await recomputeParallel(rows, { pool })).failures).toEqual(want.failures);
  });

  it('two edited entries of different jobs: the lowest seq is the one reported', async () => {
    const [a, b] = [f.rounds.hospital[0]!, f.rounds.record[6]!];
    const rows = edited(b, (e) => ((e.body as RoundBody).spends[0]!.epsilon += 1)).map((row, i) =>
      row.seq === a ? edited(a, (e) => ((e.body as RoundBody).spends[0]!.pldEpsilon = 1))[i]! : row,
    );
    const want = expected(rows);
    expect(want.failures).toMatchObject([{ seq: Math.min(a, b), code: 'epsilon-mismatch' }]);
    expect((await recomputeParallel(rows, { pool })).failures).toEqual(want.failures);
  });

  it('checks each row’s stored leaf and canonical form while it parses', async () => {
    const [x, y] = [f.rounds.record[2]!, f.rounds.record[6]!];
    const rows = ledger.map((row) => ({
      seq: row.seq,
      canonical: row.seq === y ? row.canonical.replace('{', '{ ') : row.canonical,
      leaf: leafHash(row.seq === x ? `${row.canonical} ` : row.canonical),
    }));
    const r = await recomputeParallel(rows, { pool });
    // Lowest seq per code: y's leaf no longer matches its edited text either, but x's comes first.
    expect(r.content.map((c) => [c.seq, c.code])).toEqual([
      [x, 'leaf-mismatch'],
      [y, 'not-canonical'],
    ]);
    const v = verifyLedger({
      entries: ledger.map((row, i) => ({ ...row, canonical: rows[i]!.canonical })),
      coordinatorKey: f.coordinator.publicKey,
      receipts: [],
      hospitalKeys: new Map(),
    });
    expect(v.failures.find((c) => c.code === 'not-canonical')).toEqual(r.content[1]);
  });

  it('a text that misleads the routing hint is recomputed again as one task, with verifyLedger’s findings', async () => {
    // A jobId with a quote: its canonical text escapes it, so the hint (read up to the next quote) names another job.
    const rows = ledger.map((row) => {
      const e = parse(row);
      return e.jobId === 'job-record' ? { ...row, canonical: canonicalJson({ ...e, jobId: 'job"record' }) } : row;
    });
    expect(routeHint(rows.find((r) => parse(r).jobId === 'job"record')!.canonical).jobId).toBe('job\\');
    const r = await recomputeParallel(rows, { pool });
    expect(r).toMatchObject({ ...expected(rows), tasks: 1 });
  });

  it('a duplicated seq is planned as one task (the first well-formed row of a seq is the one kept)', () => {
    const rows = [...ledger, ledger[10]!];
    expect(planRecompute(rows, 2)).toHaveLength(1);
    expect(planRecompute(ledger, 2).length).toBeGreaterThan(1);
  });

  it('bad input and bad options are typed errors', async () => {
    expect(await code(recomputeParallel(null as unknown as unknown[]))).toBe('E_LEDGER_ENTRY');
    expect(await code(recomputeParallel([null]))).toBe('E_LEDGER_ENTRY');
    expect(await code(recomputeParallel(ledger, { workers: 0 }))).toBe('E_CONFIG_INVALID');
  });
});

describe('recomputeParallel when a thread fails', () => {
  const thread = (source: string) => (o: WorkerOptions) => new Worker(source, { ...o, eval: true });
  const READY = `const { parentPort } = require('node:worker_threads'); parentPort.postMessage({ ready: true });`;

  it('a thread that exits mid-task: E_INTERNAL', async () => {
    const exits = thread(`${READY} parentPort.on('message', () => process.exit(3));`);
    expect(await code(recomputeParallel(ledger, { workers: 2, startWorker: exits }))).toBe('E_INTERNAL');
  });

  it('a thread that throws: E_INTERNAL', async () => {
    const throws = thread(`${READY} parentPort.on('message', () => { throw new Error('boom'); });`);
    expect(await code(recomputeParallel(ledger, { workers: 1, startWorker: throws }))).toBe('E_INTERNAL');
  });

  it('a thread that never loads is stopped by the time limit: E_TOO_COSTLY', async () => {
    const hangs = thread(`setInterval(() => {}, 1 << 30);`);
    const p = recomputeParallel(ledger, { workers: 1, timeLimitMs: 300, startWorker: hangs });
    expect(await code(p)).toBe('E_TOO_COSTLY');
  });

  it('a thread that cannot be started: E_INTERNAL', async () => {
    const cannot = () => {
      throw new Error('no threads here');
    };
    expect(await code(recomputeParallel(ledger, { workers: 2, startWorker: cannot }))).toBe('E_INTERNAL');
  });
});
