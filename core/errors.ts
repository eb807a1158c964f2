/**
 * The one registry of cohort's error codes. Every typed error carries a stable
 * `code`; the wire `Error` frame carries the same code, and tests assert codes,
 * never message text. `close` is the WebSocket close code sent when the error
 * means the peer can no longer be trusted (undefined: report, keep the peer).
 * `http` is the HTTP status an HTTP server (the auditors' ledger endpoint, the
 * dashboard) answers with when a request ends in this error; every code those
 * servers can send states one (test/core/errors.test.ts), others answer 500.
 * The table is grouped by what a code does, one row a code: closing(close),
 * reported (keeps the peer), answered(http); E_RATE_LIMIT and E_INTERNAL do both.
 */
interface Entry {
  close: number | undefined;
  http?: number;
  doc: string;
}

type Docs = Record<string, string>;

/** The rows of a group: each code with its doc and what the group's codes do to the peer (`effect`). */
function group<T extends Docs>(effect: Omit<Entry, 'doc'>, docs: T): Record<keyof T, Entry> {
  const rows = Object.entries(docs).map(([code, doc]) => [code, { ...effect, doc }]);
  return Object.fromEntries(rows) as Record<keyof T, Entry>;
}
const closing = <T extends Docs>(close: number, docs: T) => group({ close }, docs);
const reported = <T extends Docs>(docs: T) => group({ close: undefined }, docs);
const answered = <T extends Docs>(http: number, docs: T) => group({ close: undefined, http }, docs);

