/**
 * The wire boundary: every frame in or out passes through here. Decoding
 * checks the size before parsing, then the protocol version, the presence of
 * a body and the bounds of every string, so the rest of the code handles
 * well-formed messages only.
 */
import { cohort } from './generated/cohort.js';
import { CohortError } from '../core/errors.ts';
import { bytesToVector, vectorToBytes } from '../core/model/vector.ts';
import { parseJobSpec, type JobSpec } from '../core/job/spec.ts';
import type { Metrics } from '../core/metrics.ts';
import type { NoisyCounts } from '../core/privacy/noisy-counts.ts';
import { MAX_ROSTER_JSON_CHARS } from '../core/roster/types.ts';

export const pb = cohort.v1;
export type Envelope = cohort.v1.Envelope;
export type EnvelopeInit = cohort.v1.Envelope.$Properties;
export type BodyKind = NonNullable<Envelope['body']>;

/** 2: sessions bind an attempt and a roster, and the graph seed is agreed by commit-reveal (core/secagg/seed.ts). */
export const PROTOCOL_VERSION = 2;
/** Default cap on one frame; the heart-disease model is ~60 bytes, a 10^6-parameter model 4 MB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
export const MAX_NAME_LENGTH = 128;
export const MAX_TEXT_LENGTH = 4096;
/** Most feature names one offered dataset may list (a job spec's own limit). */
export const MAX_DATASET_FEATURES = 100_000;
/** Largest job spec accepted over the wire as JSON (a spec with 100,000 feature names fits). */
export const MAX_SPEC_JSON_CHARS = 4 * 1024 * 1024;
/** Largest ledger entry text accepted on the wire (a round entry grows ~0.5 KiB per surviving hospital). */
export const MAX_LEDGER_ENTRY_CHARS = 4 * 1024 * 1024;
const HEX_RE = /^[0-9a-f]*$/;
export const COORDINATOR_SENDER = 'coordinator';

const NAME_RE = /^[A-Za-z0-9._-]+$/;

export function encodeEnvelope(env: EnvelopeInit): Uint8Array {
  return pb.Envelope.encode({ version: PROTOCOL_VERSION, ...env }).finish();
}

export function decodeEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): Envelope {
  if (bytes.byteLength > maxBytes) {
    throw new CohortError('E_WIRE_TOO_LARGE', `frame of ${bytes.byteLength} bytes exceeds ${maxBytes}`);
  }
  let env: Envelope;
  try {
    env = pb.Envelope.decode(bytes);
  } catch (err) {
    throw new CohortError('E_WIRE_DECODE', `not a valid Envelope: ${(err as Error).message}`);
  }
  if (env.version !== PROTOCOL_VERSION) {
    throw new CohortError('E_WIRE_VERSION', `protocol version ${env.version} is not supported (this peer speaks ${PROTOCOL_VERSION})`);
  }
  if (!env.body) throw new CohortError('E_WIRE_FIELD', 'envelope has no body');
  checkText('sender', env.sender, MAX_NAME_LENGTH);
  checkText('jobId', env.jobId, MAX_NAME_LENGTH);
  if (env.sender !== '' && !NAME_RE.test(env.sender)) throw new CohortError('E_WIRE_FIELD', '"sender" has characters outside [A-Za-z0-9._-]');
  checkBodyText(env);
  return env;
}

