import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { constantTimeEqual, zeroize } from '../../../core/secagg/bytes.ts';
import { codeOf, NOT_BYTES } from './crypto-util.ts';

describe('constantTimeEqual', () => {
  it('agrees with byte-wise equality', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        return constantTimeEqual(a, b) === same && constantTimeEqual(a, Uint8Array.from(a));
      }),
    );
  });

  it('compares views and Buffers by content, and differing lengths as unequal', () => {
    const big = Uint8Array.of(9, 1, 2, 3, 9);
    expect(constantTimeEqual(big.subarray(1, 4), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Buffer.from([1, 2, 3]), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('returns false, never throws, for non-Uint8Array arguments', () => {
    for (const bad of NOT_BYTES) {
      expect(constantTimeEqual(bad as Uint8Array, new Uint8Array(32))).toBe(false);
      expect(constantTimeEqual(new Uint8Array(32), bad as Uint8Array)).toBe(false);
      expect(constantTimeEqual(bad as Uint8Array, bad as Uint8Array)).toBe(false);
    }
  });
});

describe('zeroize', () => {
  it('wipes every array given, only within each view, and skips null/undefined', () => {
    const a = Uint8Array.of(1, 2, 3);
    const backing = Uint8Array.of(7, 7, 7, 7);
    const b = Buffer.from([4, 5]);
    zeroize(a, null, backing.subarray(1, 3), undefined, b);
    expect([...a]).toEqual([0, 0, 0]);
    expect([...backing]).toEqual([7, 0, 0, 7]);
    expect([...b]).toEqual([0, 0]);
    zeroize();
  });

  it('refuses anything else with E_SECAGG_BAD_INPUT', () => {
    for (const bad of NOT_BYTES.filter((x) => x !== null && x !== undefined)) {
      expect(codeOf(() => zeroize(bad as Uint8Array))).toBe('E_SECAGG_BAD_INPUT');
    }
  });
});
