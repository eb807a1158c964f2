/**
 * Whether a hospital joins an offered job, decided from the spec, its own
 * dataset's columns, its policy, its roster and its budget's public settings
 * (never its record count: a decline that depended on it would reveal it).
 * A refusal is a typed error naming why; admission of a DP job then needs
 * the budget to reserve the job's whole cost (the machine's `reserve` effect).
 */
import type { AttemptLog } from './hospital-session.ts';
import { CohortError } from '../errors.ts';
import type { ImageShape, LabelLayout } from '../data/types.ts';
import type { JobSpec } from '../job/spec.ts';
import type { Task } from '../model/task.ts';
import { modelViolations, policyViolations, type HospitalPolicy } from '../job/policy.ts';
import { jobMechanisms, jobSpend, updateWeight } from '../job/privacy.ts';
import type { Mechanism } from '../privacy/spend.ts';
import type { Roster } from '../roster/index.ts';
import type { Identity } from '../secagg/index.ts';
import { checkCorruptClients, type HospitalView } from './session-params.ts';

export interface HospitalConfig {
  name: string;
  identity: Identity;
  /**
   * The dataset's columns, what its label holds (from its schema; absent: a
   * binary 0/1 label), its image shape (images only), and its training
   * records (used only as a job without DP weighs updates).
   */
  dataset: { features: readonly string[]; label: string; labels?: LabelLayout; image?: ImageShape; numTrain: number };
  policy?: HospitalPolicy;
  /** The hospital's privacy budget's public settings; null: it keeps none, and declines DP jobs. */
  budget: { delta: number | undefined } | null;
  /** Record-level DP outputs are kept before they are sent (client/round-outputs.ts), so a retry re-sends them. */
  keepsOutputs: boolean;
  /** The roster this hospital runs sessions under (its operator's, or a version its quorum signed). */
  roster: () => Roster | null;
  /** Checks of a round's inputs that read no record (the trainer's): run before anything is charged. */
  checkInputs?: (spec: JobSpec, weights: Float32Array) => void;
  /** Where the attempts opened, and the rounds helped unmask, are kept: the daemon's over its state database (client/attempt-log-store.ts); default in memory. */
  attempts?: AttemptLog;
}

/** The hospital as a secure-aggregation session sees it; E_ROSTER_MISSING without a roster. */
export function hospitalView(c: HospitalConfig, spec: JobSpec): HospitalView {
  const head = c.roster();
  if (!head)
    throw new CohortError(
      'E_ROSTER_MISSING',
      'this hospital has no roster: it joins secure aggregation only under the roster its operator installed (client start --roster)',
    );
  const minCorruptFraction = c.policy?.minCorruptFraction;
  return {
    name: c.name,
    roster: head,
    numTrain: updateWeight(spec, c.dataset.numTrain),
    ...(minCorruptFraction === undefined ? {} : { minCorruptFraction }),
  };
}

/**
 * The checks an offer must pass; throws the typed refusal. Returns the
 * mechanisms to reserve against the budget (a DP job), or null (a job
 * without DP, joined only when no budget is kept).
 */
export function admit(c: HospitalConfig, spec: JobSpec, owner: string | null): Mechanism[] | null {
  const d = c.dataset;
  const same =
    spec.label === d.label &&
    spec.features.length === d.features.length &&
    spec.features.every((f, i) => f === d.features[i]);
  if (!same)
    throw new CohortError(
      'E_JOB_FEATURES',
      `job needs features [${spec.features.join(', ')}] -> ${spec.label}; this dataset provides [${d.features.join(', ')}] -> ${d.label}`,
    );
  const shape = imageMismatch(spec.image, d.image);
  if (shape) throw new CohortError('E_JOB_FEATURES', shape);
  const unfit = taskMismatch(spec.task, d.labels ?? BINARY_LABEL);
  if (unfit) throw new CohortError('E_JOB_TASK', `the job's ${spec.task.kind} task ${unfit}`);
  // Without a policy file the model's cost caps still apply, at their defaults.
  const broken = c.policy
    ? policyViolations(c.policy, spec, owner, d.numTrain)
    : modelViolations({}, spec, d.numTrain).join('; ') || null;
  if (broken) throw new CohortError('E_POLICY_DECLINED', broken);
  // Secure aggregation runs only under this hospital's roster, with at least as many colluders assumed as it assumes.
  if (spec.secureAggregation.enabled) checkCorruptClients(spec, hospitalView(c, spec));
  return privacyCheck(c, spec);
}

