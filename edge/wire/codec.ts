/**
 * The wire boundary: every frame in or out passes through here. Decoding
 * checks the size before parsing, then the protocol version, the presence of
 * a body and the bounds of every string, so the rest of the code handles
 * well-formed messages only.
 */
import { cohort } from '../../proto/generated/cohort.js';
import { CohortError } from '../../core/errors.ts';
import { bytesToVector, vectorToBytes } from '../../core/model/vector.ts';
import { parseJobSpec, type JobSpec } from '../../core/job/spec.ts';
import type { Metrics } from '../../core/metrics.ts';
import { noisyCountsOnly, type NoisyCounts } from '../../core/privacy/noisy-counts.ts';
import { MAX_ROSTER_JSON_CHARS } from '../../core/roster/types.ts';
import { MAX_CLIENTS } from '../../core/secagg/params.ts';
import { LEDGER_PROVE_SEQS } from '../../core/ledger/proofs.ts';
import { WireScanner, type ScanLimits, type WireHeader } from './wire-scan.ts';
import { checkLength, checkSessionNames, checkText, MAX_TEXT_LENGTH, sendableTexts } from './text-fields.ts';

export { MAX_TEXT_LENGTH } from './text-fields.ts';
import { COORDINATOR_NAME, MAX_NAME_LENGTH, NAME_RE, NAME_SHAPE, isIdentityName } from '../../core/auth/name.ts';

export { MAX_NAME_LENGTH };

export const pb = cohort.v1;
export type Envelope = cohort.v1.Envelope;
export type EnvelopeInit = cohort.v1.Envelope.$Properties;
export type BodyKind = NonNullable<Envelope['body']>;

/**
 * 2: sessions bind an attempt and a roster, and the graph seed is agreed by commit-reveal (core/secagg/seed.ts).
 * 3: messages larger than a frame travel as Fragments (edge/wire/fragments.ts); the Welcome lists the live jobs
 * (a hospital closes the budget reservation of any other) and the peer's message limit; Hellos are smaller.
 * A v2 peer's Welcome has no live-jobs list, which a v3 hospital would read as "every job ended": the bump
 * makes the mismatch an E_WIRE_VERSION refusal instead.
 * 4: a job offer carries the spec as JSON (JobOffer.spec_json), the one encoding a spec has on the wire; the typed
 * JobSpec message and its hand-written mapping are gone.
 * 5: the ledger is a transparency log (issue 20): a Request may carry `from_size` and `seqs` (the `ledger.prove`
 * action), and a hospital cosigns the ledger's checkpoints (LedgerCosignature) instead of receipting each spend.
 * 6: the Hello's handshake signature covers the TLS channel binding (core/auth/handshake.ts, cohort/handshake/v2):
 * a v5 peer's Hello would fail its signature check, and the bump makes that an E_WIRE_VERSION refusal instead.
 */
export const PROTOCOL_VERSION = 6;
/** Default cap on one frame; the heart-disease model is ~60 bytes. A larger message (a 10^7-parameter model is 40 MB) goes in fragments (edge/wire/fragments.ts). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Most feature names one offered dataset may list (a job spec's own limit). */
export const MAX_DATASET_FEATURES = 100_000;
/**
 * A Hello is read before its sender is authenticated, so what it may carry is
 * bounded for the frame limit before the handshake (MAX_HELLO_BYTES) to be
 * small. A daemon describes one dataset; a Hello lists at most
 * MAX_HELLO_DATASETS, whose feature names take at most MAX_HELLO_FEATURE_BYTES
 * on the wire together, counted as each name's UTF-8 bytes plus 3 (its field
 * tag and length): 100,000 names of 7 bytes, or 20,000 of 47. A hospital
 * whose feature list is longer cannot describe it (E_WIRE_FIELD).
 */
