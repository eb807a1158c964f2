/** The ledger benchmark's report lines, each figure beside its floor or baseline from the same run. */
import type { LedgerBench } from './ledger.ts';

/** The last full audit of the chain-format ledger (every seal and receipt, every ε from a cold memo), bench/README.md: another run. */
export const CHAIN_BASELINE = { auditMs: 64_000, roundMs: 123, ratio: 521, recomputeColdMs: 13_000 } as const;

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);

export function formatLedger(r: LedgerBench): string[] {
  const a = r.append;
  const round = r.meanRoundMs;
  return [
    `privacy ledger as a transparency log, ${r.entries} entries (${r.roundEntries} rounds, ${r.spends} spends, ${r.cosignaturesStored} cosignatures stored, a checkpoint signed per entry; ~5,000 four-hospital jobs), built in ${ms(r.buildMs)}; ${r.cores} cores, load ${r.load.start.toFixed(1)} -> ${r.load.end.toFixed(1)}`,
    `  one fed-heart-disease round (mean of 3, this run): ${ms(round)}`,
    `  (a) append one round entry (4 spends): ${a.medianUs.toFixed(0)} µs median = seal ${a.sealUs.toFixed(0)} (legacy, kept) + leaf hash ${a.leafUs.toFixed(1)} + tree append and root ${a.treeUs.toFixed(1)} + checkpoint signature ${a.checkpointUs.toFixed(0)}; Ed25519 sign alone ${a.floorSignUs.toFixed(0)} µs (floor; ratio ${(a.medianUs / a.floorSignUs).toFixed(1)}, two signatures an entry)`,
    ...structuralLines(r),
    verifyLine(r),
    `  (c) content half: every leaf recomputed from its text (${(r.content.bytes / 1e6).toFixed(0)} MB): ${ms(r.content.ms)} vs SHA-256 alone ${ms(r.content.floorMs)} (ratio ${(r.content.ms / r.content.floorMs).toFixed(2)}); ratio to one round ${(r.content.ms / round).toFixed(1)}`,
    `  (d) incremental audit of one new entry (frontier of ${r.incremental.frontierHashes} hashes, checkpoint, ${r.incremental.cosignaturesPerStep.toFixed(1)} cosignatures a step), ${r.incremental.steps} entries one by one: median ${ms(r.incremental.medianMs)}, p90 ${ms(r.incremental.p90Ms)}, worst ${ms(r.incremental.worstMs)}; ratio to one round ${(r.incremental.medianMs / round).toFixed(3)}`,
    ...recomputeLines(r),
    `  baseline: the chain-format full audit (every seal and receipt, every ε cold) took ${ms(CHAIN_BASELINE.auditMs)} against a ${CHAIN_BASELINE.roundMs} ms round, ratio ${CHAIN_BASELINE.ratio} (bench/README.md, another run)`,
  ];
}

/** (b): the structural audit three ways, each as its parts, against one round. */
function structuralLines(r: LedgerBench): string[] {
  const s = r.structural;
  const round = r.meanRoundMs;
  const way = (name: string, x: LedgerBench['structural']['merkle']) =>
    `      ${name}: ${ms(x.totalMs)} = tree ${ms(x.treeMs)} + latest checkpoint ${ms(x.checkpointMs)} + ${s.witnesses} cosignatures ${ms(x.cosignaturesMs)} + ${x.spendsWitnessed} spends in a cosigned checkpoint ${ms(x.witnessedMs)}: ratio to one round ${(x.totalMs / round).toFixed(2)}`;
  return [
    `  (b) structural audit (tree from the stored leaves, latest checkpoint, each witness's latest cosignature, every spend covered), median of 5; floors: SHA-256 of as many nodes ${ms(s.treeFloorMs)}, Ed25519 verify ${s.floorVerifyUs.toFixed(0)} µs`,
    way('MerkleTree (core, every node kept), one core', s.merkle),
    way('treeRoots (edge/ledger-tree.ts), this thread', s.oneThread),
    way(`treeRoots on ${s.workers} threads (pool started beforehand, ${ms(s.poolStartMs)})`, s.parallel),
  ];
}

function verifyLine(r: LedgerBench): string {
  const v = r.verifyLedger;
  if (!v || v.error !== null) return `  verifyLedger with the tree inputs: not run (${v?.error ?? 'unavailable'})`;
  return `  verifyLedger (recompute: false, stored leaves, latest checkpoint, latest cosignatures; also reads every row's text): ${ms(v.ms)}, ${v.ok ? 'ok' : `failed: ${v.firstFailure}`}; ratio to one round ${(v.ms / r.meanRoundMs).toFixed(1)}`;
}

function recomputeLines(r: LedgerBench): string[] {
  const e = r.recompute;
  return [
    `  (e) every ε from a cold memo (${e.spends} spends, ${e.evaluations} accountant evaluations): this thread ${ms(e.oneThreadMs)} (the chain-format bench's ${ms(CHAIN_BASELINE.recomputeColdMs)}, another run)`,
    `      recomputeParallel (threads' start-up, rows copied, parsed, canonical form, schema and leaf checked): 1 thread ${ms(e.pool1Ms)}, ${e.workers} threads ${ms(e.poolMs)} (${e.poolTasks} tasks): ratio to ${ms(CHAIN_BASELINE.recomputeColdMs)} ${(e.poolMs / CHAIN_BASELINE.recomputeColdMs).toFixed(2)}, to this thread ${(e.poolMs / e.oneThreadMs).toFixed(2)}, speed-up over 1 thread ${(e.pool1Ms / e.poolMs).toFixed(2)}`,
  ];
}
