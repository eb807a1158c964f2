/**
 * What `cohort simulate` prints of a scenario's run: its tables and summaries
 * (cli/simulate.ts runs the scenarios and writes the JSON figures).
 */
import { guaranteeLine } from '../core/job/guarantee.ts';
import { textTable } from '../edge/text-table.ts';
import type { StrategyName } from '../core/job/spec.ts';
import { CENTERS, type FedHeartResult } from '../simulations/fed-heart-disease.ts';
import { PHASES, type DropoutsResult } from '../simulations/dropouts.ts';
import type { ChaosReport } from '../simulations/chaos/run.ts';
import type { SyntheticEhrResult } from '../simulations/synthetic-ehr/scenario.ts';

/** Per round: who took part, how many reached each secure-aggregation phase, who crashed before which. */
export function renderDropouts(r: DropoutsResult): string {
  const t = textTable([
    'round',
    'participants',
    ...PHASES.map((p) => `reached ${p}`),
    'crashed (before phase)',
    'not in sum',
  ]);
  for (const x of r.rounds) {
    const c = x.phaseCounts;
    t.push([
      x.round,
      x.participants.length,
      ...(c ? [c.advertise, c.share, c.masked, c.consistency, c.unmask] : PHASES.map(() => '-')),
      PHASES.map((p) => `${x.crashed[p]} (${p})`).join('\n'),
      x.dropped.join(', '),
    ]);
  }
  return `${t.toString()}\nrounds completed ${r.roundsCompleted}, failed attempts ${r.roundsFailed}, final pooled accuracy ${r.finalAccuracy.toFixed(3)}\n`;
}

/** Per hospital: what the intake read and kept, and the final model's figures on its test split (its operator's). */
export function renderSyntheticEhr(r: SyntheticEhrResult): string {
  const t = textTable([
    'hospital',
    'profile',
    'read from',
    'records',
    'used (train/test)',
    'dropped',
    'k-anonymity',
    'accuracy',
    'AUC',
  ]);
  for (const h of r.hospitals) {
    const dropped = Object.values(h.intake.rowsDropped).reduce((a, b) => a + b, 0);
    t.push([
      h.name,
      h.profile,
      h.format,
      h.intake.rowsRead,
      `${h.train}/${h.test}`,
      dropped,
      h.intake.k ?? '-',
      h.test === 0 ? 'n/a (no test records)' : figure(h.accuracy),
      figure(h.auc, h.test === 0 ? 'no test records' : 'one class'),
    ]);
  }
  const tested = r.hospitals.some((h) => h.test > 0);
  const released = r.releasedAccuracy === null ? 'n/a (all withheld)' : figure(r.releasedAccuracy);
  return (
    `${t.toString()}\npooled accuracy ${tested ? figure(r.pooledAccuracy) : 'n/a (no test records)'}, AUC ${figure(r.pooledAuc, 'no hospital has both classes')}; ledger ${r.ledgerOk ? 'verifies' : 'FAILS'}\n` +
    `(each hospital's operator measured these on its own test split; pooled accuracy: over all their test records; pooled AUC: example-weighted mean of the defined AUCs. What left the hospitals is noisy counts, whose pooled accuracy is ${released})\n` +
    `files: ${r.workdir}\n`
  );
}

/** A figure (accuracy, AUC) to 3 places; an undefined one (NaN, core/metrics.ts) as n/a, with `why` if given. */
export function figure(x: number, why?: string): string {
  if (Number.isFinite(x)) return x.toFixed(3);
  return why === undefined ? 'n/a' : `n/a (${why})`;
}

