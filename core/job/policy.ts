/**
 * A hospital's local policy for the jobs it will join, checked by its daemon
 * against each offered spec before anything else happens (in addition to
 * the privacy budget). Configuration is data, validated once
 * (`hospitalPolicySchema`); a job that misses any rule is declined with the
 * rule named.
 */
import { z } from 'zod';
import { CohortError } from '../errors.ts';
import { activationValuesPerExample, flopsPerExample, layerClasses, paramCount } from '../model/spec.ts';
import { stepsPerRound } from './privacy.ts';
import type { JobSpec } from './spec.ts';
import { formatIssues } from '../parse-issues.ts';

/**
 * The FLOPs-per-example cap of a hospital whose policy sets none (10^10, about
 * a ResNet-50 at 224²; the fed-pneumonia CNN takes 2.2·10^6). Without a
 * default, a valid spec within MAX_PARAMS could make each example cost
 * ~10^10 FLOPs per 784 input values by convolving wide layers over the whole
 * image, hours per epoch on a hospital's CPU (found in review of issue 18).
 */
export const DEFAULT_MAX_FLOPS_PER_EXAMPLE = 1e10;

/**
 * The activation-memory cap of a hospital whose policy sets none: the spec's
 * batchSize × the float32 bytes one example's forward pass outputs over every
 * layer (2 GiB; the fed-pneumonia CNN's batch of 32 needs 3.3 MB). Without
 * it a layer of 2^25 values per example (core/model/graph-shapes.ts's
 * per-layer bound) at batch 32 asks for 4 GiB per layer.
 */
export const DEFAULT_MAX_BATCH_ACTIVATION_BYTES = 2 ** 31;

/**
 * The FLOPs one round may cost a hospital whose policy sets none: 10^15,
 * about a day at the 10 GFLOP/s a few CPU cores sustain. A round's training
 * is estimated as 3 × the forward FLOPs per example (forward pass, input and
 * weight gradients) × the examples it trains on (examplesPerRound), known
 * from the spec and the hospital's record count before any record is read.
 * The per-example caps alone leave local.epochs (up to 1,000) × records free:
 * years of compute (found in review of issue 18). The fed-pneumonia CNN's
 * round at a hospital of 3,000 images: 2·10^10.
 */
export const DEFAULT_MAX_FLOPS_PER_ROUND = 1e15;

/**
 * The records a job with DP is priced at against maxFlopsPerRound when the
 * hospital's policy names none (`dpPricedRecords`): a public figure, never
 * the hospital's own count. The count is what DP covers: a decline, or a
 * decline's reason, that depended on it would reveal it exactly (a
 * researcher bisects it with free offers; review finding, deidreview). A
 * hospital with more records, or a tighter budget of compute, sets its own.
 * The fed-pneumonia CNN's round priced at 10^6 images: 7·10^12.
 */
export const DEFAULT_DP_PRICED_RECORDS = 1_000_000;