export const MAX_HELLO_DATASETS = 16;
export const MAX_HELLO_FEATURE_BYTES = 1_000_000;
/** Largest job spec accepted over the wire as JSON (a spec with 100,000 feature names fits). */
export const MAX_SPEC_JSON_CHARS = 4 * 1024 * 1024;
/** Largest ledger entry text accepted on the wire (a round entry grows ~0.5 KiB per surviving hospital). */
export const MAX_LEDGER_ENTRY_CHARS = 4 * 1024 * 1024;
const HEX_RE = /^[0-9a-f]*$/;
/** The coordinator's sender name (core/auth/name.ts): no client may take it. */
export const COORDINATOR_SENDER = COORDINATOR_NAME;

/** Bytes of an unsigned varint. */
function varintBytes(n: number): number {
  let bytes = 1;
  for (let v = n; v >= 128; v = Math.floor(v / 128)) bytes++;
  return bytes;
}
/** A length-delimited field (a field number below 16: a one-byte tag) of `payload` bytes. */
const delimited = (payload: number) => 1 + varintBytes(payload) + payload;
/** UTF-8 bytes of a string of at most `chars` UTF-16 units: 3 a unit at most (a surrogate pair is 4 bytes for 2). */
const utf8 = (chars: number) => 3 * chars;
/** A varint field: a one-byte tag and at most 10 bytes (5 for a uint32). */
const UINT32_FIELD = 1 + 5;
const UINT64_FIELD = 1 + 10;

/**
 * An Envelope at its largest around a body of `body` bytes: version, job id,
 * round, sender (a name: ASCII), seq, then the body's tag (`tagBytes`) and
 * length.
 */
function envelopeBytes(tagBytes: number, body: number): number {
  const header =
    UINT32_FIELD + delimited(utf8(MAX_NAME_LENGTH)) + UINT32_FIELD + delimited(MAX_NAME_LENGTH) + UINT32_FIELD;
  return header + tagBytes + 5 + body;
}

/**
 * The largest Hello frame decodeEnvelope accepts, every field at its largest
 * (a 32-byte identity key, a 64-byte signature): the frame limit before the
 * handshake. A larger frame is no honest Hello, and is refused unread. About
 * 1 MB, below the 1 MiB fragment size, so a Hello is never fragmented
 * (edge/wire/fragments.ts; no fragment is taken before the handshake).
 */
export const MAX_HELLO_BYTES = (() => {
  const dataset = 1 + 5 + delimited(utf8(MAX_NAME_LENGTH)) * 2; // tag, length, schemaId, label
  const hello =
    delimited(utf8(MAX_NAME_LENGTH)) +
    delimited(utf8(MAX_NAME_LENGTH)) +
    MAX_HELLO_DATASETS * dataset +
    MAX_HELLO_FEATURE_BYTES +
    delimited(32) +
    delimited(64) +
    UINT64_FIELD;
  return envelopeBytes(1, hello);
})();

/**
 * The largest Request frame decodeEnvelope accepts whose spec JSON is at most
 * `specBytes` bytes, every other field at its largest: what a researcher's or
 * auditor's connection may send (coordinator/coordinator.ts), as nothing but
 * a Request carries more than a few kilobytes from them.
 */
export function maxRequestBytes(specBytes: number): number {
  // id, action, job id, spec JSON, after_seq, from_size, then seqs packed (a uint32 varint is at most 5 bytes).
  const request =
    UINT32_FIELD +
    delimited(utf8(MAX_NAME_LENGTH)) * 2 +
    delimited(specBytes) +
    UINT32_FIELD * 2 +
    delimited(5 * LEDGER_PROVE_SEQS);
  // The Request's tag: field 22, two bytes.
  return envelopeBytes(2, request);
}

/** Encodes one Envelope, its free text made sendable first (text-fields.ts: printable, bounded). */
export function encodeEnvelope(env: EnvelopeInit): Uint8Array {
  return pb.Envelope.encode({ version: PROTOCOL_VERSION, ...sendableTexts(env) }).finish();
}