export function formatChaos(r: ChaosReport & { baselineAccuracy: number | null; accuracyGap: number | null }): string {
  const faults = textTable(['fault', 'where', 'fired']);
  for (const f of r.faultsInjected) {
    const where = [
      'client' in f ? f.client : '',
      'round' in f ? `round ${f.round}` : 'whole run',
      'phase' in f ? `before ${f.phase}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    faults.push([f.kind, where, f.fired ? 'yes' : 'no']);
  }
  const eps = textTable([
    'hospital',
    'epsilon (ledger)',
    'epsilon (accountant)',
    'rounds in sum',
    'rounds charged',
    'charged again, not in ledger',
  ]);
  for (const [h, e] of Object.entries(r.epsilon))
    eps.push([
      h,
      e.ledger.toFixed(6),
      e.accountant.toFixed(6),
      e.roundsInSum,
      e.chargedRounds.length,
      e.duplicateCharges,
    ]);
  return (
    `${faults.toString()}\n${eps.toString()}\n` +
    `job ${r.jobStatus}: ${r.roundsCompleted} of ${r.rounds} rounds completed, ${r.roundsRetried} retried; coordinator restarted ${r.coordinatorRestarts}x, clients ${r.clientRestarts}x\n` +
    `epsilon per hospital ${r.epsilonMatches ? 'equals' : 'DOES NOT equal'} the accountant's for the rounds it was in; ledger ${r.ledger.ok ? 'verifies' : `FAILS: ${r.ledger.failures[0]}`} (${r.ledger.entries} entries, ${r.ledger.spendsWitnessed} spends cosigned)\n` +
    (r.garbage
      ? `garbage: ${r.garbage.frames} frames over ${r.garbage.connections} connections, closed with ${JSON.stringify(r.garbage.closes)}\n`
      : '') +
    `final accuracy ${r.finalAccuracy.toFixed(3)}${r.baselineAccuracy === null ? '' : ` vs fault-free ${r.baselineAccuracy.toFixed(3)} (gap ${r.accuracyGap!.toFixed(3)})`}\n` +
    `files: ${r.workdir}\n`
  );
}

export function renderTable(r: FedHeartResult): string {
  const t = textTable([
    'center',
    'test n',
    `${r.strategy} accuracy`,
    `${r.strategy} AUC`,
    'centralised accuracy',
    'centralised AUC',
  ]);
  for (const c of CENTERS) {
    const f = r.perCenter[c]!;
    const b = r.baseline.perCenter[c]!;
    t.push([
      c,
      f.numTest,
      figure(f.accuracy),
      figure(f.auc, 'one class'),
      figure(b.accuracy),
      figure(b.auc, 'one class'),
    ]);
  }
  const n = CENTERS.reduce((s, c) => s + r.perCenter[c]!.numTest, 0);
  t.push([
    'pooled',
    n,
    figure(r.pooledAccuracy),
    figure(r.pooledAuc, 'no center has both classes'),
    figure(r.baseline.pooledAccuracy),
    figure(r.baseline.pooledAuc, 'no center has both classes'),
  ]);
  const mean = r.roundTimesMs.reduce((s, x) => s + x, 0) / Math.max(1, r.roundTimesMs.length);
  const dp = r.privacy
    ? `, DP ${r.privacy.unit}-level epsilon ${r.privacy.targetEpsilon} delta ${r.privacy.delta}`
    : ', no DP';
  const released = r.privacy
    ? `\n(each hospital's operator measured these on its own test split; what left the hospitals is noisy counts, whose pooled accuracy is ${r.releasedAccuracy === null ? 'n/a (all withheld)' : figure(r.releasedAccuracy)})`
    : '';
  return `fed-heart-disease: ${r.rounds} rounds, ${r.strategy}, ${r.secagg ? 'secure aggregation' : 'PLAINTEXT updates (secure aggregation off)'}${dp}, seed ${r.seed}, tfjs backend ${r.backend}, ${mean.toFixed(0)} ms/round\n${t.toString()}\n(pooled AUC: example-weighted mean of per-center AUCs)${released}${r.privacy ? `\n${renderPrivacy(r.privacy)}` : ''}\n${renderLedger(r)}`;
}

/** Each hospital's budget database after the job: rounds charged and epsilon spent by both accountants. */
function renderPrivacy(p: NonNullable<FedHeartResult['privacy']>): string {
  const t = textTable(['center', 'rounds charged', 'epsilon (PLD)', 'epsilon (RDP)', 'charged', `delta`]);
  for (const [c, s] of Object.entries(p.spent)) {
    t.push([
      c,
      s.rounds,
      s.spend.pld === null ? 'n/a' : s.spend.pld.toFixed(4),
      s.spend.rdp.epsilon.toFixed(4),
      `${s.spend.epsilon.toFixed(4)} (${s.spend.bound})`,
      s.spend.delta,
    ]);
  }
  const how =
    p.unit === 'record'
      ? `DP-SGD: q ${p.samplingRate}, ${p.stepsPerRound} steps/round, clip ${p.clip}, noise multiplier ${p.noiseMultiplier.toFixed(4)}`
      : `distributed discrete Gaussian: clip ${p.clip}, noise multiplier ${p.noiseMultiplier.toFixed(4)}`;
  return `privacy spent per hospital (from each hospital's budget database; ${how}):\n${t.toString()}\n${guaranteeLine(p.unit)}`;
}

function renderLedger(r: FedHeartResult): string {
  const l = r.ledger;
  const states = r.privacy ? ` --hospital-ledger ${r.dbPath.replace(/(\.db)?$/, '-*-state.db')}` : '';
  return l.ok
    ? `privacy ledger: verified ${l.entries} entries (${l.witnessed} spends cosigned by their hospital), head ${l.headHash.slice(0, 16)}…; check it yourself: npx cohort ledger verify --db ${r.dbPath}${states}`
    : `privacy ledger: VERIFICATION FAILED: ${l.firstFailure}`;
}

export interface Summary {
  scenario: 'fed-heart-disease';
  strategy: StrategyName;
  rounds: number;
  seeds: number[];
  /** The job's DP target (null: no DP); each run has the spend per hospital. */
  privacy: { unit: 'record' | 'hospital'; epsilon: number; delta: number } | null;
  pooledAccuracy: number;
  baselinePooledAccuracy: number;
  perCenter: Record<string, { accuracy: number }>;
  runs: FedHeartResult[];
}

export function summarise(rs: FedHeartResult[]): Summary {
  const mean = (f: (r: FedHeartResult) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  const p = rs[0]!.privacy;
  return {
    scenario: 'fed-heart-disease',
    strategy: rs[0]!.strategy,
    rounds: rs[0]!.rounds,
    seeds: rs.map((r) => r.seed),
    privacy: p ? { unit: p.unit, epsilon: p.targetEpsilon, delta: p.delta } : null,
    pooledAccuracy: mean((r) => r.pooledAccuracy),
    baselinePooledAccuracy: mean((r) => r.baseline.pooledAccuracy),
    perCenter: Object.fromEntries(CENTERS.map((c) => [c, { accuracy: mean((r) => r.perCenter[c]!.accuracy) }])),
    runs: rs,
  };
}

export function renderSummary(s: Summary): string {
  const dp = s.privacy ? ` (DP ${s.privacy.unit}-level, epsilon ${s.privacy.epsilon}, delta ${s.privacy.delta})` : '';
  return `mean over seeds ${s.seeds.join(', ')}: ${s.strategy}${dp} pooled accuracy ${s.pooledAccuracy.toFixed(3)}, centralised ${s.baselinePooledAccuracy.toFixed(3)}`;
}
