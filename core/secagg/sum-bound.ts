/**
 * Is an unmasked secure sum one that its survivors could have produced by
 * following the protocol? The coordinator never sees a single input, so it
 * cannot reject a malicious one; a client that skips clipping may put any
 * element of Z_{2^k}^L into its masked input. What the coordinator can do is
 * check the sum against the set of sums m honest survivors can make, and fail
 * the round (E_SECAGG_SUM_BOUND) outside it. docs/byzantine.md states what
 * this does and does not stop; the bounds below are derived there.
 *
 * Every bound is exact or a tail bound at SUM_BOUND_FAILURE = 2^−40, so an
 * honest round fails the check only when its own sum wrapped (ddg-params.ts
 * sizes that below 2^−30) or with probability at most 2^−40.
 *
 * - Per-coordinate codec (input.ts): a client's word j is ⌊v⌋ or ⌊v⌋ + 1 for
 *   v = clamp(x_j, −c, c)·s, so the m survivors' signed sum lies in
 *   [Σ⌊v_i⌋, Σ⌈v_i⌉]. For model words v_i ∈ [−c·s, c·s]; for the weight word
 *   v_i is fixed by the survivor's declared example count (its JoinJob's
 *   weight, 1 in a DP job), recomputed here with the encoder's own float32 arithmetic; for the
 *   loss word (losses are ≥ 0) v_i ∈ [0, min(w_i·c, c)·s].
 * - Distributed discrete Gaussian (ddg-encode.ts): each rounded vector has
 *   ‖r_i‖₂² ≤ maxNormSq (conditional rounding makes that certain), and each
 *   noise share is L coordinates of N_Z(0, s²), s²-sub-Gaussian (Canonne,
 *   Kamath, Steinke, NeurIPS 2020, Cor. 9), so the m shares' sum has
 *   independent (m·s²)-sub-Gaussian coordinates and, by Hsu, Kakade, Zhang
 *   (Electron. Commun. Probab. 17, 2012, Thm. 1 with A = I),
 *   Pr[‖N‖₂² > m·s²·(L + 2√(L·t) + 2t)] ≤ e^−t. With t = 40·ln 2 and the
 *   triangle inequality, ‖Σ r_i + N‖₂ ≤ m·√maxNormSq + √(m·s²·(L + 2√(Lt) + 2t))
 *   except with probability 2^−40. The rotation is orthonormal, so the check
 *   runs on the words before they are rotated back.
 */
import { CohortError } from '../errors.ts';
import type { DdgParams } from './ddg-params.ts';
import { EXTRA_WORDS, quantParams } from './input.ts';
import { scaleFor } from './quantize.ts';
import type { Session } from './session.ts';

/** Probability that the sum of honest inputs fails a tail bound below (2^−40). */
export const SUM_BOUND_FAILURE = 2 ** -40;
/** t of the Hsu–Kakade–Zhang bound: e^−t = SUM_BOUND_FAILURE. */
const TAIL_T = 40 * Math.LN2;
/** Relative slack on the DDG bound for floating-point error in ‖·‖₂ (a sum of up to 2^24 squares). */
const FLOAT_SLACK = 1e-9;

/** Inclusive range of one signed word of the sum, in integer units. */
export interface WordRange {
  lo: number;
  hi: number;
}

/** Ranges of the words of an honest per-coordinate sum: model words, then weight and loss (input.ts). */
export interface WeightedSumBounds {
  /** Every model word: [−m·⌈c·s⌉, m·⌈c·s⌉]. */
  model: WordRange;
  weight: WordRange;
  loss: WordRange;
  /** s: integer units per real unit. */
  scale: number;
}

function signed(word: number, bits: number): number {
  const half = 2 ** (bits - 1);
  return word >= half ? word - 2 * half : word;
}

function reject(message: string): never {
  throw new CohortError('E_SECAGG_SUM_BOUND', message);
}

/**
 * Bounds of the sum of the survivors' per-coordinate inputs, given each
 * survivor's declared example count (the session's totalExamples is their
 * participants' total). Throws E_SECAGG_SUM_BOUND for no survivors or a count
 * that is not a positive integer within totalExamples.
 */
