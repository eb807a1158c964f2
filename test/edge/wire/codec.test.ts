import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  decodeEnvelope,
  encodeEnvelope,
  jobSpecFromWire,
  jobSpecToWire,
  metricsFromWire,
  metricsToWire,
  tensorOf,
  vectorOf,
  validateClientName,
  pb,
  PROTOCOL_VERSION,
  MAX_SPEC_JSON_CHARS,
  MAX_TEXT_LENGTH,
} from '../../../edge/wire/codec.ts';
import { CohortError, type ErrorCode } from '../../../core/errors.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { resolveJob } from '../../../core/job/privacy.ts';
import { logisticRegression } from '../../../core/model/spec.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';

/** Bytes as a hostile peer would write them: protobuf's encoder, not encodeEnvelope, which makes free text sendable. */
function uncleaned(env: Record<string, unknown>): Uint8Array {
  return pb.Envelope.encode({ version: PROTOCOL_VERSION, seq: 1, ...env }).finish();
}

function code(fn: () => unknown): ErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (e instanceof CohortError) return e.code;
    throw e;
  }
}

// Specs go on the wire as the coordinator offers them: resolved for its network (here 4 hospitals, so corruptClients = ⌈0.05·4⌉ = 1).
const spec = resolveJob(
  parseJobSpec(
    syntheticJob({
      name: 'demo',
      model: {
        inputDim: 3,
        layers: [
          { units: 4, activation: 'relu' },
          { units: 1, activation: 'sigmoid' },
        ],
      },
      features: ['a', 'b', 'c'],
      rounds: 7,
      local: { epochs: 2, batchSize: 16, learningRate: 0.1, optimizer: 'adam', proximalMu: 0.5 },
      strategy: { name: 'fedprox' },
      seed: 99,
    }),
  ),
  4,
);

