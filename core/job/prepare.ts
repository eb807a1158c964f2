/**
 * A job made ready to run, from what was submitted to what hospitals are
 * offered: the spec parsed and checked, its colluders and noise settled
 * (resolveJob), its initial weights drawn and hashed. Pure and possibly slow (the
 * noise calibration prices the whole job at each step of its search: tens of
 * seconds at the schema's limits), so the coordinator runs a researcher's
 * submission in a worker thread under time and memory limits
 * (coordinator/worker-pool.ts); the operator's own job files run in-process.
 */
import { CohortError } from '../errors.ts';
import { modelHash } from '../model/hash.ts';
import { initialWeights } from '../model/init.ts';
import { featureProblem, type OfferedDataset } from './features.ts';
import { resolveJob } from './privacy.ts';
import { parseResearcherJobSpec, type JobSpec } from './spec.ts';

/** A resolved spec and the model every hospital starts from. */
export interface PreparedJob {
  spec: JobSpec;
  weights: Float32Array;
  /** The weights' ledger hash (core/model/hash.ts), computed with them: the job-created entry records it, and the coordinator's thread hashes nothing. */
  modelHash: string;
}

/**
 * A researcher's spec as the coordinator accepts it: JSON, valid by the
 * researcher's schema (core/job/spec.ts researcherJobSpecSchema: it states
 * its privacy target), with features some known hospital offers. Throws
 * E_JOB_SPEC or E_JOB_FEATURES.
 */
export function parseResearcherSpec(specJson: string, offered: readonly OfferedDataset[]): JobSpec {
  let input: unknown;
  try {
    input = JSON.parse(specJson);
  } catch {
    throw new CohortError('E_JOB_SPEC', 'the job spec is not JSON');
  }
  const spec = parseResearcherJobSpec(input);
  const problem = featureProblem(spec, offered);
  if (problem) throw new CohortError('E_JOB_FEATURES', problem);
  return spec;
}

/**
 * A parsed spec made ready for a network of `networkSize` hospitals (null:
 * no roster published): the colluder count and the noise multiplier are
 * settled here, once, so every hospital is offered the same resolved spec.
 * A secure-aggregation job takes part only hospitals the roster lists, so
 * one needing more of them (minClients) than it lists could never start:
 * refused (E_JOB_UNSTARTABLE) rather than left to hold the offered
 * hospitals' budget reservations until its start deadline.
 */
export function prepareJob(parsed: JobSpec, networkSize: number | null): PreparedJob {
  if (parsed.secureAggregation.enabled) {
    if (networkSize === null)
      throw new CohortError(
        'E_ROSTER_MISSING',
        "secure aggregation needs the hospitals' signed roster: publish one first (cohort roster publish, or coordinator start --roster)",
      );
    if (parsed.minClients > networkSize) {
      throw new CohortError(
        'E_JOB_UNSTARTABLE',
        `"minClients": ${parsed.minClients} hospitals needed, but the roster secure aggregation runs under lists ${networkSize}: the job could never start`,
      );
    }
  }
  const spec = resolveJob(parsed, networkSize ?? 0);
  const weights = initialWeights(spec.model, spec.seed);
  return { spec, weights, modelHash: modelHash(weights) };
}
