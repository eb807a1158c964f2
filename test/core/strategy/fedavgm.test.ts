import { describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import { createStrategy, type ServerState } from '../../../core/strategy/index.ts';
import { decodeServerState, encodeServerState } from '../../../core/strategy/state.ts';
import { GLOBAL, ROUND1, ROUND2, spec, thrownCode } from './fixtures.ts';

// Hsu et al. 2019 §3.2 (the update of Flower's fedavgm.py, with Δ = −pseudo-gradient);
// β = beta1 = 0.5, η = 0.5. ROUND1's mean delta is Δ₁ = [0.5, −1, 3], ROUND2's Δ₂ = [−0.5, 2, 1].
describe('FedAvgM (Hsu et al. 2019)', () => {
  const s = createStrategy(spec('fedavgm'));
  const r1 = s.aggregate({ round: 1, global: GLOBAL, results: ROUND1, failures: [], state: null });
  const r2 = s.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: r1.state });

  it('starts its momentum at the first delta', () => {
    // m₁ = Δ₁ = [0.5, −1, 3]; w₁ = [1, 2, 3] + 0.5·m₁ = [1.25, 1.5, 4.5]
    expect(Array.from(r1.state!.m)).toEqual([0.5, -1, 3]);
    expect(r1.state).toEqual({ m: r1.state!.m }); // m alone: FedAvgM keeps no second moment
    expect(Array.from(r1.weights)).toEqual([1.25, 1.5, 4.5]);
  });

  it('carries β of the last momentum into the next step', () => {
    // m₂ = 0.5·m₁ + Δ₂ = [0.25 − 0.5, −0.5 + 2, 1.5 + 1] = [−0.25, 1.5, 2.5]
    // w₂ = w₁ + 0.5·m₂ = [1.25 − 0.125, 1.5 + 0.75, 4.5 + 1.25] = [1.125, 2.25, 5.75]
    expect(Array.from(r2.state!.m)).toEqual([-0.25, 1.5, 2.5]);
    expect(Array.from(r2.weights)).toEqual([1.125, 2.25, 5.75]);
  });

  it('is FedAvg at β = 0', () => {
    const noMomentum = createStrategy({ ...spec('fedavgm', 1), beta1: 0 });
    const a = noMomentum.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: r1.state });
    const f = createStrategy(spec('fedavg', 1)).aggregate({
      round: 2,
      global: r1.weights,
      results: ROUND2,
      failures: [],
      state: null,
    });
    expect(Array.from(a.weights)).toEqual(Array.from(f.weights));
  });

  it('survives a restart: the stored state, 4 bytes a parameter, gives the same next step', () => {
    const bytes = encodeServerState(r1.state!);
    expect(bytes.byteLength).toBe(4 * GLOBAL.length);
    const stored = decodeServerState(bytes, GLOBAL.length, 'fedavgm');
    const again = s.aggregate({ round: 2, global: r1.weights, results: ROUND2, failures: [], state: stored });
    expect(Array.from(again.weights)).toEqual(Array.from(r2.weights));
    expect(again.state).toEqual(r2.state);
  });

  it('refuses a stored state of another model size, or one with a second moment', () => {
    const step = (state: ServerState) =>
      thrownCode(() => s.aggregate({ round: 2, global: GLOBAL, results: ROUND2, failures: [], state }));
    expect(step({ m: new Float32Array(2) })).toBe('E_STORE');
    expect(step({ m: new Float32Array(3), v: new Float32Array(3) })).toBe('E_STORE');
  });

  it('defaults η to 1 − β, so a steady delta moves the model as far as FedAvg', () => {
    const base = { name: 'x', model: logisticRegression(1), features: ['a'], label: 'y', rounds: 1 };
    expect(parseJobSpec({ ...base, strategy: { name: 'fedavgm' } }).strategy.serverLearningRate).toBeCloseTo(0.1, 12);
    expect(parseJobSpec({ ...base, strategy: { name: 'fedavgm', beta1: 0.5 } }).strategy.serverLearningRate).toBe(0.5);
    // A steady Δ: m_t → Δ / (1 − β), so η m_t → Δ.
    const steady = createStrategy(spec('fedavgm', 0.5));
    let state: ServerState | null = null;
    let w: Float32Array = new Float32Array([0]);
    for (let t = 0; t < 60; t++) {
      const out = steady.step({ round: t + 1, global: w, meanDelta: [1], state });
      expect(out.weights[0]! - w[0]!).toBeLessThanOrEqual(1 + 1e-6);
      ({ weights: w, state } = out);
    }
    const last = steady.step({ round: 61, global: w, meanDelta: [1], state });
    expect(last.weights[0]! - w[0]!).toBeCloseTo(1, 4);
  });
});
