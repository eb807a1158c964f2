import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipPrintable, firstUnprintable, isPrintable, printable } from '../../core/printable.ts';

describe('printable', () => {
  it('makes each control or format character a space, and keeps every other character', () => {
    expect(printable('\u001b[31mred\u202e\u200b\n\t\u0000x')).toBe(' [31mred     x');
    expect(printable('Zürich → 東京, naïve')).toBe('Zürich → 東京, naïve');
    // A fast-check counterexample: a tag character (U+E0020, Cf, beyond the BMP) is one character, made one space.
    expect(printable('a\u{E0020}b')).toBe('a b');
    fc.assert(
      // Random text rarely holds a format character: these are mixed in (bidi, zero-width, a tag past U+FFFF, ZWNJ, BEL).
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
            fc.constantFrom('\u202e', '\u2066', '\u200b', '\u{E0020}', '\u200c', '\u0007', '\u00ad'),
          ),
        }),
        (s) => {
          const p = printable(s);
          expect(isPrintable(p)).toBe(true);
          // One space a character: counted in code points (a format character past U+FFFF, e.g. U+E0020, is two UTF-16 units).
          expect([...p].length).toBe([...s].length);
          // Unchanged where it was already printable.
          if (isPrintable(s)) expect(p).toBe(s);
          // Clipped to n characters at most, printable, and itself when it fits.
          const c = clipPrintable(s, 8);
          expect(c.length).toBeLessThanOrEqual(8);
          expect(isPrintable(c)).toBe(true);
          if (p.length <= 8) expect(c).toBe(p);
          else expect(c.endsWith('…')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('isPrintable refuses ANSI escapes, bidi overrides and isolates, zero-width marks and C1 controls', () => {
    for (const c of [
      '\u001b',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
      '\u200b',
      '\u200f',
      '\u0085',
      '\u009b',
      '\ufeff',
    ])
      expect(isPrintable(`a${c}b`)).toBe(false);
    expect(isPrintable('hospital-1: E_POLICY_DECLINED the model has 56113 parameters')).toBe(true);
    // Persian's zero-width non-joiner and emoji's joiner are parts of ordinary words: kept.
    expect(isPrintable('می\u200cخواهم 👩\u200d⚕️')).toBe(true);
    expect(firstUnprintable('ok\u202eevil')).toEqual({ index: 2, codePoint: 0x202e });
    expect(firstUnprintable('ok')).toBeNull();
  });
});
