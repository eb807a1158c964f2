/**
 * `cohort secagg params`: the secure-aggregation parameters a round of n
 * hospitals gets, and what they guarantee. As in a job, C is counted of the
 * network (the roster's N hospitals, `--network`, default n) and capped at
 * n − 1 (core/job/privacy.ts roundCorrupt). Glue only: the search and its
 * threat model are core/secagg/params.ts's; the defaults are the job spec's
 * (core/job/spec.ts, secureAggregationSchema).
 */
import type { Command } from 'commander';
import { intArg, numberArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { secureAggregationSchema } from '../core/job/spec.ts';
import {
  DEFAULT_SECURITY_BITS,
  MAX_CLIENTS,
  chooseParams,
  corruptCount,
  type SecAggParams,
} from '../core/secagg/params.ts';

const SPEC_DEFAULTS = secureAggregationSchema.parse({});

const fractionArg = (name: string) => numberArg(name, (x) => x >= 0 && x < 1, 'a fraction in [0, 1)');

interface ParamsCliOptions {
  clients: number;
  network?: number;
  dropout: number;
  corrupt: number;
  json: boolean;
}

export interface ParamsReport {
  clients: number;
  /** N, the hospitals in the network (the roster). */
  network: number;
  corruptFraction: number;
  dropoutFraction: number;
  /** C = min(⌈γN⌉, n − 1). */
  corrupt: number;
  /** D = ⌊δn⌋. */
  dropouts: number;
  graph: 'complete' | 'harary';
  k: number;
  holders: number;
  t: number;
  /** log2 of the bound on a privacy failure (S1 or S2); −Infinity: none possible. */
  securityLog2: number;
  /** log2 of the bound on an abort with at most D dropouts; −Infinity: none possible. */
  correctnessLog2: number;
  /** Fewest honest inputs in a sum the server can unmask. */
  honestInSum: number;
  guarantee: string;
}

export function registerSecAgg(program: Command): void {
  const secagg = program
    .command('secagg')
    .description('secure aggregation (Bonawitz et al. 2017, SecAgg+ of Bell et al. 2020)');
  secagg
    .command('params')
    .description('neighbour degree k and Shamir threshold t a round of n hospitals gets, and what they guarantee')
    .requiredOption('--clients <n>', `hospitals in the round (2 to ${MAX_CLIENTS})`, intArg(2, MAX_CLIENTS))
    .option(
      '--network <N>',
      "hospitals in the network (the roster), of which C is counted (default: the round's n)",
      intArg(2, 1_000_000),
    )
    .option(
      '--dropout <fraction>',
      'expected fraction of hospitals that drop out, δ',
      fractionArg('--dropout'),
      SPEC_DEFAULTS.dropoutFraction,
    )
    .option(
      '--corrupt <fraction>',
      'assumed fraction of the network colluding with the coordinator, γ (C = ceil(γN), at most n - 1)',
      fractionArg('--corrupt'),
      SPEC_DEFAULTS.corruptFraction,
    )
    .option('--json', 'machine-readable output', false)
    .action((o: ParamsCliOptions) => {
      const network = o.network ?? o.clients;
      if (network < o.clients)
        throw new CohortError(
          'E_CONFIG_INVALID',
          `--network ${network} is smaller than the round's --clients ${o.clients}`,
        );
      const corrupt = Math.min(corruptCount(o.corrupt, network), o.clients - 1);
      const p = chooseParams({ n: o.clients, dropoutFraction: o.dropout, corrupt });
      const r = report(o, network, p);
      process.stdout.write(
        o.json
          ? `${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`
          : table(r),
      );
    });
}

function report(o: ParamsCliOptions, network: number, p: SecAggParams): ParamsReport {
  const n = o.clients;
  // Sparse graph: S1, S2 and the corrupt-neighbour bound behind honestInSum hold together except with probability < 2^−σ.
  const odds = p.full ? '' : `, except with probability < 2^-${DEFAULT_SECURITY_BITS}`;
  return {
    clients: n,
    network,
    corruptFraction: o.corrupt,
    dropoutFraction: o.dropout,
    corrupt: p.corrupt,
    dropouts: p.dropped,
    graph: p.full ? 'complete' : 'harary',
    k: p.k,
    holders: p.holders,
    t: p.t,
    securityLog2: p.securityLog2,
    correctnessLog2: p.failureProbLog2,
    honestInSum: p.honestInSum,
    // A colluder's input is known to the server anyway: what t buys is the honest inputs every unmaskable sum contains.
    guarantee:
      `a server that lies about dropouts, colluding with ${p.corrupt} hospital${p.corrupt === 1 ? '' : 's'}, ` +
      `learns only sums of >= ${p.honestInSum} honest hospitals' inputs (any ${p.t} holders of a secret include >= ${p.honestInSum} honest)${odds}`,
  };
}

function table(r: ParamsReport): string {
  const exponent = (x: number) => (x === -Infinity ? '-inf (exact)' : x.toFixed(1));
  const rows: [string, string][] = [
    ['clients n', String(r.clients)],
    ['network N', String(r.network)],
    ['corrupt C = min(ceil(γN), n-1)', `${r.corrupt} (γ = ${r.corruptFraction})`],
    ['dropouts D = floor(δn)', `${r.dropouts} (δ = ${r.dropoutFraction})`],
    ['graph', r.graph === 'complete' ? 'complete' : 'SecAgg+ Harary'],
    ['k (neighbours)', String(r.k)],
    ['holders k+1', String(r.holders)],
    ['threshold t', String(r.t)],
    ['security log2 P[privacy fails]', exponent(r.securityLog2)],
    ['correctness log2 P[round aborts]', exponent(r.correctnessLog2)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\nguarantee: ${r.guarantee}\n`;
}
