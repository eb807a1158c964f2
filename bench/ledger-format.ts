/** The ledger benchmark's report lines, each figure beside its floor or baseline from the same run. */
import type { LedgerBench } from './ledger.ts';

export function formatLedger(r: LedgerBench): string[] {
  const k = (x: number) => `${(x / 1000).toFixed(1)}k`;
  return [
    `privacy ledger, ${r.entries} entries (${r.roundEntries} rounds, ${r.spends} spends, ${r.receipts} receipts; ~5,000 four-hospital jobs), built in ${(r.buildMs / 1000).toFixed(1)} s`,
    `  (a) append one round entry (4 spends): ${r.append.medianUs.toFixed(0)} µs median = canonical JSON ${r.append.canonicalUs.toFixed(0)} + schema check, SHA-256 ${r.append.hashUs.toFixed(0)}, Ed25519 sign ${r.append.signUs.toFixed(0)} (floor)`,
    `  (b) verify with every seal and receipt, no recompute: ${(r.verify.ms / 1000).toFixed(1)} s, ${k(r.verify.entriesPerSec)} entries/s, ${k(r.verify.signaturesPerSec)} signatures/s vs raw Ed25519 verify ${k(r.verify.floorSignaturesPerSec)}/s (ratio ${(r.verify.signaturesPerSec / r.verify.floorSignaturesPerSec).toFixed(2)})`,
    `  (c) canonical form + hash chain only: ${(r.chain.ms / 1000).toFixed(2)} s, ${k(r.chain.entriesPerSec)} entries/s vs SHA-256 alone ${k(r.chain.floorEntriesPerSec)} entries/s (ratio ${(r.chain.entriesPerSec / r.chain.floorEntriesPerSec).toFixed(2)})`,
    `  (d) recompute ${r.recompute.spends} spends: cold memo ${(r.recompute.coldMs / 1000).toFixed(1)} s (${r.recompute.evaluations} accountant evaluations), warm memo ${(r.recompute.warmMs / 1000).toFixed(1)} s`,
    `  full audit of ${r.entries} entries ((b) + (d) cold): ${(r.auditMs / 1000).toFixed(1)} s vs one fed-heart-disease round (mean of 3, this run) ${r.meanRoundMs.toFixed(0)} ms: ratio ${r.ratio.toFixed(0)}`,
    ...formatIncremental(r),
  ];
}

/** (e): per entry kind, the median step with a cold accountant (and the worst) and the median seals-only step, each against one round. */
function formatIncremental(r: LedgerBench): string[] {
  const byKind = new Map<string, LedgerBench['incremental']['steps']>();
  for (const st of r.incremental.steps) {
    const k = st.kind === 'round' ? `round entry (${st.mechanism})` : `${st.kind} entry`;
    byKind.set(k, [...(byKind.get(k) ?? []), st]);
  }
  const lines = [
    `  (e) from a checkpoint (ledger verify --checkpoint), the last ${r.incremental.steps.length} entries one by one, each from the checkpoint before it (checkpoint ${(r.incremental.checkpointBytes / 1e6).toFixed(1)} MB):`,
  ];
  for (const [k, steps] of byKind) {
    const cold = median(steps.map((x) => x.ms));
    const seals = median(steps.map((x) => x.sealsOnlyMs));
    const worst = Math.max(...steps.map((x) => x.ms));
    lines.push(
      `      ${k} x${steps.length}: median ${cold.toFixed(1)} ms with every spend recomputed cold (ratio to one round ${(cold / r.meanRoundMs).toFixed(2)}; worst ${worst.toFixed(1)} ms); seals, chain and receipts alone median ${seals.toFixed(1)} ms (ratio ${(seals / r.meanRoundMs).toFixed(2)})`,
    );
  }
  return lines;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
