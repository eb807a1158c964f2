/** `cohort simulate fed-tcga-brca`: its options, its runs (one per seed) and its table. */
import type { Command } from 'commander';
import { textTable } from '../edge/text-table.ts';
import { intArg } from '../edge/args.ts';
import { createLogger, type LogLevel } from '../edge/log.ts';
import { writeFigures } from './write-figures.ts';
import { runFedTcgaBrca, TCGA_DEFAULTS, type TcgaResult } from '../simulations/fed-tcga-brca.ts';
import { loadTcgaBrca, REGIONS } from '../simulations/tcga-brca-data.ts';
import { progressLine } from './round-progress.ts';

interface TcgaCliOptions {
  rounds: number;
  seeds: number[];
  baseline: boolean;
  json?: string;
  logLevel: LogLevel;
}

/** FLamby's published C-index on the pooled test split (simulations/data/tcga-brca/README.md), one seed each. */
export const FLAMBY_FIGURES = { pooled: 0.755, fedavg: { 1: 0.774, 10: 0.784, 100: 0.769 } } as const;

function seedList(v: string): number[] {
  return v.split(',').map((s) => intArg(0, 0xffffffff)(s.trim()));
}

function tcgaOptions(cmd: Command): Command {
  return cmd
    .option('--rounds <n>', 'FedAvg rounds (one local epoch each)', intArg(1, 10_000), TCGA_DEFAULTS.rounds)
    .option(
      '--seeds <list>',
      'comma list of seeds (initialisation and batch order); one run each, then their mean',
      seedList,
      TCGA_DEFAULTS.seeds,
    )
    .option('--no-baseline', 'skip the pooled-data baseline');
}

/** Runs the scenario once per seed, printing each run's table and then the mean. */
async function fedTcgaBrca(o: TcgaCliOptions): Promise<void> {
  const log = createLogger({ level: o.logLevel, destination: process.stderr });
  const data = await loadTcgaBrca();
  const runs: TcgaResult[] = [];
  for (const seed of o.seeds) {
    const r = await runFedTcgaBrca({
      rounds: o.rounds,
      seed,
      baseline: o.baseline,
      data,
      log,
      onRound: (round, total) => process.stderr.write(progressLine(`fed-tcga-brca seed ${seed}`, round, total)),
    });
    runs.push(r);
    process.stdout.write(`${renderTcga(r)}\n`);
  }
  const summary = summariseTcga(runs);
  process.stdout.write(`${renderTcgaSummary(summary)}\n`);
  writeFigures(o.json, summary);
}

const f3 = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : 'n/a');

export function renderTcga(r: TcgaResult): string {
  const t = textTable(['hospital (region)', 'test n', 'released C-index', 'released Cox loss']);
  for (const h of REGIONS) {
    const m = r.released[h];
    t.push([h, m?.numTest ?? 0, f3(m?.cIndex), f3(m?.loss)]);
  }
  const ms = r.roundTimesMs.reduce((s, x) => s + x, 0) / Math.max(1, r.roundTimesMs.length);
  const l = r.local;
  return [
    `fed-tcga-brca: ${r.rounds} rounds FedAvg, secure aggregation, no DP, seed ${r.seed}, linear Cox 39->1, local ${l.epochs} epoch ${l.optimizer} lr ${l.learningRate} batch ${l.batchSize}, tfjs ${r.backend}, ${ms.toFixed(0)} ms/round, ${(r.wallTimeMs / 1000).toFixed(1)} s`,
    t.toString(),
    `C-index of the final model on FLamby's pooled test split (${r.numTest} records, computed by the simulation): ${f3(r.pooledCIndex)}; pooled-data baseline ${f3(r.baseline?.pooledCIndex)}`,
  ].join('\n');
}

export interface TcgaSummary {
  scenario: 'fed-tcga-brca';
  rounds: number;
  seeds: number[];
  meanPooledCIndex: number;
  meanBaselineCIndex: number | null;
  meanWallTimeMs: number;
  flamby: typeof FLAMBY_FIGURES;
  runs: TcgaResult[];
}

export function summariseTcga(runs: TcgaResult[]): TcgaSummary {
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const baselines = runs.flatMap((r) => (r.baseline ? [r.baseline.pooledCIndex] : []));
  return {
    scenario: 'fed-tcga-brca',
    rounds: runs[0]!.rounds,
    seeds: runs.map((r) => r.seed),
    meanPooledCIndex: mean(runs.map((r) => r.pooledCIndex)),
    meanBaselineCIndex: baselines.length ? mean(baselines) : null,
    meanWallTimeMs: mean(runs.map((r) => r.wallTimeMs)),
    flamby: FLAMBY_FIGURES,
    runs,
  };
}

export function renderTcgaSummary(s: TcgaSummary): string {
  const per = s.runs.map((r) => `${r.seed}: ${f3(r.pooledCIndex)}`).join(', ');
  return `mean over seeds (${per}): FedAvg pooled-test C-index ${f3(s.meanPooledCIndex)}, pooled-data baseline ${f3(s.meanBaselineCIndex ?? Number.NaN)}; FLamby (one seed): pooled ${FLAMBY_FIGURES.pooled}, FedAvg ${FLAMBY_FIGURES.fedavg[1]}-${FLAMBY_FIGURES.fedavg[10]}`;
}

/** The scenario as cli/simulate.ts registers it. */
export const TCGA_SCENARIO = {
  name: 'fed-tcga-brca',
  description:
    "6 regional hospitals (FLamby's Fed-TCGA-BRCA, breast-cancer survival) train a linear Cox model by FedAvg under secure aggregation; C-index on FLamby's pooled test split, mean over seeds",
  options: tcgaOptions,
  json: 'also write the runs and their mean as JSON',
  logLevel: 'warn',
  action: fedTcgaBrca as Parameters<Command['action']>[0],
};
