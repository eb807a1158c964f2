import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../core/job/spec.ts';
import { createStrategy, STATE_VECTORS, type AggregateInput } from '../../../core/strategy/index.ts';
import { GLOBAL, ROUND1, spec, thrownCode } from './fixtures.ts';

function snapshot(input: AggregateInput) {
  return {
    global: Array.from(input.global),
    results: input.results.map((r) => ({ ...r, delta: Array.from(r.delta) })),
    failures: [...input.failures],
    state: input.state && { m: Array.from(input.state.m), v: input.state.v && Array.from(input.state.v) },
  };
}

describe('createStrategy', () => {
  it.each(STRATEGIES)('%s carries its name', (name) => {
    expect(createStrategy(spec(name)).name).toBe(name);
  });

  it.each(STRATEGIES)('%s never mutates its inputs', (name) => {
    const s = createStrategy(spec(name));
    // The vectors this strategy keeps (FedAvgM: m alone); the stateless ones ignore what they are given.
    const v = STATE_VECTORS[name] === 2 ? { v: new Float32Array([1, 2, 3]) } : {};
    const state = { m: new Float32Array([0.1, 0.2, 0.3]), ...v };
    for (const input of [
      { round: 1, global: GLOBAL, results: ROUND1, failures: ['x'], state: null },
      { round: 2, global: GLOBAL, results: ROUND1, failures: [], state },
    ]) {
      const before = snapshot(input);
      const out = s.aggregate(input);
      expect(snapshot(input)).toEqual(before);
      expect(out.weights).not.toBe(input.global);
      if (out.state) expect(out.state.m).not.toBe(state.m);
    }
  });

  it.each(STRATEGIES)('%s throws E_ROUND_FAILED on empty results', (name) => {
    const s = createStrategy(spec(name));
    expect(
      thrownCode(() => s.aggregate({ round: 1, global: GLOBAL, results: [], failures: ['a', 'b'], state: null })),
    ).toBe('E_ROUND_FAILED');
  });
});
