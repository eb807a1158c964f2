/**
 * `npm run bench [name...]`: runs benchmarks and prints each figure beside
 * its baseline measured in the same run, as a ratio (shared machines are
 * noisy; absolute times are for context). Writes bench/results/<name>.json.
 * `secagg` takes about 15 minutes (n = 500 cases); it is left out of the
 * default run and named explicitly: `npm run bench secagg` (or only
 * Bonawitz et al.'s setting: `npm run bench secagg-bonawitz`, ~3 minutes).
 * `ledger` (about 2 minutes: a 10^5-entry privacy ledger built and audited)
 * is left out too: `npm run bench ledger`; so are `synthetic-ehr` (about
 * 2 minutes and 3 GB of temporary files: 10^5 patients per format, 10^6 as
 * CSV), `intake` (about 1-2 minutes: 10^6 CSV rows, 10^5 FHIR patients, a
 * 1 GiB line) and `soak` (about 20 minutes: 200 clients, 50 rounds, crashes
 * in every secure-aggregation phase; smaller with SOAK_CLIENTS /
 * SOAK_ROUNDS): `npm run bench synthetic-ehr`, `intake`, `soak`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchTraining } from './training.ts';
import { benchDpSgd, formatDpSgd } from './dpsgd.ts';
import { benchRound } from './round.ts';
import { benchPrg } from './secagg-prg.ts';
import { BONAWITZ, allCases, formatResult, runCase } from './secagg.ts';
import { benchLedger, formatLedger } from './ledger.ts';
import { benchConnections, formatConnections } from './connections.ts';
import { benchSyntheticEhr, formatSyntheticEhr } from './synthetic-ehr.ts';
import { benchIntake, formatIntake } from './intake.ts';
import { benchSoak, formatSoak, soakOptionsFromEnv } from './soak.ts';

const BENCHES: Record<string, () => Promise<{ lines: string[]; json: object }>> = {
  training: async () => {
    const r = await benchTraining();
    return {
      json: r,
      lines: [
        `local training throughput (${r.backend}): cohort trainer ${r.samplesPerSecCustom.toFixed(0)} samples/s, plain model.fit ${r.samplesPerSecFit.toFixed(0)} samples/s`,
        `  ratio trainer / model.fit = ${r.ratio.toFixed(2)}`,
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
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stderr.write(`${line}\n`);
  };
  const prg = await benchPrg();
  say(`PRG (AES-256-CTR mask expansion, d = 10^6): raw keystream ${(prg.aesCtrRawWordsPerSec / 1e6).toFixed(0)} M words/s; expandMask ${(prg.expandWordsPerSec / 1e6).toFixed(0)} M words/s (ratio ${prg.ratioExpand.toFixed(2)}); fused add ${(prg.fusedAddWordsPerSec / 1e6).toFixed(0)} M words/s (ratio ${prg.ratioFused.toFixed(2)})`);
  const cases = [];
  for (const c of allCases()) {
    const r = runCase(c);
    cases.push(r);
    say(formatResult(r));
  }
  const bonawitz = runBonawitz(say);
  return { lines: [], json: { prg, cases, bonawitz } };
};

/** Bonawitz et al. 2017's own setting (n = 500, d = 10^5, full graph) beside their published times. */
function runBonawitz(say: (line: string) => void) {
  say(`Bonawitz et al. 2017 setting: n = ${BONAWITZ.n}, d = ${BONAWITZ.d}, full graph (their figures: single-threaded Java, 2017)`);
  const out = [];
  for (const dropout of [0, 0.1, 0.3]) {
    const r = runCase({ n: BONAWITZ.n, d: BONAWITZ.d, dropout, mode: 'full' });
    const theirs = BONAWITZ.serverMs[String(dropout)]!;
    out.push({ dropout, serverUnmaskMs: r.serverUnmaskMs, serverTotalMs: r.serverTotalMs, clientTotalMs: r.clientTotalMs, theirServerMs: theirs, speedup: theirs / r.serverTotalMs });
    say(`  ${dropout * 100}% dropouts: server ${(r.serverTotalMs / 1000).toFixed(1)} s (unmasking ${(r.serverUnmaskMs / 1000).toFixed(1)} s) vs their ${(theirs / 1000).toFixed(1)} s: ${(theirs / r.serverTotalMs).toFixed(1)}x; client ${r.clientTotalMs.toFixed(0)} ms vs their ${BONAWITZ.clientMs} ms`);
  }
  return out;
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
  const r = await benchIntake((line) => process.stderr.write(`${line}\n`));
  return { json: r, lines: formatIntake(r) };
};

BENCHES.soak = async () => {
  const r = await benchSoak(soakOptionsFromEnv(process.env, (line) => process.stderr.write(`${line}\n`)));
  return { json: r, lines: formatSoak(r) };
};

BENCHES['secagg-bonawitz'] = async () => {
  const lines: string[] = [];
  const bonawitz = runBonawitz((line) => {
    lines.push(line);
  });
  return { lines, json: { bonawitz } };
};

const wanted = process.argv.slice(2);
const EXPLICIT = new Set(['ledger', 'synthetic-ehr', 'intake', 'soak']);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES).filter((n) => !n.startsWith('secagg') && !EXPLICIT.has(n));
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
mkdirSync('bench/results', { recursive: true });
for (const name of names) {
  const { lines, json } = await BENCHES[name]!();
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(`bench/results/${name}.json`, `${JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...json }, null, 2)}\n`);
}
