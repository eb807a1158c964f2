import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createCipheriv, randomBytes } from 'node:crypto';
import { errorCode } from '../../helpers/errors.ts';
import { CHUNK_BYTES, SEED_BYTES, addMaskInto, expandMask } from '../../../core/secagg/prg.ts';
import { addInto, subInto } from '../../../core/secagg/ring.ts';

const code = errorCode;

const CHUNK_WORDS = CHUNK_BYTES / 4;

/** The reference: one cipher.update over all the zeros, read word by word as little-endian. */
function referenceKeystream(seed: Uint8Array, length: number): Uint32Array {
  const bytes = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16)).update(Buffer.alloc(length * 4));
  return Uint32Array.from({ length }, (_, i) => bytes.readUInt32LE(i * 4));
}

/** AES-256-ECB of the big-endian 128-bit counters 0, 1, …: CTR mode built by hand. */
function ecbCounters(seed: Uint8Array, blocks: number): Buffer {
  const ecb = createCipheriv('aes-256-ecb', seed, null).setAutoPadding(false);
  const counters = Buffer.alloc(blocks * 16);
  for (let b = 0; b < blocks; b++) counters.writeUInt32BE(b, b * 16 + 12);
  return ecb.update(counters);
}

const seedArb = fc.uint8Array({ minLength: SEED_BYTES, maxLength: SEED_BYTES });
const bitsArb = fc.integer({ min: 1, max: 32 });
const wordsIn = (bits: number, length: number) =>
  fc.array(fc.nat({ max: 2 ** bits - 1 }), { minLength: length, maxLength: length }).map((a) => Uint32Array.from(a));

