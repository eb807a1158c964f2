/**
 * `npm run bench [name...]`: runs benchmarks and prints each figure beside
 * its baseline measured in the same run, as a ratio (shared machines are
 * noisy; absolute times are for context). Writes bench/results/<name>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchTraining } from './training.ts';
import { benchRound } from './round.ts';

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

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
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