describe('Envelope codec', () => {
  it('round-trips every body kind with its header', () => {
    const bodies = [
      {
        hello: {
          name: 'h1',
          software: 's',
          datasets: [{ schemaId: 'x', features: ['a'], label: 'y', numTrain: 5, numTest: 2 }],
        },
      },
      { welcome: { coordinatorId: 'c', maxFrameBytes: 1024 } },
      { jobOffer: { specJson: jobSpecToWire(spec) } },
      { joinJob: {} },
      { declineJob: { code: 'E_JOB_FEATURES', reason: 'r' } },
      {
        roundConfig: {
          weights: tensorOf(new Float32Array([1, -2.5, 3e-8])),
          train: true,
          deadlineUnixMs: 1_790_000_000_123,
          seed: 7,
        },
      },
      { update: { delta: tensorOf(new Float32Array([0.25])), numExamples: 10, trainLoss: 0.5, steps: 3 } },
      { evaluation: { metrics: { numExamples: 4, numCorrect: 3, loss: 0.2, accuracy: 0.75, auc: 0.5 } } },
      {
        roundResult: {
          participants: 3,
          dropped: 1,
          metrics: { numExamples: 1, numCorrect: 1, loss: 0.1, accuracy: 1 },
        },
      },
      { jobEvent: { kind: pb.JobEvent.Kind.COMPLETED, reason: 'done' } },
      { error: { code: 'E_UNKNOWN_JOB', message: 'm' } },
    ];
    for (const body of bodies) {
      const kind = Object.keys(body)[0];
      const env = decodeEnvelope(encodeEnvelope({ jobId: 'job-1', round: 4, sender: 'h1', seq: 12, ...body }));
      expect(env.body).toBe(kind);
      expect([env.version, env.jobId, env.round, env.sender, env.seq]).toEqual([
        PROTOCOL_VERSION,
        'job-1',
        4,
        'h1',
        12,
      ]);
    }
  });

  it('carries tensors as exact little-endian float32 bytes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 200 }),
        (xs) => {
          const v = new Float32Array(xs);
          const env = decodeEnvelope(
            encodeEnvelope({ sender: 'a', seq: 1, update: { delta: tensorOf(v), numExamples: 1 } }),
          );
          const back = vectorOf(env.update!.delta, v.length);
          expect(Buffer.from(back.buffer).equals(Buffer.from(v.buffer))).toBe(true);
        },
      ),
    );
    const bytes = tensorOf(new Float32Array([1])).data as Uint8Array;
    expect([...bytes]).toEqual([0x00, 0x00, 0x80, 0x3f]); // 1.0f little-endian
  });

  it('an offered spec is the JSON a researcher submits: malformed, invalid or oversized JSON is refused with a code', () => {
    expect(code(() => jobSpecFromWire(''))).toBe('E_JOB_SPEC');
    expect(code(() => jobSpecFromWire('{"name":'))).toBe('E_JOB_SPEC');
    // Valid JSON that the schema refuses: the same refusal as a submitted file gets.
    expect(code(() => jobSpecFromWire(JSON.stringify({ ...spec, rounds: -1 })))).toBe('E_JOB_SPEC');
    expect(code(() => jobSpecFromWire(JSON.stringify({ ...spec, unknownField: 1 })))).toBe('E_JOB_SPEC');
    // The coordinator cannot offer what a hospital's decoder would refuse.
    const huge = { ...spec, name: 'x'.repeat(MAX_SPEC_JSON_CHARS) } as typeof spec;
    expect(code(() => jobSpecToWire(huge))).toBe('E_JOB_SPEC_SIZE');
    const over = encodeEnvelope({ sender: 'c', seq: 1, jobOffer: { specJson: 'x'.repeat(MAX_SPEC_JSON_CHARS + 1) } });
    expect(code(() => decodeEnvelope(over, Infinity))).toBe('E_WIRE_FIELD');
  });

  it('round-trips a job spec through the wire and validates it again', () => {
    expect(spec.secureAggregation.corruptClients).toBe(1);
    expect(jobSpecFromWire(jobSpecToWire(spec))).toEqual(spec);
    // The bound a hospital's updates are held to travels with the offer: a hospital sees the coordinator's, not the default.
    const bounded = { ...spec, updateBound: { maxNorm: 2.5, maxExamples: 640 } };
    expect(jobSpecFromWire(jobSpecToWire(bounded)).updateBound).toEqual({ maxNorm: 2.5, maxExamples: 640 });
    // A resolved count of 0 (corruptFraction 0) stays a count.
    const none = resolveJob(
      { ...spec, secureAggregation: { ...spec.secureAggregation, corruptFraction: 0, corruptClients: undefined } },
      4,
    );
    expect(none.secureAggregation.corruptClients).toBe(0);
    expect(jobSpecFromWire(jobSpecToWire(none))).toEqual(none);
    // Two features for a 3-input model: the schema's cross-field checks run on an offer too.
    expect(code(() => jobSpecFromWire(jobSpecToWire({ ...spec, features: ['a', 'b'] })))).toBe('E_JOB_SPEC');
    expect(code(() => jobSpecFromWire(null))).toBe('E_JOB_SPEC');
  });

  it('carries the privacy guarantee, absent stays absent', () => {
    expect(jobSpecFromWire(jobSpecToWire(spec)).privacy).toBeUndefined();
    const dp = parseJobSpec({
      ...spec,
      local: { ...spec.local, proximalMu: 0 },
      strategy: { name: 'fedavg' },
      privacy: {
        unit: 'record',
        epsilon: 2,
        delta: 1e-6,
        clip: 0.5,
        samplingRate: 0.02,
        noiseMultiplier: 1.25,
        accountant: 'rdp',
      },
    });
    const back = jobSpecFromWire(
      decodeEnvelope(encodeEnvelope({ sender: 'c', seq: 1, jobOffer: { specJson: jobSpecToWire(dp) } })).jobOffer!
        .specJson,
    );
    expect(back).toEqual(dp);
    const hospital = parseJobSpec({ ...dp, privacy: { unit: 'hospital', epsilon: 3, delta: 1e-5, clip: 1 } });
    expect(hospital.privacy!.minSurvivors).toBe(hospital.minClients);
    expect(jobSpecFromWire(jobSpecToWire(hospital))).toEqual(hospital);
  });

  it('keeps an undefined AUC absent instead of sending NaN or 0', () => {
    const m = { numExamples: 2, numCorrect: 1, loss: 0.3, accuracy: 0.5, auc: Number.NaN };
    const env = decodeEnvelope(encodeEnvelope({ sender: 'a', seq: 1, evaluation: { metrics: metricsToWire(m) } }));
    expect(metricsFromWire(env.evaluation!.metrics).auc).toBeNaN();
    const m2 = { ...m, auc: 0 };
    const env2 = decodeEnvelope(encodeEnvelope({ sender: 'a', seq: 1, evaluation: { metrics: metricsToWire(m2) } }));
    expect(metricsFromWire(env2.evaluation!.metrics).auc).toBe(0);
  });
});