/** Most elements of a repeated field in one message where no cap below names it (edge/wire/wire-scan.ts). */
export const DEFAULT_MAX_REPEATED = 16_384;
/** Most dimensions of a Tensor's shape (every tensor on the wire is flat: one). */
export const MAX_TENSOR_DIMS = 8;
/**
 * The structural bounds every Envelope is scanned against before it is
 * decoded (edge/wire/wire-scan.ts), each derived from the largest honest message:
 * - repeated fields: DEFAULT_MAX_REPEATED, but secure aggregation's lists (a
 *   round's participants, survivors, keys, shares, signatures, rejected
 *   peers) at most MAX_CLIENTS, the largest network its parameter search
 *   takes; a dataset's feature names at most MAX_DATASET_FEATURES (the job
 *   spec's limit); a Hello's datasets MAX_HELLO_DATASETS; a tensor's shape
 *   MAX_TENSOR_DIMS; a Request's seqs LEDGER_PROVE_SEQS (one ledger.prove). (A job spec travels as JSON text, bounded by
 *   MAX_SPEC_JSON_CHARS, and is validated by its schema.)
 * - fields in one message: 2^18. The largest honest messages hold about
 *   250,000 (a Hello with MAX_HELLO_FEATURE_BYTES of one-character feature
 *   names) and 100,000 (the keys of a 10,000-hospital session).
 * - nesting: 8, above the schema's depth of 3 (Envelope, Hello, DatasetInfo),
 *   with room for new messages; no honest message comes near it.
 * A message past one is refused (E_WIRE_COUNT, E_WIRE_DEPTH) at the cost of
 * walking its tags, before protobufjs builds an object of it.
 */
export const WIRE_LIMITS: ScanLimits = {
  maxDepth: 8,
  maxFields: 1 << 18,
  defaultRepeated: DEFAULT_MAX_REPEATED,
  maxHeaderTextBytes: utf8(MAX_NAME_LENGTH),
  repeated: {
    'Tensor.shape': MAX_TENSOR_DIMS,
    'Request.seqs': LEDGER_PROVE_SEQS,
    'Hello.datasets': MAX_HELLO_DATASETS,
    'DatasetInfo.features': MAX_DATASET_FEATURES,
    'SecAggParams.participants': MAX_CLIENTS,
    'SecAggCommitments.commitments': MAX_CLIENTS,
    'SecAggKeys.clients': MAX_CLIENTS,
    'SecAggKeys.reveals': MAX_CLIENTS,
    'SecAggShares.shares': MAX_CLIENTS,
    'SecAggMaskedInput.rejected': MAX_CLIENTS,
    'SecAggSurvivors.survivors': MAX_CLIENTS,
    'SecAggUnmaskRequest.signatures': MAX_CLIENTS,
    'SecAggUnmask.selfMaskShares': MAX_CLIENTS,
    'SecAggUnmask.keyShares': MAX_CLIENTS,
  },
};
const scanner = new WireScanner(WIRE_LIMITS);

/** An Envelope's header fields and body kind, read by the scan without decoding the body. */
export interface EnvelopeHeader {
  version: number;
  jobId: string;
  round: number;
  sender: string;
  seq: number;
  body: BodyKind;
}

/** An encoded Envelope that passed scanEnvelope: only these are decoded (decodeScanned). */
export interface ScannedEnvelope {
  readonly bytes: Uint8Array;
  readonly header: EnvelopeHeader;
}
const scanned = new WeakSet<ScannedEnvelope>();

