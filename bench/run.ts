/**
 * `npm run bench [name...]`: runs benchmarks and prints each figure beside
 * its baseline measured in the same run, as a ratio (shared machines are
 * noisy; absolute times are for context). Writes bench/results/<name>.json.
 * `secagg` takes about 15 minutes (n = 500 cases); it is left out of the
 * default run and named explicitly: `npm run bench secagg` (or only
 * Bonawitz et al.'s setting: `npm run bench secagg-bonawitz`, ~7 minutes;
 * or only its d = 10^7 part: `npm run bench secagg-scale`, about a minute).
 * Both run Bonawitz et al.'s setting under the previous protocol too
 * (commit 981549c, extracted with git archive into bench/.baseline-981549c/,
 * see secagg-baseline.ts), and SECAGG_N / SECAGG_D shrink that setting for a
 * quick check (e.g. SECAGG_N=50 SECAGG_D=10000: seconds; the paper's figures
 * are then not compared).
 * `ledger` (about 2 minutes: a 10^5-entry privacy ledger built and audited)
 * is left out too: `npm run bench ledger`; so are `synthetic-ehr` (about
 * 2 minutes and 3 GB of temporary files: 10^5 patients per format, 10^6 as
 * CSV), `intake` (about 6 minutes: 10^6 CSV rows, a 1 GiB line, 10^5
 * Synthea-shaped FHIR patients as NDJSON, a folder of Bundles and one Bundle;
 * INTAKE_FHIR_PATIENTS shrinks the FHIR part) and `soak` (about 20 minutes: 200 clients, 50 rounds, crashes
 * in every secure-aggregation phase; smaller with SOAK_CLIENTS /
 * SOAK_ROUNDS): `npm run bench synthetic-ehr`, `intake`, `soak`. `audit`
 * (about 20 s: the one-run canary audit of DP-SGD's noising step, 10 seeds
 * of each mechanism; AUDIT_SEEDS sets them) is left out too: `npm run bench
 * audit`, and so is `audit-dpsgd` (the same audit through trainDpSgd end to
 * end, about 10 s a seed). `pre-auth` (about 20 s: the CPU one 15.8 MB frame
 * before the handshake costs the coordinator, beside commit fd8f54b's,
 * extracted with git archive into bench/.baseline-fd8f54b/) is left out
 * too: `npm run bench pre-auth`, and so is `hostile` (about 2 minutes: a
 * hospital's round trips with an idle coordinator and during a hostile
 * researcher's submission loop; HOSTILE_PHASE_MS sets each phase, default
 * 30 s): `npm run bench hostile`. `wire-scan` (about 20 s and 1.5 GB of
 * heap: the structural scan beside the decode of the red team's
 * decode-amplification payloads) is left out too: `npm run bench wire-scan`,
 * and so is `cli-start` (about a minute: the CLI's start before dist/, from
 * source and from dist/; CLI_START_N sets the samples): `npm run bench cli-start`.
 * So is `dashboard-hospitals` (about 10 s: the dashboard's hospitals views on
 * 200 jobs × 100 rounds, cold against warm; DASHBOARD_JOBS, DASHBOARD_ROUNDS,
 * DASHBOARD_HOSPITALS set the history): `npm run bench dashboard-hospitals`.
 * So is `dashboard-job` (about 10 s: a 10,000-round job's page before and
 * after it was bounded; DASHBOARD_JOB_ROUNDS, DASHBOARD_HOSPITALS): `npm run bench dashboard-job`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchTraining } from './training.ts';
import { benchCnn, formatCnn } from './cnn-training.ts';
import { benchDpSgd, formatDpSgd } from './dpsgd.ts';
import { benchRound } from './round.ts';
import { benchPrg } from './secagg-prg.ts';
import { availableParallelism, loadavg } from 'node:os';
import { BONAWITZ, allCases, formatResult, paramsFor, runCase, type Case } from './secagg.ts';
import { PROTOCOL_FIGURES, type ProtocolFigure } from './secagg-harness.ts';
import { runScale } from './secagg-scale.ts';
import { BaselineUnavailable, loadBaseline, runBaselineCase, type BaselineApi } from './secagg-baseline.ts';
import { benchLedger, formatLedger } from './ledger.ts';
import { benchConnections, formatConnections } from './connections.ts';
import { benchSyntheticEhr, formatSyntheticEhr } from './synthetic-ehr.ts';
import { benchIntake, formatIntake } from './intake.ts';
import { fhirPatientsFromEnv } from './intake-fhir.ts';
import { benchSoak, soakOptionsFromEnv } from './soak.ts';
import { formatSoak } from './soak-report.ts';
import { auditSeedsFromEnv, benchAudit, formatAudit } from './audit.ts';
import { benchDpSgdAudit, formatDpSgdAudit } from './audit-dpsgd.ts';
import { benchPreAuth, formatPreAuth } from './pre-auth.ts';
import { benchHostile, formatHostile } from './hostile.ts';
import { benchWireScan, formatWireScan } from './wire-scan.ts';
import { benchCommitPricing, formatCommitPricing } from './commit-pricing.ts';
import { benchCliStart, formatCliStart, samplesFromEnv } from './cli-start.ts';
import { benchPld, formatPld } from './pld.ts';
import { benchDashboardHospitals, formatDashboardHospitals } from './dashboard-hospitals.ts';
import { benchDashboardJob, formatDashboardJob } from './dashboard-job.ts';

const BENCHES: Record<string, () => Promise<{ lines: string[]; json: object }>> = {
  training: async () => {
    const r = await benchTraining();
    const cnn = await benchCnn();
    return {
      json: { ...r, cnn },
      lines: [
        `local training throughput (${r.backend}): cohort trainer ${r.samplesPerSecCustom.toFixed(0)} samples/s, plain model.fit ${r.samplesPerSecFit.toFixed(0)} samples/s`,
        `  ratio trainer / model.fit = ${r.ratio.toFixed(2)}`,
        ...formatCnn(cnn),
      ],
    };
  },
  dpsgd: async () => {
    const r = await benchDpSgd();
    return { json: r, lines: formatDpSgd(r) };
  },
  connections: async () => {
    const r = await benchConnections();
    return { json: r, lines: formatConnections(r) };
  },
  pld: async () => {
    const cases = benchPld();
    return { json: { cases }, lines: formatPld(cases) };
  },
  'commit-pricing': async () => {
    const r = await benchCommitPricing();
    return { json: r, lines: formatCommitPricing(r) };
  },
  round: async () => {
    const r = await benchRound();
    return {
      json: r,
      lines: [
        `fed-heart-disease round time (${r.backend}, ${r.rounds} rounds, 4 clients over loopback): ${r.meanRoundMs.toFixed(1)} ms/round`,
        `  floor (the 4 centres' local evaluate + train, serial as in the one-process simulation, no network): ${r.floorMs.toFixed(1)} ms; ratio round / floor = ${r.ratio.toFixed(2)}`,
        `  slowest centre alone (the floor with one machine per hospital): ${r.slowestCentreMs.toFixed(1)} ms`,
      ],
    };
  },
};

BENCHES.secagg = async () => {
  const setting = bonawitzSetting(process.env);
  const baseline = await baselineOrExit();
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };
  const prg = await benchPrg();
  say(
    `PRG (AES-256-CTR mask expansion, d = 10^6): raw keystream ${(prg.aesCtrRawWordsPerSec / 1e6).toFixed(0)} M words/s; expandMask ${(prg.expandWordsPerSec / 1e6).toFixed(0)} M words/s (ratio ${prg.ratioExpand.toFixed(2)}); fused add ${(prg.fusedAddWordsPerSec / 1e6).toFixed(0)} M words/s (ratio ${prg.ratioFused.toFixed(2)})`,
  );
  const cases = [];
  for (const c of allCases()) {
    const r = runCase(c);
    cases.push(r);
    say(formatResult(r));
  }
  const scale = await runScale(say);
  const bonawitz = runBonawitz(say, baseline, setting);
  return { lines: [], json: { prg, cases, scale, bonawitz } };
};

/** Only the d = 10^7 part of `secagg` (about a minute): `npm run bench secagg-scale`. */
BENCHES['secagg-scale'] = async () => {
  const lines: string[] = [];
  const json = await runScale((line) => lines.push(line));
  return { lines, json };
};

