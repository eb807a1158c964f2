/**
 * The job specification: what a researcher submits and what hospitals are
 * offered. Parsed once at the edge (file, CLI, wire) into a fully resolved
 * `JobSpec`; everything after trusts it.
 */
import { z } from 'zod';
import { imageAugmentSchema } from '../data/augment.ts';
import { isPrintable } from '../printable.ts';
import { MAX_NAME_LENGTH } from '../auth/name.ts';
import { parseOrThrow } from '../parse-issues.ts';
import {
  examplesMixingLayers,
  inputSize,
  isGraphModel,
  modelOutputUnits,
  modelSpecSchema,
  outputActivation,
} from '../model/spec.ts';
import { analyseGraph } from '../model/graph.ts';
import { BINARY_TASK, outputUnits, taskSchema } from '../model/task.ts';

export const STRATEGIES = ['fedavg', 'fedavgm', 'fedprox', 'fedadam', 'fedyogi'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

const finitePositive = z.number().finite().positive();
/** Random bytes in a job's id after its name: the id is the name, "-" and their hex (jobIdFor). */
const JOB_ID_RANDOM_BYTES = 4;
/** What a job's id adds to its name; the id travels in every frame's header. */
export const JOB_ID_SUFFIX_CHARS = 1 + 2 * JOB_ID_RANDOM_BYTES;
/** The longest job name: its id must fit a wire name (MAX_NAME_LENGTH), or no hospital could be offered the job. */
export const MAX_JOB_NAME_LENGTH = MAX_NAME_LENGTH - JOB_ID_SUFFIX_CHARS;

/** A job's id: its name, "-" and JOB_ID_RANDOM_BYTES of `random`'s bytes in hex; at most MAX_NAME_LENGTH characters. */
export function jobIdFor(name: string, random: (n: number) => Uint8Array): string {
  return `${name}-${Buffer.from(random(JOB_ID_RANDOM_BYTES)).toString('hex')}`;
}

const name = z
  .string()
  .min(1)
  .max(MAX_JOB_NAME_LENGTH)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-" only');

/** A feature or label name: it is quoted in a hospital's logs and declines, so no control or format character. */
const printableName = z
  .string()
  .min(1)
  .max(128)
  .refine(isPrintable, 'no control or format characters (escapes, bidi overrides)');

export const localTrainingSchema = z.strictObject({
  epochs: z.number().int().min(1).max(1000).default(1),
  batchSize: z.number().int().min(1).max(65_536).default(32),
  learningRate: finitePositive.max(10).default(0.01),
  optimizer: z.enum(['sgd', 'adam']).default('sgd'),
  proximalMu: z.number().finite().min(0).max(100).default(0),
  maxSteps: z.number().int().min(0).max(1_000_000).default(0),
});

/**
 * Server-side optimiser settings. Defaults for FedAdam/FedYogi follow Reddi et
 * al. 2021 ("Adaptive Federated Optimization"): beta1 0.9, beta2 0.99,
 * tau 1e-3. FedAvgM's server momentum is beta1 (0.9, as Hsu et al. 2019).
 */
export const strategySpecSchema = z.strictObject({
  name: z.enum(STRATEGIES).default('fedavg'),
  serverLearningRate: finitePositive.max(100).optional(),
  beta1: z.number().finite().min(0).lt(1).default(0.9),
  beta2: z.number().finite().min(0).lt(1).default(0.99),
  tau: finitePositive.max(1).default(1e-3),
});

/**
 * Secure aggregation (Bonawitz et al. CCS 2017; SecAgg+ graph of Bell et al.
 * CCS 2020) is on for every job unless a spec turns it off explicitly.
 * `clip` bounds each coordinate of a client's weighted delta before
 * quantization into Z_{2^bits}; the dropout fraction and the colluding
 * hospitals size the neighbour graph and threshold (core/secagg/params.ts).
 * `corruptFraction` γ is stated of the network: the coordinator resolves
 * `corruptClients` = ⌈γ·N⌉ for its roster of N hospitals at submission (or
 * keeps a larger value given), since a lying coordinator can put every
 * colluder into one round; hospitals check it against their own roster
 * (core/round/session-params.ts).
 */
export const secureAggregationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  bits: z.number().int().min(16).max(32).default(32),
  clip: finitePositive.max(1e6).default(10),
  dropoutFraction: z.number().finite().min(0).max(0.5).default(0.1),
  corruptFraction: z.number().finite().min(0).max(0.33).default(0.05),
  corruptClients: z.number().int().min(0).max(10_000).optional(),
});

