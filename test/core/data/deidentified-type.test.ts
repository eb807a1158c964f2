/**
 * The trainer, evaluator and daemon take only the de-identified table type:
 * these lines are checked by `tsc --noEmit -p .` (part of `npm test`); each
 * @ts-expect-error fails the type check if the line ever compiles.
 */
import { describe, it, expect } from 'vitest';
import type { TrainInput } from '../../../client/trainer/train.ts';
import type { ClientOptions } from '../../../client/daemon.ts';
import { numericSplit, type DatasetSplit } from '../../../core/data/index.ts';

describe('DatasetSplit is branded', () => {
  it('refuses raw rows and hand-built tensors at the type level; the explicit door checks its input', () => {
    const rawRows = [{ mrn: 'MRN1', name: 'Ada Lovelace', sbp: 120, cad: 1 }];
    // @ts-expect-error raw records are not a DatasetSplit
    const a: DatasetSplit = rawRows;
    // @ts-expect-error tensors built by hand lack the pipeline's brand
    const b: DatasetSplit = { x: new Float32Array(2), y: new Float32Array(1), n: 1, d: 2 };
    // @ts-expect-error the trainer's input takes only a branded split
    const input: Pick<TrainInput, 'data'> = { data: { x: new Float32Array(2), y: new Float32Array(1), n: 1, d: 2 } };
    const report = { rowsRead: 0, rowsUsed: 0, rowsDropped: {}, recordsRejected: {}, valuesRejected: {}, columns: [] };
    const dataset = { schemaId: 's', features: ['f'], label: 'y', train: rawRows, test: rawRows, report };
    // @ts-expect-error the daemon's dataset holds only branded splits
    const opts: Pick<ClientOptions, 'dataset'> = { dataset };
    expect([a, b, input, opts]).toHaveLength(4);
    const ok: DatasetSplit = numericSplit(new Float32Array([1, 2]), new Float32Array([1]), 2);
    expect(ok.n).toBe(1);
    expect(() => numericSplit(new Float32Array(3), new Float32Array(1), 2)).toThrow();
    expect(() => numericSplit(new Float32Array(2), new Float32Array([0.5]), 2)).toThrow();
    expect(() => numericSplit(rawRows as unknown as Float32Array, new Float32Array(1), 2)).toThrow();
  });
});
