import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CohortError } from '../../../core/errors.ts';
import { errorCode } from '../../helpers/errors.ts';
import {
  MAX_CLIENTS,
  assessParams,
  chooseParams,
  type Adversary,
  type ParamsOptions,
} from '../../../core/secagg/params.ts';

const code = errorCode;

const tryChoose = (o: ParamsOptions) => {
  try {
    return chooseParams(o);
  } catch (e) {
    if (e instanceof CohortError && e.code === 'E_SECAGG_PARAMS') return undefined;
    throw e;
  }
};

/** Google's corrupt count: floor(adversarial_rate · n), graph_parameter_finder.cc. */
const googleCorrupt = (gamma: number, n: number) => Math.floor(gamma * n + 1e-9);

/** ln C(a, b), by summing logs: an oracle independent of params.ts's table. */
const lnChoose = (a: number, b: number) => {
  let s = 0;
  for (let i = 0; i < b; i++) s += Math.log(a - i) - Math.log(i + 1);
  return s;
};

/**
 * Google's published parameters for SecAgg+ (σ = 40, η = 20): the
 * precomputed table in google-parfait/federated-compute,
 * fcp/secagg/server/graph_parameter_finder_test.cc (degree = neighbours,
 * excluding the self-edge their graph adds). CURIOUS_SERVER is our
 * 'semi-honest', SEMI_MALICIOUS_SERVER our 'semi-malicious'.
 * [n, corrupt γ, dropout δ, adversary, k, t]
 */
const GOOGLE: [number, number, number, Adversary, number, number][] = [
  [100, 0.05, 0.05, 'semi-honest', 12, 6],
  [1000, 0.05, 0.05, 'semi-honest', 30, 17],
  [10000, 0.05, 0.05, 'semi-honest', 34, 20],
  [100, 0.05, 0.05, 'semi-malicious', 16, 11],
  [1000, 0.05, 0.05, 'semi-malicious', 52, 37],
  [10000, 0.05, 0.05, 'semi-malicious', 62, 44],
  [100, 0.33, 0.05, 'semi-honest', 34, 29],
  [1000, 0.33, 0.05, 'semi-honest', 78, 60],
  [10000, 0.33, 0.05, 'semi-honest', 92, 70],
  [100, 0.05, 0.33, 'semi-honest', 28, 6],
  [1000, 0.05, 0.33, 'semi-honest', 72, 24],
  [100, 0.05, 0.33, 'semi-malicious', 72, 39],
  [1000, 0.05, 0.33, 'semi-malicious', 398, 223],
  [10000, 0.05, 0.33, 'semi-malicious', 746, 420],
  [100, 0.3, 0.3, 'semi-malicious', 92, 62],
  [1000, 0.3, 0.3, 'semi-malicious', 872, 584],
  [100, 0.33, 0.0, 'semi-malicious', 26, 26],
  [1000, 0.33, 0.0, 'semi-honest', 38, 36],
  [100, 0.0, 0.33, 'semi-honest', 26, 2],
  // n = 10 rows: Google searches graphs at every n; ours only from fullGraphBelow.
  [10, 0.05, 0.05, 'semi-honest', 2, 2],
  [10, 0.33, 0.33, 'semi-honest', 8, 4],
  [10, 0.05, 0.33, 'semi-malicious', 8, 5],
];

/** A network for chooseParams properties: n clients, the share of them corrupt, the dropout fraction, the adversary. */
const network = (n: { min: number; max: number }, maxCorruptShare: number) =>
  fc.tuple(
    fc.integer(n),
    fc.double({ min: 0, max: maxCorruptShare, noNaN: true }),
    fc.double({ min: 0, max: 0.3, noNaN: true }),
    fc.constantFrom<Adversary>('semi-honest', 'semi-malicious'),
  );