/** The previous protocol's code, or a clear message and exit 2 (it is the baseline: no baseline, no figure). */
async function baselineOrExit(): Promise<BaselineApi> {
  try {
    return await loadBaseline();
  } catch (e) {
    if (!(e instanceof BaselineUnavailable)) throw e;
    process.stderr.write(`secagg: cannot measure the previous protocol: ${e.message}\n`);
    process.exit(2);
  }
}

/**
 * Bonawitz et al.'s n and d, or smaller ones from SECAGG_N / SECAGG_D for a
 * quick check (n >= 10 so that the full-graph parameter search finds a
 * threshold at 30% dropouts), validated here, once.
 */
function bonawitzSetting(env: NodeJS.ProcessEnv): { n: number; d: number } {
  const read = (name: string, fallback: number, lo: number, hi: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const v = Number(raw);
    if (!Number.isInteger(v) || v < lo || v > hi) {
      process.stderr.write(`secagg: "${name}" expected integer in [${lo}, ${hi}], got ${raw}\n`);
      process.exit(2);
    }
    return v;
  };
  return { n: read('SECAGG_N', BONAWITZ.n, 10, BONAWITZ.n), d: read('SECAGG_D', BONAWITZ.d, 1, 1_000_000) };
}

/**
 * Bonawitz et al. 2017's own setting (n = 500, d = 10^5, full graph) beside
 * their published times, and beside the previous protocol (secagg-baseline.ts)
 * run in this process on the same case at the same (k, t): the added cost of
 * the roster and seed protocol, as ratios new / previous of wall time and of
 * CPU time (the machines are shared: runs a minute apart may wait for a core
 * for different lengths of time, which wall time counts and CPU time does
 * not). A small case of both runs first, unrecorded, so neither is measured
 * cold.
 */
