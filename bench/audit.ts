/**
 * A white-box one-run privacy audit of DP-SGD's noising step
 * (core/privacy/snapped-noise.ts `privatizeSum`, as client/trainer/dpsgd.ts
 * calls it) with its Poisson sampling and composition over steps.
 *
 * Canaries are gradients: an adversary who controls a record's gradient
 * (Nasr, Song, Thakurta, Papernot, Carlini, "Adversary Instantiation: Lower
 * Bounds for Differentially Private Machine Learning", IEEE S&P 2021) makes
 * it a Dirac canary, all of norm `clip` on one coordinate (Nasr, Hayes,
 * Steinke, Balle, Tramèr, Jagielski, Carlini, Terzis, "Tight Auditing of
 * Differentially Private Machine Learning", USENIX Security 2023). Many of
 * them are audited in one run (Steinke, Nasr, Jagielski, "Privacy Auditing
 * with One (1) Training Run", NeurIPS 2023, Algorithm 1 in their white-box
 * setting), the bound from core/privacy/audit.ts.
 *
 * The game: m canaries, each included with probability 1/2; canary i's
 * gradient is clip·e_i, so no canary hides another. For `steps` steps each
 * included canary joins the batch with probability q (Poisson sampling, as
 * dpsgd.ts); the step's clipped-gradient sum (the batch's canaries plus the
 * other records' gradients, here a seeded vector that the white-box
 * adversary knows and subtracts) goes through privatizeSum. The adversary
 * sees every released sum, as a federated server sees every step. Its score
 * for canary i is the log-likelihood ratio, over the steps, of "included" to
 * "excluded" for the sampled Gaussian the mechanism claims (noise std
 * σ·clip; a shift of clip with probability q each step): the Neyman–Pearson
 * test for one canary, and increasing in every release, so still a fair
 * score when the mechanism is not what it claims.
 *
 * The claim is the accountant's ε at δ for (q, σ, steps) (core/privacy
 * accountSpend, PLD: what cohort charges). Besides the mechanism as
 * configured, two broken ones run under the same claim: noise ÷ 2
 * (privatizeSum called with σ/2) and clip × 4 (canaries of norm 4·clip with
 * the noise for clip, as if clipping were skipped). A correct mechanism's
 * bound exceeds the claim with probability at most `significance`; a broken
 * one's should exceed it.
 *
 * Randomness: membership, Poisson sampling and the known background come
 * from a seeded PRNG (core/rng.ts), so a seed fixes everything but the
 * noise, which is privatizeSum's own CSPRNG and cannot be seeded. Two runs
 * with one seed differ only by the mechanism's noise.
 *
 * `npm run bench audit` (AUDIT_SEEDS sets the seeds, default 10), or
 * `npx tsx bench/audit.ts`.
 */
import { pathToFileURL } from 'node:url';
import { privatizeSum } from '../core/privacy/snapped-noise.ts';
import { gaussianNoise } from '../core/privacy/gaussian.ts';
import { accountSpend } from '../core/privacy/spend.ts';
import { logMix } from '../core/privacy/gaussian-pld.ts';
import { auditScores, type AuditResult, type GuessRule } from '../core/privacy/audit.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';

/** The noising step under audit: privatizeSum's signature. */
export type Privatize = (
  sum: ArrayLike<number>,
  clip: number,
  noiseMultiplier: number,
  out?: Float64Array,
) => Float64Array;

export interface CanaryAuditSetting {
  /** Canaries m: the released sums have m coordinates. */
  canaries: number;
  /** Poisson sampling rate per step. */
  q: number;
  steps: number;
  /** The claimed noise multiplier σ. */
  noiseMultiplier: number;
  clip: number;
  delta: number;
  /** 1 − confidence of the lower bound. */
  significance: number;
  /** Guess rules declared before the run; each is tested at significance / grid.length. */
  grid: readonly GuessRule[];
}

/**
 * A fault injected into the mechanism, relative to the claim: the noise
 * multiplier used (σ·noiseScale), and how far one record's contribution
 * reaches (clip·clipScale: the canaries' norm here, the trainer's clip in
 * bench/audit-dpsgd.ts).
 */
export interface Fault {
  name: string;
  noiseScale: number;
  clipScale: number;
}