/** Free-text fields end up in logs: bound them so a peer cannot flood a log line. */
function checkBodyText(env: Envelope): void {
  if (env.hello) {
    checkText('hello.name', env.hello.name ?? '', MAX_NAME_LENGTH);
    checkText('hello.software', env.hello.software ?? '', MAX_NAME_LENGTH);
    if ((env.hello.datasets?.length ?? 0) > 64) throw new CohortError('E_WIRE_FIELD', '"hello.datasets" lists more than 64 datasets');
    for (const d of env.hello.datasets ?? []) {
      checkText('hello.datasets.schemaId', d.schemaId ?? '', MAX_NAME_LENGTH);
      checkText('hello.datasets.label', d.label ?? '', MAX_NAME_LENGTH);
      if ((d.features?.length ?? 0) > MAX_DATASET_FEATURES) throw new CohortError('E_WIRE_FIELD', `"hello.datasets.features" lists more than ${MAX_DATASET_FEATURES} features`);
      for (const f of d.features ?? []) checkText('hello.datasets.features', f, MAX_NAME_LENGTH);
    }
  }
  if (env.jobOffer) checkText('jobOffer.owner', env.jobOffer.owner ?? '', MAX_NAME_LENGTH);
  if (env.declineJob) {
    checkText('declineJob.code', env.declineJob.code ?? '', MAX_NAME_LENGTH);
    checkText('declineJob.reason', env.declineJob.reason ?? '', MAX_TEXT_LENGTH);
  }
  if (env.error) {
    checkText('error.code', env.error.code ?? '', MAX_NAME_LENGTH);
    checkText('error.message', env.error.message ?? '', MAX_TEXT_LENGTH);
  }
  if (env.jobEvent) checkText('jobEvent.reason', env.jobEvent.reason ?? '', MAX_TEXT_LENGTH);
  if (env.request) {
    checkText('request.action', env.request.action ?? '', MAX_NAME_LENGTH);
    checkText('request.jobId', env.request.jobId ?? '', MAX_NAME_LENGTH);
    checkText('request.specJson', env.request.specJson ?? '', MAX_SPEC_JSON_CHARS);
  }
  if (env.challenge) {
    checkText('challenge.coordinatorId', env.challenge.coordinatorId ?? '', MAX_NAME_LENGTH);
    if ((env.challenge.nonce?.length ?? 0) !== 32) throw new CohortError('E_WIRE_FIELD', '"challenge.nonce" must be 32 bytes');
  }
  if ((env.hello?.handshakeSignature?.length ?? 0) > 64) throw new CohortError('E_WIRE_FIELD', '"hello.handshakeSignature" longer than 64 bytes');
  const entry = env.roundResult?.ledgerEntry;
  if (entry) {
    checkText('roundResult.ledgerEntry.canonical', entry.canonical ?? '', MAX_LEDGER_ENTRY_CHARS);
    checkHex('roundResult.ledgerEntry.hash', entry.hash ?? '', 64);
    checkHex('roundResult.ledgerEntry.signature', entry.signature ?? '', 128);
  }
  if (env.ledgerReceipt) {
    checkHex('ledgerReceipt.hash', env.ledgerReceipt.hash ?? '', 64);
    checkHex('ledgerReceipt.signature', env.ledgerReceipt.signature ?? '', 128);
  }
  if (env.welcome?.ledgerKey?.length && env.welcome.ledgerKey.length !== 32) throw new CohortError('E_WIRE_FIELD', '"welcome.ledgerKey" must be 32 bytes');
  if (env.welcome) checkText('welcome.rosterJson', env.welcome.rosterJson ?? '', MAX_ROSTER_JSON_CHARS);
  if (env.rosterUpdate) checkText('rosterUpdate.chainJson', env.rosterUpdate.chainJson ?? '', MAX_ROSTER_JSON_CHARS);
}

function checkHex(field: string, value: string, length: number): void {
  if (value.length !== length || !HEX_RE.test(value)) throw new CohortError('E_WIRE_FIELD', `"${field}" must be ${length} lowercase hex digits`);
}

function checkText(field: string, value: string, max: number): void {
  if (value.length > max) throw new CohortError('E_WIRE_FIELD', `"${field}" longer than ${max} characters`);
}

/** A client name as it must appear in Hello: non-empty, bounded, plain characters. */
export function validateClientName(name: string): string {
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || !NAME_RE.test(name) || name === COORDINATOR_SENDER) {
    throw new CohortError('E_WIRE_FIELD', `client name must be 1-${MAX_NAME_LENGTH} characters of [A-Za-z0-9._-] and not "${COORDINATOR_SENDER}"`);
  }
  return name;
}

export function tensorOf(v: Float32Array): cohort.v1.Tensor.$Properties {
  return { shape: [v.length], data: vectorToBytes(v) };
}

/** Reads a flat float32 tensor of exactly `expectedLength` finite values. */
export function vectorOf(t: cohort.v1.Tensor.$Properties | null | undefined, expectedLength: number): Float32Array {
  if (!t || !t.data) throw new CohortError('E_WIRE_FIELD', 'tensor missing');
  const shape = t.shape ?? [];
  const declared = shape.reduce((n, s) => n * s, 1);
  if (shape.length === 0 || declared !== expectedLength) {
    throw new CohortError('E_UPDATE_LENGTH', `tensor shape [${shape.join(',')}] does not hold ${expectedLength} values`);
  }
  return bytesToVector(t.data, expectedLength);
}

export function jobSpecToWire(spec: JobSpec): cohort.v1.JobSpec.$Properties {
  return {
    name: spec.name,
    model: { inputDim: spec.model.inputDim, layers: spec.model.layers.map((l) => ({ units: l.units, activation: l.activation })) },
    features: [...spec.features],
    label: spec.label,
    rounds: spec.rounds,
    minClients: spec.minClients,
    targetClients: spec.targetClients,
    roundTimeoutMs: spec.roundTimeoutMs,
    joinWaitMs: spec.joinWaitMs,
    local: { ...spec.local },
    strategy: { ...spec.strategy },
    seed: spec.seed,
    secureAggregation: { ...spec.secureAggregation },
    ...(spec.privacy ? { privacy: { ...spec.privacy } } : {}),
    // Empty: the default schedule (core/job/spec.ts evaluates).
    evaluation: { rounds: [...(spec.evaluation.rounds ?? [])] },
  };
}

