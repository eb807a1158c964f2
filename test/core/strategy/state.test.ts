import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeServerState, encodeServerState } from '../../../core/strategy/index.ts';
import { thrownCode } from './fixtures.ts';

describe('server state bytes', () => {
  it('is little-endian float32 m then v', () => {
    // 1.0f = 0x3f800000, 0.25f = 0x3e800000
    const bytes = encodeServerState({ m: new Float32Array([1]), v: new Float32Array([0.25]) });
    expect(Array.from(bytes)).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x80, 0x3e]);
  });

  it('round-trips, including from an unaligned view', () => {
    const finite = fc.float({ noNaN: true, noDefaultInfinity: true });
    const nonNegative = fc.float({ min: 0, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 32 })
          .chain((d) =>
            fc.tuple(
              fc.array(finite, { minLength: d, maxLength: d }),
              fc.array(nonNegative, { minLength: d, maxLength: d }),
            ),
          ),
        ([m, v]) => {
          const state = { m: Float32Array.from(m), v: Float32Array.from(v) };
          const bytes = encodeServerState(state);
          expect(bytes.byteLength).toBe(8 * m.length);
          const shifted = new Uint8Array(bytes.byteLength + 1);
          shifted.set(bytes, 1);
          const back = decodeServerState(shifted.subarray(1), m.length);
          expect(back).toEqual(state);
          shifted.fill(0xff);
          expect(back).toEqual(state); // decoded arrays are copies
        },
      ),
    );
  });

  it('rejects a wrong size or corrupt values with E_STORE', () => {
    const bytes = encodeServerState({ m: new Float32Array([1, 2]), v: new Float32Array([3, 4]) });
    expect(thrownCode(() => decodeServerState(bytes, 3))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(bytes.subarray(1), 2))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(new Uint8Array(0), -1))).toBe('E_STORE');
    const nan = encodeServerState({ m: new Float32Array([Number.NaN]), v: new Float32Array([1]) });
    expect(thrownCode(() => decodeServerState(nan, 1))).toBe('E_STORE');
    const negative = encodeServerState({ m: new Float32Array([0]), v: new Float32Array([-1]) });
    expect(thrownCode(() => decodeServerState(negative, 1))).toBe('E_STORE');
  });
});