export const CORRECT: Fault = { name: 'as configured', noiseScale: 1, clipScale: 1 };
export const NOISE_HALVED: Fault = { name: 'noise ÷ 2', noiseScale: 0.5, clipScale: 1 };
/** Canaries of norm 4·c under noise σ·c: as if clipping were 4× too loose. */
export const CLIP_X4: Fault = { name: 'clip × 4', noiseScale: 1, clipScale: 4 };
export const FAULTS: readonly Fault[] = [CORRECT, NOISE_HALVED, CLIP_X4];

/**
 * The audit's setting (test and bench): claimed ε = 2.04 at δ = 1e-5. A small
 * q over many steps exercises the sampling and the composition, and there
 * the halved noise lands further above the claim, and the correct noise
 * further below it, than with full batches at the same claim (bench/README.md).
 * One guess rule, declared here before any audited run (Algorithm 1's k+ and
 * k− are parameters): "in" for the 600 highest scores (2% of the canaries),
 * no "out" guesses (an excluded canary and an included one never sampled
 * look alike, so low scores carry little). Chosen from offline runs with a
 * continuous Gaussian stand-in, not from runs of the mechanism audited.
 */
export const DEFAULT_SETTING: CanaryAuditSetting = {
  canaries: 30_000,
  q: 0.02,
  steps: 128,
  noiseMultiplier: 0.9,
  clip: 1,
  delta: 1e-5,
  significance: 0.05,
  grid: [{ kPlus: 600, kMinus: 0 }],
};

/** The accountant's ε at δ for the setting's (q, σ, steps), by PLD as cohort charges it: what the mechanism claims. */
export function claimedEpsilon(s: CanaryAuditSetting): number {
  return accountSpend([{ kind: 'sampled-gaussian', q: s.q, sigma: s.noiseMultiplier, steps: s.steps }], s.delta, 'pld')
    .epsilon;
}

/**
 * One step's log-likelihood ratio that a canary of norm `clip` was in a
 * released coordinate y, scored against the claim (noise std σ·clip): the
 * sampled Gaussian's log(1 − q + q·e^{(2y·c − c²)/(2σ²c²)}).
 */
export function canaryScore(s: CanaryAuditSetting, y: number): number {
  const c = s.clip;
  return logMix(s.q, (2 * y * c - c * c) / (2 * (s.noiseMultiplier * c) ** 2));
}

/** What the adversary ends with: a score per canary, and (for the audit) which canaries were included. */
export interface CanaryGame {
  scores: Float64Array;
  included: boolean[];
}

/** One run of the game with `fault` injected; `seed` fixes everything but the mechanism's noise. */
export function playCanaryGame(
  s: CanaryAuditSetting,
  fault: Fault,
  seed: number,
  privatize: Privatize = privatizeSum,
): CanaryGame {
  const m = s.canaries;
  const c = s.clip;
  const rng = seededRng(deriveSeed(seed, 'canary-audit'));
  const included = Array.from({ length: m }, () => rng.float() < 0.5);
  const sum = new Float64Array(m);
  const background = new Float64Array(m);
  const released = new Float64Array(m);
  const scores = new Float64Array(m);
  const canary = c * fault.clipScale;
  for (let t = 0; t < s.steps; t++) {
    for (let i = 0; i < m; i++) {
      background[i] = (rng.float() - 0.5) * c;
      sum[i] = background[i]! + (included[i] && rng.float() < s.q ? canary : 0);
    }
    privatize(sum, c, s.noiseMultiplier * fault.noiseScale, released);
    for (let i = 0; i < m; i++) {
      scores[i] = scores[i]! + canaryScore(s, released[i]! - background[i]!);
    }
  }
  return { scores, included };
}

export interface CanaryAuditRun extends AuditResult {
  fault: string;
  seed: number;
}

/** One audited run: the game, then the one-run bound over the setting's guess rules. */
export function runCanaryAudit(
  s: CanaryAuditSetting,
  fault: Fault,
  seed: number,
  privatize: Privatize = privatizeSum,
): CanaryAuditRun {
  const { scores, included } = playCanaryGame(s, fault, seed, privatize);
  return { fault: fault.name, seed, ...auditScores(scores, included, s.grid, s.delta, s.significance) };
}

/** The continuous Gaussian of gaussian.ts in privatizeSum's shape (std noiseMultiplier·clip, no grid): the bench's reference mechanism. */
export const continuousGaussianSum: Privatize = (sum, clip, noiseMultiplier, out) => {
  const target = gaussianNoise(sum.length, noiseMultiplier * clip, out ?? new Float64Array(sum.length));
  for (let i = 0; i < sum.length; i++) target[i] = target[i]! + sum[i]!;
  return target;
};

