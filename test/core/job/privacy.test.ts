import { describe, it, expect } from 'vitest';
import { errorCode } from '../../helpers/errors.ts';
import { DEFAULT_EVALUATION_NOISE, parseJobSpec, type JobSpec, type JobSpecInput } from '../../../core/job/spec.ts';
import { jobMechanisms, jobSpend, resolvePrivacy, roundMechanism, stepsPerRound } from '../../../core/job/privacy.ts';
import { accountSpend } from '../../../core/privacy/spend.ts';
import { calibrateSigma, rdpEpsilon } from '../../../core/privacy/index.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import { admit } from '../../../core/round/hospital-admission.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';
import { clearSpendCache, spendCacheStats } from '../../../core/privacy/spend-memo.ts';

const base: JobSpecInput = {
  name: 'dp',
  model: logisticRegression(3),
  features: ['a', 'b', 'c'],
  label: 'y',
  rounds: 20,
  local: { epochs: 1, batchSize: 8, learningRate: 0.1 },
};
const record = (privacy: Record<string, unknown>, over: Partial<JobSpecInput> = {}) =>
  parseJobSpec({
    ...base,
    ...over,
    privacy: { unit: 'record', epsilon: 1, delta: 1e-5, clip: 1, samplingRate: 0.05, accountant: 'rdp', ...privacy },
  });

