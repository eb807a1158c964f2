/**
 * Issue 15, finding 1: evaluation was an unlimited, uncharged oracle. A
 * coordinator sent crafted weights (w_j = 1000, b = −1000·θ: "positive iff
 * feature j > θ") for any round, evaluation-only, and read the exact
 * correct-count back; bisecting θ recovered every value of a test column.
 *
 * Here the same bisection runs twice: against the exact evaluation the daemon
 * used to send (it recovers the column: the attack is real), and against a
 * real daemon over a socket, which answers only its job's final round, once,
 * with noisy counts charged to its budget, and repeats that answer for every
 * later ask: the bisection recovers nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseJobSpec } from '../../core/job/spec.ts';
import { resolvePrivacy, roundMechanism } from '../../core/job/privacy.ts';
import { binaryMetrics } from '../../core/metrics.ts';
import { tensorOf, type Envelope } from '../../edge/wire/codec.ts';
import { syntheticDataset, syntheticJob } from '../../simulations/synthetic.ts';
import { hospitalUnderTest, type HospitalUnderTest } from '../helpers/hospital-under-test.ts';
import { until } from '../helpers/until.ts';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const ROUNDS = 3;
const FINAL = ROUNDS + 1;
/** The column the attacker reads: feature 0 of the hospital's test split. */
const COLUMN = 0;
const D = 3;

/** Weights of the logistic model that predicts positive iff x[COLUMN] > θ. */
function crafted(theta: number): Float32Array {
  const w = new Float32Array(D + 1);
  w[COLUMN] = 1000;
  w[D] = -1000 * theta;
  return w;
}

/**
 * The attack: every jump of the answer as a function of θ is a value of the
 * column. Bisects [lo, hi] wherever the answers at its ends differ, down to
 * `tol`, and returns the jump locations found.
 */
async function bisect(ask: (theta: number) => Promise<string>, lo: number, hi: number, tol: number): Promise<number[]> {
  const found: number[] = [];
  const go = async (a: number, fa: string, b: number, fb: string): Promise<void> => {
    if (fa === fb) return;
    if (b - a < tol) {
      found.push((a + b) / 2);
      return;
    }
    const m = (a + b) / 2;
    const fm = await ask(m);
    await go(a, fa, m, fm);
    await go(m, fm, b, fb);
  };
  await go(lo, await ask(lo), hi, await ask(hi));
  return found;
}

/** How many distinct column values lie within tol of a recovered jump. */
function recovered(jumps: readonly number[], column: readonly number[], tol: number): number {
  return new Set(column.filter((v) => jumps.some((j) => Math.abs(j - v) <= tol))).size;
}

