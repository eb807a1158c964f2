/**
 * Issue 17, start-up: wall time of `node cohort.mjs <command>`, from spawn to
 * exit, in three ways in one run, samples interleaved so that drift in the
 * machine's load hits all three alike:
 * - before: as the CLI started before dist/ (bench/cli-start-eager.mjs: tsx,
 *   every command's module imported up front);
 * - source: cohort.mjs from source (COHORT_FROM_SOURCE=1: tsx, only the
 *   command's own module);
 * - dist: cohort.mjs from the compiled dist/ (its freshness check included);
 * beside node's own start (`node -e 0`), the floor: on a loaded machine every
 * figure grows with it.
 * The build runs first (its time is reported) and again whenever another
 * process's edit leaves dist/ stale, so no "dist" sample is a fallback to
 * source: a sample after which dist/ was stale is dropped and taken again.
 * CLI_START_N sets the samples per figure (default 7).
 */
import { spawnSync } from 'node:child_process';
import { buildDist } from '../scripts/build.mjs';
import { distIsFresh } from '../scripts/dist-fresh.mjs';

const TARGET_MS = 300;
type Mode = 'floor' | 'before' | 'source' | 'dist';

/** The commands timed: the help, a real computation, and a command whose module reaches the client's code. */
export const COMMANDS: string[][] = [
  ['--help'],
  // RDP, as when the figures in README "Build" were measured (the command's default is now the PLD jobs charge).
  ['accountant', '--q', '0.01', '--sigma', '1.1', '--steps', '1000', '--delta', '1e-5', '--accountant', 'rdp'],
  ['job', 'status', '--help'],
];

export interface CliStartFigure {
  command: string;
  medianMs: Record<Mode, number>;
  /** before / dist and source / dist: how many times faster the compiled start is. */
  ratio: { beforeOverDist: number; sourceOverDist: number };
}

export interface CliStartResult {
  samples: number;
  buildMs: number;
  figures: CliStartFigure[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function argvFor(mode: Mode, command: string[]): string[] {
  if (mode === 'floor') return ['-e', '0'];
  return mode === 'before' ? ['bench/cli-start-eager.mjs', ...command] : ['cohort.mjs', ...command];
}

/** One start, ms; the command must succeed (a failing command would time its error path). */
function timeOnce(mode: Mode, command: string[]): number {
  const env = { ...process.env, COHORT_LOG_LEVEL: 'silent', COHORT_FROM_SOURCE: mode === 'source' ? '1' : '0' };
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argvFor(mode, command), { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`cohort ${command.join(' ')} (${mode}) exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** Tries before the bench gives up on a tree that changes under every sample. */
const MAX_REBUILDS = 10;

async function timeDist(command: string[]): Promise<number> {
  for (let tries = 0; tries < MAX_REBUILDS; tries++) {
    if (!distIsFresh()) await buildDist();
    const ms = timeOnce('dist', command);
    if (distIsFresh()) return ms;
  }
  throw new Error(`cli-start: the sources changed during ${MAX_REBUILDS} samples in a row; dist/ never stayed fresh`);
}

export async function benchCliStart(samples: number): Promise<CliStartResult> {
  const t0 = performance.now();
  if (!(await buildDist())) throw new Error('cli-start: no dist/ (esbuild is not installed)');
  const buildMs = performance.now() - t0;
  const figures: CliStartFigure[] = [];
  for (const command of COMMANDS) {
    const ms: Record<Mode, number[]> = { floor: [], before: [], source: [], dist: [] };
    timeOnce('source', command); // unrecorded: warms the file system cache for every mode
    for (let i = 0; i < samples; i++) {
      ms.floor.push(timeOnce('floor', command));
      ms.before.push(timeOnce('before', command));
      ms.source.push(timeOnce('source', command));
      ms.dist.push(await timeDist(command));
    }
    const medianMs = {
      floor: median(ms.floor),
      before: median(ms.before),
      source: median(ms.source),
      dist: median(ms.dist),
    };
    figures.push({
      command: command.join(' '),
      medianMs,
      ratio: { beforeOverDist: medianMs.before / medianMs.dist, sourceOverDist: medianMs.source / medianMs.dist },
    });
  }
  return { samples, buildMs, figures };
}

export function samplesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.CLI_START_N;
  if (raw === undefined || raw === '') return 7;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new Error(`"CLI_START_N" expected integer in [1, 1000], got ${raw}`);
  return n;
}

export function formatCliStart(r: CliStartResult): string[] {
  const lines = [
    `CLI start (node cohort.mjs, spawn to exit, median of ${r.samples}; build of dist/ ${(r.buildMs / 1000).toFixed(1)} s)`,
  ];
  for (const f of r.figures) {
    const { floor, before, source, dist } = f.medianMs;
    lines.push(
      `  cohort ${f.command}: before ${before.toFixed(0)} ms, source (tsx) ${source.toFixed(0)} ms, dist ${dist.toFixed(0)} ms (node alone ${floor.toFixed(0)} ms: +${(dist - floor).toFixed(0)}); ratio before / dist = ${f.ratio.beforeOverDist.toFixed(1)}, source / dist = ${f.ratio.sourceOverDist.toFixed(1)}; dist < ${TARGET_MS} ms: ${dist < TARGET_MS ? 'met' : 'NOT met'}`,
    );
  }
  return lines;
}
