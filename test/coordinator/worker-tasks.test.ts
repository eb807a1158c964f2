import { describe, expect, it } from 'vitest';
import { TASKS } from '../../coordinator/worker-tasks.ts';
import { errorCode } from '../helpers/errors.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../simulations/synthetic.ts';

const offered = [{ hospital: 'h1', schemaId: 's', label: 'y', featuresJson: JSON.stringify(SYNTH_FEATURES) }];
const privacy = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, noiseMultiplier: 5 };

describe("the worker's job preparation (job.prepare)", () => {
  it("refuses a researcher's spec without a privacy target by the schema (E_JOB_SPEC)", () => {
    const prepare = (spec: object) =>
      TASKS['job.prepare']({ specJson: JSON.stringify(spec), offered, networkSize: null });
    expect(errorCode(() => prepare(syntheticJob({ secureAggregation: { enabled: false } })))).toBe('E_JOB_SPEC');
    const { value } = prepare(syntheticJob({ privacy, rounds: 1, secureAggregation: { enabled: false } }));
    expect(value.spec.privacy?.unit).toBe('record');
  });
});
