import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { errorCode } from '../../helpers/errors.ts';
import {
  openSession,
  encodeInput,
  checkWeightedSum,
  checkDdgSum,
  weightedSumBounds,
  ddgSumNormBound,
  type Session,
} from '../../../core/secagg/index.ts';
import { addInto } from '../../../core/secagg/ring.ts';
import { scaleFor } from '../../../core/secagg/quantize.ts';
import { ddgParams, type DdgParams } from '../../../core/secagg/ddg-params.ts';
import { ddgEncode } from '../../../core/secagg/ddg-encode.ts';

function session(n: number, bits: number, clip: number, declared: readonly number[], d: number): Session {
  const participants = Array.from({ length: n }, (_, i) => `h${String(i).padStart(2, '0')}`);
  return openSession({
    jobId: 'j',
    round: 1,
    attempt: 1,
    bits,
    threshold: 1,
    degree: Math.max(1, n - 1),
    clip,
    participants,
    totalExamples: declared.reduce((a, b) => a + b, 0),
    vectorLength: d + 2,
    rosterHash: new Uint8Array(32),
  });
}

/** Σ inputs in Z_{2^bits}: what the coordinator holds once every mask is removed. */
function ringSum(inputs: readonly Uint32Array[], bits: number): Uint32Array {
  const acc = new Uint32Array(inputs[0]!.length);
  for (const x of inputs) addInto(acc, x, bits);
  return acc;
}

/**
 * A round's parameters p (n clients), which clients survive (any subset but
 * the empty one), and the per-client draws `perClient` makes given p.
 */
function roundDraws<P extends { n: number }, R extends object>(
  params: fc.Arbitrary<P>,
  perClient: (p: P) => { [K in keyof R]: fc.Arbitrary<R[K]> },
): fc.Arbitrary<{ p: P; alive: boolean[] } & R> {
  return params.chain((p) =>
    fc.record({
      p: fc.constant(p),
      alive: fc.array(fc.boolean(), { minLength: p.n, maxLength: p.n }).filter((a) => a.some(Boolean)),
      ...perClient(p),
    }),
  ) as fc.Arbitrary<{ p: P; alive: boolean[] } & R>;
}

/** n vectors of d elements each: one per client. */
const vectors = <T>(n: number, d: number, element: fc.Arbitrary<T>) =>
  fc.array(fc.array(element, { minLength: d, maxLength: d }), { minLength: n, maxLength: n });

const word = (v: number, bits: number) => ((v % 2 ** bits) + 2 ** bits) % 2 ** bits;