export interface AuditSummary {
  mechanism: string;
  fault: string;
  mean: number;
  min: number;
  max: number;
  aboveClaim: number;
  runs: CanaryAuditRun[];
}

export interface AuditBench {
  setting: CanaryAuditSetting;
  claimedEpsilon: number;
  seeds: number;
  rows: AuditSummary[];
  msPerRun: number;
}

function summarise(mechanism: string, fault: Fault, runs: CanaryAuditRun[], claim: number): AuditSummary {
  const eps = runs.map((r) => r.epsilon);
  return {
    mechanism,
    fault: fault.name,
    mean: eps.reduce((a, b) => a + b, 0) / eps.length,
    min: Math.min(...eps),
    max: Math.max(...eps),
    aboveClaim: eps.filter((e) => e > claim).length,
    runs,
  };
}

/**
 * The bench's figures: privatizeSum under each fault over seeds 1..seeds,
 * and the continuous Gaussian as configured on the same seeds (the ideal
 * mechanism the snapped one stands in for: its bound is the floor of what
 * this audit finds under the claim).
 */
export function benchAudit(seeds: number, setting: CanaryAuditSetting = DEFAULT_SETTING): AuditBench {
  const claim = claimedEpsilon(setting);
  const rows: AuditSummary[] = [];
  const started = performance.now();
  const run = (mechanism: string, privatize: Privatize, fault: Fault) => {
    const runs = Array.from({ length: seeds }, (_, k) => runCanaryAudit(setting, fault, k + 1, privatize));
    rows.push(summarise(mechanism, fault, runs, claim));
  };
  for (const fault of FAULTS) run('privatizeSum', privatizeSum, fault);
  run('continuous Gaussian', continuousGaussianSum, CORRECT);
  return benchFigures(setting, claim, seeds, rows, started);
}

/** A bench's figures (this one's and bench/audit-dpsgd.ts's): rows of `seeds` runs each, timed from `started`. */
export function benchFigures<S, R>(setting: S, claim: number, seeds: number, rows: R[], started: number) {
  return {
    setting,
    claimedEpsilon: claim,
    seeds,
    rows,
    msPerRun: (performance.now() - started) / (rows.length * seeds),
  };
}

/** The game's parameters, guess rules, confidence and seeds, as both audit benches head their report. */
export function describeSetting(s: CanaryAuditSetting, seeds: number): string {
  const rules = s.grid.map((g) => `top ${g.kPlus} in, bottom ${g.kMinus} out`).join('; ');
  return `q = ${s.q}, ${s.steps} steps, σ = ${s.noiseMultiplier}, clip = ${s.clip}; guesses: ${rules}; ${(1 - s.significance) * 100}% confidence; ${seeds} seeds`;
}

/** The accountant's claim, as both audit benches report it. */
export function describeClaim(claim: number, s: CanaryAuditSetting): string {
  return `  claimed ε = ${claim.toFixed(3)} at δ = ${s.delta.toExponential()} (accountant, PLD)`;
}

export function formatAudit(b: AuditBench): string[] {
  const s = b.setting;
  return [
    `one-run canary audit (m = ${s.canaries} Dirac canaries, ${describeSetting(s, b.seeds)}):`,
    describeClaim(b.claimedEpsilon, s),
    ...b.rows.map(
      (r) =>
        `  ${`${r.mechanism}, ${r.fault}:`.padEnd(37)} ε lower bound mean ${r.mean.toFixed(3)}, range [${r.min.toFixed(3)}, ${r.max.toFixed(3)}]; above the claim in ${r.aboveClaim}/${r.runs.length}`,
    ),
    `  ${b.msPerRun.toFixed(0)} ms per run`,
  ];
}

/** Seeds for the bench from AUDIT_SEEDS (default 10), validated here, once. */
export function auditSeedsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.AUDIT_SEEDS;
  if (raw === undefined || raw === '') return 10;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > 1000) {
    process.stderr.write(`audit: "AUDIT_SEEDS" expected integer in [1, 1000], got ${raw}\n`);
    process.exit(2);
  }
  return v;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatAudit(benchAudit(auditSeedsFromEnv(process.env))).join('\n')}\n`);
}
