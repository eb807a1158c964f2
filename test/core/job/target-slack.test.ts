/**
 * A researcher's noiseMultiplier whose whole-job ε is a hair above the stated target
 * (here 4e-10 relative) passed resolvePrivacy and the hospital's admission (both allowed 1 + 1e-9), so the target
 * the dashboard and `cohort job status` print was below the job's real ε (review finding). Both now
 * require ε ≤ target exactly (core/job/privacy.ts, core/round/hospital-admission.ts privacyCheck).
 * Red before that fix: resolvePrivacy did not throw.
 */
import { describe, expect, it } from 'vitest';
import { jobSpend, resolvePrivacy } from '../../../core/job/privacy.ts';
import { parseJobSpec, type JobSpec } from '../../../core/job/spec.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import { admit } from '../../../core/round/hospital-admission.ts';
import { simulatedNetwork } from '../../../simulations/network.ts';
import { errorCode } from '../../helpers/errors.ts';

const spec = (epsilon: number) =>
  parseJobSpec({
    name: 'slack',
    model: logisticRegression(3),
    features: ['a', 'b', 'c'],
    label: 'y',
    rounds: 5,
    local: { epochs: 1, batchSize: 8, learningRate: 0.1 },
    privacy: { unit: 'record', epsilon, delta: 1e-5, clip: 1, samplingRate: 0.05, noiseMultiplier: 1.3 },
  });

describe('a stated ε target a job exceeds', () => {
  it('is refused: the printed target must bound the real ε', () => {
    const real = jobSpend(spec(100)).epsilon;
    const target = real * (1 - 4e-10);
    expect(real).toBeGreaterThan(target);
    expect(() => resolvePrivacy(spec(target))).toThrow();
  });

  it("is refused by the hospital too, which recomputes the job's ε from a spec a coordinator sends with σ set", () => {
    const real = jobSpend(spec(100)).epsilon;
    const net = simulatedNetwork(['h']);
    const hospital = {
      name: 'h',
      identity: net.identity('h'),
      dataset: { features: ['a', 'b', 'c'], label: 'y', numTrain: 100 },
      budget: { delta: 1e-5 },
      keepsOutputs: true,
      roster: () => net.head,
    };
    const exact = { ...spec(real), secureAggregation: { enabled: false } } as JobSpec;
    expect(admit(hospital, exact, null)).not.toBeNull();
    // Past the schema (which a spec read from the wire also meets): the admission's own recomputation.
    const lower = { ...exact, privacy: { ...exact.privacy!, epsilon: real * (1 - 4e-10) } };
    expect(errorCode(() => admit(hospital, lower, null))).toBe('E_PRIVACY_PARAMS');
  });
});