describe('Envelope decoding of bad frames', () => {
  it('rejects bytes that are not an Envelope with E_WIRE_DECODE', () => {
    expect(code(() => decodeEnvelope(new Uint8Array([0xff, 0xff, 0xff])))).toBe('E_WIRE_DECODE');
    const ok = encodeEnvelope({ sender: 'a', seq: 1, hello: { name: 'a' } });
    expect(code(() => decodeEnvelope(ok.subarray(0, ok.length - 1)))).toBe('E_WIRE_DECODE');
  });

  it('never throws anything but a CohortError on arbitrary or mutated bytes', () => {
    const update = { delta: tensorOf(new Float32Array(8)), numExamples: 5 };
    const valid = encodeEnvelope({ jobId: 'j', round: 1, sender: 'a', seq: 3, update });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, b]) => {
            const m = valid.slice();
            m[i] = b;
            return m;
          }),
        ),
        (bytes) => {
          try {
            decodeEnvelope(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(CohortError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rejects oversize frames before parsing', () => {
    const big = encodeEnvelope({ sender: 'a', seq: 1, update: { delta: tensorOf(new Float32Array(1000)) } });
    expect(code(() => decodeEnvelope(big, 100))).toBe('E_WIRE_TOO_LARGE');
  });

  it('rejects another protocol version, an empty body, and oversized or odd names', () => {
    // The version before this one (1: sessions without attempt or roster) and the one after.
    for (const version of [PROTOCOL_VERSION - 1, PROTOCOL_VERSION + 1]) {
      const other = pb.Envelope.encode({ version, sender: 'a', hello: { name: 'a' } }).finish();
      expect(code(() => decodeEnvelope(other))).toBe('E_WIRE_VERSION');
    }
    expect(code(() => decodeEnvelope(encodeEnvelope({ sender: 'a', seq: 1 })))).toBe('E_WIRE_FIELD');
    expect(code(() => decodeEnvelope(encodeEnvelope({ sender: 'x'.repeat(129), seq: 1, joinJob: {} })))).toBe(
      'E_WIRE_FIELD',
    );
    expect(code(() => decodeEnvelope(encodeEnvelope({ sender: 'a b', seq: 1, joinJob: {} })))).toBe('E_WIRE_FIELD');
    expect(
      code(() =>
        decodeEnvelope(encodeEnvelope({ sender: 'a', seq: 1, hello: { name: 'a', software: 'x'.repeat(200) } })),
      ),
    ).toBe('E_WIRE_FIELD');
    expect(code(() => decodeEnvelope(uncleaned({ sender: 'a', declineJob: { reason: 'x'.repeat(5000) } })))).toBe(
      'E_WIRE_FIELD',
    );
    expect(
      code(() => decodeEnvelope(uncleaned({ sender: 'a', error: { code: 'E_X', message: 'x'.repeat(5000) } }))),
    ).toBe('E_WIRE_FIELD');
    expect(code(() => validateClientName('coordinator'))).toBe('E_WIRE_FIELD');
    expect(code(() => validateClientName(''))).toBe('E_WIRE_FIELD');
    expect(validateClientName('hospital-a.01')).toBe('hospital-a.01');
  });

  describe('control and format characters in peer text (core/printable.ts)', () => {
    // An ANSI escape that recolours a terminal, a bidi override that reorders what is shown, a zero-width space, a newline.
    const hostile = ['\x1b[31mred', 'a\u202Eevil', 'zero\u200Bwidth', 'two\nlines', 'nul\u0000'];
    const raw = (env: Record<string, unknown>) => uncleaned({ sender: 'h1', ...env });
    const fields: [string, (t: string) => Record<string, unknown>][] = [
      ['declineJob.reason', (t) => ({ declineJob: { code: 'E_X', reason: t } })],
      ['declineJob.code', (t) => ({ declineJob: { code: t } })],
      ['error.message', (t) => ({ error: { code: 'E_X', message: t } })],
      ['error.code', (t) => ({ error: { code: t, message: 'm' } })],
      ['jobEvent.reason', (t) => ({ jobEvent: { kind: 1, reason: t } })],
      ['request.action', (t) => ({ request: { id: 1, action: t } })],
      ['hello.software', (t) => ({ hello: { name: 'h1', software: t } })],
      ['hello.datasets.features', (t) => ({ hello: { name: 'h1', datasets: [{ schemaId: 's', features: [t] }] } })],
      ['jobId', (t) => ({ jobId: t, joinJob: {} })],
      ['welcome.coordinatorId', (t) => ({ welcome: { coordinatorId: t } })],
      ['welcome.liveJobs', (t) => ({ welcome: { coordinatorId: 'c', liveJobs: ['j', t] } })],
      ['roundConfig.secagg.participants', (t) => ({ roundConfig: { secagg: { participants: ['h1', t] } } })],
      ['secaggShares.shares.name', (t) => ({ secaggShares: { shares: [{ name: t }] } })],
      ['secaggSharesRelay.shares.name', (t) => ({ secaggSharesRelay: { shares: [{ name: t }] } })],
      ['secaggKeys.clients.name', (t) => ({ secaggKeys: { clients: [{ name: t }] } })],
      ['secaggKeys.reveals.name', (t) => ({ secaggKeys: { reveals: [{ name: t }] } })],
      ['secaggCommitments.commitments.name', (t) => ({ secaggCommitments: { commitments: [{ name: t }] } })],
      ['secaggMaskedInput.rejected', (t) => ({ secaggMaskedInput: { rejected: [t] } })],
      ['secaggSurvivors.survivors', (t) => ({ secaggSurvivors: { survivors: [t] } })],
      ['secaggUnmaskRequest.signatures.name', (t) => ({ secaggUnmaskRequest: { signatures: [{ name: t }] } })],
      ['secaggUnmask.selfMaskShares.name', (t) => ({ secaggUnmask: { selfMaskShares: [{ name: t }] } })],
      ['secaggUnmask.keyShares.name', (t) => ({ secaggUnmask: { keyShares: [{ name: t }] } })],
    ];

    it.each(fields)('%s carrying any of them is refused (E_WIRE_FIELD), naming the field', (field, body) => {
      for (const t of hostile) {
        const err = (() => {
          try {
            decodeEnvelope(raw(body(t)));
            return null;
          } catch (e) {
            return e as CohortError;
          }
        })();
        expect(err?.code).toBe('E_WIRE_FIELD');
        expect(err?.message).toContain(`"${field}"`);
        expect(err?.message).toMatch(/U\+[0-9A-F]{4} at \d+/);
      }
      // The same field with plain text decodes: accents and other scripts are letters, and Persian's
      // zero-width non-joiner (U+200C) and emoji's joiner (U+200D) are allowed.
      expect(decodeEnvelope(raw(body('Zürich → 東京 می\u200cخواهم 👩\u200d⚕️'))).sender).toBe('h1');
    });

    it("an honest sender's free text is made printable when encoded, so it always passes", () => {
      for (const t of hostile) {
        const env = decodeEnvelope(
          encodeEnvelope({
            sender: 'h1',
            seq: 1,
            declineJob: { code: 'E_X', reason: `budget: ${t}` },
          }),
        );
        expect(env.declineJob!.reason).toMatch(/^budget: [^\p{Cc}\p{Cf}]+$/u);
        expect(env.declineJob!.reason!.length).toBe(`budget: ${t}`.length);
      }
      const error = decodeEnvelope(encodeEnvelope({ sender: 'h1', seq: 1, error: { code: 'E_X', message: 'a\nb' } }));
      expect(error.error!.message).toBe('a b');
      const event = decodeEnvelope(encodeEnvelope({ sender: 'h1', seq: 1, jobEvent: { kind: 1, reason: 'a\u202Eb' } }));
      expect(event.jobEvent!.reason).toBe('a b');
      // Longer than a receiver takes (a decline listing 150 features): cut, ending in an ellipsis, and taken.
      const long = decodeEnvelope(
        encodeEnvelope({
          sender: 'h1',
          seq: 1,
          declineJob: { code: 'E_X', reason: 'x'.repeat(MAX_TEXT_LENGTH + 300) },
        }),
      );
      expect(long.declineJob!.reason).toHaveLength(MAX_TEXT_LENGTH);
      expect(long.declineJob!.reason!.endsWith('…')).toBe(true);
    });

    it('JSON text keeps its whitespace: a pretty-printed spec decodes (its strings are checked by its schema)', () => {
      const specJson = JSON.stringify({ name: 'j' }, null, 2);
      expect(decodeEnvelope(raw({ request: { id: 1, action: 'job.submit', specJson } })).request!.specJson).toBe(
        specJson,
      );
    });
  });

  it("carries a ledger.prove request and a witness's cosignature; a root or signature of another length is refused", () => {
    const request = decodeEnvelope(
      encodeEnvelope({ sender: 'h1', seq: 1, request: { id: 3, action: 'ledger.prove', fromSize: 9, seqs: [1, 5] } }),
    ).request!;
    expect([request.fromSize, request.seqs]).toEqual([9, [1, 5]]);
    const cosig = {
      size: 12,
      root: new Uint8Array(32).fill(7),
      timestamp: 1_700_000_000,
      signature: new Uint8Array(64),
    };
    const env = decodeEnvelope(encodeEnvelope({ sender: 'h1', seq: 1, ledgerCosignature: cosig }));
    expect(env.body).toBe('ledgerCosignature');
    expect(Number(env.ledgerCosignature!.timestamp)).toBe(1_700_000_000);
    expect([...env.ledgerCosignature!.root!]).toEqual([...cosig.root]);
    for (const bad of [
      { ...cosig, root: new Uint8Array(31) },
      { ...cosig, root: new Uint8Array(0) },
      { ...cosig, signature: new Uint8Array(65) },
    ])
      expect(code(() => decodeEnvelope(encodeEnvelope({ sender: 'h1', seq: 1, ledgerCosignature: bad })))).toBe(
        'E_WIRE_FIELD',
      );
  });

  it('rejects tensors of the wrong length or with NaN/Infinity', () => {
    const t = tensorOf(new Float32Array([1, 2, 3]));
    expect(code(() => vectorOf(t, 4))).toBe('E_UPDATE_LENGTH');
    expect(code(() => vectorOf({ shape: [4], data: t.data }, 4))).toBe('E_UPDATE_LENGTH');
    expect(code(() => vectorOf({ shape: [], data: t.data }, 3))).toBe('E_UPDATE_LENGTH');
    expect(code(() => vectorOf(null, 3))).toBe('E_WIRE_FIELD');
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(code(() => vectorOf(tensorOf(new Float32Array([1, bad])), 2))).toBe('E_UPDATE_NONFINITE');
    }
  });
});

describe('generated codec', () => {
  it('matches proto/cohort.proto (run `npm run proto` after editing the schema)', () => {
    const out = mkdtempSync(join(tmpdir(), 'cohort-proto-'));
    execFileSync('bash', ['proto/generate.sh', out], { stdio: 'pipe' });
    for (const f of ['cohort.js', 'cohort.d.ts']) {
      expect(readFileSync(join(out, f), 'utf8'), `proto/generated/${f} is stale`).toBe(
        readFileSync(join('proto/generated', f), 'utf8'),
      );
    }
  });

  it("states the protocol version the codec speaks in the schema's header", () => {
    const header = readFileSync('proto/cohort.proto', 'utf8').split('\n', 1)[0];
    expect(header).toContain(`version ${PROTOCOL_VERSION} (edge/wire/codec.ts PROTOCOL_VERSION)`);
  });

  it('logistic regression spec survives the wire', () => {
    const s = parseJobSpec({ name: 'lr', model: logisticRegression(2), features: ['a', 'b'], label: 'y', rounds: 1 });
    expect(jobSpecFromWire(jobSpecToWire(s)).model).toEqual(s.model);
  });
});