/** The header's own checks: version, a body, bounded plain-character names. */
function checkHeader(h: WireHeader): EnvelopeHeader {
  if (h.version !== PROTOCOL_VERSION) {
    throw new CohortError(
      'E_WIRE_VERSION',
      `protocol version ${h.version} is not supported (this peer speaks ${PROTOCOL_VERSION})`,
    );
  }
  if (!h.body) throw new CohortError('E_WIRE_FIELD', 'envelope has no body');
  checkText('sender', h.sender, MAX_NAME_LENGTH);
  checkText('jobId', h.jobId, MAX_NAME_LENGTH);
  if (h.sender !== '' && !NAME_RE.test(h.sender))
    throw new CohortError('E_WIRE_FIELD', '"sender" has characters outside [A-Za-z0-9._-]');
  return { ...h, body: h.body as BodyKind };
}

/**
 * The first step of decoding: the size, then the structural scan
 * (WIRE_LIMITS), the version, a body and the header's names, all before any
 * object is built. A caller that must look at the header before paying for
 * the decode (the coordinator: the sender's role against the body kind)
 * calls this, then decodeScanned.
 */
export function scanEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): ScannedEnvelope {
  if (bytes.byteLength > maxBytes) {
    throw new CohortError('E_WIRE_TOO_LARGE', `frame of ${bytes.byteLength} bytes exceeds ${maxBytes}`);
  }
  const s: ScannedEnvelope = Object.freeze({ bytes, header: checkHeader(scanner.scan(bytes)) });
  scanned.add(s);
  return s;
}

/**
 * The header of a message of which `prefix` is the start (a first fragment,
 * edge/wire/fragments.ts), checked as scanEnvelope checks it; null if the prefix
 * ends before the body's tag (an encoder writes the header fields first).
 */
export function peekEnvelope(prefix: Uint8Array): EnvelopeHeader | null {
  const h = scanner.peek(prefix);
  return h && checkHeader(h);
}

/**
 * What decodeScanned may leave to its caller. `helloDatasets: false`: a
 * Hello's datasets (up to 250,000 feature names, the costliest check of a
 * Hello), which the caller checks with checkHelloDatasets once the sender is
 * authenticated, so a stranger's Hello does not buy that work.
 */
export interface DecodeChecks {
  helloDatasets?: boolean;
}

/** The second step: decodes what scanEnvelope let through, and bounds every text field (`checks`: what it may leave out). */
export function decodeScanned(s: ScannedEnvelope, checks: DecodeChecks = {}): Envelope {
  if (!scanned.has(s)) throw new CohortError('E_INTERNAL', 'decodeScanned takes only what scanEnvelope returned');
  let env: Envelope;
  try {
    env = pb.Envelope.decode(s.bytes);
  } catch (err) {
    throw new CohortError('E_WIRE_DECODE', `not a valid Envelope: ${(err as Error).message}`);
  }
  checkBodyText(env, checks.helloDatasets ?? true);
  return env;
}

/** Scans, then decodes, one encoded Envelope of at most `maxBytes`. */
export function decodeEnvelope(bytes: Uint8Array, maxBytes = DEFAULT_MAX_FRAME_BYTES): Envelope {
  return decodeScanned(scanEnvelope(bytes, maxBytes));
}

