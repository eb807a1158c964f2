/** What the chaos run's databases say once every process has stopped, and the final model's accuracy. */
import { CohortError } from '../../core/errors.ts';
import { roundMechanism } from '../../core/job/privacy.ts';
import { accountSpend } from '../../core/privacy/spend.ts';
import type { LedgerEntry, RoundBody } from '../../core/ledger/types.ts';
import { CoordinatorStore } from '../../coordinator/store.ts';
import { readCoordinatorLedger } from '../../coordinator/ledger-reader.ts';
import { verifyFiles } from '../../coordinator/ledger-audit.ts';
import { openHospitalState } from '../../client/hospital-state.ts';
import { evaluateModel, loadTf } from '../../client/trainer/index.ts';
import { pooledMetrics } from '../../core/metrics.ts';
import { silentLogger } from '../../edge/log.ts';
import type { ModelSpec } from '../../core/model/spec.ts';
import type { PreparedDataset } from '../../core/data/types.ts';

export interface HospitalEpsilon {
  /** The hospital's cumulative epsilon in its last round entry of the job. */
  ledger: number;
  /** The accountant's epsilon for the rounds whose released sum held this hospital's update, from the job spec alone. */
  accountant: number;
  roundsInSum: number;
  /** What the hospital's own budget charged (rounds, and the epsilon after the last). */
  chargedRounds: number[];
  chargedEpsilon: number;
  /**
   * Repeat charges of a round beyond the spends the ledger records for it
   * (must be 0). A round's first charge may have no spend (the hospital
   * dropped after training); a retry re-sends its kept output at no new
   * charge; and one after this hospital helped unmask the round trains afresh
   * and is charged again, a second spend the ledger records as well
   * (threat-model.md).
   */
  duplicateCharges: number;
}

export async function testAccuracy(model: ModelSpec, weights: Float32Array, sites: PreparedDataset[]): Promise<number> {
  const { tf } = await loadTf(silentLogger);
  const metrics = [];
  for (const d of sites) metrics.push(await evaluateModel(tf, model, weights, d.test));
  return pooledMetrics(metrics).accuracy;
}

/** What the databases say once every process has stopped. */
export function readOutcome(db: string, jobId: string, names: string[], stateFile: (c: string) => string) {
  if (!jobId) throw new CohortError('E_JOB_FAILED', 'the chaos job was never submitted');
  const store = new CoordinatorStore(db);
  let spec, stored, weights;
  try {
    ({ spec, weights } = store.getJob(jobId)!);
    stored = store.rounds(jobId);
  } finally {
    store.close();
  }
  const entries = readCoordinatorLedger(db)
    .entries.map((e) => JSON.parse(e.canonical) as LedgerEntry)
    .filter((e) => e.kind === 'round' && e.jobId === jobId);
  const p = spec.privacy!;
  const epsilon: Record<string, HospitalEpsilon> = {};
  for (const c of names) {
    const mine = entries.filter((e) => (e.body as RoundBody).spends.some((s) => s.hospital === c));
    const spends = mine.flatMap((e) => (e.body as RoundBody).spends.filter((s) => s.hospital === c));
    // What the spec says each of those rounds applies (training, or the final evaluation's counts): the ledger must agree.
    const mechanisms = mine.map((e) => roundMechanism(spec, e.round));
    const state = openHospitalState(stateFile(c));
    let charged;
    try {
      charged = state.budget.spends('synthetic-v1').filter((s) => s.jobId === jobId);
    } finally {
      state.close();
    }
    const chargedRounds = charged.map((s) => s.round);
    epsilon[c] = {
      ledger: spends.at(-1)?.cumulativeEpsilon ?? 0,
      accountant: spends.length ? accountSpend(mechanisms, p.delta, p.accountant).epsilon : 0,
      roundsInSum: spends.length,
      chargedRounds,
      chargedEpsilon: charged.at(-1)?.epsilonAfter ?? 0,
      duplicateCharges: unrecorded(
        chargedRounds,
        mine.map((e) => e.round),
      ),
    };
  }
  const v = verifyFiles({ db, hospitalLedger: names.map(stateFile) });
  return {
    spec,
    weights,
    roundsCompleted: stored.filter((r) => r.kind === 'train').length,
    epsilon,
    ledger: {
      ok: v.ok,
      entries: v.entries,
      spendsWitnessed: v.spendsWitnessed,
      failures: v.failures.map((f) => `${f.seq ?? '-'} ${f.code}: ${f.message}`),
    },
  };
}

/** Charges in `charged` (rounds, with repeats) past the first of their round and past what `recorded` (the ledger's spends) holds for it. */
function unrecorded(charged: readonly number[], recorded: readonly number[]): number {
  const count = (rounds: readonly number[]) => {
    const n = new Map<number, number>();
    for (const r of rounds) n.set(r, (n.get(r) ?? 0) + 1);
    return n;
  };
  const spends = count(recorded);
  let over = 0;
  for (const [round, n] of count(charged)) over += Math.max(0, n - Math.max(1, spends.get(round) ?? 0));
  return over;
}
