/**
 * The coordinator's options (STYLE: configuration is data, validated once):
 * one zod schema holds every default and bound, a refusal is one
 * E_CONFIG_INVALID naming each wrong field (core/options.ts), and the limits
 * that follow from several options (message, buffer and byte-rate limits,
 * the largest Hello and Request) are resolved here, once. No other file
 * defines a coordinator default.
 */
import { z } from 'zod';
import { isPrintable } from '../core/printable.ts';
import { parseOptions } from '../core/options.ts';
import { jobQuotasSchema } from '../core/job/quota.ts';
import type { RosterChain } from '../core/roster/index.ts';
import type { Identity } from '../core/secagg/index.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { DEFAULT_MAX_FRAME_BYTES, MAX_HELLO_BYTES, MAX_SPEC_JSON_CHARS, maxRequestBytes } from '../edge/wire/codec.ts';
import {
  DEFAULT_FRAGMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MESSAGE_TIMEOUT_MS,
  DEFAULT_MIN_BYTES_PER_SECOND,
  FRAGMENT_HEADER_BYTES,
  MIN_FRAGMENT_BYTES,
} from '../edge/wire/fragments.ts';
import type { DashboardOptions } from './dashboard/server.ts';
import { submissionLimitsSchema } from './job-submissions.ts';

/** A week: the longest start wait an operator may set. */
export const MAX_START_WAIT_MS = 7 * 86_400_000;
/** Longest delay setTimeout takes (a longer one fires at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** The smallest frame limit that fits one fragment of a fragmented message (edge/wire/fragments.ts fragmentBytesFor). */
export const MIN_FRAME_BYTES = MIN_FRAGMENT_BYTES + FRAGMENT_HEADER_BYTES;
/** The largest frame limit: 1 GiB, far past any message the job spec allows. */
export const MAX_FRAME_BYTES = 1 << 30;

/**
 * The coordinator's defaults (the wire's shared ones come from edge/wire/):
 * - `maxMessagesPerSecond` 50 with bursts of `messageBurst` 200: an honest
 *   hospital sends a handful of messages per round (Hello, join, evaluation,
 *   five secure-aggregation messages, receipt), so this leaves two orders of
 *   magnitude of headroom.
 * - `maxStartWaitMs` 4 hours (docs/threat-model.md, finding 3): hospital
 *   daemons stay connected, so hospitals that will take a job join within
 *   minutes, and 4 hours covers a daemon restart or a maintenance window; a
 *   job that never started has spent nothing, so a false failure costs its
 *   researcher a resubmission.
 * - `messageTimeoutMs` 30 s and `minBytesPerSecond` 256 KiB (2 Mbit): a 40 MB
 *   update may take 2.5 minutes and a message at the 68 MiB limit 4.5.
 * - `heartbeatMs` 15 s, `helloTimeoutMs` 10 s; port 0 (any free port) and
 *   loopback for the library, `DAEMON_DEFAULTS` for `cohort coordinator start`.
 * - `maxPendingHellos` 256 and 64 per remote address: connections waiting
 *   for their Hello, each holding at most about 1 MB (the largest Hello) for
 *   at most `helloTimeoutMs`, so about 256 MB at the most; an honest peer's
 *   Hello follows its connection within a round trip, and one refused
 *   retries (a daemon with backoff, a command on the operator's say).
 */
export const COORDINATOR_DEFAULTS = {
  id: 'coordinator',
  port: 0,
  host: '127.0.0.1',
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  fragmentBytes: DEFAULT_FRAGMENT_BYTES,
  helloTimeoutMs: 10_000,
  heartbeatMs: 15_000,
  requireEnrolment: false,
  maxMessagesPerSecond: 50,
  messageBurst: 200,
  messageTimeoutMs: DEFAULT_MESSAGE_TIMEOUT_MS,
  minBytesPerSecond: DEFAULT_MIN_BYTES_PER_SECOND,
  maxStartWaitMs: 4 * 3_600_000,
  maxPendingHellos: 256,
  maxPendingHellosPerAddress: 64,
} as const;

/** Where the daemon (`cohort coordinator start`) differs from the library: a fixed port and a database file. */
export const DAEMON_DEFAULTS = { port: 7700, dbPath: 'coordinator.db' } as const;

const D = COORDINATOR_DEFAULTS;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `expected ${what}`);
const ms = z.number().int().min(1).max(MAX_TIMER_MS);
const positive = z.number().finite().positive();
const pem = z.union([z.string(), z.instanceof(Buffer)]);

