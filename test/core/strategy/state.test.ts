import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../../core/job/spec.ts';
import { decodeServerState, encodeServerState, STATE_VECTORS } from '../../../core/strategy/index.ts';
import { thrownCode } from './fixtures.ts';

describe('server state bytes', () => {
  it('is little-endian float32 m, then v for the strategies that keep one', () => {
    // 1.0f = 0x3f800000, 0.25f = 0x3e800000
    const bytes = encodeServerState({ m: new Float32Array([1]), v: new Float32Array([0.25]) });
    expect(Array.from(bytes)).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x80, 0x3e]);
    expect(Array.from(encodeServerState({ m: new Float32Array([1]) }))).toEqual([0x00, 0x00, 0x80, 0x3f]);
  });

  it('keeps m alone for FedAvgM, m and v for FedAdam and FedYogi, nothing for FedAvg and FedProx', () => {
    expect(STATE_VECTORS).toEqual({ fedavg: 0, fedprox: 0, fedavgm: 1, fedadam: 2, fedyogi: 2 });
    expect(Object.keys(STATE_VECTORS).sort()).toEqual([...STRATEGIES].sort());
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
              fc.constantFrom('fedavgm', 'fedadam', 'fedyogi' as const),
            ),
          ),
        ([m, v, strategy]) => {
          const moments = STATE_VECTORS[strategy] === 2;
          const state = moments ? { m: Float32Array.from(m), v: Float32Array.from(v) } : { m: Float32Array.from(m) };
          const bytes = encodeServerState(state);
          expect(bytes.byteLength).toBe((moments ? 8 : 4) * m.length);
          const shifted = new Uint8Array(bytes.byteLength + 1);
          shifted.set(bytes, 1);
          const back = decodeServerState(shifted.subarray(1), m.length, strategy);
          expect(back).toEqual(state);
          shifted.fill(0xff);
          expect(back).toEqual(state); // decoded arrays are copies
        },
      ),
    );
  });

  it('reads a FedAvgM state the previous version stored (m then a v of zeros) as m alone, and no other v', () => {
    const legacy = encodeServerState({ m: new Float32Array([1, -2]), v: new Float32Array(2) });
    expect(legacy.byteLength).toBe(16);
    expect(decodeServerState(legacy, 2, 'fedavgm')).toEqual({ m: new Float32Array([1, -2]) });
    const notZero = encodeServerState({ m: new Float32Array([1, -2]), v: new Float32Array([0, 1]) });
    expect(thrownCode(() => decodeServerState(notZero, 2, 'fedavgm'))).toBe('E_STORE');
  });

  it('rejects a wrong size, a shape the strategy does not keep, or corrupt values with E_STORE', () => {
    const bytes = encodeServerState({ m: new Float32Array([1, 2]), v: new Float32Array([3, 4]) });
    expect(thrownCode(() => decodeServerState(bytes, 3, 'fedadam'))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(bytes.subarray(1), 2, 'fedadam'))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(new Uint8Array(0), -1, 'fedadam'))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(bytes.subarray(8), 2, 'fedadam'))).toBe('E_STORE'); // m alone
    expect(thrownCode(() => decodeServerState(bytes.subarray(4), 1, 'fedavgm'))).toBe('E_STORE'); // 3 values
    expect(thrownCode(() => decodeServerState(bytes, 2, 'fedavg'))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(bytes, 1, 'fedprox'))).toBe('E_STORE');
    const nan = encodeServerState({ m: new Float32Array([Number.NaN]), v: new Float32Array([1]) });
    expect(thrownCode(() => decodeServerState(nan, 1, 'fedadam'))).toBe('E_STORE');
    expect(thrownCode(() => decodeServerState(nan.subarray(0, 4), 1, 'fedavgm'))).toBe('E_STORE');
    const negative = encodeServerState({ m: new Float32Array([0]), v: new Float32Array([-1]) });
    expect(thrownCode(() => decodeServerState(negative, 1, 'fedyogi'))).toBe('E_STORE');
  });
});
