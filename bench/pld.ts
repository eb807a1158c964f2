/**
 * `npm run bench pld`: the PLD accountant's wall time in the DP-SGD settings
 * of test/core/privacy/pld.test.ts, beside its floor measured in the same
 * run: the forward and inverse FFTs of the composition's grid, per direction,
 * which no composition by FFT avoids. The tests bound the grid (the work);
 * this prints the time, and the target the tests once asserted: seconds.
 *
 * Each timed run starts cold (clearPldCaches). Beside it, the same run
 * priced once more at one step more, as a job's spend is at its next round,
 * with the step's PLD and transforms kept from the cold run (pld.ts
 * keptStepPmf): kept / cold is what keeping them saves.
 */
import { performance } from 'node:perf_hooks';
import { rdpEpsilon } from '../core/privacy/conversion.ts';
import { fft, nextPowerOfTwo } from '../core/privacy/fft.ts';
import { clearPldCaches, pldEpsilon, sampledGaussianPld } from '../core/privacy/pld.ts';
import { median } from './stats.ts';

/** The target: each run of the accountant takes seconds, not minutes. */
const TARGET_MS = 5_000;
const REPEATS = 3;

const CASES = [
  { name: 'q = 0.04, σ = 1.5, 2250 steps', q: 0.04, sigma: 1.5, steps: 2250, delta: 1e-5 },
  { name: 'q = 256/60000, σ = 1.1, 60 epochs', q: 256 / 60000, sigma: 1.1, steps: 14_063, delta: 1e-5 },
  { name: 'q = 0.01, σ = 1, 10^4 steps', q: 0.01, sigma: 1, steps: 10_000, delta: 1e-5 },
];

export interface PldCaseResult {
  name: string;
  pldEpsilon: number;
  rdpEpsilon: number;
  /** The composition's FFT length, per direction. */
  fftSize: number;
  directions: number;
  pldMs: number;
  /** The same run at one step more, right after a cold run: the step's PLD and transforms kept. */
  keptMs: number;
  floorMs: number;
  ratio: number;
}

function timed(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

export function benchPld(): PldCaseResult[] {
  return CASES.map(({ name, ...run }) => {
    const pld = sampledGaussianPld(run);
    const directions = pld.add === pld.remove ? 1 : 2;
    const fftSize = nextPowerOfTwo(Math.max(pld.remove.probs.length, pld.add.probs.length));
    let epsilon = 0;
    const cold = (): number => {
      clearPldCaches();
      return timed(() => (epsilon = pldEpsilon(run)));
    };
    const pldMs = median(Array.from({ length: REPEATS }, cold));
    const keptMs = median(
      Array.from({ length: REPEATS }, () => {
        cold();
        return timed(() => pldEpsilon({ ...run, steps: run.steps + 1 }));
      }),
    );
    const floorMs = median(
      Array.from({ length: REPEATS }, () =>
        timed(() => {
          for (let d = 0; d < directions; d++) {
            const re = new Float64Array(fftSize);
            const im = new Float64Array(fftSize);
            re[0] = 1;
            fft(re, im);
            fft(re, im, true);
          }
        }),
      ),
    );
    return {
      name,
      pldEpsilon: epsilon,
      rdpEpsilon: rdpEpsilon(run).epsilon,
      fftSize,
      directions,
      pldMs,
      keptMs,
      floorMs,
      ratio: pldMs / floorMs,
    };
  });
}

export function formatPld(cases: PldCaseResult[]): string[] {
  const lines = cases.flatMap((c) => [
    `PLD accountant, ${c.name}: ε = ${c.pldEpsilon.toFixed(4)} (RDP ${c.rdpEpsilon.toFixed(4)}, PLD / RDP = ${(c.pldEpsilon / c.rdpEpsilon).toFixed(4)}) in ${c.pldMs.toFixed(0)} ms`,
    `  floor (${c.directions} × forward and inverse FFT of 2^${Math.log2(c.fftSize)} points): ${c.floorMs.toFixed(0)} ms; ratio accountant / floor = ${c.ratio.toFixed(2)}`,
    `  the next round's price (one step more, the step kept): ${c.keptMs.toFixed(0)} ms; kept / cold = ${(c.keptMs / c.pldMs).toFixed(2)}`,
  ]);
  const slowest = Math.max(...cases.map((c) => c.pldMs));
  lines.push(
    `  target: every run under ${TARGET_MS / 1000} s: ${slowest < TARGET_MS ? 'met' : 'NOT met'} (slowest ${slowest.toFixed(0)} ms)`,
  );
  return lines;
}
