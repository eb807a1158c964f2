import type { CoordinatorStore } from '../../coordinator/store.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import type { Mechanism } from '../../core/privacy/spend.ts';

/**
 * Each hospital's earlier mechanisms in a job, the way the coordinator read
 * them before its running per-job spend (issue 17): every entry of the job
 * parsed again. test/coordinator/running-spend holds the running spend to
 * it; bench/prior-read.ts times it beside the running spend.
 */
export function rereadJobMechanisms(store: CoordinatorStore, jobId: string): Map<string, Mechanism[]> {
  const out = new Map<string, Mechanism[]>();
  for (const e of store.ledgerEntriesOfJob(jobId)) {
    const entry = JSON.parse(e.canonical) as LedgerEntry;
    if (entry.kind !== 'round') continue;
    for (const s of (entry.body as RoundBody).spends)
      out.set(s.hospital, [...(out.get(s.hospital) ?? []), s.mechanism]);
  }
  return out;
}