export const hospitalPolicySchema = z.strictObject({
  /** Researchers whose jobs this hospital joins; a job the operator started (no researcher) is declined when the list is set. */
  allowedResearchers: z.array(z.string().min(1).max(128)).max(10_000).optional(),
  /** DP the job must carry: "record", "hospital", "any" (either), or "none-ok" (a job without DP is acceptable). */
  requireDp: z.enum(['record', 'hospital', 'any', 'none-ok']).default('any'),
  /** Largest epsilon one job may state. */
  maxEpsilon: z.number().finite().positive().max(100).optional(),
  /** Largest delta one job may state. */
  maxDelta: z.number().finite().gt(0).lt(1).optional(),
  requireSecureAggregation: z.boolean().default(true),
  /** Features a job may use; absent: any the dataset provides. */
  allowedFeatures: z.array(z.string().min(1).max(128)).max(100_000).optional(),
  maxRounds: z.number().int().min(1).max(10_000).optional(),
  /**
   * Secure aggregation: assume at least this fraction of the network's
   * hospitals collude with the coordinator, whatever the job states; a job
   * assuming fewer colluders is declined (core/round/session-params.ts).
   */
  minCorruptFraction: z.number().finite().min(0).max(0.33).optional(),
  /**
   * What this hospital sends when it evaluates a record-level DP job's model:
   * "dp", noisy counts charged to its budget (core/privacy/noisy-counts.ts),
   * or "local", nothing (the figures stay with this hospital's operator).
   * Jobs without DP get exact metrics; hospital-level jobs get nothing.
   */
  evaluation: z.enum(['dp', 'local']).default('dp'),
  /** Most parameters a job's model may have (core/model/spec.ts paramCount). */
  maxParams: z.number().int().min(1).max(1e7).optional(),
  /** Most FLOPs one example's forward pass may take: 2 × multiply-adds (docs/models.md); absent: DEFAULT_MAX_FLOPS_PER_EXAMPLE. */
  maxFlopsPerExample: z.number().int().min(1).max(1e15).optional(),
  /** Most bytes of activations one training batch may hold: batchSize × 4 × the values of one example's forward pass; absent: DEFAULT_MAX_BATCH_ACTIVATION_BYTES. */
  maxBatchActivationBytes: z
    .number()
    .int()
    .min(1)
    .max(2 ** 40)
    .optional(),
  /** Most FLOPs one round of training may take here (DEFAULT_MAX_FLOPS_PER_ROUND says how it is estimated); absent: that default. */
  maxFlopsPerRound: z.number().min(1).max(1e18).optional(),
  /** The records a job with DP is priced at against maxFlopsPerRound (never this hospital's count); absent: DEFAULT_DP_PRICED_RECORDS. */
  dpPricedRecords: z.number().int().min(1).max(1e10).optional(),
  /** Layer classes a job's model may use, as Keras names them ("Dense", "Conv2D", …; docs/models.md); absent: any cohort allows. */
  allowedLayers: z.array(z.string().min(1).max(64)).max(100).optional(),
});

export type HospitalPolicy = z.output<typeof hospitalPolicySchema>;

export function parseHospitalPolicy(input: unknown): HospitalPolicy {
  const r = hospitalPolicySchema.safeParse(input);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `hospital policy: ${formatIssues(r.error)}`);
  return r.data;
}

/** Why `spec` breaks `policy` (every rule it breaks), or null if it meets it. */
/**
 * Every rule of `policy` the job breaks, joined, or null. `numTrain`, the
 * hospital's training records, prices a round of a job without DP
 * (maxFlopsPerRound; without it that rule is not checked there); a job with
 * DP is priced at dpPricedRecords, whatever the count.
 */
export function policyViolations(
  policy: HospitalPolicy,
  spec: JobSpec,
  owner: string | null = null,
  numTrain?: number,
): string | null {
  const why: string[] = [];
  const p = spec.privacy;
  if (policy.allowedResearchers && (owner === null || !policy.allowedResearchers.includes(owner))) {
    why.push(
      owner === null
        ? 'the job names no submitting researcher, and this hospital only joins jobs of allowed researchers'
        : `researcher ${owner} is not among this hospital's allowed researchers`,
    );
  }
  if (policy.requireDp !== 'none-ok') {
    if (!p) why.push('the job has no differential-privacy guarantee');
    else if (policy.requireDp !== 'any' && p.unit !== policy.requireDp)
      why.push(`the job's privacy unit is ${p.unit}; this hospital requires ${policy.requireDp}`);
  }
  if (p && policy.maxEpsilon !== undefined && p.epsilon > policy.maxEpsilon)
    why.push(`epsilon ${p.epsilon} is above this hospital's maximum of ${policy.maxEpsilon} per job`);
  if (p && policy.maxDelta !== undefined && p.delta > policy.maxDelta)
    why.push(`delta ${p.delta} is above this hospital's maximum of ${policy.maxDelta}`);
  if (policy.requireSecureAggregation && !spec.secureAggregation.enabled)
    why.push('the job turns secure aggregation off');
  if (policy.allowedFeatures) {
    const allowed = new Set(policy.allowedFeatures);
    const extra = spec.features.filter((f) => !allowed.has(f));
    if (extra.length > 0)
      why.push(`features not allowed here: ${extra.slice(0, 10).join(', ')}${extra.length > 10 ? ', …' : ''}`);
  }
  if (policy.maxRounds !== undefined && spec.rounds > policy.maxRounds)
    why.push(`${spec.rounds} rounds is above this hospital's maximum of ${policy.maxRounds}`);
  why.push(...modelViolations(policy, spec, numTrain));
  return why.length > 0 ? why.join('; ') : null;
}