const coordinatorOptionsSchema = z
  .strictObject({
    /** SQLite file; ':memory:' for throwaway runs. */
    dbPath: z.string().min(1),
    port: z.number().int().min(0).max(65_535).default(D.port),
    host: z.string().min(1).default(D.host),
    /**
     * Also serve /healthz and /readyz (health.ts) as plain http on this port
     * of 127.0.0.1 alone (0: any free port), for a probe on the same host that
     * cannot speak the main port's TLS or hold a client certificate.
     */
    healthPort: z.number().int().min(0).max(65_535).optional(),
    id: z
      .string()
      .min(1)
      .max(128)
      .refine(isPrintable, 'no control or format characters: every client would refuse it on the wire')
      .default(D.id),
    log: z
      .custom<Logger>((v) => isObject(v) && typeof v.child === 'function', 'expected a logger')
      .default(silentLogger),
    now: fn<() => number>('a clock function (ms)').default(() => Date.now),
    /** Largest frame accepted (ws maxPayload and decoder cap). */
    maxFrameBytes: z.number().int().min(MIN_FRAME_BYTES).max(MAX_FRAME_BYTES).default(D.maxFrameBytes),
    /**
     * Largest message a hospital may send in fragments (edge/wire/fragments.ts;
     * default max(DEFAULT_MAX_MESSAGE_BYTES, maxFrameBytes), 68 MiB: the
     * largest model the job spec allows); other roles' messages stay within
     * one frame's size. Told to each peer in its Welcome. A uint32 on the wire.
     */
    maxMessageBytes: z.number().int().max(0xffff_ffff).optional(),
    /** Payload of each fragment this coordinator sends (default 1 MiB, less if the frame limit is smaller). */
    fragmentBytes: z.number().int().min(MIN_FRAGMENT_BYTES).max(MAX_FRAME_BYTES).default(D.fragmentBytes),
    /**
     * A peer whose unread send buffer exceeds this before a message is sent is
     * disconnected (E_SLOW_PEER). Default: one largest message plus four
     * frames, so a peer still reading a model download or round config is not
     * taken for one that does not read.
     */
    maxBufferedBytes: z.number().int().min(1).optional(),
    /** A connection that sends no Hello within this time is closed. */
    helloTimeoutMs: ms.default(D.helloTimeoutMs),
    /**
     * Connections waiting for their Hello at once, in all and from one remote
     * address (pending-hellos.ts): past either, a new one is refused as it
     * opens (closed 1013 E_RATE_LIMIT).
     */
    maxPendingHellos: z.number().int().min(1).default(D.maxPendingHellos),
    maxPendingHellosPerAddress: z.number().int().min(1).default(D.maxPendingHellosPerAddress),
    /** Ping interval; a peer that misses one pong is terminated (half-open TCP). */
    heartbeatMs: ms.default(D.heartbeatMs),
    /**
     * Ed25519 key that signs the privacy ledger. Default: the key file beside
     * the database (`<db>.ledger.key`, created 0600 on first start, like an SSH
     * host key); a fresh throwaway key for ':memory:'.
     */
    ledgerKey: z
      .custom<Identity>(
        (v) => isObject(v) && v.publicKey instanceof Uint8Array && v.secretKey instanceof Uint8Array,
        'expected an Ed25519 identity (publicKey, secretKey)',
      )
      .optional(),
    /**
     * TLS: serve wss:// with this certificate chain and key (PEM). With
     * `clientCa`, mutual TLS: only clients presenting a certificate issued by
     * it complete the TLS handshake, and a Hello must authenticate a name the
     * certificate carries (its subject CN or a DNS subjectAltName).
     */
    tls: z.strictObject({ cert: pem, key: pem, clientCa: pem.optional() }).optional(),
    /**
     * Only enrolled identities may connect (cohort admin enroll): a Hello must
     * come from an enrolled, unrevoked hospital, present its enrolled key and
     * sign this connection's challenge. Off only for in-process simulations.
     */
    requireEnrolment: z.boolean().default(D.requireEnrolment),
    /**
     * Sustained messages per second one connection may send, and the burst
     * above it (token bucket; a fragmented message counts once, at its first
     * fragment); over it, E_RATE_LIMIT closes the connection.
     */
    maxMessagesPerSecond: positive.default(D.maxMessagesPerSecond),
    messageBurst: z.number().int().min(1).default(D.messageBurst),
    /**
     * Sustained bytes per second one connection may send, every frame counted
     * (token bucket with a burst of twice this); at least maxFrameBytes.
     * Default: one largest message a second (maxMessageBytes), so a hospital
     * sends a full-size update at once, and no peer streams fragments without end.
     */
    maxBytesPerSecond: positive.optional(),
    /**
     * A fragmented message must be whole within max(messageTimeoutMs, its
     * size / minBytesPerSecond) of its first fragment; one that is not is
     * refused (E_WIRE_FRAGMENT), its connection closed and its bytes freed,
     * so no peer holds the coordinator's memory with a message it never finishes.
     */
    messageTimeoutMs: positive.default(D.messageTimeoutMs),
    minBytesPerSecond: positive.default(D.minBytesPerSecond),
    /** Fault injection for crash tests: called after a round is aggregated, before it is committed. */
    beforeCommit: fn<(e: { jobId: string; round: number }) => void>('a function').optional(),
    /** Serve the web dashboard (coordinator/dashboard/) on its own port; needs a database file. */
    dashboard: z.custom<DashboardOptions>(isObject, 'expected dashboard options').optional(),
    /**
     * A roster chain to publish at start (core/roster/), as `cohort roster
     * publish` would: it must extend the database's. Secure-aggregation jobs
     * need a roster: their sessions take identity keys from it alone.
     */
    roster: z.custom<RosterChain>(isObject, 'expected a roster chain').optional(),
    /**
     * Limits on preparing a researcher's job (coordinator/job-submissions.ts):
     * worker threads, their queue, time and memory per submission, spec bytes.
     */
    submissions: submissionLimitsSchema.prefault({}),
    /** Per-researcher quotas (core/job/quota.ts): unfinished jobs, submissions per window and at once, stored bytes. */
    quotas: jobQuotasSchema.prefault({}),
    /**
     * Longest a job may wait for its first round, from its creation: past it,
     * a job still short of minClients hospitals (or paused before its first
     * round) fails, and every hospital offered it releases its budget
     * reservation. Counted from the creation time the database holds, across restarts.
     */
    maxStartWaitMs: z.number().int().min(1).max(MAX_START_WAIT_MS).default(D.maxStartWaitMs),
  })
  .superRefine((o, ctx) => {
    if (o.maxMessageBytes !== undefined && o.maxMessageBytes < o.maxFrameBytes)
      ctx.addIssue({
        code: 'custom',
        path: ['maxMessageBytes'],
        message: `expected at least maxFrameBytes (${o.maxFrameBytes})`,
      });
    if (o.maxBytesPerSecond !== undefined && o.maxBytesPerSecond < o.maxFrameBytes)
      ctx.addIssue({
        code: 'custom',
        path: ['maxBytesPerSecond'],
        message: `expected at least maxFrameBytes (${o.maxFrameBytes}): a frame must fit in a second's bytes`,
      });
  })
  .transform((o) => {
    const maxMessageBytes = o.maxMessageBytes ?? Math.max(DEFAULT_MAX_MESSAGE_BYTES, o.maxFrameBytes);
    return {
      ...o,
      maxMessageBytes,
      fragmentBytes: Math.min(o.fragmentBytes, o.maxFrameBytes - FRAGMENT_HEADER_BYTES),
      maxBufferedBytes: o.maxBufferedBytes ?? maxMessageBytes + 4 * o.maxFrameBytes,
      maxBytesPerSecond: o.maxBytesPerSecond ?? maxMessageBytes,
      /** Largest frame read before the handshake: the largest Hello, within the frame limit. */
      maxHelloBytes: Math.min(MAX_HELLO_BYTES, o.maxFrameBytes),
      /**
       * Largest Request a peer may send: the most a researcher or auditor
       * sends. A spec of the wire's character limit in ASCII fits too, so an
       * oversize spec gets its typed refusal (E_JOB_SPEC_SIZE) where it can.
       */
      requestLimit: Math.min(
        maxMessageBytes,
        maxRequestBytes(Math.max(o.submissions.maxSpecBytes, MAX_SPEC_JSON_CHARS)),
      ),
    };
  });

export type CoordinatorOptions = z.input<typeof coordinatorOptionsSchema>;
/** The options validated, every default applied and every derived limit resolved. */
export type CoordinatorConfig = Readonly<z.output<typeof coordinatorOptionsSchema>>;

/** Configurations this module produced: a second parse of one is skipped (the CLI parses with its flags' names). */
const parsed = new WeakSet<object>();

/**
 * Validates `input` once; throws E_CONFIG_INVALID naming each wrong field, as
 * `names[field]` when given (a CLI passes its flags' names; a nested field
 * reads "submissions.workers").
 */
export function parseCoordinatorOptions(
  input: CoordinatorOptions | CoordinatorConfig,
  names?: Readonly<Record<string, string>>,
): CoordinatorConfig {
  if (parsed.has(input)) return input as CoordinatorConfig;
  const config = Object.freeze(
    parseOptions(coordinatorOptionsSchema, 'coordinator', input as CoordinatorOptions, names),
  );
  parsed.add(config);
  return config;
}