/** Validates a received spec with the same schema as a submitted one. */
export function jobSpecFromWire(w: cohort.v1.JobSpec.$Properties | null | undefined): JobSpec {
  if (!w) throw new CohortError('E_JOB_SPEC', 'job offer has no spec');
  const local = w.local ?? {};
  const strategy = w.strategy ?? {};
  return parseJobSpec({
    name: w.name ?? '',
    model: { inputDim: w.model?.inputDim ?? 0, layers: (w.model?.layers ?? []).map((l) => ({ units: l.units ?? 0, activation: l.activation ?? '' })) },
    features: w.features ?? [],
    label: w.label ?? '',
    rounds: w.rounds ?? 0,
    minClients: w.minClients ?? 0,
    targetClients: w.targetClients ?? 0,
    roundTimeoutMs: w.roundTimeoutMs ?? 0,
    joinWaitMs: w.joinWaitMs ?? 0,
    local: {
      epochs: local.epochs ?? 0,
      batchSize: local.batchSize ?? 0,
      learningRate: local.learningRate ?? 0,
      optimizer: local.optimizer ?? '',
      proximalMu: local.proximalMu ?? 0,
      maxSteps: local.maxSteps ?? 0,
    },
    strategy: {
      name: strategy.name ?? '',
      serverLearningRate: strategy.serverLearningRate ?? 0,
      beta1: strategy.beta1 ?? 0,
      beta2: strategy.beta2 ?? 0,
      tau: strategy.tau ?? 0,
    },
    seed: w.seed ?? 0,
    secureAggregation: {
      enabled: w.secureAggregation?.enabled ?? false,
      bits: w.secureAggregation?.bits ?? 0,
      clip: w.secureAggregation?.clip ?? 0,
      dropoutFraction: w.secureAggregation?.dropoutFraction ?? 0,
      corruptFraction: w.secureAggregation?.corruptFraction ?? 0,
      // Offered specs are resolved: 0 is a count, not "absent".
      corruptClients: w.secureAggregation?.corruptClients ?? 0,
    },
    ...(w.privacy ? { privacy: privacyFromWire(w.privacy) } : {}),
    evaluation: w.evaluation?.rounds?.length ? { rounds: w.evaluation.rounds } : {},
  });
}

/** proto3 has no "absent" for a scalar: zeros of optional fields mean "not given". */
function privacyFromWire(p: cohort.v1.PrivacySpec.$Properties): Record<string, unknown> {
  return {
    unit: p.unit ?? '',
    epsilon: p.epsilon ?? 0,
    delta: p.delta ?? 0,
    clip: p.clip ?? 0,
    accountant: p.accountant ?? '',
    ...(p.noiseMultiplier ? { noiseMultiplier: p.noiseMultiplier } : {}),
    ...(p.samplingRate ? { samplingRate: p.samplingRate } : {}),
    ...(p.minSurvivors ? { minSurvivors: p.minSurvivors } : {}),
    ...(p.evaluationNoise ? { evaluationNoise: p.evaluationNoise } : {}),
  };
}

/** Noisy counts on the wire. */
export function noisyCountsToWire(n: NoisyCounts): cohort.v1.NoisyCounts.$Properties {
  return { truePositive: n.truePositive, falsePositive: n.falsePositive, trueNegative: n.trueNegative, falseNegative: n.falseNegative, sigma: n.sigma };
}

/** Metrics on the wire: an undefined AUC (one-class split) is an absent field, never NaN. */
export function metricsToWire(m: Metrics): cohort.v1.Metrics.$Properties {
  const out: cohort.v1.Metrics.$Properties = { numExamples: m.numExamples, numCorrect: m.numCorrect, loss: m.loss, accuracy: m.accuracy };
  if (Number.isFinite(m.auc)) out.auc = m.auc;
  return out;
}

/** Reads wire metrics; range checks are the receiver's (validateMetrics). */
export function metricsFromWire(m: cohort.v1.Metrics.$Properties | null | undefined): Metrics {
  if (!m) throw new CohortError('E_WIRE_FIELD', 'metrics missing');
  return { numExamples: m.numExamples ?? 0, numCorrect: m.numCorrect ?? 0, loss: m.loss ?? 0, accuracy: m.accuracy ?? 0, auc: m.auc ?? Number.NaN };
}
