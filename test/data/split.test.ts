import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { splitIndices } from '../../core/data/split.ts';

const count = (ys: ArrayLike<number>, idx: number[], c: number) => idx.filter((i) => ys[i] === c).length;

describe('splitIndices', () => {
  it('is a stratified partition: disjoint, covering, round(f * classCount) of each class in test', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 400 }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (ys, f, seed) => {
          const { train, test } = splitIndices(ys, { testFraction: f, stratified: true, seed });
          const all = [...train, ...test].sort((a, b) => a - b);
          expect(all).toEqual(ys.map((_, i) => i));
          expect(new Set(all).size).toBe(ys.length);
          for (const c of [0, 1]) expect(count(ys, test, c)).toBe(Math.round(f * ys.filter((y) => y === c).length));
          expect(train).toEqual([...train].sort((a, b) => a - b));
          expect(test).toEqual([...test].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('unstratified: round(f * n) rows in test', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1 }), { maxLength: 200 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (ys, f) => {
        const { train, test } = splitIndices(ys, { testFraction: f, stratified: false, seed: 1 });
        expect(test.length).toBe(Math.round(f * ys.length));
        expect(train.length + test.length).toBe(ys.length);
      }),
    );
  });

  it('depends on the seed only', () => {
    const ys = Array.from({ length: 100 }, (_, i) => i % 3 === 0 ? 1 : 0);
    const o = { testFraction: 0.3, stratified: true, seed: 42 };
    expect(splitIndices(ys, o)).toEqual(splitIndices(ys, o));
    expect(splitIndices(ys, { ...o, seed: 43 }).test).not.toEqual(splitIndices(ys, o).test);
  });
});
