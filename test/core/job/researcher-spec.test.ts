import { describe, expect, it } from 'vitest';
import { parseResearcherSpec } from '../../../core/job/prepare.ts';
import {
  JOB_ID_SUFFIX_CHARS,
  jobIdFor,
  MAX_JOB_NAME_LENGTH,
  parseJobSpec,
  parseResearcherJobSpec,
} from '../../../core/job/spec.ts';
import { decodeEnvelope, encodeEnvelope } from '../../../edge/wire/codec.ts';
import { SYNTH_FEATURES, syntheticJob } from '../../../simulations/synthetic.ts';
import { refusal } from '../../helpers/refusal.ts';

const privacy = { unit: 'record', epsilon: 2, delta: 1e-6, clip: 1, samplingRate: 0.1 } as const;
const offered = [{ hospital: 'h1', schemaId: 's', label: 'y', features: [...SYNTH_FEATURES] }];

describe("a researcher's job states its privacy target (researcherJobSpecSchema)", () => {
  it('a spec without one is refused by the schema: E_JOB_SPEC naming "privacy"', () => {
    const e = refusal(() => parseResearcherJobSpec(syntheticJob()));
    expect(e.code).toBe('E_JOB_SPEC');
    expect(e.message).toMatch(/^"privacy": /);
  });

  it('"privacy": undefined is no target either', () => {
    expect(refusal(() => parseResearcherJobSpec(syntheticJob({ privacy: undefined }))).code).toBe('E_JOB_SPEC');
  });

  it('a spec with one parses, as it does for the operator', () => {
    const spec = parseResearcherJobSpec(syntheticJob({ privacy }));
    expect(spec.privacy?.epsilon).toBe(2);
    expect(spec).toEqual(parseJobSpec(syntheticJob({ privacy })));
  });

  it("the operator's own jobs may run without DP (parseJobSpec)", () => {
    expect(parseJobSpec(syntheticJob()).privacy).toBeUndefined();
  });

  it('other errors are still named beside the rule: a bad spec is refused for what is wrong with it', () => {
    const e = refusal(() => parseResearcherJobSpec(syntheticJob({ privacy, rounds: 0 })));
    expect(e.code).toBe('E_JOB_SPEC');
    expect(e.message).toMatch(/"rounds"/);
  });

  it("the worker's preparation path (parseResearcherSpec) applies the rule", () => {
    const e = refusal(() => parseResearcherSpec(JSON.stringify(syntheticJob()), offered));
    expect(e.code).toBe('E_JOB_SPEC');
    expect(e.message).toMatch(/^"privacy": /);
    expect(parseResearcherSpec(JSON.stringify(syntheticJob({ privacy })), offered).privacy?.unit).toBe('record');
    expect(refusal(() => parseResearcherSpec('{', offered)).code).toBe('E_JOB_SPEC');
  });
});

describe('feature and label names', () => {
  it('with a control or format character are refused (E_JOB_SPEC): a hospital quotes them in its logs and declines', () => {
    for (const bad of ['\u202eevil', 'x\u001b[2J', 'zero\u200bwidth'])
      for (const spec of [syntheticJob({ features: [bad] }), syntheticJob({ label: bad })])
        expect(refusal(() => parseJobSpec(spec)).code).toBe('E_JOB_SPEC');
    expect(
      parseJobSpec(
        syntheticJob({
          features: ['می\u200cخواهم'],
          model: { inputDim: 1, layers: [{ units: 1, activation: 'sigmoid' }] },
        }),
      ).features,
    ).toEqual(['می\u200cخواهم']);
  });
});

describe('job names', () => {
  it("take at most MAX_JOB_NAME_LENGTH characters, so the job's id fits every frame's header", () => {
    const longest = 'n'.repeat(MAX_JOB_NAME_LENGTH);
    const spec = parseJobSpec(syntheticJob({ name: longest }));
    // The id the coordinator makes of it (coordinator/job-registry.ts) travels in every frame of the job.
    const id = jobIdFor(spec.name, (n) => new Uint8Array(n).fill(0xab));
    expect(id).toHaveLength(MAX_JOB_NAME_LENGTH + JOB_ID_SUFFIX_CHARS);
    const offer = decodeEnvelope(
      encodeEnvelope({ sender: 'coordinator', seq: 1, jobId: id, welcome: { liveJobs: [id] } }),
    );
    expect(offer.jobId).toBe(id);
    expect(refusal(() => parseJobSpec(syntheticJob({ name: `${longest}n` }))).code).toBe('E_JOB_SPEC');
  });
});