function runBonawitz(say: (line: string) => void, baseline: BaselineApi, setting: { n: number; d: number }) {
  const { n, d } = setting;
  const paper = n === BONAWITZ.n && d === BONAWITZ.d;
  const warm: Case = { n: 20, d: 1_000, dropout: 0.1, mode: 'full' };
  runBaselineCase(baseline, warm, paramsFor(warm));
  runCase(warm);
  const { degree, threshold } = paramsFor({ n, d, dropout: 0, mode: 'full' });
  const loadAtStart = load();
  say(
    `Bonawitz et al. 2017 setting: n = ${n}, d = ${d}, full graph (k = ${degree}, t = ${threshold})${paper ? ' (their figures: single-threaded Java, 2017)' : `; not theirs (n = ${BONAWITZ.n}, d = ${BONAWITZ.d}): their figures are not compared`}`,
  );
  say(
    `  previous protocol: commit ${baseline.commit}, same run, same case and (k, t); new / previous, wall (CPU) time, is the added cost of the roster and seed protocol; ${loadAtStart}`,
  );
  const out = [0, 0.1, 0.3].map((dropout) => bonawitzCase(say, baseline, { n, d, dropout, mode: 'full' }, paper));
  if (paper) sayBonawitzTarget(say, out);
  const series = (f: ProtocolFigure, k: 'wall' | 'cpu') => out.map((o) => o.ratio[f][k].toFixed(2)).join(' / ');
  say(
    `  added cost of the roster and seed protocol, new / previous at 0 / 10 / 30% dropouts: server ${series('serverTotalMs', 'wall')} (CPU ${series('serverTotalMs', 'cpu')}); client ${series('clientTotalMs', 'wall')} (CPU ${series('clientTotalMs', 'cpu')}); ${load()} at the end`,
  );
  return { n, d, baselineCommit: baseline.commit, loadAtStart, loadAtEnd: load(), cases: out };
}

const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;

/** One dropout rate of the Bonawitz setting: the previous protocol, then this one, at the same (k, t); their figures if `paper`. */
function bonawitzCase(say: (line: string) => void, baseline: BaselineApi, c: Case, paper: boolean) {
  const { n, dropout } = c;
  const params = paramsFor(c);
  const old = baseline.chooseParams({
    n,
    dropoutFraction: Math.max(0.1, dropout),
    corruptFraction: 0.05,
    fullGraphBelow: n + 1,
  });
  const previous = runBaselineCase(baseline, c, params);
  const r = runCase(c);
  const ratio = Object.fromEntries(
    PROTOCOL_FIGURES.map((f) => [f, { wall: r[f] / previous[f], cpu: r.cpu[f] / previous.cpu[f] }]),
  ) as Record<ProtocolFigure, { wall: number; cpu: number }>;
  const theirs = paper ? BONAWITZ.serverMs[String(dropout)]! : null;
  const speedup = theirs === null ? null : { wall: theirs / r.serverTotalMs, cpu: theirs / r.cpu.serverTotalMs };
  const vsTheirs =
    speedup === null
      ? ''
      : ` vs their ${time(theirs!)}: ${speedup.wall.toFixed(1)}x (${speedup.cpu.toFixed(1)}x on CPU time)`;
  say(
    `  ${dropout * 100}% dropouts: server ${time(r.serverTotalMs)} (unmasking ${time(r.serverUnmaskMs)}; CPU ${time(r.cpu.serverTotalMs)})${vsTheirs}; client ${r.clientTotalMs.toFixed(0)} ms${paper ? ` vs their ${BONAWITZ.clientMs} ms` : ''}`,
  );
  const both = (x: { wall: number; cpu: number }) => `${x.wall.toFixed(2)} (${x.cpu.toFixed(2)})`;
  const searchNote =
    old.k === params.degree && old.t === params.threshold
      ? ''
      : `; the previous parameter search would pick k = ${old.k}, t = ${old.t}`;
  say(
    `    previous protocol: server ${time(previous.serverTotalMs)} (unmasking ${time(previous.serverUnmaskMs)}; CPU ${time(previous.cpu.serverTotalMs)}), client ${previous.clientTotalMs.toFixed(0)} ms; new / previous, wall (CPU): server ${both(ratio.serverTotalMs)}, unmasking ${both(ratio.serverUnmaskMs)}, client ${both(ratio.clientTotalMs)}, client before masking ${both(ratio.clientSetupMs)} (${r.clientSetupMs.toFixed(0)} vs ${previous.clientSetupMs.toFixed(0)} ms)${searchNote}`,
  );
  return {
    dropout,
    degree: params.degree,
    threshold: params.threshold,
    previousSearch: { k: old.k, t: old.t },
    serverUnmaskMs: r.serverUnmaskMs,
    serverTotalMs: r.serverTotalMs,
    clientSetupMs: r.clientSetupMs,
    clientTotalMs: r.clientTotalMs,
    cpu: r.cpu,
    theirServerMs: theirs,
    speedup,
    previous,
    ratio,
  };
}

