/**
 * A seeded Dirichlet(α) label-skew split of a labelled set across K hospitals,
 * the usual way to simulate non-IID federated data (Hsu, Qi and Brown 2019,
 * "Measuring the effects of non-identical data distribution", arXiv:1909.06335;
 * Li et al. 2022, NIID-Bench): for each class, proportions p ~ Dir(α·1_K) are
 * drawn and that class's shuffled examples are cut into K runs of sizes
 * ≈ p·n_c. Small α gives each hospital a few dominant classes; large α
 * approaches a uniform (IID) split.
 *
 * Every hospital must get at least `minPerHospital` examples (default 1): a
 * draw that leaves one short is thrown away whole and drawn again from the
 * next sub-seed (Flower's DirichletPartitioner does the same with
 * min_partition_size), up to `maxTries`; then the split is refused. The
 * result depends only on (labels, K, α, seed).
 *
 * For simulations, never for secrets: the generator is core/rng.ts's.
 */
import { CohortError } from '../errors.ts';
import { deriveSeed, seededRng, shuffleInPlace, type SeededRng } from '../rng.ts';

export interface DirichletSplitOptions {
  /** Fewest examples a hospital may get (default 1). */
  minPerHospital?: number;
  /** Draws tried before the split is refused (default 1000). */
  maxTries?: number;
}

/** A standard normal deviate (Box–Muller; 1 − u keeps the logarithm's argument in (0, 1]). */
function normal(rng: SeededRng): number {
  const u = 1 - rng.float();
  const v = rng.float();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * log of a Gamma(shape, 1) deviate, by Marsaglia and Tsang (2000), "A simple
 * method for generating gamma variables", ACM TOMS 26(3). For shape < 1 the
 * paper's boost G(a) = G(a + 1)·U^(1/a) is taken in logs, since U^(1/a)
 * underflows to 0 for a small a.
 */
export function sampleLogGamma(shape: number, rng: SeededRng): number {
  if (!(shape > 0) || !Number.isFinite(shape))
    throw new CohortError('E_CONFIG_INVALID', `gamma shape must be positive, got ${shape}`);
  if (shape < 1) return sampleLogGamma(shape + 1, rng) + Math.log(1 - rng.float()) / shape;
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.float();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return Math.log(d * v);
  }
}

/** A Gamma(shape, 1) deviate (see sampleLogGamma). */
export function sampleGamma(shape: number, rng: SeededRng): number {
  return Math.exp(sampleLogGamma(shape, rng));
}

/** p ~ Dir(α·1_k): normalised Gamma(α) deviates, normalised in logs so a tiny α cannot give 0/0. */
export function sampleDirichlet(alpha: number, k: number, rng: SeededRng): number[] {
  const logs = Array.from({ length: k }, () => sampleLogGamma(alpha, rng));
  const top = Math.max(...logs);
  const w = logs.map((l) => Math.exp(l - top));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/**
 * Indices of `labels` (class indices 0..C−1) split across `k` hospitals by a
 * Dirichlet(α) label skew; each hospital's indices ascending. Every index is
 * assigned exactly once.
 */
export function dirichletSplit(
  labels: ArrayLike<number>,
  k: number,
  alpha: number,
  seed: number,
  opts: DirichletSplitOptions = {},
): number[][] {
  const min = opts.minPerHospital ?? 1;
  const maxTries = opts.maxTries ?? 1000;
  if (!Number.isInteger(k) || k < 1) throw new CohortError('E_CONFIG_INVALID', `hospitals must be >= 1, got ${k}`);
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new CohortError('E_CONFIG_INVALID', `alpha must be positive, got ${alpha}`);
  if (labels.length < k * min)
    throw new CohortError('E_CONFIG_INVALID', `${labels.length} examples cannot give ${k} hospitals ${min} each`);
  const byClass = indicesByClass(labels);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const parts = drawOnce(byClass, k, alpha, seededRng(deriveSeed(seed, 'dirichlet-split', attempt)));
    if (parts.every((p) => p.length >= min)) return parts.map((p) => p.sort((a, b) => a - b));
  }
  throw new CohortError(
    'E_CONFIG_INVALID',
    `no Dirichlet(${alpha}) draw in ${maxTries} tries gave each of ${k} hospitals ${min} examples: raise alpha or lower the hospitals`,
  );
}

function indicesByClass(labels: ArrayLike<number>): number[][] {
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c > 100_000)
      throw new CohortError('E_CONFIG_INVALID', `labels must be class indices, got ${c} at ${i}`);
    (byClass[c] ??= []).push(i);
  }
  return byClass;
}

/** One draw: each class's examples shuffled, then cut at the rounded cumulative proportions. */
function drawOnce(byClass: readonly (number[] | undefined)[], k: number, alpha: number, rng: SeededRng): number[][] {
  const parts: number[][] = Array.from({ length: k }, () => []);
  for (const members of byClass) {
    if (!members) continue;
    const idx = shuffleInPlace([...members], rng);
    const p = sampleDirichlet(alpha, k, rng);
    let cum = 0;
    let start = 0;
    for (let h = 0; h < k; h++) {
      cum += p[h]!;
      const end = h === k - 1 ? idx.length : Math.min(idx.length, Math.round(cum * idx.length));
      for (let i = start; i < end; i++) parts[h]!.push(idx[i]!);
      start = Math.max(start, end);
    }
  }
  return parts;
}