export function weightedSumBounds(s: Session, declaredExamples: readonly number[]): WeightedSumBounds {
  const q = quantParams(s);
  const scale = scaleFor(q);
  const m = declaredExamples.length;
  if (m < 1) reject('no survivors');
  const cs = Math.ceil(s.clip * scale);
  const weight = { lo: 0, hi: 0 };
  const loss = { lo: 0, hi: 0 };
  for (const n of declaredExamples) {
    if (!Number.isSafeInteger(n) || n < 1 || n > s.totalExamples)
      reject(`declared example count ${n} outside [1, ${s.totalExamples}]`);
    // As encodeInput and quantize compute them: w in float32, clamped to c, times s.
    const w = n / s.totalExamples;
    const x = Math.fround(w);
    const v = (x > s.clip ? s.clip : x) * scale;
    weight.lo += Math.floor(v);
    weight.hi += Math.ceil(v);
    const l = Math.fround(w * s.clip);
    loss.hi += Math.ceil((l > s.clip ? s.clip : l) * scale);
  }
  return { model: { lo: -m * cs, hi: m * cs }, weight, loss, scale };
}

/**
 * Throws E_SECAGG_SUM_BOUND unless every word of the per-coordinate sum lies
 * in weightedSumBounds: the weight within its survivors' declared examples (up
 * to rounding), the loss in [0, its maximum], each model word within m clips.
 */
export function checkWeightedSum(s: Session, sum: Uint32Array, declaredExamples: readonly number[]): void {
  const b = weightedSumBounds(s, declaredExamples);
  if (sum.length !== s.vectorLength)
    throw new CohortError('E_UPDATE_LENGTH', `sum of ${sum.length} words for a session of ${s.vectorLength}`);
  const d = s.vectorLength - EXTRA_WORDS;
  const w = signed(sum[d]!, s.bits);
  if (w < b.weight.lo || w > b.weight.hi)
    reject(
      `weight ${w} outside [${b.weight.lo}, ${b.weight.hi}] for ${declaredExamples.length} survivors' declared examples`,
    );
  const l = signed(sum[d + 1]!, s.bits);
  if (l < b.loss.lo || l > b.loss.hi) reject(`training-loss word ${l} outside [${b.loss.lo}, ${b.loss.hi}]`);
  for (let j = 0; j < d; j++) {
    const v = signed(sum[j]!, s.bits);
    if (v < b.model.lo || v > b.model.hi)
      reject(`coordinate ${j} of the sum exceeds ${declaredExamples.length} clipped inputs`);
  }
}

/**
 * The most ‖sum‖₂ (integer units, before unrotation) that m honest DDG
 * survivors produce, but with probability SUM_BOUND_FAILURE (module comment).
 */
export function ddgSumNormBound(p: DdgParams, survivors: number): number {
  if (!Number.isSafeInteger(survivors) || survivors < 1) reject(`survivors expected an integer >= 1, got ${survivors}`);
  const L = p.paddedDim;
  const s2 = p.noiseVariance === null ? 0 : Number(p.noiseVariance.num) / Number(p.noiseVariance.den);
  const rounded = survivors * Math.sqrt(p.maxNormSq);
  const noise = Math.sqrt(survivors * s2 * (L + 2 * Math.sqrt(L * TAIL_T) + 2 * TAIL_T));
  return (rounded + noise) * (1 + FLOAT_SLACK);
}

/** Throws E_SECAGG_SUM_BOUND if the centred DDG sum's L2 norm exceeds ddgSumNormBound. */
export function checkDdgSum(p: DdgParams, sum: Uint32Array, survivors: number): void {
  const bound = ddgSumNormBound(p, survivors);
  if (sum.length !== p.paddedDim)
    throw new CohortError('E_UPDATE_LENGTH', `sum of ${sum.length} words for DDG parameters of ${p.paddedDim}`);
  let sq = 0;
  for (let j = 0; j < sum.length; j++) {
    const v = signed(sum[j]!, p.bits);
    sq += v * v;
  }
  if (!(Math.sqrt(sq) <= bound))
    reject(`sum norm exceeds what ${survivors} clipped, noised inputs reach (bound ${bound.toExponential(3)} units)`);
}