/** Default most L2 norm of one hospital's update without secure aggregation (updateBoundSchema). */
export const DEFAULT_MAX_UPDATE_NORM = 100;
/** Default most examples one hospital may declare as its update's weight (updateBoundSchema). */
export const DEFAULT_MAX_EXAMPLES = 10_000_000;

/**
 * What the coordinator accepts from one hospital in a round, so that no
 * single hospital can move the model without bound (issue 16, finding 2).
 * - `maxNorm`: the most L2 norm of a hospital's update (its delta) in a job
 *   without secure aggregation; a larger one is refused (E_UPDATE_BOUND) and
 *   its sender leaves the round. The mean of updates so bounded is bounded
 *   by it too, whatever their weights. With secure aggregation the
 *   coordinator never sees an update: each coordinate of the weighted delta
 *   is clipped to secureAggregation.clip and the sum checked instead
 *   (core/secagg/sum-bound.ts). It is a bound of its own, not privacy.clip:
 *   a record-level job's clip bounds one record's gradient per DP-SGD step,
 *   not the noisy update a round of steps adds up to. At most 10^6, the
 *   largest norm of a weight tensor a hospital trains from
 *   (client/trainer/model.ts MAX_WEIGHT_NORM). Default 100, far above honest updates (at most 0.67
 *   in fed-heart-disease: docs/threat-model.md); raise it for a job whose
 *   honest updates are larger.
 * - `maxExamples`: the most examples a hospital may declare when it joins
 *   (its update's weight in a job without DP; a DP job weighs every update
 *   1). A larger declaration is refused at join; without secure aggregation
 *   an update may not weigh more than its sender declared.
 */
export const updateBoundSchema = z.strictObject({
  maxNorm: finitePositive.max(1e6).default(DEFAULT_MAX_UPDATE_NORM),
  maxExamples: z.number().int().min(1).max(1e9).default(DEFAULT_MAX_EXAMPLES),
});

/**
 * Std of the discrete-Gaussian noise on each of the four confusion-matrix
 * counts a hospital releases when it evaluates a DP job's model: one record
 * moves one count by 1, so it is one release of the discrete Gaussian
 * mechanism at sensitivity 1, charged by its own PLD (core/job/privacy.ts).
 */
export const DEFAULT_EVALUATION_NOISE = 20;

/** Most DP-SGD steps one round may take (the trainer's limit, client/trainer/dpsgd.ts MAX_DP_STEPS). */
export const MAX_DP_STEPS_PER_ROUND = 1_000_000;

/**
 * The job's differential-privacy guarantee, stated in its privacy unit:
 * - `record`: one patient record at one hospital. Each hospital runs DP-SGD
 *   (Abadi et al. 2016): Poisson sampling at `samplingRate`, per-example L2
 *   clip `clip`, exact discrete-Gaussian noise of std noiseMultiplier·clip
 *   (at most 1 % more: core/privacy/snapped-noise.ts) per step.
 * - `hospital`: one hospital's whole contribution. Each hospital clips its
 *   update to L2 norm `clip` and adds discrete-Gaussian noise inside the
 *   masked sum so that the honest ones among any `minSurvivors` survivors
 *   (minSurvivors − secureAggregation.corruptClients of them: colluders know
 *   and subtract their own shares) together add the full noise (Kairouz,
 *   Liu, Steinke ICML 2021); needs secure aggregation.
 * `epsilon`/`delta` is the target for the whole job; with no
 * `noiseMultiplier` the coordinator calibrates it (core/job/privacy.ts), with
 * one the job is refused if it misses the target. `accountant` names the
 * bound the budget is charged with (both are always computed).
 */
export const privacySpecSchema = z.strictObject({
  unit: z.enum(['record', 'hospital']),
  epsilon: finitePositive.max(100),
  delta: z.number().finite().gt(0).lt(1),
  clip: finitePositive.max(1e6),
  noiseMultiplier: finitePositive.max(1e6).optional(),
  samplingRate: z.number().finite().gt(0).max(1).optional(),
  minSurvivors: z.number().int().min(1).max(10_000).optional(),
  accountant: z.enum(['pld', 'rdp']).default('pld'),
  evaluationNoise: finitePositive.min(1).max(1e6).default(DEFAULT_EVALUATION_NOISE),
});