/**
 * The model caps: parameters, FLOPs per example, activation memory of a
 * batch and layer classes, each named with the job's figure. FLOPs and
 * memory are capped by default: they are the cost a valid spec can make a
 * hospital pay, and are known from the spec before any record is read.
 */
/**
 * The costs a job's model puts on this hospital against its caps, defaults
 * included: a daemon without a policy file checks these with `{}`, so no
 * hospital runs a model without a bound on what it costs.
 */
export function modelViolations(policy: Partial<HospitalPolicy>, spec: JobSpec, numTrain?: number): string[] {
  const why: string[] = [];
  const params = paramCount(spec.model);
  if (policy.maxParams !== undefined && params > policy.maxParams)
    why.push(`the model has ${params} parameters, above this hospital's maxParams of ${policy.maxParams}`);
  const flops = flopsPerExample(spec.model);
  const maxFlops = policy.maxFlopsPerExample ?? DEFAULT_MAX_FLOPS_PER_EXAMPLE;
  if (flops > maxFlops)
    why.push(`the model takes ${flops} FLOPs per example, above this hospital's maxFlopsPerExample of ${maxFlops}`);
  const bytes = spec.local.batchSize * 4 * activationValuesPerExample(spec.model);
  const maxBytes = policy.maxBatchActivationBytes ?? DEFAULT_MAX_BATCH_ACTIVATION_BYTES;
  if (bytes > maxBytes)
    why.push(
      `a batch of ${spec.local.batchSize} holds ${bytes} bytes of activations, above this hospital's maxBatchActivationBytes of ${maxBytes}`,
    );
  const maxRound = policy.maxFlopsPerRound ?? DEFAULT_MAX_FLOPS_PER_ROUND;
  // With DP the record count is private: the round is priced at a public figure (DEFAULT_DP_PRICED_RECORDS).
  const priced = spec.privacy ? (policy.dpPricedRecords ?? DEFAULT_DP_PRICED_RECORDS) : numTrain;
  const round = priced === undefined ? 0 : 3 * flops * examplesPerRound(spec, priced);
  if (round > maxRound)
    why.push(
      spec.privacy
        ? `a round priced at ${priced} records takes about ${round.toPrecision(3)} FLOPs, above this hospital's maxFlopsPerRound of ${maxRound}`
        : `a round takes about ${round.toPrecision(3)} FLOPs here, above this hospital's maxFlopsPerRound of ${maxRound}`,
    );
  if (policy.allowedLayers) {
    const allowed = new Set(policy.allowedLayers);
    const extra = layerClasses(spec.model).filter((c) => !allowed.has(c));
    if (extra.length > 0) why.push(`layers not in this hospital's allowedLayers: ${extra.join(', ')}`);
  }
  return why;
}

/** Examples one round trains on at a hospital of `numTrain` records (DP-SGD: steps × the expected Poisson batch). */
function examplesPerRound(spec: JobSpec, numTrain: number): number {
  const p = spec.privacy;
  if (p?.unit === 'record') return stepsPerRound(spec, p) * p.samplingRate! * numTrain;
  const epochs = spec.local.epochs * numTrain;
  return spec.local.maxSteps > 0 ? Math.min(epochs, spec.local.maxSteps * spec.local.batchSize) : epochs;
}
