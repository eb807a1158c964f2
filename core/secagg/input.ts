/**
 * What a client feeds into the secure sum, and how the coordinator reads the
 * sum back. The weighted mean Σ n_i Δ_i / Σ n_i must survive dropouts, so each
 * client sends w_i = n_i / N alongside w_i·Δ_i (N is a public bound on the
 * round's examples): the sum then carries both Σ w_i Δ_i and Σ w_i over the
 * survivors, whoever they turn out to be. Every coordinate is bounded by
 * `clip` before quantization, so the sum of n inputs cannot wrap.
 */
import { CohortError } from '../errors.ts';
import { quantizeInPlace, scaleFor, type QuantParams } from './quantize.ts';
import type { Session } from './session.ts';

/** Extra words after the model delta: the weight and the weighted training loss. */
export const EXTRA_WORDS = 2;

export function quantParams(s: Session): QuantParams {
  return { bits: s.bits, clip: s.clip, maxClients: s.participants.length };
}

export function encodeInput(s: Session, delta: Float32Array, numExamples: number, trainLoss: number): Uint32Array {
  if (delta.length + EXTRA_WORDS !== s.vectorLength)
    throw new CohortError(
      'E_UPDATE_LENGTH',
      `delta of ${delta.length} values for a session of ${s.vectorLength - EXTRA_WORDS}`,
    );
  if (!Number.isInteger(numExamples) || numExamples < 1 || numExamples > s.totalExamples) {
    throw new CohortError('E_UPDATE_RANGE', `numExamples ${numExamples} outside [1, ${s.totalExamples}]`);
  }
  const w = numExamples / s.totalExamples;
  const x = new Float32Array(s.vectorLength);
  for (let i = 0; i < delta.length; i++) x[i] = w * delta[i]!;
  x[delta.length] = w;
  x[delta.length + 1] = w * Math.min(trainLoss, s.clip);
  // Encoded over the scratch x: at 10^7 parameters, one 40 MB vector rather than two.
  return quantizeInPlace(x, quantParams(s));
}

export interface SecureResult {
  meanDelta: Float64Array;
  /** Σ w_i over the survivors: the fraction of the round's examples in the sum (hospital-level DP: the survivor count). */
  weight: number;
  /** Example-weighted mean training loss; null where it is not released. */
  trainLoss: number | null;
}

export function decodeSum(s: Session, sum: Uint32Array): SecureResult {
  // Straight into the result, word by word as dequantizeSum reads them, and
  // with its arithmetic: the whole dequantized sum first would be another 8
  // bytes a word (80 MB at 10^7 parameters) on the coordinator.
  const scale = scaleFor(quantParams(s));
  const modulus = 2 ** s.bits;
  const half = modulus / 2;
  const value = (i: number): number => {
    const w = sum[i]!;
    if (w >= modulus) throw new CohortError('E_UPDATE_RANGE', `word ${i} is outside Z_2^${s.bits}`);
    return (w >= half ? w - modulus : w) / scale;
  };
  const d = s.vectorLength - EXTRA_WORDS;
  const meanDelta = new Float64Array(d);
  for (let i = 0; i < d; i++) meanDelta[i] = value(i);
  const weight = value(d);
  const loss = value(d + 1);
  if (!(weight > 0)) throw new CohortError('E_ROUND_FAILED', 'secure sum carries no examples');
  for (let i = 0; i < d; i++) meanDelta[i] = meanDelta[i]! / weight;
  return { meanDelta, weight, trainLoss: loss / weight };
}
