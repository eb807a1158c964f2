import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { contentDraw, pseudonymDraw, recordSplit, splitKey, unitInterval } from '../../../core/data/split.ts';
import { caught } from './fixtures.ts';

const SECRET = new Uint8Array(32).fill(7);
const ORDER = [0, 1, 2];

describe('unitInterval', () => {
  it('reads the first 53 bits of the digest as a fraction in [0, 1)', () => {
    expect(unitInterval(new Uint8Array(32))).toBe(0);
    expect(unitInterval(new Uint8Array(32).fill(0xff))).toBe(1 - 2 ** -53);
    const half = new Uint8Array(32);
    half[0] = 0x80;
    expect(unitInterval(half)).toBe(0.5);
    // Bits after the 53rd do not count.
    const low = new Uint8Array(32);
    low[6] = 0x07;
    expect(unitInterval(low)).toBe(0);
    low[6] = 0x08;
    expect(unitInterval(low)).toBe(2 ** -53);
  });
});

describe('recordSplit', () => {
  it('sends each record to test with probability testFraction: the share holds in expectation', () => {
    for (const f of [0.1, 0.34, 0.5]) {
      const split = recordSplit({ testFraction: f, seed: 1, secret: SECRET });
      let inTest = 0;
      const n = 20_000;
      for (let i = 0; i < n; i++) if (split.inTestByContent([String(i), 'x', 'y'], ORDER)) inTest++;
      // Binomial(20000, f): 5 standard deviations is under 0.018.
      expect(Math.abs(inTest / n - f)).toBeLessThan(0.018);
    }
  });

  it('decides a record by that record alone: same record, same side, whatever else is asked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (records, seed) => {
          const first = records.map((r) => recordSplit({ testFraction: 0.3, seed }).inTestByContent(r, ORDER));
          const split = recordSplit({ testFraction: 0.3, seed });
          const again = [...records]
            .reverse()
            .map((r) => split.inTestByContent(r, ORDER))
            .reverse();
          expect(again).toEqual(first);
        },
      ),
    );
  });

  it('encodes content unambiguously, in the given (schema) order', () => {
    const key = splitKey(0);
    expect(contentDraw(key, ['ab', 'c', ''], ORDER)).not.toBe(contentDraw(key, ['a', 'bc', ''], ORDER));
    expect(contentDraw(key, ['', '', 'x'], ORDER)).not.toBe(contentDraw(key, ['', 'x', ''], ORDER));
    expect(contentDraw(key, ['é', '1', '2'], ORDER)).not.toBe(contentDraw(key, ['e', '1', '2'], ORDER));
    // The same cells listed in another header order, read in schema order, are the same record.
    expect(contentDraw(key, ['c', 'a', 'b'], [1, 2, 0])).toBe(contentDraw(key, ['a', 'b', 'c'], ORDER));
  });

  it('keys by the seed and by the site secret: each changes the split', () => {
    const draws = (key: Uint8Array) =>
      Array.from({ length: 64 }, (_, i) => contentDraw(key, [String(i), '', ''], ORDER));
    const base = draws(splitKey(42));
    expect(draws(splitKey(42))).toEqual(base);
    expect(draws(splitKey(43))).not.toEqual(base);
    expect(draws(splitKey(42, SECRET))).not.toEqual(base);
    expect(draws(splitKey(42, new Uint8Array(32).fill(8)))).not.toEqual(draws(splitKey(42, SECRET)));
  });

  it('keys a pseudonym apart from content that spells it', () => {
    const key = splitKey(0, SECRET);
    expect(pseudonymDraw(key, 'abc')).not.toBe(contentDraw(key, ['abc'], [0]));
    expect(pseudonymDraw(key, 'abc')).toBe(pseudonymDraw(key, 'abc'));
  });

  it('refuses a short secret, a bad seed and a fraction outside (0, 1)', async () => {
    expect((await caught(() => splitKey(0, new Uint8Array(16)))).code).toBe('E_INTAKE_SECRET');
    for (const seed of [-1, 1.5, Number.NaN])
      expect((await caught(() => splitKey(seed))).code).toBe('E_CONFIG_INVALID');
    for (const testFraction of [0, 1, Number.NaN])
      expect((await caught(() => recordSplit({ testFraction, seed: 0 }))).code).toBe('E_CONFIG_INVALID');
  });
});