export const ERRORS = {
  // The peer broke the protocol and can no longer be trusted: reported once, then its connection is closed.
  ...closing(1002, {
    E_WIRE_FRAGMENT:
      'a Fragment frame out of order, inconsistent with its message (id, count, total, lengths), nested, or another frame inside a fragmented message',
    E_WIRE_VERSION: 'unsupported wire protocol version',
    E_WIRE_SEQ: 'sequence number not strictly increasing',
    E_WIRE_UNEXPECTED: 'message kind not allowed in this direction or state',
  }),
  ...closing(1003, { E_WIRE_NOT_BINARY: 'text frame where a binary Envelope was expected' }),
  ...closing(1007, {
    E_WIRE_DECODE: 'frame is not a valid Envelope',
    E_WIRE_FIELD: 'a field is missing, too long or out of range, or its text holds a control or format character',
  }),
  ...closing(1008, {
    E_NOT_JOINED: 'peer spoke before sending Hello',
    E_DUPLICATE_NAME: 'another live connection already uses this client name',
    E_SLOW_PEER: 'peer does not read its frames fast enough (send buffer over the limit)',
    E_AUTH_FAILED:
      "handshake refused: not enrolled, revoked, another key than the enrolled one, a bad, stale or replayed signature, a malformed Hello, or (mutual TLS) a client certificate naming another identity; under enrolment every refused Hello gets this code and one message, the reason only in the coordinator's log",
    E_AUTH_REVOKED: "the connection's identity was revoked",
    E_HELLO_TIMEOUT: 'peer did not send Hello in time',
  }),
  ...closing(1009, {
    E_WIRE_TOO_LARGE:
      'frame exceeds the maximum frame size, or a message (edge/wire/fragments.ts) the maximum message size',
    E_WIRE_COUNT:
      'a message holds more fields, more elements of a repeated field, or more occurrences of a singular field or oneof than the wire allows (edge/wire/wire-scan.ts), found before it is decoded',
    E_WIRE_DEPTH: 'a message nests sub-messages deeper than the wire allows (edge/wire/wire-scan.ts)',
  }),
  // Reported; the peer stays connected (over HTTP: 500).
  ...reported({
    // Operations (cohort coordinator backup|restore)
    E_DB_IN_USE: 'the database is open in a running process (a coordinator): stop it before restoring over it',
    E_BACKUP_INVALID: 'a backup copy failed its integrity check or its ledger verification; nothing was written',
    // Sessions and rounds
    E_UNKNOWN_JOB: 'no such job',
    E_NOT_PARTICIPANT:
      'client is not a participant of this job or round (a job not offered to it, a round not sent to it)',
    E_ROUND_MISMATCH: 'message for a round that is not open',
    E_DUPLICATE_UPDATE: 'client already submitted for this round',
    E_UPDATE_LENGTH: 'update length differs from the model size',
    E_UPDATE_NONFINITE: 'update contains NaN or Infinity',
    E_UPDATE_RANGE: 'update field out of range',
    E_UPDATE_BOUND:
      "an update outside the job's updateBound (core/round/update-bound.ts): without secure aggregation, an L2 norm over maxNorm or more examples than its sender declared when it joined; in any job, a declared weight over maxExamples. The update (or join) is refused and its sender leaves the round",
    E_AGGREGATE_NONFINITE:
      "a round's aggregate (the new global weights or the server optimiser's state) is not finite: the round fails, the weights stay as they were",
    // Jobs
    E_JOB_SPEC: 'job spec failed validation',
    E_JOB_FEATURES:
      'job needs features the local dataset does not provide (at a hospital), or that fewer than minClients known hospitals offer (at submission)',
    E_JOB_TASK:
      "the job's task needs a label the local dataset does not have (another kind of label, other classes or labels, or another order of them): declined at admission",
    E_JOB_STATE:
      'the job is not in a state that allows this action (pausing a finished job, resuming one that is not paused; a hospital offered again a job that already ended there)',
    E_ROUND_FAILED: 'round ended with fewer than minClients results',
    E_JOB_FAILED: 'job exhausted its round retries',
    E_JOB_SPEC_SIZE:
      "a submitted job spec's JSON is larger than the coordinator accepts (CoordinatorOptions.submissions.maxSpecBytes); refused before it is parsed",
    E_BUSY:
      "the coordinator's worker threads are busy and their queue is full (CoordinatorOptions.submissions.queue): try again later; nothing was started",
    E_QUOTA_EXCEEDED:
      'the identity is over one of its quotas (CoordinatorOptions.quotas): unfinished jobs, submissions in the window, submissions being prepared at once, or bytes of weights its jobs may store; nothing is written',
    E_JOB_UNSTARTABLE:
      'a secure-aggregation job needs more hospitals (minClients) than the published roster lists: it could never start, so it is refused at submission',
    // Data and configuration
    E_SCHEMA_INVALID: 'dataset schema failed validation',
    E_DATA_COLUMNS: 'CSV header does not match the declared schema',
    E_DATA_EMPTY: 'no usable rows after cleaning',
    E_DATA_UNTRAINABLE:
      'the data cannot be right: a model input missing or constant in every used row, a label of one class, or more records rejected by the reader than the schema allows',
    E_DATA_ROW: 'the CSV file cannot be parsed past a record (malformed quoting)',
    E_DATA_FILE:
      'a data file or directory cannot be read as the declared format (not a FHIR Bundle, over the size limit, no usable files)',
    E_INTAKE_SECRET: "the site's pseudonymisation secret is missing, too short, or its file is readable by others",
    E_DICOM_REJECTED:
      'a DICOM file cannot be de-identified: not Part 10, unparseable, an unsupported transfer syntax, or burned-in annotation (the message names the reason code only)',
    E_LISTEN:
      'a server cannot bind its address: the port is in use (EADDRINUSE), needs privileges (EACCES), or the address is not on this machine (EADDRNOTAVAIL)',
    E_TOKEN_FILE:
      'a bearer-token file cannot be read, is not a regular file, is accessible by group or others, or holds a token too short or too predictable',
    // Secure aggregation
    E_SECAGG_SHARES:
      'Shamir split or combine got invalid parameters, too few or malformed shares, or inconsistent shares',
    E_SECAGG_PARAMS: 'secure-aggregation session parameters are invalid (graph degree, threshold, bits, participants)',
    E_SECAGG_PROTOCOL: 'secure-aggregation message out of order or inconsistent with the session',
    E_SECAGG_BAD_SIGNATURE: "a secure-aggregation message is not signed by its sender's identity key",
    E_SECAGG_BAD_KEY: 'a key is missing, malformed, reused or of low order',
    E_SECAGG_BAD_SHARE: 'a share is for the wrong recipient or owner, malformed, or revealed against the protocol',
    E_SECAGG_TOO_FEW: 'fewer clients than the threshold remain in the session',
    E_SECAGG_DECRYPT:
      'an encrypted secure-aggregation message failed authentication (wrong key, associated data, or tampered bytes)',
    E_SECAGG_SUM_BOUND:
      "the unmasked secure sum lies outside what its survivors' clipped inputs can produce (a malicious input or a wrapped sum); the round fails and is retried (docs/byzantine.md)",
    E_SECAGG_SEED:
      "the round's graph seed cannot be agreed: a seed reveal is missing, does not open its commitment, or the commitment list is not this session's",
    E_SECAGG_ATTEMPT:
      'a secure-aggregation attempt number repeats or goes back within a round, or passes the per-round attempt cap',
    E_SECAGG_BAD_INPUT: 'a secure-aggregation crypto function got an argument of the wrong type, length or range',
    // Roster: the hospitals of a network and their identity keys, signed by the hospitals (core/roster/)
    E_ROSTER_INVALID:
      'a roster document is malformed, a signature does not verify, a version lacks its quorum, or the chain of versions is broken',
    E_ROSTER_MISMATCH:
      "a roster does not extend this party's roster (a rollback or a fork), or a session names another roster than this hospital's",
    E_ROSTER_MISSING:
      "secure aggregation needs the hospitals' signed roster and this party has none (publish one at the coordinator; install one at the hospital with client start --roster)",
    E_ROSTER_NOT_MEMBER:
      'a hospital that is not in the roster (or presents another key than its roster key) was named in, or asked to join, a secure-aggregation session',
    // Privacy accounting and the ledger
    E_PRIVACY_PARAMS:
      'privacy accounting or a noise sampler got an invalid parameter (sampling rate, noise multiplier, sigma, order, steps, epsilon, delta, length) or a target it cannot reach',
    E_PRIVACY_ROUNDING:
      'conditional randomized rounding drew no rounding within the norm bound in the allowed tries (for a clipped input each try fails with probability at most beta)',
    E_POLICY_DECLINED:
      "the hospital declined the job: it breaks the hospital's local policy (the rules broken are named)",
    E_BUDGET_REQUIRED:
      "the hospital has no privacy budget (client start --state and --budget-epsilon), so it declines DP jobs: it could neither record what it releases nor keep a round's output to send again instead of training it anew",
    E_BUDGET_EXCEEDED:
      'the hospital refused: the job or round would take its dataset past its privacy budget, or has no DP guarantee to charge',
    E_LEDGER_MISMATCH:
      "a ledger entry from the coordinator does not match what this hospital charged or is not signed by the coordinator's ledger key",
    E_LEDGER_ENCODING:
      'a value has no canonical JSON form (RFC 8785 subset): undefined, NaN or Infinity, a function, typed array or non-plain object, a lone surrogate, or nesting deeper than the limit',
    E_LEDGER_KEY: 'a ledger signing or verification key is not a 32-byte Ed25519 key',
    E_LEDGER_KEY_MISSING:
      "the coordinator's ledger key file (<db>.ledger.key) is missing while its database holds a ledger signed by it: restore the file, or pass --ledger-key; no new key is made for an existing ledger",
    E_LEDGER_PROOF:
      'a Merkle tree size, leaf index or proof given to the ledger tree (core/ledger/merkle.ts) is out of range or malformed',
    E_LEDGER_CHECKPOINT:
      "a ledger checkpoint or cosignature (C2SP signed note) is malformed, names another log, or does not verify under the coordinator's or the witness's key",
    E_LEDGER_SPLIT_VIEW:
      'the coordinator showed this party a ledger that is not an extension of one it saw before (no valid consistency proof, or a different root at the same size): a split view',
    E_LEDGER_SCOPE:
      "the coordinator answered a ledger read with another part of the ledger than the reader asked for: a hospital's own entries to a reader of the whole ledger (an auditor, whose check would shrink to each entry's seal), or the whole ledger to a reader that asked for its own (ledger fetch --own)",
  }),
  // What an HTTP server (the auditors' endpoint coordinator/ledger-http.ts, the dashboard coordinator/dashboard/)
  // answers with these; on a WebSocket they are reported and the peer stays.
  ...answered(400, {
    E_HTTP_REQUEST:
      'the request is malformed (unknown format, a body not of the expected type, shape or size, a paging parameter that is not an integer in range)',
  }),
  ...answered(401, { E_UNAUTHORIZED: 'the request carries no valid credential for this endpoint' }),
  ...answered(403, {
    E_FORBIDDEN:
      "the identity's role may not perform this action (core/auth/policy.ts) or send this frame (core/auth/frames.ts), or not on this job",
    E_HTTP_CROSS_ORIGIN:
      "a dashboard request from another origin (Sec-Fetch-Site), or a POST without an Origin header naming the dashboard's own origin",
  }),
  ...answered(404, { E_NOT_FOUND: 'no such resource' }),
  ...answered(405, { E_HTTP_METHOD: 'the request uses a method the resource does not allow (GET only, or POST only)' }),
  ...answered(409, {
    E_SESSION_EXISTS:
      'the browser already holds a dashboard session of another identity: a login link replaces it only once the user confirms (replace: true)',
  }),
  ...answered(414, { E_HTTP_URL_TOO_LONG: 'the request URL is longer than the server reads (2048 characters)' }),
  ...answered(500, {
    E_CONFIG_INVALID: 'invalid option or configuration value (over HTTP: the server is misconfigured, not the request)',
    E_LEDGER_ENTRY:
      "a ledger entry, sealed entry or receipt given to a ledger function is malformed (fails its schema, wrong hex length, seq or name out of range, or over the size limit); over HTTP, a stored row that holds no ledger entry (the server's data, not the request)",
  }),
  ...answered(503, {
    E_TOO_COSTLY:
      "preparing the request in a worker thread (parsing a job spec, calibrating its noise) passed its time or memory limit (CoordinatorOptions.submissions); the worker is stopped and nothing is written. Also an auditor's ledger thread (edge/ledger-pool.ts) past its timeLimitMs or memoryLimitMb: the audit stops; the dashboard's ledger verifier thread past its memory limit (its view shows this code)",
    E_STORE: 'database is unreadable or from an incompatible version',
    E_HTTP_BUSY:
      'the dashboard holds as many open event streams, login codes or sessions over all identities as it allows (MAX_EVENT_STREAMS, MAX_LOGIN_CODES, MAX_SESSIONS); new ones are refused, none is closed',
  }),
  E_RATE_LIMIT: {
    close: 1008,
    http: 429,
    doc: 'peer exceeded its message budget (over HTTP: a dashboard session past its read budget, coordinator/dashboard/request-budget.ts, answered and kept)',
  },
  E_INTERNAL: { close: 1011, http: 500, doc: 'unexpected internal error' },
} satisfies Record<string, Entry>;

export type ErrorCode = keyof typeof ERRORS;

export class CohortError extends Error {
  override readonly name = 'CohortError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].doc,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** WebSocket close code if this error means the peer must be disconnected. */
  get closeCode(): number | undefined {
    return ERRORS[this.code].close;
  }
}

/** The HTTP status a request that ends in this error is answered with (500 for a code that states none). */
export function httpStatusOf(code: ErrorCode): number {
  return ERRORS[code].http ?? 500;
}

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERRORS, code);
}

/** Normalises anything thrown into a CohortError without leaking internals to peers. */
export function asCohortError(err: unknown): CohortError {
  if (err instanceof CohortError) return err;
  return new CohortError('E_INTERNAL', 'internal error', { cause: err });
}
