/**
 * Embedding look-ups and the ids they read. tfjs throws on an id outside
 * [0, input_dim) ("GatherV2: the index value 7 is not in [0, 4]", on the cpu
 * and wasm backends alike). Such an error depends on a record; where the ids
 * are computed by earlier layers it also depends on weights the coordinator
 * chose, which is how a coordinator learns whether one record is present
 * (issue 15). So a graph with an Embedding must feed it the model's input
 * itself (directly, or only through Reshape or Flatten), no other layer may
 * read that input, and the hospital clamps every input value to the ids each
 * Embedding accepts before any forward pass (client/trainer/model.ts
 * modelInputs): out-of-range ids, fractions and NaN become valid ids instead
 * of errors.
 */
import { CohortError } from '../errors.ts';

/** What the check needs of a layer (core/model/graph.ts GraphLayer). */
interface IdLayer {
  name: string;
  className: string;
  config: unknown;
  inbound: string[];
}

/** Layers that only move the input's values, so an Embedding may read the input through them. */
const MOVES_ONLY = new Set(['InputLayer', 'Reshape', 'Flatten']);

/**
 * The largest id every Embedding accepts (min input_dim − 1), or undefined if
 * the graph has none. Throws E_JOB_SPEC when an Embedding reads anything but
 * the model's input, or another layer reads that input too.
 */
export function embeddingIdMax(layers: readonly IdLayer[]): number | undefined {
  const embeddings = layers.filter((l) => l.className === 'Embedding');
  if (embeddings.length === 0) return undefined;
  // The input, and what only moves it: the first layer reads the input (its inbound is empty).
  const carriers = new Set<string>();
  for (const l of layers) {
    const readsInput = l.inbound.length === 0 || l.inbound.every((n) => carriers.has(n));
    if (readsInput && MOVES_ONLY.has(l.className)) carriers.add(l.name);
  }
  for (const l of layers) {
    if (carriers.has(l.name)) continue;
    const fromInput = l.inbound.length === 0 || l.inbound.some((n) => carriers.has(n));
    const onlyInput = l.inbound.length === 0 || l.inbound.every((n) => carriers.has(n));
    if (l.className === 'Embedding' && !onlyInput)
      fail(`layer "${l.name}": an Embedding must read the model's input (its ids), not computed values`);
    if (l.className !== 'Embedding' && fromInput)
      fail(`layer "${l.name}": a model with an Embedding feeds its input (ids) only to Embedding layers`);
  }
  return Math.min(...embeddings.map((l) => (l.config as { input_dim: number }).input_dim)) - 1;
}

function fail(message: string): never {
  throw new CohortError('E_JOB_SPEC', message);
}