describe('job privacy: steps, mechanism, spend', () => {
  it('a record-level round is epochs · ⌈1/q⌉ DP-SGD steps, or local.maxSteps', () => {
    expect(stepsPerRound(record({}), record({}).privacy!)).toBe(20);
    const s = record({ samplingRate: 0.03 }, { local: { epochs: 2 } });
    expect(stepsPerRound(s, s.privacy!)).toBe(2 * 34);
    const m = record({}, { local: { maxSteps: 7 } });
    expect(stepsPerRound(m, m.privacy!)).toBe(7);
  });

  it("the job spend is the accountant on rounds · stepsPerRound steps, then the final evaluation's release", () => {
    const s = record({ noiseMultiplier: 2 });
    expect(roundMechanism(s)).toEqual({ kind: 'sampled-gaussian', q: 0.05, sigma: 2, steps: 20 });
    expect(roundMechanism(s, 20)).toEqual(roundMechanism(s));
    // Round rounds + 1: four noisy counts, one record moves one by 1 (core/privacy/noisy-counts.ts).
    expect(roundMechanism(s, 21)).toEqual({ kind: 'discrete-gaussian', sigma: DEFAULT_EVALUATION_NOISE, steps: 1 });
    expect(jobMechanisms(s)).toEqual([...Array.from({ length: 20 }, () => roundMechanism(s)), roundMechanism(s, 21)]);
    expect(jobSpend(s, 5).epsilon).toBeCloseTo(rdpEpsilon({ q: 0.05, sigma: 2, steps: 100, delta: 1e-5 }).epsilon, 12);
    expect(jobSpend(s, 20).epsilon).toBeCloseTo(rdpEpsilon({ q: 0.05, sigma: 2, steps: 400, delta: 1e-5 }).epsilon, 12);
    expect(jobSpend(s).epsilon).toBeCloseTo(accountSpend(jobMechanisms(s), 1e-5, 'rdp').epsilon, 12);
    expect(jobSpend(s).epsilon).toBeGreaterThan(jobSpend(s, 20).epsilon);
  });

  it('a hospital-level job releases no evaluation, so its final round charges nothing', () => {
    const h = resolvePrivacy(
      parseJobSpec({
        ...base,
        rounds: 3,
        minClients: 3,
        secureAggregation: { enabled: true, corruptClients: 0 },
        privacy: { unit: 'hospital', epsilon: 5, delta: 1e-5, clip: 1 },
      }),
    );
    expect(jobMechanisms(h)).toEqual([1, 2, 3].map(() => roundMechanism(h)));
    expect(errorCode(() => roundMechanism(h, 4))).toBe('E_JOB_SPEC');
  });

  it('a job is priced once: the same spec again (a hospital re-offered it) is a memo hit, and the shared report is frozen', () => {
    const s = record({ noiseMultiplier: 2.5 }, { rounds: 37 });
    clearSpendCache();
    const first = jobSpend(s);
    expect(spendCacheStats().evaluations).toBe(1);
    expect(jobSpend(parseJobSpec(JSON.parse(JSON.stringify(s))))).toBe(first);
    expect(spendCacheStats().evaluations).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('resolvePrivacy', () => {
  it('calibrates σ when only a target is given: the smallest σ meeting it', () => {
    const s = resolvePrivacy(record({ epsilon: 1 }));
    const sigma = s.privacy!.noiseMultiplier!;
    // Calibrated for the whole job: its 400 DP-SGD steps and the final evaluation's release.
    expect(sigma).toBeGreaterThan(calibrateSigma({ targetEpsilon: 1, delta: 1e-5, q: 0.05, steps: 400 }));
    expect(sigma).toBeCloseTo(
      calibrateSigma({
        targetEpsilon: 1,
        delta: 1e-5,
        q: 1,
        steps: 1,
        accountant: (x) => jobSpend(record({ noiseMultiplier: x })).epsilon,
      }),
      3,
    );
    expect(jobSpend(s).epsilon).toBeLessThanOrEqual(1);
    expect(jobSpend(record({ noiseMultiplier: sigma / 1.001 })).epsilon).toBeGreaterThan(1);
  });

  it('calibrates with the PLD accountant to a smaller σ than RDP needs', () => {
    const rdp = resolvePrivacy(record({ epsilon: 2, accountant: 'rdp' })).privacy!.noiseMultiplier!;
    const pld = resolvePrivacy(record({ epsilon: 2, accountant: 'pld' }));
    expect(pld.privacy!.noiseMultiplier!).toBeLessThan(rdp);
    expect(jobSpend(pld).epsilon).toBeLessThanOrEqual(2);
    expect(jobSpend(pld).bound).toBe('pld');
  });

  it('keeps a given σ that meets the target and refuses one that misses it', () => {
    const ok = record({ epsilon: 5, noiseMultiplier: 2 });
    expect(resolvePrivacy(ok)).toBe(ok);
    expect(errorCode(() => resolvePrivacy(record({ epsilon: 1, noiseMultiplier: 0.8 })))).toBe('E_JOB_SPEC');
  });

  it('a job without privacy is returned unchanged', () => {
    const s = parseJobSpec(base);
    expect(resolvePrivacy(s)).toBe(s);
  });
});

describe('privacy spec validation: typed errors, never a silent default', () => {
  const bad: [string, Record<string, unknown>, Partial<JobSpecInput>?][] = [
    ['epsilon 0', { epsilon: 0 }],
    ['epsilon < 0', { epsilon: -1 }],
    ['epsilon NaN', { epsilon: NaN }],
    ['epsilon Infinity', { epsilon: Infinity }],
    ['delta 1', { delta: 1 }],
    ['delta 0', { delta: 0 }],
    ['delta NaN', { delta: NaN }],
    ['sigma < 0', { noiseMultiplier: -1 }],
    ['sigma NaN', { noiseMultiplier: NaN }],
    ['q 0', { samplingRate: 0 }],
    ['q > 1', { samplingRate: 1.5 }],
    ['q NaN', { samplingRate: NaN }],
    ['clip 0', { clip: 0 }],
    ['clip NaN', { clip: NaN }],
    ['record without q', { samplingRate: undefined }],
    ['unknown unit', { unit: 'patient' }],
    ['unknown field', { epsilonn: 1 }],
    ['unknown accountant', { accountant: 'moments' }],
    ['hospital with q', { unit: 'hospital' }],
    [
      'hospital without secagg',
      { unit: 'hospital', samplingRate: undefined },
      { secureAggregation: { enabled: false } },
    ],
    [
      'minSurvivors below minClients',
      { unit: 'hospital', samplingRate: undefined, minSurvivors: 1 },
      { minClients: 3 },
    ],
    ['record with minSurvivors', { minSurvivors: 3 }],
  ];
  for (const [what, p, over] of bad) {
    it(what, () => expect(errorCode(() => record(p, over))).toBe('E_JOB_SPEC'));
  }

  it('an unreachable target is a typed error, not a hang', () => {
    expect(errorCode(() => resolvePrivacy(record({ epsilon: 1e-9, delta: 1e-300 })))).toBe('E_JOB_SPEC');
  });
});

/**
 * A researcher's noiseMultiplier whose whole-job ε is a hair above the stated
 * target (4e-10 relative) passed resolvePrivacy and the hospital's admission
 * (both allowed 1 + 1e-9), so the target the dashboard and `cohort job status`
 * print was below the job's real ε (review finding). Both now require
 * ε ≤ target exactly (core/job/privacy.ts, core/round/hospital-admission.ts).
 */
describe('a stated ε target a job exceeds', () => {
  const given = (epsilon: number) => record({ epsilon, noiseMultiplier: 1.3, accountant: 'pld' }, { rounds: 5 });
  const real = () => jobSpend(given(100)).epsilon;

  it('is refused: the printed target must bound the real ε', () => {
    expect(errorCode(() => resolvePrivacy(given(real() * (1 - 4e-10))))).toBe('E_JOB_SPEC');
    expect(resolvePrivacy(given(real())).privacy!.noiseMultiplier).toBe(1.3);
  });

  it("is refused by the hospital too, which recomputes the job's ε from a spec a coordinator sends with σ set", () => {
    const net = simulatedNetwork(['h']);
    const hospital = {
      name: 'h',
      identity: net.identity('h'),
      dataset: { features: ['a', 'b', 'c'], label: 'y', numTrain: 100 },
      budget: { delta: 1e-5 },
      keepsOutputs: true,
      roster: () => net.head,
    };
    const exact = { ...given(real()), secureAggregation: { enabled: false } } as JobSpec;
    expect(admit(hospital, exact, null)).not.toBeNull();
    // Past the schema (which a spec read from the wire also meets): the admission's own recomputation.
    const lower = { ...exact, privacy: { ...exact.privacy!, epsilon: real() * (1 - 4e-10) } };
    expect(errorCode(() => admit(hospital, lower, null))).toBe('E_PRIVACY_PARAMS');
  });
});
