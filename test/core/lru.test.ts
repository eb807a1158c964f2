import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Lru } from '../../core/lru.ts';

describe('Lru', () => {
  it('forgets the least recently used entry first, one at a time, and a hit counts as a use', () => {
    const lru = new Lru<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1); // a is now the most recent: b goes next
    lru.set('d', 4);
    expect([lru.has('a'), lru.has('b'), lru.has('c'), lru.has('d')]).toEqual([true, false, true, true]);
    expect(lru.size).toBe(3);
  });

  it('bounds the total weight, and keeps nothing heavier than the limit', () => {
    const lru = new Lru<string, Float64Array>(100, (a) => a.byteLength);
    lru.set('x', new Float64Array(5)); // 40 bytes
    lru.set('y', new Float64Array(5)); // 80
    lru.set('z', new Float64Array(5)); // 120 > 100: x leaves
    expect([lru.has('x'), lru.has('y'), lru.has('z')]).toEqual([false, true, true]);
    expect(lru.weight).toBe(80);
    lru.set('huge', new Float64Array(13)); // 104 bytes: never kept, and nothing is evicted for it
    expect(lru.has('huge')).toBe(false);
    expect([lru.has('y'), lru.has('z')]).toEqual([true, true]);
  });

  it('replacing a key reweighs it; getOrSet keeps what make returns and nothing when make throws', () => {
    const lru = new Lru<string, string>(10, (s) => s.length);
    lru.set('k', 'aaaaaaaa');
    lru.set('k', 'bb');
    expect(lru.weight).toBe(2);
    expect(lru.getOrSet('k', () => 'never')).toBe('bb');
    expect(() =>
      lru.getOrSet('t', () => {
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(lru.has('t')).toBe(false);
  });

  it('property: agrees with a reference model of recency and weight', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 6 }),
        w: fc.integer({ min: 1, max: 5 }),
      }),
      fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const lru = new Lru<number, number>(8, (w) => w);
        let model: [number, number][] = []; // oldest first
        for (const o of ops) {
          if (o.kind === 'set') {
            model = model.filter(([k]) => k !== o.key);
            if (o.w <= 8) {
              while (model.reduce((s, [, w]) => s + w, 0) + o.w > 8) model.shift();
              model.push([o.key, o.w]);
            }
            lru.set(o.key, o.w);
          } else if (o.kind === 'get') {
            const i = model.findIndex(([k]) => k === o.key);
            const want = i < 0 ? undefined : model[i]![1];
            if (i >= 0) model.push(...model.splice(i, 1));
            expect(lru.get(o.key)).toBe(want);
          } else {
            model = model.filter(([k]) => k !== o.key);
            lru.delete(o.key);
          }
          expect(lru.size).toBe(model.length);
          expect(lru.weight).toBe(model.reduce((s, [, w]) => s + w, 0));
        }
      }),
    );
  });
});
