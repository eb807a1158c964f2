/**
 * bench/ledger.ts's audits that read no row's text (the structural audit,
 * on one core and with the tree hashed on every core, and the incremental
 * one) and the content half that reads every text, each with the core
 * functions the product uses (core/ledger/merkle.ts, checkpoint.ts).
 */
import { hash } from 'node:crypto';
import { Frontier, MerkleTree, leafHash, type Hash } from '../core/ledger/merkle.ts';
import {
  checkpointBody,
  openCheckpoint,
  verifyCosignature,
  witnessName,
  type Checkpoint,
} from '../core/ledger/checkpoint.ts';
import { ledgerVerify } from '../core/ledger/ed25519.ts';
import { LedgerPool } from '../edge/ledger-pool.ts';
import { treeRoots } from '../edge/ledger-tree.ts';
import { HOSPITALS, type BenchCosignature, type BenchLedger } from './ledger-build.ts';
import { median } from './stats.ts';

const same = (a: Hash, b: Hash) => Buffer.compare(a, b) === 0;

function timeMs<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const out = f();
  return [out, performance.now() - t0];
}

/** The latest cosignature of each witness: the rows the auditor reads from ledger_cosignatures. */
export function latestPerWitness(cosigs: readonly BenchCosignature[]): BenchCosignature[] {
  const latest = new Map<string, BenchCosignature>();
  for (const c of cosigs) if ((latest.get(c.witness)?.size ?? -1) < c.size) latest.set(c.witness, c);
  return [...latest.values()];
}

/** One structural audit given the tree's roots: timings of its parts after the tree. */
interface AuditParts {
  checkpointMs: number;
  cosignaturesMs: number;
  witnessedMs: number;
  spendsWitnessed: number;
}

/**
 * After the tree: the latest checkpoint's signature and root, each witness's
 * latest cosignature over the checkpoint body with the tree's root at its
 * size, and every spend at or below the size its hospital cosigned.
 */
function checkAgainstTree(l: BenchLedger, latest: BenchCosignature[], rootAt: (size: number) => Hash): AuditParts {
  const [cp, checkpointMs] = timeMs(() => openCheckpoint(l.notes.at(-1)!, l.origin, l.coordinator.publicKey));
  if (!cp || cp.size !== l.entries.length || !same(cp.root, rootAt(cp.size)))
    throw new Error('the latest checkpoint does not match the tree');
  const [witnessed, cosignaturesMs] = timeMs(() => {
    const sizes = new Map<string, number>();
    for (const c of latest) {
      const body = checkpointBody({ origin: l.origin, size: c.size, root: rootAt(c.size) });
      const cosig = { name: witnessName(c.witness), timestamp: c.timestamp, signature: c.signature };
      if (!verifyCosignature(body, cosig, l.hospitalKeys.get(c.witness)!))
        throw new Error(`bad cosignature ${c.witness}`);
      sizes.set(c.witness, c.size);
    }
    return sizes;
  });
  const [spendsWitnessed, witnessedMs] = timeMs(() => {
    const upTo = HOSPITALS.map((h) => witnessed.get(h) ?? 0);
    const { seqs, hospitals } = l.spends;
    let k = 0;
    for (let i = 0; i < seqs.length; i++) if (seqs[i]! <= upTo[hospitals[i]!]!) k++;
    return k;
  });
  return { checkpointMs, cosignaturesMs, witnessedMs, spendsWitnessed };
}

/** Sizes whose root the audit needs: the latest checkpoint's and each witness's latest. */
const neededSizes = (l: BenchLedger, latest: BenchCosignature[]) => [
  ...new Set([l.entries.length, ...latest.map((c) => c.size)]),
];

type Run = AuditParts & { totalMs: number; treeMs: number };

/** `reps` structural audits with the tree's roots from `roots`: the median of each part. */
async function audits(
  l: BenchLedger,
  reps: number,
  roots: (sizes: number[]) => Promise<(size: number) => Hash>,
): Promise<{ totalMs: number; treeMs: number } & AuditParts> {
  const latest = latestPerWitness(l.cosignatures);
  const runs: Run[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const rootAt = await roots(neededSizes(l, latest));
    const treeMs = performance.now() - t0;
    const parts = checkAgainstTree(l, latest, rootAt);
    runs.push({ ...parts, treeMs, totalMs: performance.now() - t0 });
  }
  const med = (f: (x: Run) => number) => median(runs.map(f));
  return {
    totalMs: med((x) => x.totalMs),
    treeMs: med((x) => x.treeMs),
    checkpointMs: med((x) => x.checkpointMs),
    cosignaturesMs: med((x) => x.cosignaturesMs),
    witnessedMs: med((x) => x.witnessedMs),
    spendsWitnessed: runs[0]!.spendsWitnessed,
  };
}

/**
 * The structural audit three ways: with core/ledger/merkle.ts MerkleTree
 * (every node kept, as the coordinator's tree and verifyLedger's frontier
 * hash), with edge/ledger-tree.ts treeRoots in this thread, and with
 * treeRoots on a pool of every core started beforehand (start-up reported
 * apart); beside the floors: SHA-256 of as many 65-byte nodes as the tree
 * has, and one Ed25519 verification.
 */