/** Free-text fields end up in logs: bound them so a peer cannot flood a log line. */
function checkBodyText(env: Envelope, helloDatasets: boolean): void {
  if (env.hello) checkHello(env.hello, helloDatasets);
  if (env.jobOffer) {
    checkText('jobOffer.owner', env.jobOffer.owner ?? '', MAX_NAME_LENGTH);
    checkLength('jobOffer.specJson', env.jobOffer.specJson ?? '', MAX_SPEC_JSON_CHARS);
  }
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
    checkLength('request.specJson', env.request.specJson ?? '', MAX_SPEC_JSON_CHARS);
  }
  if (env.challenge) {
    checkText('challenge.coordinatorId', env.challenge.coordinatorId ?? '', MAX_NAME_LENGTH);
    if ((env.challenge.nonce?.length ?? 0) !== 32)
      throw new CohortError('E_WIRE_FIELD', '"challenge.nonce" must be 32 bytes');
  }
  if ((env.hello?.handshakeSignature?.length ?? 0) > 64)
    throw new CohortError('E_WIRE_FIELD', '"hello.handshakeSignature" longer than 64 bytes');
  const entry = env.roundResult?.ledgerEntry;
  if (entry) {
    checkLength('roundResult.ledgerEntry.canonical', entry.canonical ?? '', MAX_LEDGER_ENTRY_CHARS);
    checkHex('roundResult.ledgerEntry.hash', entry.hash ?? '', 64);
    checkHex('roundResult.ledgerEntry.signature', entry.signature ?? '', 128);
  }
  if (env.ledgerCosignature) {
    if (env.ledgerCosignature.root?.length !== 32)
      throw new CohortError('E_WIRE_FIELD', '"ledgerCosignature.root" must be 32 bytes');
    if (env.ledgerCosignature.signature?.length !== 64)
      throw new CohortError('E_WIRE_FIELD', '"ledgerCosignature.signature" must be 64 bytes');
  }
  if (env.welcome?.ledgerKey?.length && env.welcome.ledgerKey.length !== 32)
    throw new CohortError('E_WIRE_FIELD', '"welcome.ledgerKey" must be 32 bytes');
  if (env.welcome) checkLength('welcome.rosterJson', env.welcome.rosterJson ?? '', MAX_ROSTER_JSON_CHARS);
  if (env.rosterUpdate) checkLength('rosterUpdate.chainJson', env.rosterUpdate.chainJson ?? '', MAX_ROSTER_JSON_CHARS);
  checkSessionNames(env);
}

/** A Hello within the bounds MAX_HELLO_BYTES is derived from. */
function checkHello(h: cohort.v1.IHello, withDatasets: boolean): void {
  checkText('hello.name', h.name ?? '', MAX_NAME_LENGTH);
  checkText('hello.software', h.software ?? '', MAX_NAME_LENGTH);
  const datasets = h.datasets ?? [];
  if (datasets.length > MAX_HELLO_DATASETS)
    throw new CohortError('E_WIRE_FIELD', `"hello.datasets" lists more than ${MAX_HELLO_DATASETS} datasets`);
  if (withDatasets) checkHelloDatasets(datasets);
}

/**
 * The datasets a Hello offers, within the bounds MAX_HELLO_BYTES is derived
 * from. The daemon runs the same check on its dataset at start
 * (client/config.ts), so a dataset no coordinator would take is refused there.
 */
export function checkHelloDatasets(datasets: readonly cohort.v1.IDatasetInfo[]): void {
  for (const d of datasets) {
    checkText('hello.datasets.schemaId', d.schemaId ?? '', MAX_NAME_LENGTH);
    checkText('hello.datasets.label', d.label ?? '', MAX_NAME_LENGTH);
    if ((d.features?.length ?? 0) > MAX_DATASET_FEATURES)
      throw new CohortError(
        'E_WIRE_FIELD',
        `"hello.datasets.features" lists more than ${MAX_DATASET_FEATURES} features`,
      );
    for (const f of d.features ?? []) checkText('hello.datasets.features', f, MAX_NAME_LENGTH);
  }
  const featureBytes = helloFeatureBytes(datasets.flatMap((d) => d.features ?? []));
  if (featureBytes > MAX_HELLO_FEATURE_BYTES) {
    throw new CohortError(
      'E_WIRE_FIELD',
      `"hello.datasets.features" take ${featureBytes} bytes on the wire, more than ${MAX_HELLO_FEATURE_BYTES}`,
    );
  }
}

/** The bytes feature names take in a Hello: each name's UTF-8, its tag and its length. */
function helloFeatureBytes(features: readonly string[]): number {
  return features.reduce((n, f) => n + Buffer.byteLength(f) + 3, 0);
}

function checkHex(field: string, value: string, length: number): void {
  if (value.length !== length || !HEX_RE.test(value))
    throw new CohortError('E_WIRE_FIELD', `"${field}" must be ${length} lowercase hex digits`);
}