/**
 * Which rounds' starting models the hospitals evaluate on their test splits:
 * ascending, each in 1..rounds+1, always including rounds+1 (the final
 * model, evaluated in the job's last round). A hospital evaluates these and
 * nothing else, once each. Default: every round for a job without DP; the
 * final model only for a DP job, where each evaluation is a release charged
 * to the budget, and the only one cohort schedules (core/job/privacy.ts).
 */
export const evaluationScheduleSchema = z.strictObject({
  rounds: z.array(z.number().int().min(1).max(10_001)).min(1).max(10_001).optional(),
});

/**
 * An image job's input (issue 18): the job names one feature, the image
 * column its hospitals' intake fills (an ImageFolder's images or a
 * manifest's path column), and each example reaches the model as
 * height × width × channels values, row-major (height, width, channels), so
 * a graph model's input shape is [height, width, channels] (or any shape of
 * as many values). docs/models.md.
 */
export const imageInputSchema = z.strictObject({
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  channels: z.union([z.literal(1), z.literal(3)]),
  /** Random views of each training image (core/data/augment.ts); evaluation sees the images as they are. */
  augment: imageAugmentSchema.optional(),
});

const jobSpecObject = z.strictObject({
  name,
  model: modelSpecSchema,
  /** What the model predicts (core/model/task.ts); jobs written before tasks existed are binary. */
  task: taskSchema.default(BINARY_TASK),
  features: z.array(printableName).min(1).max(100_000),
  /** Present for an image job: the one feature is an image of this size (imageInputSchema). */
  image: imageInputSchema.optional(),
  label: printableName,
  rounds: z.number().int().min(1).max(10_000),
  minClients: z.number().int().min(1).max(10_000).default(2),
  targetClients: z.number().int().min(1).max(10_000).optional(),
  roundTimeoutMs: z.number().int().min(100).max(86_400_000).default(60_000),
  joinWaitMs: z.number().int().min(0).max(86_400_000).default(10_000),
  local: localTrainingSchema.default(localTrainingSchema.parse({})),
  strategy: strategySpecSchema.default(strategySpecSchema.parse({})),
  secureAggregation: secureAggregationSchema.default(secureAggregationSchema.parse({})),
  updateBound: updateBoundSchema.default(updateBoundSchema.parse({})),
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  privacy: privacySpecSchema.optional(),
  evaluation: evaluationScheduleSchema.default({}),
});

export const jobSpecSchema = jobSpecObject
  .superRefine((s, ctx) => {
    shapeIssues(s, ctx);
    taskIssues(s, ctx);
    privacyIssues(s, ctx);
    evaluationIssues(s, ctx);
    strategyIssues(s, ctx);
  })
  .transform((s) => ({
    ...s,
    targetClients: s.targetClients ?? s.minClients,
    strategy: {
      ...s.strategy,
      serverLearningRate: s.strategy.serverLearningRate ?? defaultServerLearningRate(s.strategy),
    },
    privacy:
      s.privacy && s.privacy.unit === 'hospital'
        ? { ...s.privacy, minSurvivors: s.privacy.minSurvivors ?? s.minClients }
        : s.privacy,
  }));

/** The object the job spec schema refines, before its transform. */
type RawSpec = z.output<typeof jobSpecObject>;

/** The features against the model, the client counts, and secure aggregation's threshold condition. */
function shapeIssues(s: RawSpec, ctx: z.RefinementCtx): void {
  const im = s.image;
  const values = im ? im.height * im.width * im.channels : s.features.length;
  const what = im ? `an image of ${im.height}×${im.width}×${im.channels} values` : `${s.features.length} features`;
  if (inputSize(s.model) !== values) {
    ctx.addIssue({
      code: 'custom',
      path: im ? ['image'] : ['features'],
      message: isGraphModel(s.model)
        ? `${what} but the model's input holds ${inputSize(s.model)} values`
        : `${what} but model.inputDim is ${inputSize(s.model)}`,
    });
  }
  if (im && s.features.length !== 1) {
    ctx.addIssue({ code: 'custom', path: ['features'], message: 'an image job names one feature: its image column' });
  }
  if (new Set(s.features).size !== s.features.length) {
    ctx.addIssue({ code: 'custom', path: ['features'], message: 'feature names must be unique' });
  }
  if (s.targetClients !== undefined && s.targetClients < s.minClients) {
    ctx.addIssue({ code: 'custom', path: ['targetClients'], message: `must be >= minClients (${s.minClients})` });
  }
  const sa = s.secureAggregation;
  if (sa.enabled && sa.corruptFraction + 2 * sa.dropoutFraction >= 1) {
    // With a server that may lie about dropouts, a threshold exists only if γ + 2δ < 1 (core/secagg/params.ts).
    ctx.addIssue({
      code: 'custom',
      path: ['secureAggregation'],
      message: 'corruptFraction + 2 * dropoutFraction must be below 1',
    });
  }
}

