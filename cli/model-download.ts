/**
 * `cohort job download`: writes a job's global model, by default as a
 * TensorFlow.js LayersModel folder (model.json + weights.bin, carrying the
 * preprocessing contract), or with `--format raw` as the bare little-endian
 * float32 vector.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CohortError } from '../core/errors.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import { preprocessingContract } from '../core/model/export-contract.ts';
import { vectorToBytes } from '../core/model/vector.ts';
import { readJsonFile } from '../edge/keys.ts';
import { loadAnySchemaFile } from '../client/intake/index.ts';
import { exportLayersModel, MODEL_FILE, WEIGHTS_FILE } from '../client/model-export.ts';
import { loadTf } from '../client/trainer/backend.ts';
import { errnoOf } from './write-figures.ts';

export interface DownloadOptions {
  out: string;
  /** The choices `cohort job download --format` lists (cli/job.ts). */
  format: 'tfjs' | 'raw';
  /** The dataset schema (tabular or image) the hospitals declared: records each feature's scaling. */
  schema?: string;
  /** The job spec, for a coordinator whose reply does not carry it. */
  spec?: string;
}

/** What job.download answered: its JSON and the weights. */
export interface DownloadReply {
  json: unknown;
  model: Float32Array | null;
}

/** Writes the model and returns what to print: the reply's job id and rounds, and the files written. */
export async function writeDownloadedModel(r: DownloadReply, o: DownloadOptions): Promise<object> {
  if (!r.model) throw new CohortError('E_WIRE_FIELD', 'the coordinator sent no model');
  const reply = (r.json ?? {}) as { jobId?: string; completedRounds?: number; spec?: unknown };
  const summary = { jobId: reply.jobId ?? null, completedRounds: reply.completedRounds ?? null };
  if (o.format === 'raw') {
    const model = r.model;
    writeOut(o.out, () => writeFileSync(o.out, vectorToBytes(model)));
    return { ...summary, files: [o.out] };
  }
  const spec = specOf(reply.spec, o.spec);
  const schema = o.schema ? await loadAnySchemaFile(o.schema) : null;
  const contract = preprocessingContract({
    spec,
    jobId: summary.jobId,
    completedRounds: summary.completedRounds,
    schema,
  });
  const { tf } = await loadTf();
  const exported = await exportLayersModel(tf, spec, r.model, contract);
  const files = [join(o.out, MODEL_FILE), join(o.out, WEIGHTS_FILE)];
  writeOut(o.out, () => {
    mkdirSync(o.out, { recursive: true });
    writeFileSync(files[0]!, `${JSON.stringify(exported.modelJson)}\n`);
    writeFileSync(files[1]!, exported.weights);
  });
  return { ...summary, files };
}

/** Runs `write`; a path that cannot be written is E_CONFIG_INVALID naming --out, not a stack trace. */
function writeOut(out: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `--out ${out}: cannot be written (${errnoOf(err)})`, { cause: err });
  }
}

/** The spec the coordinator ran (from its reply), or the researcher's file; E_JOB_SPEC if neither. */
function specOf(fromReply: unknown, file: string | undefined): JobSpec {
  if (file !== undefined) return parseJobSpec(readJsonFile(file, 'E_JOB_SPEC'));
  if (fromReply === undefined || fromReply === null)
    throw new CohortError('E_JOB_SPEC', 'the coordinator sent no job spec: pass the job.json with --spec');
  return parseJobSpec(fromReply);
}
