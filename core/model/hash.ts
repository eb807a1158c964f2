/**
 * The model hash the privacy ledger records (coordinator/ledger.ts): SHA-256
 * of the weights' wire bytes (little-endian float32), hex. Here, not in
 * coordinator/, so the worker thread that draws a job's initial weights
 * (core/job/prepare.ts) hashes them there, off the event loop.
 */
import { createHash } from 'node:crypto';
import { vectorToBytes } from './vector.ts';

export function modelHash(weights: Float32Array): string {
  return createHash('sha256').update(vectorToBytes(weights)).digest('hex');
}