/**
 * The model's head against the task: a binary job's dense model ends in one
 * sigmoid unit (the form every job had before tasks existed); any other
 * task's ends in a linear layer of outputUnits(task) units, the task applying
 * its own activation (softmax, sigmoid per label, identity, Cox risk score).
 */
function taskIssues(s: RawSpec, ctx: z.RefinementCtx): void {
  const units = outputUnits(s.task);
  const activation = outputActivation(s.model);
  if (!isGraphModel(s.model) && s.task.kind === 'binary') {
    if (modelOutputUnits(s.model) !== 1 || activation !== 'sigmoid')
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'layers'],
        message: 'the last layer must be {"units": 1, "activation": "sigmoid"} (binary classification)',
      });
  } else if (!isGraphModel(s.model) && (modelOutputUnits(s.model) !== units || activation !== 'linear')) {
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'layers'],
      message: `the last layer must be {"units": ${units}, "activation": "linear"}: a ${s.task.kind} task applies its own activation`,
    });
  } else if (isGraphModel(s.model)) {
    const out = analyseGraph(s.model).outputShape;
    if (out.length !== 1 || out[0] !== units)
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `the model's output has shape [${out}]; a ${s.task.kind} task needs [${units}]`,
      });
    if (activation !== 'linear')
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `the model's output passes through ${activation}; it must be linear (logits): the ${s.task.kind} task applies its own activation`,
      });
  }
  const mixing = examplesMixingLayers(s.model);
  if (s.privacy?.unit === 'record' && mixing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['model'],
      message: `BatchNormalization (${mixing.slice(0, 3).join(', ')}) normalises each example by its batch, so one record moves every other record's output and per-example clipping does not bound its influence: refused under record-level DP (use LayerNormalization)`,
    });
  }
  if (s.task.kind === 'survival' && s.privacy?.unit === 'record') {
    // Cox's partial likelihood sums over each event's risk set, so one record's
    // term enters every other record's loss: clipping per-example gradients
    // bounds nothing about one record's influence.
    ctx.addIssue({
      code: 'custom',
      path: ['task'],
      message:
        "survival (Cox partial likelihood) cannot run under record-level DP: each record's risk set couples it to the others, so per-example clipping does not bound one record's influence; use hospital-level DP",
    });
  }
}

/** The privacy target against its unit, the secure aggregation it needs and the DP-SGD steps it takes. */
function privacyIssues(s: RawSpec, ctx: z.RefinementCtx): void {
  const p = s.privacy;
  if (p?.unit === 'record' && p.samplingRate === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['privacy', 'samplingRate'],
      message: 'record-level DP needs the Poisson sampling rate q of DP-SGD',
    });
  }
  if (p?.unit === 'hospital') {
    if (p.samplingRate !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'samplingRate'],
        message: 'hospital-level DP samples no records: remove samplingRate',
      });
    if (!s.secureAggregation.enabled)
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'unit'],
        message: 'hospital-level DP adds its noise inside the secure sum: secureAggregation must be enabled',
      });
    if (p.minSurvivors !== undefined && p.minSurvivors < s.minClients) {
      ctx.addIssue({
        code: 'custom',
        path: ['privacy', 'minSurvivors'],
        message: `must be >= minClients (${s.minClients}): a round with fewer survivors fails anyway`,
      });
    }
  }
  if (
    p?.unit === 'record' &&
    p.samplingRate !== undefined &&
    s.local.maxSteps === 0 &&
    s.local.epochs * Math.ceil(1 / p.samplingRate) > MAX_DP_STEPS_PER_ROUND
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['privacy', 'samplingRate'],
      message: `local.epochs / samplingRate gives over ${MAX_DP_STEPS_PER_ROUND} DP-SGD steps per round: set local.maxSteps`,
    });
  }
  if (p?.unit === 'record' && p.minSurvivors !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['privacy', 'minSurvivors'],
      message: 'minSurvivors is for hospital-level DP only',
    });
  }
}

