/**
 * The one-run canary audit (bench/audit.ts, core/privacy/audit.ts) run end
 * to end through the real trainer, client/trainer/dpsgd.ts `trainDpSgd`:
 * its CSPRNG Poisson sampling, per-example clipping (per-example.ts), σ,
 * `privatizeSum`, public divisor and SGD step, none of them replaced. A
 * broken clipping, sampling rate, noise multiplier or a skipped noising step
 * in the trainer moves this bound; bench/audit.ts's white-box game, which
 * calls privatizeSum itself, would not see them.
 *
 * Canaries are records, not gradients (Steinke, Nasr, Jagielski, NeurIPS
 * 2023, Algorithm 1; input-space Dirac canaries as in Nasr et al., USENIX
 * Security 2023): the model is logistic regression on m inputs, and canary i
 * is the record x = M·e_i with label 1. Its per-example gradient is
 * (σ(z) − 1)·(M·e_i, 1): every weight but w_i and the bias is untouched, and
 * while |σ(z) − 1|·√(M² + 1) > clip (M = 1000 and |z| small: always) the
 * clipping makes it exactly −clip·(M·e_i, 1)/√(M² + 1), whatever the
 * weights. So coordinate i of a step's clipped sum is −clip·M/√(M²+1) ≈ −clip
 * when canary i is sampled and 0 otherwise, and the SGD step moves w_i by
 * −η/(q·publicCount) × (that coordinate plus the noise): the step's released
 * sum on coordinate i is read back from the weights. The learning rate is
 * small enough (η/(q·publicCount) = 1e-4) that the weights stay near 0 and
 * every canary's gradient stays clipped.
 *
 * The adversary sees the model after every step, as the accountant's
 * composition assumes (the intermediate models of white-box DP-SGD): the
 * audit calls trainDpSgd once per step (steps: 1, weights carried over), each
 * call drawing its own Poisson sample from the CSPRNG, and scores canary i by
 * the sampled Gaussian's log-likelihood ratio of the released coordinate over
 * the steps, as bench/audit.ts. A single call of `steps` steps shows only the
 * final model, whose canary coordinate is the sum over steps: too weak a
 * statistic for a few thousand canaries to catch halved noise (bench/README.md).
 *
 * Canary membership: IN canaries are rows of the training split, OUT ones are
 * absent (the split has only canaries). Faults are how the trainer is called,
 * under the same claim: noise ÷ 2 passes σ/2; clip × 4 passes 4·clip and σ/4,
 * so the noise std stays σ·clip while a record's gradient may reach 4·clip.
 *
 * `npm run bench audit-dpsgd` (AUDIT_SEEDS sets the seeds, default 10), or
 * `npx tsx bench/audit-dpsgd.ts`.
 */
import { pathToFileURL } from 'node:url';
import { numericSplit } from '../core/data/index.ts';
import type { DatasetSplit } from '../core/data/types.ts';
import { localTrainingSchema } from '../core/job/spec.ts';
import { logisticRegression } from '../core/model/spec.ts';
import { auditScores } from '../core/privacy/audit.ts';
import { deriveSeed, seededRng } from '../core/rng.ts';
import { loadTf, type Tf } from '../client/trainer/index.ts';
import { trainDpSgd } from '../client/trainer/dpsgd.ts';
import {
  auditSeedsFromEnv,
  canaryScore,
  benchFigures,
  claimedEpsilon,
  CORRECT,
  describeClaim,
  describeSetting,
  DEFAULT_SETTING,
  NOISE_HALVED,
  type Fault,
  type CanaryAuditRun,
  type CanaryAuditSetting,
  type CanaryGame,
} from './audit.ts';

export interface DpSgdAuditSetting extends CanaryAuditSetting {
  /** M: canary i is the record M·e_i; large enough that its gradient is always clipped. */
  featureScale: number;
  /** η/(q·publicCount): how far one unit of the released sum moves a weight. */
  stepPerUnit: number;
}

/**
 * Clip 4·C with σ/4: the trainer's noise std is still σ·C, the per-example
 * bound 4·C (clipping 4× too loose). The trainer scales its noise by its
 * clip, so this fault differs from the white-box game's CLIP_X4.
 */
export const TRAINER_CLIP_X4: Fault = { name: 'clip × 4', noiseScale: 0.25, clipScale: 4 };
/** How the trainer is called, relative to the claim: dp.noiseMultiplier = σ·noiseScale, dp.clip = clip·clipScale. */
export const TRAINER_FAULTS: readonly Fault[] = [CORRECT, NOISE_HALVED, TRAINER_CLIP_X4];

/**
 * The end-to-end audit's setting (test and bench): the white-box game's
 * (DEFAULT_SETTING: its steps, clip, δ and significance) with fewer canaries.
 * The dense split is (m/2) × m floats (128 MB at m = 8000), which is what
 * bounds m; with fewer canaries than the white-box game's 30,000, a smaller q and σ keep the
 * halved noise visible: claimed ε = 2.72 at δ = 1e-5. One guess rule, fixed
 * before any audited run, chosen from offline runs with a continuous
 * Gaussian stand-in (bench/README.md): "in" for the 200 highest scores.
 */