/** A client name as it must appear in Hello (core/auth/name.ts isIdentityName). */
export function validateClientName(name: string): string {
  if (!isIdentityName(name))
    throw new CohortError('E_WIRE_FIELD', `client name must be ${NAME_SHAPE} and not "${COORDINATOR_NAME}"`);
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
    throw new CohortError(
      'E_UPDATE_LENGTH',
      `tensor shape [${shape.join(',')}] does not hold ${expectedLength} values`,
    );
  }
  return bytesToVector(t.data, expectedLength);
}

/**
 * The resolved spec as the offer carries it: the same JSON a researcher
 * submits (one encoding of a spec on the wire), so the hospital validates it
 * with the same schema and a field added to the spec needs no wire mapping.
 */
export function jobSpecToWire(spec: JobSpec): string {
  const json = JSON.stringify(spec);
  if (json.length > MAX_SPEC_JSON_CHARS) {
    throw new CohortError(
      'E_JOB_SPEC_SIZE',
      `the job spec is ${json.length} characters of JSON, over ${MAX_SPEC_JSON_CHARS}`,
    );
  }
  return json;
}

/** Validates a received spec with the same schema as a submitted one. */
export function jobSpecFromWire(json: string | null | undefined): JobSpec {
  if (!json) throw new CohortError('E_JOB_SPEC', 'job offer has no spec');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new CohortError('E_JOB_SPEC', 'the offered job spec is not valid JSON');
  }
  return parseJobSpec(value);
}

/** Noisy counts on the wire. */
export function noisyCountsToWire(n: NoisyCounts): cohort.v1.NoisyCounts.$Properties {
  return noisyCountsOnly(n);
}

/** Metrics on the wire: an undefined AUC (one-class split) is an absent field, never NaN. */
export function metricsToWire(m: Metrics): cohort.v1.Metrics.$Properties {
  const out: cohort.v1.Metrics.$Properties = {
    numExamples: m.numExamples,
    numCorrect: m.numCorrect,
    loss: m.loss,
    accuracy: m.accuracy,
  };
  if (Number.isFinite(m.auc)) out.auc = m.auc;
  // A task's own figures (core/metrics.ts): NaN (a C-index without a comparable pair, an R² of an empty split)
  // travels as a present NaN; absent means another task's job.
  if (m.cIndex !== undefined) out.cIndex = m.cIndex;
  if (m.balancedAccuracy !== undefined) out.balancedAccuracy = m.balancedAccuracy;
  if (m.hammingAccuracy !== undefined) out.hammingAccuracy = m.hammingAccuracy;

  if (m.mse !== undefined) out.mse = m.mse;
  if (m.mae !== undefined) out.mae = m.mae;
  if (m.r2 !== undefined) out.r2 = m.r2;
  return out;
}

/** Reads wire metrics; range checks are the receiver's (validateMetrics). */
export function metricsFromWire(m: cohort.v1.Metrics.$Properties | null | undefined): Metrics {
  if (!m) throw new CohortError('E_WIRE_FIELD', 'metrics missing');
  return {
    numExamples: m.numExamples ?? 0,
    numCorrect: m.numCorrect ?? 0,
    loss: m.loss ?? 0,
    accuracy: m.accuracy ?? 0,
    auc: m.auc ?? Number.NaN,
    ...present('cIndex', m.cIndex),
    ...present('balancedAccuracy', m.balancedAccuracy),
    ...present('hammingAccuracy', m.hammingAccuracy),
    ...present('mse', m.mse),
    ...present('mae', m.mae),
    ...present('r2', m.r2),
  };
}

/** An optional wire double as an optional Metrics field. */
function present<K extends keyof Metrics>(k: K, v: number | null | undefined): Partial<Record<K, number>> {
  return v === undefined || v === null ? {} : ({ [k]: v } as Partial<Record<K, number>>);
}