describe('evaluation is not an oracle (issue 15, finding 1)', () => {
  const data = syntheticDataset(5);
  const column = Array.from({ length: data.test.n }, (_, i) => Math.fround(data.test.x[i * D + COLUMN]!));
  const distinct = new Set(column).size;
  const TOL = 1e-4;
  const spec = resolvePrivacy(
    parseJobSpec({
      ...syntheticJob({ rounds: ROUNDS }),
      secureAggregation: { enabled: false },
      privacy: { unit: 'record', epsilon: 2, delta: 1e-5, clip: 1, samplingRate: 0.1 },
    }),
  );

  it('control: the exact evaluation a daemon used to send gives the column away', async () => {
    // The old answer: exact metrics of the crafted model, as evaluateModel computed them.
    const exact = async (theta: number) => {
      const probs = column.map((v) => 1 / (1 + Math.exp(-(1000 * v - 1000 * theta))));
      return String(binaryMetrics(probs, data.test.y).numCorrect);
    };
    const jumps = await bisect(exact, -3, 3, TOL);
    // Every value whose neighbours' labels differ makes a step; on this table that is most of them.
    expect(recovered(jumps, column, 2 * TOL)).toBeGreaterThan(distinct / 3);
  });

  describe('against a real daemon', () => {
    let h: HospitalUnderTest;
    const answers = (from: number) =>
      h.fake.got.slice(from).filter((e) => e.body === 'evaluation' || e.body === 'error');
    let asked = 0;
    /** Sends one evaluation-only request and waits for its answer; returns the answer's bytes as text. */
    const ask =
      (round: number) =>
      async (theta: number): Promise<string> => {
        const from = h.fake.got.length;
        asked++;
        h.fake.send({
          jobId: 'job',
          round,
          roundConfig: {
            weights: tensorOf(crafted(theta)),
            train: false,
            deadlineUnixMs: Date.now() + 60_000,
            seed: 1,
          },
        });
        await until(() => answers(from).length > 0, 10_000, `an answer to evaluation query ${asked}`);
        const e: Envelope = answers(from)[0]!;
        return e.body === 'error' ? `error ${e.error?.code}` : JSON.stringify(e.evaluation);
      };

    it('refuses evaluation-only requests for every round but the final one', async () => {
      h = await hospitalUnderTest(spec, { cleanups });
      expect(h.frames()).toContain('joinJob');
      // No record count leaves: none in the Hello, weight 1 in the JoinJob of a DP job (issue 15, finding 3).
      const hello = h.fake.got.find((e) => e.body === 'hello')!.hello!;
      expect(hello.datasets?.[0]).toEqual({ schemaId: 'synthetic-v1', features: ['f0', 'f1', 'f2'], label: 'y' });
      expect(h.fake.got.find((e) => e.body === 'joinJob')!.joinJob!.weight).toBe(1);
      for (let round = 1; round <= ROUNDS; round++) {
        const jumps = await bisect(ask(round), -3, 3, TOL);
        expect(jumps).toEqual([]);
        const mine = answers(0).filter((e) => e.round === round);
        expect(mine.length).toBeGreaterThan(0);
        expect(mine.every((e) => e.body === 'error' && e.error?.code === 'E_ROUND_MISMATCH')).toBe(true);
      }
      expect(h.fake.got.some((e) => e.body === 'evaluation')).toBe(false);
      expect(h.state.budget.spends('synthetic-v1')).toHaveLength(0);
    });

    it('answers the final round once, with noisy counts charged to its budget, and the same answer to every later ask', async () => {
      const from = h.fake.got.length;
      const jumps = await bisect(ask(FINAL), -3, 3, TOL);
      expect(recovered(jumps, column, 2 * TOL)).toBe(0);
      const evals = h.fake.got.slice(from).filter((e) => e.body === 'evaluation');
      expect(evals.length).toBeGreaterThanOrEqual(2);
      // One release: every answer is the same noisy counts, whatever θ the weights encode.
      expect(new Set(evals.map((e) => JSON.stringify(e.evaluation))).size).toBe(1);
      const first = evals[0]!.evaluation!;
      expect(first.metrics).toBeFalsy();
      expect(first.noisy?.sigma).toBe(spec.privacy!.evaluationNoise);
      // Charged once, before the counts left, as the final round's mechanism.
      const spends = h.state.budget.spends('synthetic-v1');
      expect(spends.map((s) => [s.round, s.mechanism])).toEqual([[FINAL, roundMechanism(spec, FINAL)]]);
      expect(roundMechanism(spec, FINAL)).toEqual({
        kind: 'discrete-gaussian',
        sigma: spec.privacy!.evaluationNoise,
        steps: 1,
      });
    });

    it('the counts are noisy: over fresh releases, a cell varies with about the declared σ', async () => {
      // Fresh jobs on the same hospital: each is a new release, charged anew.
      const cells: number[] = [];
      for (let k = 0; k < 12; k++) {
        const job = `noise-${k}`;
        const from = h.fake.got.length;
        h.fake.send({
          jobId: job,
          jobOffer: { specJson: (await import('../../edge/wire/codec.ts')).jobSpecToWire(spec), owner: '' },
        });
        await until(() => h.fake.got.slice(from).some((e) => e.jobId === job && e.body === 'joinJob'), 10_000, 'join');
        h.fake.send({
          jobId: job,
          round: FINAL,
          roundConfig: { weights: tensorOf(crafted(0)), train: false, deadlineUnixMs: Date.now() + 60_000, seed: 1 },
        });
        await until(
          () => h.fake.got.slice(from).some((e) => e.jobId === job && e.body === 'evaluation'),
          10_000,
          'evaluation',
        );
        const e = h.fake.got.slice(from).find((x) => x.jobId === job && x.body === 'evaluation')!;
        cells.push(e.evaluation!.noisy!.truePositive ?? 0);
      }
      const truth = column.filter((v, i) => v > 0 && data.test.y[i] === 1).length;
      const mean = cells.reduce((s, c) => s + c, 0) / cells.length;
      const sd = Math.sqrt(cells.reduce((s, c) => s + (c - mean) ** 2, 0) / (cells.length - 1));
      expect(new Set(cells).size).toBeGreaterThan(6);
      expect(sd).toBeGreaterThan(spec.privacy!.evaluationNoise / 3);
      expect(Math.abs(mean - truth)).toBeLessThan(4 * spec.privacy!.evaluationNoise);
    });
  });
});