const BINARY_LABEL: LabelLayout = { kind: 'binary' };

/**
 * Why a job's input does not fit this dataset's images, or null: an image
 * dataset serves only jobs that declare an image of its exact height, width
 * and channels (the same number of values in another shape would feed a
 * convolution pixels in the wrong places). A dataset without a shape (a table,
 * or images made up by hand in a simulation) is not checked here.
 */
export function imageMismatch(job: ImageShape | undefined, data: ImageShape | undefined): string | null {
  if (!data) return null;
  const hwc = (s: ImageShape) => `${s.height}x${s.width}x${s.channels}`;
  if (!job) return `the job declares no image input; this dataset's images are ${hwc(data)}`;
  const same = job.height === data.height && job.width === data.width && job.channels === data.channels;
  return same ? null : `the job's image input is ${hwc(job)}; this dataset's images are ${hwc(data)}`;
}

/**
 * Why a task cannot train on a label of this layout, or null if it can: the
 * kinds must match (survival [time, event] is no binary label, a class index
 * no regression target), and a multi-class job's classes or a multi-label
 * job's labels must be the dataset's, in the same order, or each index would
 * mean another thing here than at the other hospitals. A schema fact, never
 * a record count.
 */
export function taskMismatch(task: Task, labels: LabelLayout): string | null {
  if (task.kind !== labels.kind) return `needs a ${task.kind} label; this dataset's label is ${labels.kind}`;
  const names = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(', ')}]`;
  if (task.kind === 'multiclass' && labels.kind === 'multiclass' && !sameList(task.classes, labels.classes))
    return `names classes ${names(task.classes)}; this dataset's label has classes ${names(labels.classes)}`;
  if (task.kind === 'multilabel' && labels.kind === 'multilabel' && !sameList(task.labels, labels.labels))
    return `names labels ${names(task.labels)}; this dataset's label has labels ${names(labels.labels)}`;
  return null;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A record-level job's δ must be at most the budget's δ (itself below
 * 1/records, checked locally at start), its claimed ε must match its
 * parameters, and a DP job needs a budget (E_BUDGET_REQUIRED): its releases
 * would be recorded nowhere. A job without DP is declined where a budget is
 * enforced.
 */
function privacyCheck(c: HospitalConfig, spec: JobSpec): Mechanism[] | null {
  const p = spec.privacy;
  if (!p) {
    if (c.budget)
      throw new CohortError(
        'E_BUDGET_EXCEEDED',
        'the job has no differential-privacy guarantee and this hospital enforces a privacy budget',
      );
    return null;
  }
  // The coordinator resolved σ; recompute the job's ε here rather than trust it (memoised by the
  // accountant: the offer comes again on every reconnect, and a long job's accounting takes a second).
  const claimed = jobSpend(spec);
  if (!(claimed.epsilon <= p.epsilon))
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `the job's parameters give epsilon ${claimed.epsilon.toFixed(4)}, above its stated ${p.epsilon}`,
    );
  // Without a budget store nothing released is recorded, and a retried round would train again with fresh noise.
  if (!c.budget)
    throw new CohortError(
      'E_BUDGET_REQUIRED',
      'the job is differentially private and this hospital has no privacy budget to charge it to (client start --state and --budget-epsilon)',
    );
  // Against the budget's δ, a public setting: never against the record count itself.
  const budgetDelta = c.budget.delta;
  if (budgetDelta !== undefined && p.delta > budgetDelta)
    throw new CohortError(
      'E_PRIVACY_PARAMS',
      `privacy.delta ${p.delta} is above this hospital's budget delta ${budgetDelta}`,
    );
  return jobMechanisms(spec);
}