/** The evaluation schedule: ascending rounds ending with the final model; only that one for a DP job. */
function evaluationIssues(s: RawSpec, ctx: z.RefinementCtx): void {
  const p = s.privacy;
  const evalRounds = s.evaluation.rounds;
  if (evalRounds) {
    const final = s.rounds + 1;
    if (evalRounds.some((r, i) => r > final || (i > 0 && r <= evalRounds[i - 1]!))) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluation', 'rounds'],
        message: `must be ascending rounds in 1..${final} (rounds + 1 is the final model)`,
      });
    } else if (evalRounds.at(-1) !== final) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluation', 'rounds'],
        message: `must include ${final}: the final model is always evaluated`,
      });
    } else if (p && evalRounds.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['evaluation', 'rounds'],
        message: `a DP job evaluates its final model only (round ${final}): every evaluation is a release charged to the hospitals' budgets`,
      });
    }
  }
}

/** FedProx's proximal term and the strategy agree. */
function strategyIssues(s: RawSpec, ctx: z.RefinementCtx): void {
  if (s.strategy.name === 'fedprox' && s.local.proximalMu === 0) {
    ctx.addIssue({ code: 'custom', path: ['local', 'proximalMu'], message: 'fedprox needs local.proximalMu > 0' });
  }
  if (s.strategy.name !== 'fedprox' && s.local.proximalMu > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['local', 'proximalMu'],
      message: `proximalMu > 0 is FedProx: set strategy.name to "fedprox"`,
    });
  }
}

/** Whether hospitals evaluate round `round`'s starting model (evaluationScheduleSchema; its default when the spec lists none). */
export function evaluates(spec: Pick<JobSpec, 'rounds' | 'privacy' | 'evaluation'>, round: number): boolean {
  const listed = spec.evaluation.rounds;
  if (listed) return listed.includes(round);
  return (
    Number.isInteger(round) && round >= 1 && round <= spec.rounds + 1 && (!spec.privacy || round === spec.rounds + 1)
  );
}

/** A fully resolved job spec: every default applied. */
export type JobSpec = z.output<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type LocalTraining = JobSpec['local'];
export type StrategySpec = JobSpec['strategy'];
export type SecureAggregationSpec = JobSpec['secureAggregation'];
export type PrivacySpec = NonNullable<JobSpec['privacy']>;

/**
 * FedAvg/FedProx: 1, plain (weighted) model averaging. FedAdam/FedYogi: 0.1,
 * Flower's default server learning rate (eta) for its adaptive strategies.
 * FedAvgM: 1 − beta1, an effective learning rate η / (1 − β) of 1 as
 * FedAvg's (core/strategy/fedavgm.ts; Flower's default is 1).
 */
function defaultServerLearningRate(s: { name: StrategyName; beta1: number }): number {
  if (s.name === 'fedavgm') return 1 - s.beta1;
  return s.name === 'fedadam' || s.name === 'fedyogi' ? 0.1 : 1;
}

/**
 * A researcher's job, as the coordinator accepts it from the network: a job
 * spec that states its privacy target (no target, no job). The operator's
 * own jobs (`coordinator start --job`, simulations) may run without DP.
 */
export const researcherJobSpecSchema = jobSpecSchema.refine((s) => s.privacy !== undefined, {
  path: ['privacy'],
  message: "a researcher's job must state its privacy target (unit, epsilon, delta, clip)",
});

/** Parses untrusted input into a JobSpec, or throws E_JOB_SPEC naming each bad field. */
export function parseJobSpec(input: unknown): JobSpec {
  return parseWith(jobSpecSchema, input);
}

/** Parses a researcher's submission (researcherJobSpecSchema): E_JOB_SPEC naming each bad field, "privacy" if it states no target. */
export function parseResearcherJobSpec(input: unknown): JobSpec {
  return parseWith(researcherJobSpecSchema, input);
}

function parseWith(schema: z.ZodType<JobSpec>, input: unknown): JobSpec {
  return parseOrThrow(schema, input, 'E_JOB_SPEC');
}