export async function measureStructural(l: BenchLedger, reps: number, log: (line: string) => void) {
  const merkle = await audits(l, reps, async () => {
    const tree = MerkleTree.fromLeafHashes(l.leaves);
    return (s) => tree.root(s);
  });
  const oneThread = await audits(l, reps, async (sizes) => {
    const roots = await treeRoots(l.leaves, sizes);
    return (s) => roots.get(s)!;
  });
  const t0 = performance.now();
  const pool = new LedgerPool();
  await pool.run('subtrees', { leaves: new Uint8Array(32), starts: [0], size: 1 });
  const poolStartMs = performance.now() - t0;
  let parallel: Awaited<ReturnType<typeof audits>>;
  try {
    parallel = await audits(l, reps, async (sizes) => {
      const roots = await treeRoots(l.leaves, sizes, pool);
      return (s) => roots.get(s)!;
    });
  } finally {
    await pool.close();
  }
  const node = Buffer.alloc(65, 1);
  const [, treeFloorMs] = timeMs(() => {
    for (let i = 1; i < l.leaves.length; i++) hash('sha256', node, 'buffer');
  });
  const note = l.notes.at(-1)!;
  const body = new TextEncoder().encode(note.slice(0, note.lastIndexOf('\n\n') + 1));
  const sig = new Uint8Array(Buffer.from(note.trimEnd().split(' ').at(-1)!, 'base64')).subarray(4);
  const [, verifyMs] = timeMs(() => {
    for (let i = 0; i < 2000; i++) ledgerVerify(l.coordinator.publicKey, body, sig);
  });
  const out = {
    merkle,
    oneThread,
    parallel,
    workers: pool.workers,
    poolStartMs,
    witnesses: latestPerWitness(l.cosignatures).length,
    floorVerifyUs: (verifyMs / 2000) * 1000,
    treeFloorMs,
  };
  log(
    `structural audit: MerkleTree ${merkle.totalMs.toFixed(1)} ms, treeRoots one thread ${oneThread.totalMs.toFixed(1)} ms, ${pool.workers} threads ${parallel.totalMs.toFixed(1)} ms`,
  );
  return out;
}

/** The content half: every row's leaf recomputed from its text and compared with the stored one; SHA-256 alone beside it. */
export function measureContent(l: BenchLedger) {
  const [, ms] = timeMs(() => {
    l.entries.forEach((e, i) => {
      if (!same(leafHash(e.canonical), l.leaves[i]!)) throw new Error(`leaf ${i} differs`);
    });
  });
  const [, floorMs] = timeMs(() => {
    for (const e of l.entries) hash('sha256', e.canonical, 'buffer');
  });
  const bytes = l.entries.reduce((k, e) => k + Buffer.byteLength(e.canonical), 0);
  return { ms, floorMs, bytes };
}

/**
 * One new entry at a time from what an auditor saved after the previous
 * one: the frontier (base64, as VerifyCheckpoint.tree keeps it) extended by
 * the new row's leaf, the root compared with the checkpoint of the new size,
 * its signature and the cosignatures stored at that size verified, and the
 * frontier saved again.
 */
export function measureIncremental(l: BenchLedger, steps: number) {
  const n = l.entries.length;
  const start = Frontier.empty();
  for (const leaf of l.leaves.slice(0, n - steps)) start.append(leaf);
  let saved = { size: start.size, frontier: start.hashes().map((h) => Buffer.from(h).toString('base64')) };
  const bySize = new Map<number, BenchCosignature[]>();
  for (const c of l.cosignatures) if (c.size > n - steps) bySize.set(c.size, [...(bySize.get(c.size) ?? []), c]);
  const times: number[] = [];
  let cosigs = 0;
  for (let i = n - steps; i < n; i++) {
    const t0 = performance.now();
    const f = Frontier.restore(
      saved.size,
      saved.frontier.map((h) => new Uint8Array(Buffer.from(h, 'base64'))),
    );
    f.append(leafHash(l.entries[i]!.canonical));
    const cp: Checkpoint | null = openCheckpoint(l.notes[i]!, l.origin, l.coordinator.publicKey);
    if (!cp || cp.size !== f.size || !same(cp.root, f.root())) throw new Error(`checkpoint ${i + 1} does not match`);
    const body = checkpointBody(cp);
    for (const c of bySize.get(cp.size) ?? []) {
      const cosig = { name: witnessName(c.witness), timestamp: c.timestamp, signature: c.signature };
      if (!verifyCosignature(body, cosig, l.hospitalKeys.get(c.witness)!)) throw new Error('bad cosignature');
      cosigs++;
    }
    saved = { size: f.size, frontier: f.hashes().map((h) => Buffer.from(h).toString('base64')) };
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    steps,
    medianMs: median(times),
    p90Ms: sorted[Math.floor(sorted.length * 0.9)]!,
    worstMs: sorted.at(-1)!,
    cosignaturesPerStep: cosigs / steps,
    frontierHashes: saved.frontier.length,
  };
}