describe("chooseParams with Google's accounting reproduces its published table (Bell et al. CCS 2020; Google SecAgg+)", () => {
  // Google bounds a secret's holders by k, counts floor(γn) corrupt clients, and takes the paper's
  // semi-honest t ≥ x* (one honest input in a sum: minHonest 1).
  const google = { holders: 'k', minHonest: 1, fullGraphBelow: 0 } as const;
  for (const [n, gamma, dropoutFraction, adversary, k, t] of GOOGLE) {
    it(`n = ${n}, γ = ${gamma}, δ = ${dropoutFraction}, ${adversary}: k = ${k}, t = ${t}`, () => {
      expect(
        chooseParams({ n, corrupt: googleCorrupt(gamma, n), dropoutFraction, adversary, ...google }),
      ).toMatchObject({ k, t, full: false });
    });
  }

  it('is two neighbours more conservative than Google where neighbours are drawn from n - 1 rather than n', () => {
    // Google's table: 228 / 115. An honest client's neighbours are a uniform k-subset of the
    // OTHER n - 1 clients, which holds every corrupt or dropped one: HG(n - 1, ·, k), not HG(n, ·, k).
    expect(chooseParams({ n: 1000, corrupt: 0, dropoutFraction: 0.33, ...google, fullGraphBelow: 64 })).toMatchObject({
      k: 230,
      t: 116,
      full: false,
    });
    expect(chooseParams({ n: 1000, corruptFraction: 0, dropoutFraction: 0.33 })).toMatchObject({
      k: 230,
      t: 116,
      holders: 231,
      full: false,
    });
  });

  it('rejects log2(n) neighbours for n = 100 … 10000 under either adversary', () => {
    for (const n of [100, 200, 500, 1000, 2000, 5000, 10000]) {
      for (const adversary of ['semi-honest', 'semi-malicious'] as const) {
        const base = { n, corruptFraction: 0.05, dropoutFraction: 0.05, adversary };
        for (const k of new Set([2 * Math.floor(Math.log2(n) / 2), 2 * Math.ceil(Math.log2(n) / 2)])) {
          for (let t = 1; t <= k + 1; t++)
            expect(assessParams({ ...base, k, t }).ok, `n=${n} k=${k} t=${t} ${adversary}`).toBe(false);
        }
        expect(chooseParams(base).k).toBeGreaterThan(Math.log2(n) + 1);
      }
    }
  });
});

describe("the k + 1 holders: Google's semi-malicious rows are one corrupt holder short", () => {
  const maliciousRows = GOOGLE.filter((r) => r[3] === 'semi-malicious');

  it('n = 100, 5 % / 5 %, (16, 11): a client with all 5 corrupt clients among its 16 neighbours loses both secrets', () => {
    // 2t = 22 ≤ k + 1 + X = 17 + 5. P[X = 5] for X ~ HG(99, 5, 16) is C(16, 5) / C(99, 5); union over 100 clients.
    const o = { n: 100, corrupt: 5, dropoutFraction: 0.05, k: 16, t: 11 };
    const expected = (Math.log(100) + lnChoose(16, 5) - lnChoose(99, 5)) / Math.LN2;
    const a = assessParams(o);
    expect(a.reconstructLog2).toBeCloseTo(expected, 9);
    expect(a.reconstructLog2).toBeGreaterThan(-8); // about 2^-7.36 per round, not 2^-41
    expect(a.ok).toBe(false);
    // Counting k holders, as Google does, the same (k, t) looks perfectly safe.
    expect(assessParams({ ...o, holders: 'k' })).toMatchObject({ reconstructLog2: -Infinity, ok: true });
  });

  it('judges exactly these Google rows worse than 2^-41 at their own (k, t) and corrupt count', () => {
    const insecure: string[] = [];
    for (const [n, gamma, dropoutFraction, adversary, k, t] of maliciousRows) {
      const o = { n, corrupt: googleCorrupt(gamma, n), dropoutFraction, adversary, k, t };
      const kPlus1 = assessParams(o);
      const kOnly = assessParams({ ...o, holders: 'k' });
      // Their own accounting passes every row; one more holder can only raise the tail.
      expect(kOnly.reconstructLog2, `${n} ${gamma} ${dropoutFraction}`).toBeLessThan(-41);
      expect(kPlus1.reconstructLog2).toBeGreaterThanOrEqual(kOnly.reconstructLog2);
      if (kPlus1.reconstructLog2 >= -41) insecure.push(`${n}/${gamma}/${dropoutFraction}`);
    }
    expect(insecure).toEqual(['100/0.05/0.05', '100/0.05/0.33', '1000/0.3/0.3']);
    // n = 100, 5 %, 33 %: (72, 39) with 5 corrupt; X = 5 among 72 of 99 neighbours is likely (about 0.2).
    expect(assessParams({ n: 100, corrupt: 5, dropoutFraction: 0.33, k: 72, t: 39 }).reconstructLog2).toBe(0);
  });

  it("picks, with the defaults, a (k, t) that passes both its own check and the k + 1 check at Google's corrupt count", () => {
    for (const [n, gamma, dropoutFraction, adversary, k, t] of maliciousRows) {
      const o = { n, corruptFraction: gamma, dropoutFraction, adversary, fullGraphBelow: 0 };
      const p = chooseParams(o);
      const label = `${n} ${gamma} ${dropoutFraction}: ${p.k}/${p.t}`;
      expect(assessParams({ ...o, k: p.k, t: p.t }).ok, label).toBe(true);
      const atGoogleCount = assessParams({
        n,
        corrupt: googleCorrupt(gamma, n),
        dropoutFraction,
        adversary,
        k: p.k,
        t: p.t,
      });
      expect(atGoogleCount.reconstructLog2, label).toBeLessThan(-41);
      if (
        assessParams({ n, corrupt: googleCorrupt(gamma, n), dropoutFraction, adversary, k, t }).reconstructLog2 >= -41
      ) {
        expect([p.k, p.t], label).not.toEqual([k, t]);
      }
    }
  });

  it("needs two more neighbours than Google's count at n = 100, 5 % / 5 %", () => {
    const o = { n: 100, corrupt: 5, dropoutFraction: 0.05 };
    expect(chooseParams({ ...o, holders: 'k' })).toMatchObject({ k: 16, t: 11, holders: 16 });
    expect(chooseParams(o)).toMatchObject({ k: 18, t: 13, holders: 19, full: false, securityLog2: -Infinity });
  });
});

