/**
 * What the coordinator's worker threads run (worker-pool.ts): pure functions
 * from a structured-cloneable input to a value, with the buffers to move
 * rather than copy back. Each is work whose cost an enrolled party's input
 * decides, kept off the event loop that serves every hospital.
 */
import type { ErrorCode } from '../core/errors.ts';
import type { OfferedDataset } from '../core/job/features.ts';
import { parseResearcherSpec, prepareJob, type PreparedJob } from '../core/job/prepare.ts';
import { accountSpend, type AccountantName, type Mechanism, type SpendReport } from '../core/privacy/spend.ts';

export interface PrepareJobInput {
  specJson: string;
  /** The datasets known hospitals offer, each feature list as stored JSON (store.offeredDatasetsJson). */
  offered: { hospital: string; schemaId: string; label: string; featuresJson: string }[];
  /** The published roster's size; null: none published. */
  networkSize: number | null;
}

export interface PriceSpendsInput {
  lists: Mechanism[][];
  delta: number;
  accountant: AccountantName;
}

export const TASKS = {
  /** What each list of mechanisms costs under (δ, accountant): the ledger's figures of a round, priced ahead of its commit (spend-prefetch.ts). */
  'spend.price': (input: PriceSpendsInput): { value: SpendReport[]; transfer: ArrayBuffer[] } => ({
    value: input.lists.map((l) => accountSpend(l, input.delta, input.accountant)),
    transfer: [],
  }),
  /** A researcher's submission: parsed, checked, calibrated, initial weights drawn and hashed for the ledger (core/job/prepare.ts). */
  'job.prepare': (input: PrepareJobInput): { value: PreparedJob; transfer: ArrayBuffer[] } => {
    const offered: OfferedDataset[] = input.offered.map(({ featuresJson, ...d }) => ({
      ...d,
      features: featureNames(featuresJson),
    }));
    const prepared = prepareJob(parseResearcherSpec(input.specJson, offered), input.networkSize);
    return { value: prepared, transfer: [prepared.weights.buffer as ArrayBuffer] };
  },
};

/** A stored feature list; anything but an array of strings offers nothing. */
function featureNames(json: string): string[] {
  try {
    const names: unknown = JSON.parse(json);
    return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : [];
  } catch {
    return [];
  }
}

export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = ReturnType<(typeof TASKS)[K]>['value'];

export interface WorkerRequest {
  id: number;
  task: string;
  input: unknown;
}

/** A worker's answers: ready once loaded, then one reply per request. */
export type WorkerReply =
  | { ready: true }
  | { id: number; value: unknown }
  | { id: number; error: { code: ErrorCode; message: string; detail?: string } };
