import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../../core/strategy/index.ts';
import { GLOBAL, ROUND1, spec, thrownCode } from './fixtures.ts';

/** One FedAvg round from GLOBAL at server learning rate η. */
const fedavg = (eta: number, results = ROUND1, failures: string[] = []) =>
  createStrategy(spec('fedavg', eta)).aggregate({ round: 1, global: GLOBAL, results, failures, state: null });

describe('FedAvg (McMahan et al. 2017)', () => {
  it('adds the example-weighted mean delta with η = 1', () => {
    // w' = [1, 2, 3] + [0.5, −1, 3] = [1.5, 1, 6]
    const out = fedavg(1);
    expect(Array.from(out.weights)).toEqual([1.5, 1, 6]);
    expect(out.state).toBeNull();
  });

  it('scales the step by the server learning rate', () => {
    // w' = [1, 2, 3] + 0.5·[0.5, −1, 3] = [1.25, 1.5, 4.5]
    expect(Array.from(fedavg(0.5).weights)).toEqual([1.25, 1.5, 4.5]);
  });

  it('treats failures as data and aggregates what arrived', () => {
    expect(Array.from(fedavg(1, ROUND1, ['c', 'd']).weights)).toEqual([1.5, 1, 6]);
  });

  it('ignores a client with 0 examples', () => {
    const results = [...ROUND1, { client: 'z', delta: new Float32Array([100, 100, 100]), numExamples: 0 }];
    expect(Array.from(fedavg(1, results).weights)).toEqual([1.5, 1, 6]);
  });

  it('rejects empty results, Σn = 0, wrong lengths and bad counts', () => {
    const s = createStrategy(spec('fedavg', 1));
    const run = (results: typeof ROUND1) => () =>
      s.aggregate({ round: 1, global: GLOBAL, results, failures: ['a'], state: null });
    expect(thrownCode(run([]))).toBe('E_ROUND_FAILED');
    expect(thrownCode(run([{ client: 'a', delta: new Float32Array(3), numExamples: 0 }]))).toBe('E_ROUND_FAILED');
    expect(thrownCode(run([{ client: 'a', delta: new Float32Array(2), numExamples: 1 }]))).toBe('E_UPDATE_LENGTH');
    expect(thrownCode(run([{ client: 'a', delta: new Float32Array(3), numExamples: -1 }]))).toBe('E_UPDATE_RANGE');
    expect(thrownCode(run([{ client: 'a', delta: new Float32Array(3), numExamples: 1.5 }]))).toBe('E_UPDATE_RANGE');
  });
});

describe('FedProx (Li et al. 2020)', () => {
  it('is named fedprox and aggregates like FedAvg', () => {
    const prox = createStrategy(spec('fedprox', 1));
    expect(prox.name).toBe('fedprox');
    const out = prox.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
    expect(Array.from(out.weights)).toEqual([1.5, 1, 6]);
    expect(out.state).toBeNull();
  });
});
