/**
 * The privatised output of a hospital's latest record-level DP round, kept in
 * its state database so that a retried round (the coordinator crashed, or the
 * round failed after this hospital trained) sends the same output again
 * rather than training, and charging, anew; but not once this hospital has
 * answered the round's unmask request, when the output may be in a sum and a
 * second sum over it could be subtracted from the first
 * (core/round/hospital-round.ts; that mark is kept in the same database,
 * client/attempt-log-store.ts, so a restart does not lose it). Sending a DP output a second time
 * is post-processing and costs nothing more (Dwork & Roth, The Algorithmic
 * Foundations of Differential Privacy, Prop. 2.1); a fresh output would be a
 * second mechanism. Masks and quantization are drawn afresh each attempt.
 *
 * Not for hospital-level DP: there each input carries only a share of the
 * noise, and two sums over different survivors that hold the same input
 * would difference to one input with too little noise, so every attempt gets
 * fresh noise and is charged.
 */
import { createHash } from 'node:crypto';
import { bytesToVector, vectorToBytes } from '../core/model/vector.ts';
import { StatePart, openStateDb } from './state-db.ts';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS round_outputs (
    dataset TEXT NOT NULL,
    job_id TEXT NOT NULL,
    round INTEGER NOT NULL,
    weights_hash TEXT NOT NULL,
    delta BLOB NOT NULL,
    num_examples INTEGER NOT NULL,
    loss REAL NOT NULL,
    steps INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (dataset, job_id)
  );
`;

export interface RoundOutput {
  delta: Float32Array;
  numExamples: number;
  loss: number;
  steps: number;
}

/** What a round's output was computed from: the global weights it started at. */
export function weightsHash(weights: Float32Array): string {
  return createHash('sha256').update(vectorToBytes(weights)).digest('hex');
}

export class RoundOutputs extends StatePart {
  constructor(path: string, now: () => number = Date.now) {
    super(openStateDb(path, SCHEMA, 'round outputs'), now);
  }

  /** The output kept for this job's `round` if it started from `startHash`, else null. */
  get(dataset: string, jobId: string, round: number, startHash: string): RoundOutput | null {
    const r = this.db
      .prepare(
        `SELECT delta, num_examples, loss, steps FROM round_outputs WHERE dataset = ? AND job_id = ? AND round = ? AND weights_hash = ?`,
      )
      .get(dataset, jobId, round, startHash) as
      { delta: Buffer; num_examples: number; loss: number; steps: number } | undefined;
    return r
      ? {
          delta: bytesToVector(new Uint8Array(r.delta), r.delta.length / 4),
          numExamples: r.num_examples,
          loss: r.loss,
          steps: r.steps,
        }
      : null;
  }

  /** Keeps `out` as the job's latest round output (durably, before it is sent); an earlier round's is dropped: only the open round is ever retried. */
  put(dataset: string, jobId: string, round: number, startHash: string, out: RoundOutput): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO round_outputs (dataset, job_id, round, weights_hash, delta, num_examples, loss, steps, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        dataset,
        jobId,
        round,
        startHash,
        Buffer.from(vectorToBytes(out.delta)),
        out.numExamples,
        out.loss,
        out.steps,
        this.now(),
      );
  }

  /** Whether an output of this job's `round` is kept, from whatever start. */
  hasRound(dataset: string, jobId: string, round: number): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM round_outputs WHERE dataset = ? AND job_id = ? AND round = ?`)
        .get(dataset, jobId, round) !== undefined
    );
  }

  forgetJob(dataset: string, jobId: string): void {
    this.db.prepare(`DELETE FROM round_outputs WHERE dataset = ? AND job_id = ?`).run(dataset, jobId);
  }
}