describe('chooseParams: the bounds it promises', () => {
  const grid: ParamsOptions[] = [];
  for (const n of [64, 100, 500, 1000, 3000, 10000]) {
    for (const [corruptFraction, dropoutFraction] of [
      [0.05, 0.05],
      [0.05, 0.1],
      [0, 0.2],
      [0.1, 0.3],
      [0.2, 0.05],
    ] as const) {
      for (const adversary of ['semi-honest', 'semi-malicious'] as const)
        grid.push({ n, corruptFraction, dropoutFraction, adversary });
    }
  }

  it('meets 2^-40 security and 2^-20 failure at the returned (k, t), and nothing with k - 2 does', () => {
    for (const o of grid) {
      const p = chooseParams(o);
      const label = JSON.stringify({ ...o, k: p.k, t: p.t });
      expect(p.k % 2 === 0 || p.full, label).toBe(true);
      expect(p.t, label).toBeGreaterThanOrEqual(2);
      expect(p.t, label).toBeLessThanOrEqual(p.k + 1);
      expect(p.honestInSum, label).toBeGreaterThanOrEqual(2);
      const a = assessParams({ ...o, k: p.k, t: p.t });
      expect(a.ok, label).toBe(true);
      expect(p.securityLog2, label).toBeLessThan(-40);
      expect(p.failureProbLog2, label).toBeLessThan(-20);
      expect([p.securityLog2, p.failureProbLog2, p.honestInSum]).toEqual([
        a.securityLog2,
        a.failureProbLog2,
        p.t - a.corruptHolders,
      ]);
      if (!p.full && p.k - 2 >= 2) {
        for (let t = 1; t <= p.k - 1; t++)
          expect(assessParams({ ...o, k: p.k - 2, t }).ok, `${label} k-2 t=${t}`).toBe(false);
      }
    }
  });

  it('honours the semi-malicious threshold rule 2t - (k + 1) > corrupt neighbours beyond the 2^-41 budget', () => {
    const o = { n: 1000, corruptFraction: 0.05, dropoutFraction: 0.05 };
    const { k, t } = chooseParams(o);
    expect(assessParams({ ...o, k, t }).reconstructLog2).toBeLessThan(-41);
    expect(assessParams({ ...o, k, t: t - 1 }).reconstructLog2).toBeGreaterThanOrEqual(-41);
  });

  it('counts ceil(γn) corrupt clients unless given a count', () => {
    expect(chooseParams({ n: 21, corruptFraction: 0.05, dropoutFraction: 0.1 })).toMatchObject({
      corrupt: 2,
      dropped: 2,
    });
    expect(chooseParams({ n: 20, corruptFraction: 0.05, dropoutFraction: 0.1 })).toMatchObject({
      corrupt: 1,
      dropped: 2,
    }); // 0.05 · 20 is 1 up to rounding
    expect(chooseParams({ n: 100, corruptFraction: 0, dropoutFraction: 0.1 }).corrupt).toBe(0);
    expect(chooseParams({ n: 21, corrupt: 0, dropoutFraction: 0.1 })).toMatchObject({ corrupt: 0, t: 11 });
    expect(chooseParams({ n: 21, corrupt: 5, dropoutFraction: 0.1 })).toMatchObject({ corrupt: 5, t: 14 }); // 2t ≥ 21 + 1 + 5
  });

  it('for random (n, C, δ) returns only parameters that pass assessParams, 2^-40 and 2^-20 (fast-check)', () => {
    fc.assert(
      fc.property(network({ min: 2, max: 1500 }, 0.3), ([n, corruptShare, dropoutFraction, adversary]) => {
        const o = { n, corrupt: Math.floor(corruptShare * n), dropoutFraction, adversary };
        const p = tryChoose(o);
        if (p === undefined) return;
        const a = assessParams({ ...o, k: p.k, t: p.t });
        expect(a.ok).toBe(true);
        expect(p.securityLog2).toBeLessThan(-40);
        expect(p.failureProbLog2).toBeLessThan(-20);
        expect(p.honestInSum).toBeGreaterThanOrEqual(2);
        if (p.full) {
          expect(p.t).toBeGreaterThanOrEqual(o.corrupt + 2);
          expect(p.t).toBeLessThanOrEqual(n - p.dropped);
          if (adversary === 'semi-malicious') expect(2 * p.t).toBeGreaterThanOrEqual(n + 1 + o.corrupt);
        } else if (adversary === 'semi-malicious') {
          // No neighbourhood the budget admits gives both secrets away: 2t > k + 1 + x̄.
          expect(2 * p.t).toBeGreaterThan(p.k + 1 + a.corruptHolders);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('takes as many or more neighbours as dropouts or corruption grow (fast-check)', () => {
    fc.assert(
      fc.property(
        network({ min: 64, max: 2000 }, 0.15),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        ([n, corruptShare, dropoutFraction, adversary], extra) => {
          const corrupt = Math.floor(corruptShare * n);
          const base = tryChoose({ n, corrupt, dropoutFraction, adversary });
          const moreDrop = tryChoose({ n, corrupt, dropoutFraction: dropoutFraction + extra, adversary });
          const moreCorrupt = tryChoose({ n, corrupt: corrupt + Math.floor(extra * n), dropoutFraction, adversary });
          for (const harder of [moreDrop, moreCorrupt]) {
            if (base === undefined) expect(harder).toBeUndefined();
            else if (harder !== undefined) expect(harder.k).toBeGreaterThanOrEqual(base.k);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('needs more neighbours against a semi-malicious server than a semi-honest one', () => {
    for (const o of grid.filter((g) => g.adversary === 'semi-honest')) {
      expect(chooseParams({ ...o, adversary: 'semi-malicious' }).k).toBeGreaterThanOrEqual(chooseParams(o).k);
    }
  });

  it('raises t to keep minHonest honest inputs in every sum', () => {
    // Semi-honest n = 100, 5 %: the paper's t = x* = 6 lets 5 corrupt neighbours plus one honest client unmask.
    const o = { n: 100, corrupt: 5, dropoutFraction: 0.05, adversary: 'semi-honest' as const };
    expect(chooseParams({ ...o, minHonest: 1 })).toMatchObject({ k: 12, t: 6, honestInSum: 1 });
    expect(chooseParams(o)).toMatchObject({ k: 12, t: 7, honestInSum: 2 });
    expect(assessParams({ ...o, k: 12, t: 6 }).ok).toBe(false);
    expect(chooseParams({ n: 30, corrupt: 3, dropoutFraction: 0.1, minHonest: 20 })).toMatchObject({
      full: true,
      t: 23,
      honestInSum: 20,
    });
  });
});

describe('chooseParams: the complete graph (Bonawitz et al. CCS 2017), n holders', () => {
  it('for n = 2 … 200, C ≤ n/3, δ ∈ {0, 0.1, 0.2}: 2t ≥ n + 1 + C, t ≥ C + 2, t ≤ n - D, or no threshold exists', () => {
    for (let n = 2; n <= 200; n++) {
      for (let corrupt = 0; corrupt <= Math.floor(n / 3); corrupt++) {
        for (const dropoutFraction of [0, 0.1, 0.2]) {
          const dropped = Math.floor(dropoutFraction * n + 1e-9);
          const o = { n, corrupt, dropoutFraction, fullGraphBelow: 201 };
          const p = tryChoose(o);
          const label = `n=${n} C=${corrupt} D=${dropped}`;
          // Some t exists iff the security floor fits under the liveness ceiling.
          const floor = Math.max(Math.ceil((n + 1 + corrupt) / 2), corrupt + 2);
          expect(p !== undefined, label).toBe(floor <= n - dropped);
          if (p === undefined) continue;
          expect(p, label).toMatchObject({
            k: n - 1,
            full: true,
            holders: n,
            corrupt,
            dropped,
            securityLog2: -Infinity,
            failureProbLog2: -Infinity,
          });
          expect(2 * p.t, label).toBeGreaterThanOrEqual(n + 1 + corrupt);
          expect(p.t, label).toBeGreaterThanOrEqual(corrupt + 2);
          expect(p.t, label).toBeLessThanOrEqual(n - dropped);
          expect(p.honestInSum, label).toBe(p.t - corrupt);
          // One less is insecure (or below two honest inputs), and the assessment agrees with the choice.
          expect(assessParams({ ...o, k: n - 1, t: p.t }).ok, label).toBe(true);
          if (p.t > 1) expect(assessParams({ ...o, k: n - 1, t: p.t - 1 }).ok, label).toBe(false);
        }
      }
    }
  });

  it('n = 21 at the default fractions: t = 12; the old count (C = floor(1.05) = 1, n - 1 holders) gave 11, which one colluder breaks', () => {
    const p = chooseParams({ n: 21, corruptFraction: 0.05, dropoutFraction: 0.1 });
    expect(p).toMatchObject({ k: 20, t: 12, corrupt: 2, full: true });
    const old = chooseParams({ n: 21, corrupt: 1, dropoutFraction: 0.1, holders: 'k' });
    expect(old.t).toBe(11);
    // 2 · 11 ≤ 21 + 1 + 1: the server gets 11 shares of both b_u and s_u from one colluder, u and 19 honest holders.
    expect(assessParams({ n: 21, corrupt: 1, dropoutFraction: 0.1, k: 20, t: 11 })).toMatchObject({
      reconstructLog2: 0,
      ok: false,
    });
    expect(assessParams({ n: 21, corrupt: 1, dropoutFraction: 0.1, k: 20, t: 11, holders: 'k' }).ok).toBe(true);
  });

  it('uses the majority floor(n/2) + 1 when it is above the security floor (semi-honest)', () => {
    for (let n = 3; n < 64; n++) {
      const p = chooseParams({ n, corruptFraction: 0.05, dropoutFraction: 0.1, adversary: 'semi-honest' });
      const corrupt = Math.ceil(0.05 * n - 1e-9);
      expect(p).toMatchObject({ k: n - 1, full: true, failureProbLog2: -Infinity, securityLog2: -Infinity });
      expect(p.t, `n=${n}`).toBe(
        Math.min(Math.max(Math.floor(n / 2) + 1, corrupt + 2), n - Math.floor(0.1 * n + 1e-9)),
      );
    }
    expect(chooseParams({ n: 200, corruptFraction: 0.05, dropoutFraction: 0.1, fullGraphBelow: 201 })).toMatchObject({
      k: 199,
      t: 106,
      full: true,
    }); // 2t ≥ 200 + 1 + 10 outranks the majority 101
  });

  it('lowers t to n - D, never below the security floor; the k-holder count would stop one short', () => {
    // n = 20, 6 dropouts, 1 corrupt: 2t ≥ 22 gives 11, under 20 - 6 = 14.
    expect(chooseParams({ n: 20, corruptFraction: 0.05, dropoutFraction: 0.3 })).toMatchObject({ k: 19, t: 11 });
    // n = 10, 4 dropouts, none corrupt: 2t ≥ 11 gives 6 = 10 - 4; with n - 1 holders the ceiling was 5.
    expect(chooseParams({ n: 10, corrupt: 0, dropoutFraction: 0.4 })).toMatchObject({ k: 9, t: 6 });
    expect(chooseParams({ n: 10, corrupt: 0, dropoutFraction: 0.4, holders: 'k' })).toMatchObject({ k: 9, t: 5 });
    // Semi-honest only needs t ≥ C + 2: majority 6 lowered to 10 - 5.
    expect(chooseParams({ n: 10, corruptFraction: 0.1, dropoutFraction: 0.5, adversary: 'semi-honest' })).toMatchObject(
      { k: 9, t: 5 },
    );
  });

  it('gives two honest clients t = 2 and refuses a cohort no threshold can protect', () => {
    expect(chooseParams({ n: 2, corrupt: 0, dropoutFraction: 0.1 })).toMatchObject({
      k: 1,
      t: 2,
      holders: 2,
      full: true,
    });
    expect(code(() => chooseParams({ n: 2, corrupt: 1, dropoutFraction: 0 }))).toBe('E_SECAGG_PARAMS');
    expect(code(() => chooseParams({ n: 2, corruptFraction: 0.05, dropoutFraction: 0.1 }))).toBe('E_SECAGG_PARAMS'); // C = ceil(0.1) = 1
    expect(code(() => chooseParams({ n: 10, corruptFraction: 0, dropoutFraction: 0.5 }))).toBe('E_SECAGG_PARAMS');
    expect(code(() => chooseParams({ n: 10000, corruptFraction: 0.33, dropoutFraction: 0.5 }))).toBe('E_SECAGG_PARAMS');
  });

  it('falls back to the complete graph when no sparse degree qualifies', () => {
    expect(chooseParams({ n: 65, corruptFraction: 0.05, dropoutFraction: 0.47 })).toMatchObject({
      k: 64,
      t: 35,
      full: true,
    });
  });

  it('works for every cohort size of three or more at the job spec default fractions', () => {
    for (const n of [3, 4, 10, 63, 64, 65, 100, 1000, 5000, MAX_CLIENTS]) {
      const p = chooseParams({ n, corruptFraction: 0.05, dropoutFraction: 0.1 });
      // Complete graph: t ≥ C + 2. Sparse: t ≥ x̄ + 2, x̄ the corrupt neighbours the budget admits (at most C).
      if (p.full) expect(p.t).toBeGreaterThanOrEqual(p.corrupt + 2);
      expect(p.honestInSum).toBeGreaterThanOrEqual(2);
      expect(p.t).toBeLessThanOrEqual(p.holders);
      expect(p.k).toBeLessThanOrEqual(n - 1);
    }
  });
});

describe("Google's CheckFullGraphParameters as an oracle (graph_parameter_finder.cc, SEMI_MALICIOUS_SERVER)", () => {
  // Google rejects threshold <= ceil((n + γn) / 2). That rejects t = ceil((n + γn) / 2) even when
  // 2t > n + γn already holds (e.g. n = 4, γ = 0.05: t = 3 = ceil(2.1), yet 6 > 4.2): one stricter
  // than the inequality 2t > n + γn it stands for. We meet the inequality, with C = ceil(γn) ≥ γn.
  const gamma = 0.05;
  const googleRejects = (n: number, t: number) => t <= Math.ceil((n + gamma * n) / 2);

  it('our t satisfies 2t > n + γn for n = 3 … 63 at the default fractions (n = 2 has no threshold)', () => {
    expect(code(() => chooseParams({ n: 2, corruptFraction: gamma, dropoutFraction: 0.1 }))).toBe('E_SECAGG_PARAMS');
    for (let n = 3; n <= 63; n++) {
      const { t } = chooseParams({ n, corruptFraction: gamma, dropoutFraction: 0.1 });
      expect(2 * t, `n=${n}`).toBeGreaterThan(n + gamma * n);
    }
  });

  it('lists the n whose t only the literal ceil form would reject (all have 2t = n + 1 + C exactly)', () => {
    const rejected: number[] = [];
    for (let n = 3; n <= 63; n++) {
      const p = chooseParams({ n, corruptFraction: gamma, dropoutFraction: 0.1 });
      if (googleRejects(n, p.t)) {
        rejected.push(n);
        expect(2 * p.t, `n=${n}`).toBe(n + 1 + p.corrupt);
        expect(googleRejects(n, p.t + 1)).toBe(false);
      }
    }
    expect(rejected).toEqual([
      4, 6, 8, 10, 12, 14, 16, 18, 20, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60,
      61, 63,
    ]);
  });
});

describe('chooseParams / assessParams: invalid input', () => {
  const ok: ParamsOptions = { n: 100, corruptFraction: 0.05, dropoutFraction: 0.05 };
  const bad: Partial<Record<keyof ParamsOptions, unknown[]>> = {
    n: [1, 0, -5, 1.5, Number.NaN, MAX_CLIENTS + 1, '100'],
    dropoutFraction: [-0.1, 1, 1.5, Number.NaN, '0.1', undefined],
    corruptFraction: [-0.01, 1, Infinity, null, 0.995 /* ceil(99.5) = 100 = n: nobody honest */, undefined],
    securityBits: [0, 0.5, -40, 300, Number.NaN],
    correctnessBits: [0, 65, Number.NaN],
    fullGraphBelow: [-1, 1.5, Number.NaN],
    adversary: ['malicious', ''],
    holders: ['k+2', 'k-1', 'K', ''],
    minHonest: [0, -1, 1.5, Number.NaN, 101, '2'],
  };

  for (const [field, values] of Object.entries(bad)) {
    it(`rejects a bad "${field}" with E_SECAGG_PARAMS`, () => {
      for (const v of values!)
        expect(
          code(() => chooseParams({ ...ok, [field]: v } as ParamsOptions)),
          String(v),
        ).toBe('E_SECAGG_PARAMS');
    });
  }

  it('rejects a corrupt count that is not an integer in [0, n - 1], and both or neither of corrupt and corruptFraction', () => {
    const count = { n: 100, dropoutFraction: 0.05 };
    for (const c of [1.5, -1, 100, 101, Number.NaN, Infinity, '3']) {
      expect(
        code(() => chooseParams({ ...count, corrupt: c } as ParamsOptions)),
        String(c),
      ).toBe('E_SECAGG_PARAMS');
    }
    expect(code(() => chooseParams({ ...count, corrupt: 99 }))).toBe('E_SECAGG_PARAMS'); // valid count, but nobody honest enough: no t
    expect(code(() => chooseParams({ ...count, corrupt: 5, corruptFraction: 0.05 }))).toBe('E_SECAGG_PARAMS');
    expect(code(() => chooseParams(count))).toBe('E_SECAGG_PARAMS');
    expect(code(() => assessParams({ ...count, k: 10, t: 6 }))).toBe('E_SECAGG_PARAMS');
    expect(code(() => assessParams({ ...count, corrupt: 5, corruptFraction: 0.05, k: 10, t: 6 }))).toBe(
      'E_SECAGG_PARAMS',
    );
  });

  it('rejects a non-object', () => {
    expect(code(() => chooseParams(null as unknown as ParamsOptions))).toBe('E_SECAGG_PARAMS');
  });

  it('rejects (k, t) outside 1 <= t <= holders, k <= n - 1 in assessParams', () => {
    for (const [k, t, why] of [
      [0, 1, 'no neighbours'],
      [100, 2, 'more neighbours than n − 1'],
      [10, 0, 't below 1'],
      [10, 12, 't above the k + 1 holders'],
      [2.5, 1, 'k not an integer'],
      [10, 1.5, 't not an integer'],
    ] as const) {
      expect(
        code(() => assessParams({ ...ok, k, t })),
        `${k}/${t}: ${why}`,
      ).toBe('E_SECAGG_PARAMS');
    }
    expect(code(() => assessParams({ ...ok, k: 10, t: 11 }))).toBeUndefined(); // k + 1 holders
    expect(code(() => assessParams({ ...ok, k: 10, t: 11, holders: 'k' }))).toBe('E_SECAGG_PARAMS');
  });
});
