/**
 * Harrell's C-index against lifelines' own tests
 * (CamDavidsonPilon/lifelines, lifelines/tests/utils/test_concordance.py and
 * lifelines/tests/utils/test_utils.py `test_concordance_index`), then against
 * a port of lifelines' O(n²) `_naive_concordance_summary_statistics`
 * (lifelines/utils/concordance.py) on random data with ties; the Cox
 * likelihood against its definition by brute force.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concordanceIndex, coxNegLogLikelihood } from '../../../core/task-metrics.ts';

/** lifelines' naive_concordance_index, line by line. */
function naiveCIndex(t: number[], e: number[], p: number[]): number {
  const valid = (ta: number, tb: number, ea: number, eb: number) => {
    if (ta === tb) return ea !== eb;
    if (ea && eb) return true;
    if (ea && ta < tb) return true;
    if (eb && tb < ta) return true;
    return false;
  };
  let pairs = 0;
  let correct = 0;
  let tied = 0;
  for (let a = 0; a < t.length; a++)
    for (let b = a + 1; b < t.length; b++) {
      if (!valid(t[a]!, t[b]!, e[a]!, e[b]!)) continue;
      pairs++;
      if (p[a] === p[b]) tied++;
      else if (p[a]! < p[b]!) correct += t[a]! < t[b]! || (t[a] === t[b] && e[a] && !e[b]) ? 1 : 0;
      else correct += t[a]! > t[b]! || (t[a] === t[b] && !e[a] && e[b]) ? 1 : 0;
    }
  return pairs === 0 ? Number.NaN : (correct + tied / 2) / pairs;
}

const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('concordanceIndex: lifelines vectors', () => {
  it('is unchanged by shifting times or scores (test_concordance_index_returns_same_after_shifting)', () => {
    const t = [1, 2, 3, 4, 5, 6];
    const p = [2, 1, 4, 6, 5, 3];
    const c = concordanceIndex(t, ones(6), p);
    expect(
      concordanceIndex(
        t.map((v) => v - 5),
        ones(6),
        p.map((v) => v - 5),
      ),
    ).toBe(c);
    expect(
      concordanceIndex(
        t,
        ones(6),
        p.map((v) => v - 5),
      ),
    ).toBe(c);
    // 15 pairs, discordant (1,2),(3,6),(4,5),(4,6),(5,6): 10/15.
    expect(c).toBeCloseTo(10 / 15, 15);
  });

  it('does not count tied event times as a pair (test_both_concordance_index_function_deal_with_ties_the_same_way)', () => {
    expect(concordanceIndex([1, 1, 2], ones(3), [1, 2, 3])).toBe(1);
  });

  it('is NaN with only censored records (lifelines: ZeroDivisionError "No admissible pairs")', () => {
    expect(concordanceIndex([1, 2, 3], [0, 0, 0], [1, 2, 3])).toBeNaN();
  });

  it('does not overflow at 65,537 records (test_concordance_index_will_not_overflow)', () => {
    const b = Array.from({ length: 65537 }, (_, i) => i);
    expect(concordanceIndex(b, ones(b.length), b)).toBe(1);
    expect(concordanceIndex(b, ones(b.length), [...b].reverse())).toBe(0);
  });

  it('gives 1/2 for constant scores and 1 for the times themselves (test_concordance_index)', () => {
    const t = [0.3, -1.2, 2.5, 0.7, 1.1, -0.4, 0.9, 3.0];
    const c = [1, 0, 1, 1, 0, 1, 0, 1];
    expect(concordanceIndex(t, ones(8), new Array(8).fill(0))).toBe(0.5);
    expect(concordanceIndex(t, c, new Array(8).fill(0))).toBe(0.5);
    expect(concordanceIndex(t, ones(8), t)).toBe(1);
    expect(concordanceIndex(t, c, t)).toBe(1);
  });

  it('takes a censored record tied with an event as outliving it', () => {
    // (event at 2, censored at 2) is comparable; the censored one should score higher.
    expect(concordanceIndex([2, 2], [1, 0], [1, 5])).toBe(1);
    expect(concordanceIndex([2, 2], [1, 0], [5, 1])).toBe(0);
    // A censored record before an event is no pair.
    expect(concordanceIndex([1, 2], [0, 1], [5, 1])).toBeNaN();
  });
});

describe('concordanceIndex: property', () => {
  it('equals lifelines’ naive O(n²) count on data with tied times, tied scores and censoring', () => {
    const small = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(small, fc.integer({ min: 0, max: 1 }), small), { maxLength: 40 }), (rows) => {
        const t = rows.map((r) => r[0]);
        const e = rows.map((r) => r[1]);
        const p = rows.map((r) => r[2]);
        const fast = concordanceIndex(t, e, p);
        const slow = naiveCIndex(t, e, p);
        if (Number.isNaN(slow)) expect(fast).toBeNaN();
        else expect(fast).toBeCloseTo(slow, 12);
      }),
      { numRuns: 400 },
    );
  });
});

describe('coxNegLogLikelihood', () => {
  /** The Breslow partial likelihood term by term, risk sets by scanning all records. */
  function bruteCox(t: number[], e: number[], r: number[]): number {
    let ll = 0;
    for (let i = 0; i < t.length; i++) {
      if (e[i] !== 1) continue;
      let s = 0;
      for (let j = 0; j < t.length; j++) if (t[j]! >= t[i]!) s += Math.exp(r[j]!);
      ll += r[i]! - Math.log(s);
    }
    return t.length === 0 ? 0 : -ll / t.length;
  }

  it('matches the definition with tied times', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 5 }),
            fc.integer({ min: 0, max: 1 }),
            fc.double({ min: -5, max: 5, noNaN: true }),
          ),
          { maxLength: 30 },
        ),
        (rows) => {
          const t = rows.map((x) => x[0]);
          const e = rows.map((x) => x[1]);
          const r = rows.map((x) => x[2]);
          expect(coxNegLogLikelihood(t, e, r)).toBeCloseTo(bruteCox(t, e, r), 10);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays finite for risks whose exp overflows', () => {
    const v = coxNegLogLikelihood([1, 2, 3], [1, 1, 0], [1000, -1000, 800]);
    // Event at 1: risk set all three, lse = 1000 + log(1 + e^-200 + e^-2000) ≈ 1000 → term 0;
    // event at 2: set {2, 3}, lse ≈ 800 → term −1000 − 800 = −1800. Mean over 3: 600.
    expect(v).toBeCloseTo(600, 9);
  });
});