export const DPSGD_AUDIT_SETTING: DpSgdAuditSetting = {
  ...DEFAULT_SETTING,
  canaries: 8_000,
  q: 0.005,
  noiseMultiplier: 0.6,
  grid: [{ kPlus: 200, kMinus: 0 }],
  featureScale: 1_000,
  stepPerUnit: 1e-4,
};

/** The training split: one row M·e_i, label 1, per included canary. */
export function canarySplit(s: DpSgdAuditSetting, included: readonly boolean[]): DatasetSplit {
  const m = s.canaries;
  const rows = included.flatMap((inc, i) => (inc ? [i] : []));
  const x = new Float32Array(rows.length * m);
  rows.forEach((i, r) => {
    x[r * m + i] = s.featureScale;
  });
  return numericSplit(x, new Float32Array(rows.length).fill(1), m);
}

/** The trainer under audit: trainDpSgd's signature (a stand-in lets a broken copy be shown to fail). */
export type DpTrainer = typeof trainDpSgd;

/** One run through trainDpSgd with `fault` in how it is called; `seed` fixes membership only. */
export async function playDpSgdCanaryGame(
  tf: Tf,
  s: DpSgdAuditSetting,
  fault: Fault,
  seed: number,
  train: DpTrainer = trainDpSgd,
): Promise<CanaryGame> {
  const m = s.canaries;
  const c = s.clip;
  const rng = seededRng(deriveSeed(seed, 'dpsgd-canary-audit'));
  const included = Array.from({ length: m }, () => rng.float() < 0.5);
  const data = canarySplit(s, included);
  const publicCount = m / 2; // the expected number of IN canaries: public, whatever the draw
  const local = localTrainingSchema.parse({ optimizer: 'sgd', learningRate: s.stepPerUnit * s.q * publicCount });
  const dp = {
    samplingRate: s.q,
    noiseMultiplier: s.noiseMultiplier * fault.noiseScale,
    clip: c * fault.clipScale,
    steps: 1,
    publicCount,
  };
  const spec = logisticRegression(m);
  let weights = new Float32Array(m + 1);
  const scores = new Float64Array(m);
  for (let t = 0; t < s.steps; t++) {
    const { delta } = await train(tf, { spec, local, weights, data, seed: 0, dp });
    for (let i = 0; i < m; i++) {
      // The released sum's coordinate i is −Δw_i/(η/(q·publicCount)); canary i's gradient there is −clip.
      scores[i] = scores[i]! + canaryScore(s, delta[i]! / s.stepPerUnit);
    }
    const next = new Float32Array(m + 1);
    for (let i = 0; i <= m; i++) next[i] = weights[i]! + delta[i]!;
    weights = next;
  }
  return { scores, included };
}

export async function runDpSgdAudit(
  tf: Tf,
  s: DpSgdAuditSetting,
  fault: Fault,
  seed: number,
  train: DpTrainer = trainDpSgd,
): Promise<CanaryAuditRun> {
  const { scores, included } = await playDpSgdCanaryGame(tf, s, fault, seed, train);
  return { fault: fault.name, seed, ...auditScores(scores, included, s.grid, s.delta, s.significance) };
}

export interface DpSgdAuditBench {
  setting: DpSgdAuditSetting;
  backend: string;
  claimedEpsilon: number;
  seeds: number;
  rows: { fault: string; epsilons: number[]; aboveClaim: number }[];
  msPerRun: number;
}

/** Each trainer fault over seeds 1..seeds, against the accountant's claim. */
export async function benchDpSgdAudit(
  seeds: number,
  setting: DpSgdAuditSetting = DPSGD_AUDIT_SETTING,
): Promise<DpSgdAuditBench> {
  process.env.COHORT_TF_BACKEND ??= 'cpu';
  const { tf, backend } = await loadTf();
  const claim = claimedEpsilon(setting);
  const started = performance.now();
  const rows = [];
  for (const fault of TRAINER_FAULTS) {
    const epsilons: number[] = [];
    for (let k = 1; k <= seeds; k++) epsilons.push((await runDpSgdAudit(tf, setting, fault, k)).epsilon);
    rows.push({ fault: fault.name, epsilons, aboveClaim: epsilons.filter((e) => e > claim).length });
  }
  return { ...benchFigures(setting, claim, seeds, rows, started), backend };
}

export function formatDpSgdAudit(b: DpSgdAuditBench): string[] {
  const s = b.setting;
  const stat = (xs: number[]) =>
    `mean ${(xs.reduce((a, x) => a + x, 0) / xs.length).toFixed(3)}, range [${Math.min(...xs).toFixed(3)}, ${Math.max(...xs).toFixed(3)}]`;
  return [
    `end-to-end canary audit through trainDpSgd (${b.backend}; m = ${s.canaries} record canaries M·e_i, M = ${s.featureScale}, logistic regression, ${describeSetting(s, b.seeds)}):`,
    describeClaim(b.claimedEpsilon, s),
    ...b.rows.map(
      (r) =>
        `  ${`trainDpSgd, ${r.fault}:`.padEnd(28)} ε lower bound ${stat(r.epsilons)}; above the claim in ${r.aboveClaim}/${r.epsilons.length} (${r.epsilons.map((e) => e.toFixed(2)).join(', ')})`,
    ),
    `  ${(b.msPerRun / 1000).toFixed(1)} s per run`,
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${formatDpSgdAudit(await benchDpSgdAudit(auditSeedsFromEnv(process.env))).join('\n')}\n`);
}
