import { describe, it, expect } from 'vitest';
import { errorCode } from '../../helpers/errors.ts';
import { parseHospitalPolicy, policyViolations } from '../../../core/job/policy.ts';
import { parseJobSpec, type JobSpecInput } from '../../../core/job/spec.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';

const dp = { unit: 'record', epsilon: 2, delta: 1e-6, clip: 1, samplingRate: 0.1, noiseMultiplier: 2 } as const;
const job = (over: Partial<JobSpecInput> = {}) => parseJobSpec(syntheticJob({ privacy: dp, ...over }));

describe('hospital policy', () => {
  it('defaults: DP of any unit and secure aggregation required', () => {
    const p = parseHospitalPolicy({});
    expect(policyViolations(p, job())).toBeNull();
    expect(policyViolations(p, parseJobSpec(syntheticJob()))).toMatch(/no differential-privacy guarantee/);
    expect(policyViolations(p, job({ secureAggregation: { enabled: false } }))).toMatch(/turns secure aggregation off/);
    expect(
      policyViolations(
        parseHospitalPolicy({ requireDp: 'none-ok', requireSecureAggregation: false }),
        parseJobSpec(syntheticJob({ secureAggregation: { enabled: false } })),
      ),
    ).toBeNull();
  });

  it('names every rule a job breaks', () => {
    const p = parseHospitalPolicy({
      requireDp: 'hospital',
      maxEpsilon: 1,
      maxDelta: 1e-7,
      allowedFeatures: ['f0', 'f1'],
      maxRounds: 2,
    });
    const why = policyViolations(p, job())!;
    expect(why).toMatch(/privacy unit is record; this hospital requires hospital/);
    expect(why).toMatch(/epsilon 2 is above this hospital's maximum of 1/);
    expect(why).toMatch(/delta 0.000001 is above/);
    expect(why).toMatch(/features not allowed here: f2/);
    expect(why).toMatch(/3 rounds is above this hospital's maximum of 2/);
    expect(
      policyViolations(
        parseHospitalPolicy({ maxEpsilon: 2, maxDelta: 1e-6, allowedFeatures: ['f0', 'f1', 'f2'], maxRounds: 3 }),
        job(),
      ),
    ).toBeNull();
  });

  it("allowed researchers: the job's submitting researcher must be listed; operator jobs are declined", () => {
    const p = parseHospitalPolicy({ allowedResearchers: ['dr-x'] });
    expect(policyViolations(p, job())).toMatch(/names no submitting researcher/);
    expect(policyViolations(p, job(), 'dr-y')).toMatch(/researcher dr-y is not among/);
    expect(policyViolations(p, job(), 'dr-x')).toBeNull();
  });

  it('bad policy files are typed errors naming the field', () => {
    for (const bad of [
      { maxEpsilon: 0 },
      { maxEpsilon: NaN },
      { requireDp: 'sometimes' },
      { maxDelta: 1 },
      { surprise: true },
      { maxRounds: 1.5 },
      null,
      [],
    ]) {
      expect(errorCode(() => parseHospitalPolicy(bad))).toBe('E_CONFIG_INVALID');
    }
  });
});

describe('hospital policy: model caps', () => {
  const cnn = {
    class_name: 'Sequential',
    config: {
      layers: [
        { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: 3, batch_input_shape: [null, 5, 5, 1] } },
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Dense', config: { name: 'd', units: 1 } },
      ],
    },
  };
  // conv 3×3×1→4 (36 + 4) on 3×3 outputs, dense 36→1 (36 + 1): 77 parameters; 2 × (9·9·4 + 36) = 720 FLOPs.
  const spec = () => job({ model: cnn, features: ['px'], image: { height: 5, width: 5, channels: 1 } });

  it('declines a job over maxParams, maxFlopsPerExample or with a layer not allowed, naming the cap and the figure', () => {
    const why = policyViolations(
      parseHospitalPolicy({ maxParams: 76, maxFlopsPerExample: 719, allowedLayers: ['Dense', 'Flatten'] }),
      spec(),
    )!;
    expect(why).toMatch(/the model has 77 parameters, above this hospital's maxParams of 76/);
    expect(why).toMatch(/720 FLOPs per example, above this hospital's maxFlopsPerExample of 719/);
    expect(why).toMatch(/layers not in this hospital's allowedLayers: Conv2D/);
    expect(
      policyViolations(
        parseHospitalPolicy({ maxParams: 77, maxFlopsPerExample: 720, allowedLayers: ['Dense', 'Flatten', 'Conv2D'] }),
        spec(),
      ),
    ).toBeNull();
  });

  it('the dense form counts as Dense layers', () => {
    // syntheticJob: 3 inputs, one unit: 4 parameters, 6 FLOPs.
    expect(policyViolations(parseHospitalPolicy({ maxParams: 3 }), job())).toMatch(
      /4 parameters, above .* maxParams of 3/,
    );
    expect(policyViolations(parseHospitalPolicy({ maxFlopsPerExample: 5 }), job())).toMatch(/6 FLOPs per example/);
    expect(
      policyViolations(parseHospitalPolicy({ allowedLayers: ['Dense'], maxParams: 4, maxFlopsPerExample: 6 }), job()),
    ).toBeNull();
  });
});
