/**
 * What a job's page draws from its rounds and ledger, in a size bounded
 * whatever the job's length: its curves and its cumulative ε per round entry,
 * each an evenly spaced sample of at most MAX_CHART_POINTS (sample.ts), and
 * its dropouts in the latest MAX_DROPOUT_ROWS rounds. The dashboard keeps one
 * per job it was asked for and adds on only the rounds and entries appended
 * since (coordinator/dashboard/tallies.ts), so the page's refetch after every
 * commit of a long job costs what was appended, not the job's whole history.
 */
import type { LedgerEntry } from '../ledger/types.ts';
import type { JobSpec } from '../job/spec.ts';
import type { LedgerTally } from './hospital.ts';
import { emptySample, extendSample, sampleItems, type Sample } from './sample.ts';
import { cumulativeSpends, roundDropouts, type DropoutPhase, type PrivacyView, type RoundRow } from './views.ts';

/** Points per chart: about a chart's width in CSS pixels, past which more points draw on the same pixels. */
export const MAX_CHART_POINTS = 500;
/** Rounds in the dropouts table: the latest; the page says how many earlier ones are left out. */
export const MAX_DROPOUT_ROWS = 100;

/** What curvesView reads of a round. */
export type CurvePoint = Pick<RoundRow, 'round' | 'pooled' | 'trainLoss' | 'evaluations'>;

export type DropoutRow = { round: number; kind: string; participants: number } & Record<DropoutPhase, number>;

/** Each hospital's cumulative ε after one round entry: carried over rounds it sat out, absent before its first charge. */
export interface EpsilonPoint {
  round: number;
  epsilon: ReadonlyMap<string, number>;
}

export interface JobSeries {
  curves: Sample<CurvePoint>;
  /** The latest rounds' dropouts, in round order. */
  dropouts: readonly DropoutRow[];
  /** The job's round entries, in round order. */
  epsilon: Sample<EpsilonPoint>;
}

export function emptyJobSeries(points = MAX_CHART_POINTS): JobSeries {
  return { curves: emptySample(points), dropouts: [], epsilon: emptySample(points) };
}

/** `from` with `rounds`, the job's rounds after those it holds, in round order, added on. */
export function addRounds(from: JobSeries, rounds: readonly RoundRow[], dropoutRows = MAX_DROPOUT_ROWS): JobSeries {
  const points = rounds.map(({ round, pooled, trainLoss, evaluations }) => ({ round, pooled, trainLoss, evaluations }));
  const rows = rounds
    .slice(-dropoutRows)
    .map((r) => ({ round: r.round, kind: r.kind, participants: r.participants.length, ...roundDropouts(r) }));
  return {
    ...from,
    curves: extendSample(from.curves, points),
    dropouts: [...from.dropouts, ...rows].slice(-dropoutRows),
  };
}

/**
 * `from` with `entries`, the job's ledger entries appended after those it
 * holds, added on; null when one is a round entry of an earlier round than
 * the last it holds: the series is in round order, and only a reading of the
 * whole ledger puts that one in its place (as extendLedgerTally).
 */
export function addLedgerEntries(from: JobSeries, entries: readonly LedgerEntry[]): JobSeries | null {
  const rounds = entries.filter((e) => e.kind === 'round').sort((a, b) => a.round - b.round);
  const last = from.epsilon.latest;
  if (last && rounds.length > 0 && rounds[0]!.round < last.round) return null;
  let carried: ReadonlyMap<string, number> = last?.epsilon ?? new Map();
  const points = rounds.map((e) => {
    const next = new Map(carried);
    for (const [h, v] of cumulativeSpends(e)) next.set(h, v);
    carried = next;
    return { round: e.round, epsilon: next };
  });
  return { ...from, epsilon: extendSample(from.epsilon, points) };
}

/**
 * ε spent per hospital over the job's round entries (the auditor's figures,
 * not the coordinator's memory): the series sampled, what each hospital was
 * charged in all from the job's ledger tally.
 */
export function privacyView(spec: JobSpec, tally: LedgerTally, series: JobSeries): PrivacyView {
  // Every hospital named in a round entry's spends, as the tally counts them.
  const names = [...tally.spends.keys()].sort();
  const points = sampleItems(series.epsilon);
  const p = spec.privacy;
  const target = p ? { unit: p.unit, epsilon: p.epsilon, delta: p.delta } : null;
  return {
    target,
    x: points.map((pt) => pt.round),
    hospitals: Object.fromEntries(names.map((n) => [n, points.map((pt) => pt.epsilon.get(n) ?? null)])),
    remaining: names.map((n) => {
      const { rounds, spent } = tally.spends.get(n)!;
      return { hospital: n, rounds, spent, remaining: target ? target.epsilon - spent : null };
    }),
  };
}