/** The target against their published server times, at the dropout rates they report. */
function sayBonawitzTarget(say: (line: string) => void, out: ReturnType<typeof bonawitzCase>[]): void {
  const at = out.filter((o) => o.dropout > 0).map((o) => o.speedup!);
  const verdict = (xs: number[]) =>
    `${xs.every((x) => x >= 5) ? 'met' : 'NOT met'} (${xs.map((x) => `${x.toFixed(1)}x`).join(', ')})`;
  say(
    `  target: server >= 5x faster than theirs at 10% and 30% dropouts: ${verdict(at.map((x) => x.wall))}; on CPU time ${verdict(at.map((x) => x.cpu))}`,
  );
}

/** Seconds to one decimal, as their figures are given; milliseconds below a second (reduced settings). */
function time(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

BENCHES.ledger = async () => {
  const r = await benchLedger(100_000, (line) => process.stderr.write(`${line}\n`));
  return { json: r, lines: formatLedger(r) };
};

BENCHES['synthetic-ehr'] = async () => {
  const r = await benchSyntheticEhr((line) => process.stderr.write(`${line}\n`));
  return { json: r, lines: formatSyntheticEhr(r) };
};

BENCHES.intake = async () => {
  const r = await benchIntake(fhirPatientsFromEnv(process.env), (line) => process.stderr.write(`${line}\n`));
  return { json: r, lines: formatIntake(r) };
};

BENCHES.soak = async () => {
  const r = await benchSoak(soakOptionsFromEnv(process.env, (line) => process.stderr.write(`${line}\n`)));
  return { json: r, lines: formatSoak(r) };
};

BENCHES['secagg-bonawitz'] = async () => {
  const setting = bonawitzSetting(process.env);
  const baseline = await baselineOrExit();
  const lines: string[] = [];
  const bonawitz = runBonawitz(
    (line) => {
      lines.push(line);
    },
    baseline,
    setting,
  );
  return { lines, json: { bonawitz } };
};

BENCHES.audit = async () => {
  const r = benchAudit(auditSeedsFromEnv(process.env));
  return { json: r, lines: formatAudit(r) };
};

BENCHES['audit-dpsgd'] = async () => {
  const r = await benchDpSgdAudit(auditSeedsFromEnv(process.env));
  return { json: r, lines: formatDpSgdAudit(r) };
};

BENCHES['pre-auth'] = async () => {
  const r = await benchPreAuth();
  return { json: r, lines: formatPreAuth(r) };
};

BENCHES.hostile = async () => {
  const r = await benchHostile();
  return { json: r, lines: formatHostile(r) };
};

BENCHES['cli-start'] = async () => {
  const r = await benchCliStart(samplesFromEnv(process.env));
  return { json: r, lines: formatCliStart(r) };
};

BENCHES['dashboard-hospitals'] = async () => {
  const r = benchDashboardHospitals();
  return { json: r, lines: formatDashboardHospitals(r) };
};

BENCHES['dashboard-job'] = async () => {
  const r = benchDashboardJob();
  return { json: r, lines: formatDashboardJob(r) };
};

BENCHES['wire-scan'] = async () => {
  const cases = benchWireScan();
  return { json: { cases }, lines: formatWireScan(cases) };
};

const wanted = process.argv.slice(2);
const EXPLICIT = new Set([
  'ledger',
  'synthetic-ehr',
  'intake',
  'soak',
  'audit',
  'audit-dpsgd',
  'pre-auth',
  'hostile',
  'wire-scan',
  'cli-start',
  'dashboard-hospitals',
  'dashboard-job',
]);
const names =
  wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((n) => !n.startsWith('secagg') && !EXPLICIT.has(n));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
mkdirSync('bench/results', { recursive: true });
for (const name of names) {
  const { lines, json } = await BENCHES[name]!();
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    `bench/results/${name}.json`,
    `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...json }, null, 2)}\n`,
  );
}
