/**
 * The privacy ledger at 10^5 entries as a transparency log (issue 20): what
 * appending one entry costs, how fast an auditor checks the whole log's
 * structure (the Merkle tree from the stored leaf hashes, the latest
 * checkpoint's signature, each witness's cosignature, every spend covered by
 * a checkpoint its hospital cosigned), the content half (every leaf
 * recomputed from its row's text), an incremental audit of one new entry
 * from a saved frontier, and every ε recomputed on one core and on all of
 * them; each beside its floor measured in the same run (Ed25519, SHA-256,
 * one core) and the audits against one fed-heart-disease round.
 * The ledger: bench/ledger-build.ts; the audits that read no text and the
 * content half: bench/ledger-structural.ts.
 */
import { availableParallelism, loadavg } from 'node:os';
import { runFedHeartDisease } from '../simulations/fed-heart-disease.ts';
import { roundSpends, sealEntry, verifyLedger } from '../core/ledger/index.ts';
import { ledgerSign } from '../core/ledger/ed25519.ts';
import { MerkleTree, leafHash } from '../core/ledger/merkle.ts';
import { checkpointBody, signCheckpoint } from '../core/ledger/checkpoint.ts';
import { clearSpendCache, spendCacheStats } from '../core/ledger/spend.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { LedgerEntry, RoundBody } from '../core/ledger/types.ts';
import { sameSpend } from '../core/ledger/verify-spends.ts';
import { recomputeParallel } from '../edge/ledger-recompute.ts';
import { buildLedger, roundEntries, type BenchLedger } from './ledger-build.ts';
import { latestPerWitness, measureContent, measureIncremental, measureStructural } from './ledger-structural.ts';
import { median } from './stats.ts';

export { formatLedger } from './ledger-format.ts';

export interface LedgerBench {
  entries: number;
  roundEntries: number;
  spends: number;
  cosignaturesStored: number;
  cores: number;
  buildMs: number;
  /** (a) per appended entry: seal, leaf hash, tree append + root, checkpoint signature (median µs each and all together). */
  append: {
    medianUs: number;
    sealUs: number;
    leafUs: number;
    treeUs: number;
    checkpointUs: number;
    floorSignUs: number;
  };
  /** (b) the structural audit, median of STRUCTURAL_REPS: with MerkleTree, with treeRoots on one thread and on `workers` threads (a warm pool). */
  structural: Awaited<ReturnType<typeof measureStructural>>;
  /** verifyLedger with recompute: false and the new inputs (H5's API), once; null if it threw. */
  verifyLedger: { ms: number; ok: boolean; firstFailure: string | null; error: string | null } | null;
  /** (c) every row's leaf recomputed from its text and compared, beside SHA-256 alone over the same texts. */
  content: ReturnType<typeof measureContent>;
  /** (d) one new entry at a time from a saved frontier and the checkpoint of the new size. */
  incremental: ReturnType<typeof measureIncremental>;
  /** (e) every spend recomputed from a cold memo: in this thread as verifyLedger does, then on a pool of 1 and of `cores` threads. */
  recompute: {
    spends: number;
    evaluations: number;
    oneThreadMs: number;
    pool1Ms: number;
    poolMs: number;
    poolTasks: number;
    workers: number;
  };
  meanRoundMs: number;
  /** 1-minute load average when the run started and when it ended (shared machines are noisy). */
  load: { start: number; end: number };
}

function timeMs<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

/** Median µs of `f` over `n` calls, timed one by one. */
function medianUs(n: number, f: () => unknown): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    t.push((performance.now() - t0) * 1000);
  }
  return median(t);
}

/** Runs of the structural audit (their median is reported) and entries the incremental audit appends one by one. */
const STRUCTURAL_REPS = 5;
const INCREMENTAL_STEPS = 200;

export async function benchLedger(n = 100_000, log: (line: string) => void = () => {}): Promise<LedgerBench> {
  const loadStart = loadavg()[0]!;
  const [ledger, buildMs] = timeMs(() => buildLedger(n));
  const rounds = roundEntries(ledger.entries);
  log(
    `built ${ledger.entries.length} entries (${rounds.length} rounds, ${ledger.spends.length} spends, ${ledger.cosignatures.length} cosignatures, ${ledger.notes.length} checkpoints) in ${(buildMs / 1000).toFixed(1)} s`,
  );
  const fed = await runFedHeartDisease({ rounds: 3 });
  const meanRoundMs = fed.roundTimesMs.reduce((s, x) => s + x, 0) / fed.roundTimesMs.length;
  log(`fed-heart-disease: mean round ${meanRoundMs.toFixed(0)} ms`);
  const append = measureAppend(ledger, rounds);
  const structural = await measureStructural(ledger, STRUCTURAL_REPS, log);
  const verify = measureVerifyLedger(ledger, log);
  const content = measureContent(ledger);
  const incremental = measureIncremental(ledger, INCREMENTAL_STEPS);
  log(`incremental: median ${incremental.medianMs.toFixed(2)} ms over ${incremental.steps} entries`);
  const recompute = await measureRecompute(ledger, rounds, log);
  return {
    entries: ledger.entries.length,
    roundEntries: rounds.length,
    spends: ledger.spends.length,
    cosignaturesStored: ledger.cosignatures.length,
    cores: availableParallelism(),
    buildMs,
    append,
    structural,
    verifyLedger: verify,
    content,
    incremental,
    recompute,
    meanRoundMs,
    load: { start: loadStart, end: loadavg()[0]! },
  };
}