describe('checkWeightedSum: the per-coordinate codec', () => {
  /** Rounds of 2 to 7 clients, each with its declared count, raw delta and loss. */
  const rounds = roundDraws(
    fc.record({
      n: fc.integer({ min: 2, max: 7 }),
      bits: fc.integer({ min: 16, max: 32 }),
      clip: fc.double({ min: 0.05, max: 50, noNaN: true }),
      d: fc.integer({ min: 1, max: 6 }),
    }),
    (p) => ({
      declared: fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: p.n, maxLength: p.n }),
      // Raw deltas, often far beyond the clip: the encoder clips them.
      deltas: vectors(p.n, p.d, fc.float({ min: -1e4, max: 1e4, noNaN: true })),
      losses: fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: p.n, maxLength: p.n }),
    }),
  );

  it('accepts every sum of honest, clipped inputs over any surviving subset (no false positives)', () => {
    fc.assert(
      fc.property(rounds, ({ p, declared, alive, deltas, losses }) => {
        let s: Session;
        try {
          s = session(p.n, p.bits, p.clip, declared, p.d);
          scaleFor({ bits: p.bits, clip: p.clip, maxClients: p.n });
        } catch {
          return; // no headroom for this many clients at this clip: the job would be refused
        }
        const idx = alive.flatMap((a, i) => (a ? [i] : []));
        const inputs = idx.map((i) => encodeInput(s, Float32Array.from(deltas[i]!), declared[i]!, losses[i]!));
        expect(
          errorCode(() =>
            checkWeightedSum(
              s,
              ringSum(inputs, p.bits),
              idx.map((i) => declared[i]!),
            ),
          ),
        ).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('rejects exactly one quantum past each edge of the honest box', () => {
    const declared = [10, 20, 30];
    const s = session(3, 32, 1, declared, 2);
    const b = weightedSumBounds(s, declared);
    const edge = (model: number, weight: number, loss: number) =>
      Uint32Array.from([word(model, 32), 0, word(weight, 32), word(loss, 32)]);
    const ok = (sum: Uint32Array) => errorCode(() => checkWeightedSum(s, sum, declared));
    for (const m of [b.model.lo, b.model.hi]) expect(ok(edge(m, b.weight.lo, 0))).toBeUndefined();
    expect(ok(edge(b.model.hi, b.weight.hi, b.loss.hi))).toBeUndefined();
    expect(ok(edge(b.model.hi + 1, b.weight.lo, 0))).toBe('E_SECAGG_SUM_BOUND');
    expect(ok(edge(b.model.lo - 1, b.weight.lo, 0))).toBe('E_SECAGG_SUM_BOUND');
    expect(ok(edge(0, b.weight.lo - 1, 0))).toBe('E_SECAGG_SUM_BOUND');
    expect(ok(edge(0, b.weight.hi + 1, 0))).toBe('E_SECAGG_SUM_BOUND');
    expect(ok(edge(0, b.weight.lo, -1))).toBe('E_SECAGG_SUM_BOUND');
    expect(ok(edge(0, b.weight.lo, b.loss.hi + 1))).toBe('E_SECAGG_SUM_BOUND');
    // The model box is m·⌈c·s⌉ and the weight window at most m quanta wide: the bounds the docs state.
    const sc = scaleFor({ bits: 32, clip: 1, maxClients: 3 });
    expect(b.model.hi).toBe(3 * Math.ceil(sc));
    expect(b.weight.hi - b.weight.lo).toBeLessThanOrEqual(3);
    expect(b.weight.lo).toBeGreaterThan(sc - 3); // Σ w = 1: all three survived
  });

  it('rejects a sum whose survivors declared counts outside the session (no survivors, zero, above the total)', () => {
    const s = session(2, 32, 1, [5, 5], 1);
    const sum = new Uint32Array(3);
    expect(errorCode(() => checkWeightedSum(s, sum, []))).toBe('E_SECAGG_SUM_BOUND');
    expect(errorCode(() => checkWeightedSum(s, sum, [0]))).toBe('E_SECAGG_SUM_BOUND');
    expect(errorCode(() => checkWeightedSum(s, sum, [11]))).toBe('E_SECAGG_SUM_BOUND');
    expect(errorCode(() => checkWeightedSum(s, new Uint32Array(4), [5]))).toBe('E_UPDATE_LENGTH');
  });

  it('catches a sum garbled by a wrong self mask (pseudo-random words) unless its weight lands in an m-quantum window', () => {
    const declared = [10, 10, 10, 10];
    const s = session(4, 32, 10, declared, 8);
    let accepted = 0;
    for (let k = 0; k < 200; k++) {
      const garbage = new Uint32Array(10);
      crypto.getRandomValues(garbage);
      if (errorCode(() => checkWeightedSum(s, garbage, declared)) === undefined) accepted++;
    }
    expect(accepted).toBe(0); // each passes with probability ≤ 5·2^−32
  });
});

describe('checkDdgSum: the distributed discrete Gaussian codec', () => {
  const seed = new Uint8Array(32).fill(7);
  /** Rounds of 2 to 6 clients, each with its raw update, under noise from none to 3 clips. */
  const rounds = roundDraws(
    fc.record({
      n: fc.integer({ min: 2, max: 6 }),
      d: fc.integer({ min: 1, max: 40 }),
      clip: fc.double({ min: 0.01, max: 100, noNaN: true }),
      noise: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 3, noNaN: true })),
      bits: fc.constantFrom(20, 24, 32),
    }),
    (p) => ({ updates: vectors(p.n, p.d, fc.double({ min: -1e3, max: 1e3, noNaN: true })) }),
  );

  it('accepts every sum of honest encodings, with their noise, over any surviving subset (no false positives)', () => {
    fc.assert(
      fc.property(rounds, ({ p, alive, updates }) => {
        let plan: DdgParams;
        try {
          plan = ddgParams({
            n: p.n,
            d: p.d,
            clip: p.clip,
            sigma: p.noise * p.clip,
            bits: p.bits,
            beta: Math.exp(-0.5),
          });
        } catch {
          return; // too few bits for this noise: the job would be refused
        }
        const inputs = alive.flatMap((a, i) => (a ? [ddgEncode(Float64Array.from(updates[i]!), plan, seed)] : []));
        expect(errorCode(() => checkDdgSum(plan, ringSum(inputs, p.bits), inputs.length))).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  it('accepts a sum on the norm bound and rejects one just past it', () => {
    const plan = ddgParams({ n: 4, d: 16, clip: 1, sigma: 0.5, bits: 32, beta: Math.exp(-0.5) });
    const bound = ddgSumNormBound(plan, 4);
    // The norm spread evenly over the L words: at the bound, then past it by more than the 1e−9 float slack.
    const flat = (v: number) => new Uint32Array(plan.paddedDim).fill(word(v, 32));
    const root = Math.sqrt(plan.paddedDim);
    expect(errorCode(() => checkDdgSum(plan, flat(-Math.floor(bound / root)), 4))).toBeUndefined();
    expect(errorCode(() => checkDdgSum(plan, flat(-Math.ceil((bound * (1 + 1e-8)) / root)), 4))).toBe(
      'E_SECAGG_SUM_BOUND',
    );
    // The bound grows with the survivors: m·√maxNormSq plus the noise's tail.
    expect(ddgSumNormBound(plan, 3)).toBeLessThan(bound);
    expect(bound).toBeGreaterThan(4 * Math.sqrt(plan.maxNormSq));
    expect(errorCode(() => ddgSumNormBound(plan, 0))).toBe('E_SECAGG_SUM_BOUND');
  });
});
