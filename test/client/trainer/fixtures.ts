import fc from 'fast-check';
import { seededRng } from '../../../core/rng.ts';
import type { DatasetSplit } from '../../../core/data/types.ts';
import { localTrainingSchema, type LocalTraining } from '../../../core/job/spec.ts';
import { loadTf, type BackendName, type LoadedTf } from '../../../client/trainer/index.ts';
import { numericSplit } from '../../../core/data/index.ts';

/**
 * cpu by default, not wasm: for tiny models the two train at the same speed
 * (see bench/training.ts), and cpu starts faster (no WebAssembly compile per
 * worker). Suites that run large steps pass 'wasm', the backend hospitals
 * without tfjs-node run. The backend is chosen on the first load of the
 * process: asking for another one later throws.
 */
export async function loadTestTf(backend: Exclude<BackendName, 'tensorflow'> = 'cpu'): Promise<LoadedTf> {
  process.env.COHORT_TF_BACKEND = backend;
  const loaded = await loadTf();
  // loadTf keeps the first choice for the life of the process: a suite asking for another would measure the wrong one.
  if (loaded.backend !== backend)
    throw new Error(`tfjs already runs on ${loaded.backend} in this process, not ${backend}`);
  // tfjs's own test flag: checks every kernel for leaked tensors, and
  // silences the "install tfjs-node" banner in the test output.
  loaded.tf.env().set('IS_TEST', true);
  return loaded;
}

/**
 * Linearly separable rows with a margin: features uniform in [−1, 1), label
 * [w*·x > 0] for a fixed w*, rows with |w*·x| < margin redrawn.
 */
export function separable(n: number, d: number, seed: number, margin = 0.1): DatasetSplit {
  const rng = seededRng(seed);
  const wStar = Array.from({ length: d }, (_, j) => (j % 2 === 0 ? 1 : -0.5) * (1 + j / d));
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n;) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.float() * 2 - 1;
      x[i * d + j] = v;
      s += wStar[j]! * v;
    }
    if (Math.abs(s) < margin) continue;
    y[i] = s > 0 ? 1 : 0;
    i++;
  }
  return numericSplit(x, y, d);
}

/** n rows of d features on a fixed pattern in [−0.5, 0.5) and alternating 0/1 labels: memory tests need rows, not a signal. */
export function patternedSplit(n: number, d: number): DatasetSplit {
  const x = new Float32Array(n * d).map((_, i) => ((i * 7919) % 13) / 13 - 0.5);
  const y = new Float32Array(n).map((_, i) => i % 2);
  return numericSplit(x, y, d);
}

/** A validated LocalTraining, so tests only run configurations a job could declare. */
export function localTraining(o: Partial<LocalTraining> = {}): LocalTraining {
  return localTrainingSchema.parse(o);
}

/** The Euclidean norm. */
export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * The arbitraries of a clipping property: a batch of 1 to `maxBatch`
 * examples, a seed, and the quantile clipAmong scales their median norm by.
 */
export function clipProperty(maxBatch: number) {
  return [
    fc.integer({ min: 1, max: maxBatch }),
    fc.integer({ min: 0, max: 1e6 }),
    fc.double({ min: 0.05, max: 1.5, noNaN: true }),
  ] as const;
}

/** A clip among `norms` (their median times `quantile`, at least 10⁻³), so that some examples are clipped and some are not. */
export function clipAmong(norms: readonly number[], quantile: number): number {
  return Math.max(1e-3, [...norms].sort((p, q) => p - q)[Math.floor((norms.length - 1) / 2)]! * quantile);
}

/** Σ_i g_i·min(1, C/‖g_i‖) of the per-example gradients, leaving out the examples in `skip`. */
export function clippedReference(per: readonly Float64Array[], clip: number, skip = new Set<number>()): Float64Array {
  const ref = new Float64Array(per[0]!.length);
  per.forEach((g, i) => {
    if (skip.has(i)) return;
    const c = Math.min(1, clip / norm(g));
    for (let k = 0; k < g.length; k++) ref[k] = ref[k]! + c * g[k]!;
  });
  return ref;
}

export function bytesOf(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** A split whose every property access throws: proves a check ran before the data was read. */
export function untouchable(): DatasetSplit {
  return new Proxy({} as DatasetSplit, {
    get() {
      throw new Error('data touched');
    },
  });
}

export function thrownCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

/** max |a − b| beyond the absolute floor `abs`, over max |b|: the relative error of a vector against a reference. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>, abs: number): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!) - abs);
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}