function measureAppend(l: BenchLedger, rounds: LedgerEntry[]): LedgerBench['append'] {
  // One four-spend round entry appended again and again, as the coordinator appends one: sealed, its leaf
  // hashed into the tree (a copy, grown by these appends), and a checkpoint of the new size signed.
  const sample = rounds.find((e) => e.kind === 'round' && (e.body as { spends: unknown[] }).spends.length === 4)!;
  const tree = MerkleTree.fromLeafHashes(l.leaves);
  const key = l.coordinator;
  const text = l.entries[sample.seq - 1]!.canonical;
  const leaf = leafHash(text);
  const c = { origin: l.origin, size: tree.size, root: tree.root() };
  const body = new TextEncoder().encode(checkpointBody(c));
  return {
    medianUs: medianUs(2000, () => {
      const sealed = sealEntry(sample, key.secretKey);
      tree.append(leafHash(sealed.canonical));
      return signCheckpoint({ origin: l.origin, size: tree.size, root: tree.root() }, key.secretKey, key.publicKey);
    }),
    sealUs: medianUs(2000, () => sealEntry(sample, key.secretKey)),
    leafUs: medianUs(2000, () => leafHash(text)),
    treeUs: medianUs(2000, () => {
      tree.append(leaf);
      return tree.root();
    }),
    checkpointUs: medianUs(2000, () => signCheckpoint(c, key.secretKey, key.publicKey)),
    floorSignUs: medianUs(2000, () => ledgerSign(key.secretKey, body)),
  };
}

/**
 * verifyLedger as `ledger verify` runs it without recomputation, given the
 * new inputs (stored leaves, the latest checkpoint, each witness's latest
 * cosignature): it also reads every row's text (canonical form, schema,
 * leaf), so it is the structural audit plus the content half. Once; null
 * fields and the error when the API does not take them.
 */
function measureVerifyLedger(l: BenchLedger, log: (line: string) => void): LedgerBench['verifyLedger'] {
  try {
    const [r, ms] = timeMs(() =>
      verifyLedger({
        entries: l.entries,
        coordinatorKey: l.coordinator.publicKey,
        receipts: [],
        hospitalKeys: l.hospitalKeys,
        recompute: false,
        leaves: l.leaves,
        checkpoints: [l.notes.at(-1)!],
        cosignatures: latestPerWitness(l.cosignatures),
      }),
    );
    log(`verifyLedger (recompute: false, tree inputs): ${(ms / 1000).toFixed(2)} s, ok ${r.ok}`);
    const first = r.failures[0];
    return {
      ms,
      ok: r.ok,
      firstFailure: first ? `${first.code} at ${first.seq}: ${first.message}` : null,
      error: null,
    };
  } catch (err) {
    return { ms: NaN, ok: false, firstFailure: null, error: (err as Error).message };
  }
}

/** Every spend recomputed in this thread, as verifyLedger does it (the same roundSpends calls and comparisons). */
function recomputeInThread(rounds: readonly LedgerEntry[]): void {
  const prior = new Map<string, Map<string, Mechanism[]>>();
  for (const e of rounds) {
    const b = e.body as RoundBody;
    let job = prior.get(e.jobId);
    if (!job) prior.set(e.jobId, (job = new Map()));
    for (const s of b.spends) {
      const mine = job.get(s.hospital) ?? [];
      const [x] = roundSpends({
        survivors: [s.hospital],
        mechanism: s.mechanism,
        prior: new Map([[s.hospital, mine]]),
        delta: b.delta,
        accountant: b.accountant,
      });
      if (!sameSpend(x!, s)) throw new Error(`spend differs at ${e.seq}`);
      mine.push(s.mechanism);
      job.set(s.hospital, mine);
    }
  }
}

/**
 * (e) Every ε from a cold memo: in this thread over the parsed round entries
 * (the figure the chain-format bench reported, 13 s), then with
 * recomputeParallel on a fresh pool of 1 thread and of every core (threads'
 * start-up, copying the rows to them, parsing, canonical form, schema and
 * leaf checks included).
 */
async function measureRecompute(
  l: BenchLedger,
  rounds: readonly LedgerEntry[],
  log: (line: string) => void,
): Promise<LedgerBench['recompute']> {
  clearSpendCache();
  const [, oneThreadMs] = timeMs(() => recomputeInThread(rounds));
  const evaluations = spendCacheStats().evaluations;
  clearSpendCache();
  log(`recompute in this thread: cold ${(oneThreadMs / 1000).toFixed(1)} s (${evaluations} evaluations)`);
  const rows = l.entries.map((e, i) => ({ seq: e.seq, canonical: e.canonical, leaf: l.leaves[i]! }));
  const run = async (workers: number) => {
    const [r, ms] = await timeAsync(() => recomputeParallel(rows, { workers }));
    if (r.failures.length > 0 || r.content.length > 0 || r.spendsRecomputed !== l.spends.length)
      throw new Error(`parallel recomputation disagrees: ${JSON.stringify([...r.failures, ...r.content][0])}`);
    log(`recomputeParallel, ${workers} thread(s): ${(ms / 1000).toFixed(1)} s (${r.tasks} tasks)`);
    return { ms, tasks: r.tasks };
  };
  const pool1 = await run(1);
  const all = await run(availableParallelism());
  return {
    spends: l.spends.length,
    evaluations,
    oneThreadMs,
    pool1Ms: pool1.ms,
    poolMs: all.ms,
    poolTasks: all.tasks,
    workers: availableParallelism(),
  };
}

async function timeAsync<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}
