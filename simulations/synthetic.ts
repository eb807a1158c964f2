/** Seeded synthetic tables for scenarios and tests that need many clients and no real records. */
import { seededRng } from '../core/rng.ts';
import type { DatasetSplit, PreparedDataset } from '../core/data/types.ts';
import { numericSplit } from '../core/data/index.ts';

export const SYNTH_FEATURES = ['f0', 'f1', 'f2'];

/** A seeded, nearly linearly separable table: y = [w·x + noise > 0]. */
export function syntheticDataset(seed: number, nTrain = 120, nTest = 60, shift = 0): PreparedDataset {
  const rng = seededRng(seed);
  const w = [1.5, -2, 0.7];
  const split = (n: number): DatasetSplit => {
    const d = w.length;
    const x = new Float32Array(n * d);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        const v = rng.float() * 4 - 2 + shift;
        x[i * d + j] = v;
        s += w[j]! * v;
      }
      y[i] = s + (rng.float() - 0.5) * 0.5 > 0 ? 1 : 0;
    }
    return numericSplit(x, y, d);
  };
  return {
    schemaId: 'synthetic-v1',
    features: SYNTH_FEATURES,
    label: 'y',
    train: split(nTrain),
    test: split(nTest),
    report: {
      rowsRead: nTrain + nTest,
      rowsUsed: nTrain + nTest,
      rowsDropped: {},
      recordsRejected: {},
      valuesRejected: {},
      columns: [],
    },
  };
}

export function syntheticJob(overrides: Record<string, unknown> = {}) {
  return {
    name: 'synthetic',
    model: { inputDim: 3, layers: [{ units: 1, activation: 'sigmoid' }] },
    features: SYNTH_FEATURES,
    label: 'y',
    rounds: 3,
    minClients: 2,
    targetClients: 3,
    roundTimeoutMs: 20_000,
    joinWaitMs: 20_000,
    local: { epochs: 1, batchSize: 16, learningRate: 0.2, optimizer: 'sgd' },
    strategy: { name: 'fedavg' },
    seed: 5,
    ...overrides,
  };
}