describe('expandMask', () => {
  it('starts with AES-256 of the zero block under the zero key (dc95c078…), read little-endian', () => {
    const m = expandMask(new Uint8Array(32), 4);
    expect(Array.from(m)).toEqual([0x78c095dc, 0x898940a2, 0x14a248ad, 0x87208492]);
  });

  it('is the CTR keystream with a zero IV: block i is AES_seed(i) with a big-endian counter', () => {
    const seed = randomBytes(32);
    const m = expandMask(seed, 64 * 4);
    const ref = ecbCounters(seed, 64);
    expect(Buffer.from(m.buffer, m.byteOffset, m.byteLength).equals(ref)).toBe(true);
  });

  it.each([0, 1, 3, 4, CHUNK_WORDS - 1, CHUNK_WORDS, CHUNK_WORDS + 1, 100_003])(
    'equals the raw aes-256-ctr keystream of zeros for %i words',
    (length) => {
      const seed = randomBytes(32);
      expect(expandMask(seed, length)).toEqual(referenceKeystream(seed, length));
    },
  );

  it('writes into a given output and checks its length', () => {
    const seed = randomBytes(32);
    const out = new Uint32Array(5000).fill(7);
    expect(expandMask(seed, 5000, out)).toBe(out);
    expect(out).toEqual(referenceKeystream(seed, 5000));
    expect(code(() => expandMask(seed, 10, new Uint32Array(9)))).toBe('E_UPDATE_LENGTH');
  });

  it('works into an output that is a view at an odd word offset', () => {
    const seed = randomBytes(32);
    const backing = new Uint32Array(CHUNK_WORDS + 10);
    const view = backing.subarray(3, 3 + CHUNK_WORDS + 5);
    expandMask(seed, view.length, view);
    expect(view).toEqual(referenceKeystream(seed, view.length));
    expect(backing[2]).toBe(0);
    expect(backing[3 + CHUNK_WORDS + 5]).toBe(0);
  });

  it('is deterministic for a seed; different seeds give different masks', () => {
    fc.assert(
      fc.property(seedArb, seedArb, fc.integer({ min: 4, max: 300 }), (a, b, length) => {
        expect(expandMask(a, length)).toEqual(expandMask(a, length));
        if (Buffer.compare(a, b) !== 0) expect(expandMask(a, length)).not.toEqual(expandMask(b, length));
      }),
      { numRuns: 50 },
    );
  });

  it('with bits < 32 keeps every word below 2^bits, and is the low bits of the 32-bit mask', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 31 }), fc.integer({ min: 0, max: 2000 }), (seed, bits, length) => {
        const m = expandMask(seed, length, undefined, bits);
        const full = expandMask(seed, length);
        const limit = 2 ** bits;
        for (let i = 0; i < length; i++) {
          if (m[i]! >= limit) expect.fail(`word ${i} = ${m[i]} >= 2^${bits}`);
          if (m[i] !== full[i]! % limit) expect.fail(`word ${i} is not the low ${bits} bits`);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('uses every bit of the word when bits = 32 (top bit set in some word)', () => {
    const m = expandMask(randomBytes(32), 1000);
    expect(m.some((w) => w >= 2 ** 31)).toBe(true);
  });

  it('rejects malformed seeds, lengths and bits with typed errors', () => {
    expect(code(() => expandMask(new Uint8Array(31), 4))).toBe('E_SECAGG_BAD_KEY');
    expect(code(() => expandMask(new Uint8Array(33), 4))).toBe('E_SECAGG_BAD_KEY');
    expect(code(() => expandMask('x'.repeat(32) as unknown as Uint8Array, 4))).toBe('E_SECAGG_BAD_KEY');
    expect(code(() => expandMask(new Uint8Array(32), -1))).toBe('E_CONFIG_INVALID');
    expect(code(() => expandMask(new Uint8Array(32), 1.5))).toBe('E_CONFIG_INVALID');
    expect(code(() => expandMask(new Uint8Array(32), 4, undefined, 0))).toBe('E_CONFIG_INVALID');
    expect(code(() => expandMask(new Uint8Array(32), 4, undefined, 33))).toBe('E_CONFIG_INVALID');
    expect(code(() => addMaskInto(new Uint32Array(4), new Uint8Array(16), 1))).toBe('E_SECAGG_BAD_KEY');
    expect(code(() => addMaskInto(new Uint32Array(4), new Uint8Array(32), 0 as 1))).toBe('E_CONFIG_INVALID');
  });
});

describe('addMaskInto', () => {
  it('adds exactly expandMask mod 2^bits, across chunk boundaries', () => {
    for (const bits of [32, 31, 24, 16, 1]) {
      const seed = randomBytes(32);
      const length = 2 * CHUNK_WORDS + 17;
      const x = Uint32Array.from({ length }, (_, i) => (i * 2654435761) % 2 ** bits);
      const expected = addInto(new Uint32Array(x), expandMask(seed, length, undefined, bits), bits);
      expect(addMaskInto(new Uint32Array(x), seed, 1, bits)).toEqual(expected);
      const expectedSub = subInto(new Uint32Array(x), expandMask(seed, length, undefined, bits), bits);
      expect(addMaskInto(new Uint32Array(x), seed, -1, bits)).toEqual(expectedSub);
    }
  });

  it('+mask then −mask returns the accumulator unchanged', () => {
    fc.assert(
      fc.property(
        seedArb,
        bitsArb.chain((bits) =>
          fc.integer({ min: 0, max: 3000 }).chain((length) => wordsIn(bits, length).map((x) => ({ bits, x }))),
        ),
        (seed, { bits, x }) => {
          const acc = new Uint32Array(x);
          addMaskInto(acc, seed, 1, bits);
          addMaskInto(acc, seed, -1, bits);
          expect(acc).toEqual(x);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('cancels over a long vector spanning several chunks', () => {
    const seed = randomBytes(32);
    const x = Uint32Array.from({ length: 100_003 }, (_, i) => i);
    const acc = addMaskInto(new Uint32Array(x), seed, 1);
    expect(acc).not.toEqual(x);
    addMaskInto(acc, seed, -1);
    expect(acc).toEqual(x);
  });

  it('pairwise masks cancel in the sum: Σ_u (x_u + Σ_{v>u} PRG(s_uv) − Σ_{v<u} PRG(s_uv)) = Σ_u x_u', () => {
    fc.assert(
      fc.property(
        fc
          .record({ bits: bitsArb, n: fc.integer({ min: 2, max: 6 }), length: fc.integer({ min: 1, max: 500 }) })
          .chain(({ bits, n, length }) =>
            fc.record({
              bits: fc.constant(bits),
              xs: fc.array(wordsIn(bits, length), { minLength: n, maxLength: n }),
              seeds: fc.array(seedArb, { minLength: (n * (n - 1)) / 2, maxLength: (n * (n - 1)) / 2 }),
            }),
          ),
        ({ bits, xs, seeds }) => {
          const n = xs.length;
          const length = xs[0]!.length;
          const pairSeed = (u: number, v: number): Uint8Array => {
            const [a, b] = u < v ? [u, v] : [v, u];
            return seeds[a * n - (a * (a + 1)) / 2 + (b - a - 1)]!;
          };
          const masked = new Uint32Array(length);
          const plain = new Uint32Array(length);
          for (let u = 0; u < n; u++) {
            const y = new Uint32Array(xs[u]!);
            for (let v = 0; v < n; v++) if (v !== u) addMaskInto(y, pairSeed(u, v), v > u ? 1 : -1, bits);
            addInto(masked, y, bits);
            addInto(plain, xs[u]!, bits);
          }
          expect(masked).toEqual(plain);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('ring', () => {
  it('adds and subtracts mod 2^bits, matching BigInt arithmetic', () => {
    fc.assert(
      fc.property(
        bitsArb.chain((bits) =>
          fc
            .integer({ min: 0, max: 50 })
            .chain((len) => fc.tuple(fc.constant(bits), wordsIn(bits, len), wordsIn(bits, len))),
        ),
        ([bits, a, b]) => {
          const m = 2n ** BigInt(bits);
          const sum = addInto(new Uint32Array(a), b, bits);
          const diff = subInto(new Uint32Array(a), b, bits);
          for (let i = 0; i < a.length; i++) {
            expect(BigInt(sum[i]!)).toBe((BigInt(a[i]!) + BigInt(b[i]!)) % m);
            expect(BigInt(diff[i]!)).toBe((((BigInt(a[i]!) - BigInt(b[i]!)) % m) + m) % m);
          }
        },
      ),
    );
  });

  it('rejects vectors of different lengths and invalid bits', () => {
    expect(code(() => addInto(new Uint32Array(3), new Uint32Array(4)))).toBe('E_UPDATE_LENGTH');
    expect(code(() => subInto(new Uint32Array(4), new Uint32Array(3)))).toBe('E_UPDATE_LENGTH');
    expect(code(() => addInto(new Uint32Array(3), new Uint32Array(3), 0))).toBe('E_CONFIG_INVALID');
    expect(code(() => subInto(new Uint32Array(3), new Uint32Array(3), 32.5))).toBe('E_CONFIG_INVALID');
  });
});
