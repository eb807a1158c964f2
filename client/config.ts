/**
 * The hospital daemon's options (STYLE: configuration is data, validated
 * once): one zod schema holds every default and bound, a refusal is one
 * E_CONFIG_INVALID naming each wrong field (core/options.ts), and the frame
 * limits that follow from several options are resolved here. No other file
 * defines a client default.
 */
import { z } from 'zod';
import { asCohortError, CohortError } from '../core/errors.ts';
import { parseOptions } from '../core/options.ts';
import type { PreparedDataset } from '../core/data/types.ts';
import type { HospitalPolicy } from '../core/job/policy.ts';
import type { RosterChain } from '../core/roster/index.ts';
import type { Identity } from '../core/secagg/index.ts';
import type { AccountantName } from '../core/privacy/spend.ts';
import { silentLogger, type Logger } from '../edge/log.ts';
import { checkHelloDatasets, DEFAULT_MAX_FRAME_BYTES } from '../edge/wire/codec.ts';
import { DEFAULT_FRAGMENT_BYTES, fragmentBytesFor, messageLimit } from '../edge/wire/fragments.ts';
import type { BudgetStore } from './budget-store.ts';
import type { LocalLedger } from './local-ledger.ts';
import type { RoundOutputs } from './round-outputs.ts';

export type SecAggPhase = 'advertise' | 'reveal' | 'share' | 'masked' | 'consistency' | 'unmask';

/**
 * The daemon's defaults:
 * - reconnect backoff from 200 ms up to 10 s (full jitter);
 * - `silenceTimeoutMs` 45 s: the coordinator pings every 15 s, so three
 *   missed pings mean a dead link;
 * - `nameInUseGraceMs` 45 s: a Hello refused because the name is in use
 *   (E_DUPLICATE_NAME) is retried this long before the daemon gives up, so
 *   its own connection from before a crash, which the coordinator drops
 *   within two of its 15 s heartbeats, does not stop a restart;
 * - frames of at most 16 MiB, fragments of 1 MiB, messages up to the largest
 *   model the job spec allows (edge/wire/fragments.ts);
 * - a privacy budget stated at δ = 1e-5 and charged by the PLD bound (the CLI's
 *   `--budget-delta` and `--budget-accountant`).
 */
export const CLIENT_DEFAULTS = {
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  fragmentBytes: DEFAULT_FRAGMENT_BYTES,
  backoffMinMs: 200,
  backoffMaxMs: 10_000,
  silenceTimeoutMs: 45_000,
  nameInUseGraceMs: 45_000,
  insecure: false,
  budgetDelta: 1e-5,
  budgetAccountant: 'pld' as AccountantName,
} as const;

const D = CLIENT_DEFAULTS;
/** Longest delay setTimeout takes (a longer one fires at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const fn = <T>(what: string) => z.custom<T>((v) => typeof v === 'function', `expected ${what}`);
const obj = <T>(what: string) => z.custom<T>(isObject, `expected ${what}`);
const ms = z.number().int().min(1).max(MAX_TIMER_MS);
const pem = z.union([z.string(), z.instanceof(Buffer)]);

const clientOptionsSchema = z
  .strictObject({
    coordinatorUrl: z.string().min(1),
    name: z.string().min(1),
    dataset: z.custom<PreparedDataset>(
      (v) => isObject(v) && isObject(v.train) && isObject(v.test) && typeof v.schemaId === 'string',
      'expected a prepared dataset',
    ),
    log: z
      .custom<Logger>((v) => isObject(v) && typeof v.child === 'function', 'expected a logger')
      .default(silentLogger),
    maxFrameBytes: z.number().int().min(1).default(D.maxFrameBytes),
    /** Largest message taken from the coordinator in fragments (default: the largest model the job spec allows). */
    maxMessageBytes: z.number().int().max(0xffff_ffff).optional(),
    /** Payload of each fragment this hospital sends (less to fit the coordinator's frames). */
    fragmentBytes: z.number().int().min(1).default(D.fragmentBytes),
    /** Reconnect backoff bounds (ms). */
    backoffMinMs: ms.default(D.backoffMinMs),
    backoffMaxMs: ms.default(D.backoffMaxMs),
    /** Reconnect when the coordinator has sent nothing, not even a ping, for this long. */
    silenceTimeoutMs: ms.default(D.silenceTimeoutMs),
    /** How long a Hello refused with E_DUPLICATE_NAME is retried before the daemon stops (client/daemon.ts refusedHello). */
    nameInUseGraceMs: z.number().int().min(0).max(MAX_TIMER_MS).default(D.nameInUseGraceMs),
    /**
     * TLS for wss:// URLs: `ca` pins the coordinator's certificate or its CA
     * (PEM; the system's CAs are not trusted), `cert`/`key` are this hospital's
     * client certificate for mutual TLS.
     */
    tls: z.strictObject({ ca: pem, cert: pem.optional(), key: pem.optional() }).optional(),
    /** This hospital's rules for the jobs it joins (core/job/policy.ts); absent: any job its data and budget allow. */
    policy: obj<HospitalPolicy>('a hospital policy').optional(),
    /** Allow plain ws:// to a coordinator that is not on loopback (testing only; logged loudly). */
    insecure: z.boolean().default(D.insecure),
    /** Ed25519 identity that signs this hospital's handshakes and secure-aggregation messages. */
    identity: z.custom<Identity>(
      (v) => isObject(v) && v.publicKey instanceof Uint8Array && v.secretKey instanceof Uint8Array,
      'expected an Ed25519 identity (publicKey, secretKey)',
    ),
    /**
     * The network's roster as this hospital's operator installed it
     * (core/roster/): the only source of peers' identity keys. Without one the
     * daemon refuses every secure-aggregation round. A newer version from the
     * coordinator is adopted only if it extends this chain with the members'
     * quorum; `onRoster` is then told, to keep it.
     */
    roster: obj<RosterChain>('a roster chain').optional(),
    onRoster: fn<(chain: RosterChain) => void>('a function').optional(),
    /**
     * Fault injection for simulations: asked before each secure-aggregation
     * message; true makes the daemon drop its connection instead of sending,
     * as a crash would (it reconnects afterwards).
     */
    crashBefore: fn<(e: { jobId: string; round: number; phase: SecAggPhase }) => boolean>('a function').optional(),
    /**
     * The hospital's privacy budget for this dataset. When set, a job is joined
     * only if its whole DP cost fits (jobs without a DP guarantee are declined)
     * and each training round is recorded as spent before it runs; a round that
     * does not fit is refused. Fail closed: an error while pricing is a refusal.
     * Without it, DP jobs are declined (E_BUDGET_REQUIRED).
     */
    budget: obj<BudgetStore>('a budget store').optional(),
    /** This hospital's copy of the ledger entries recording its spend (each checked and kept), and the ledger checkpoint it last cosigned as a witness. */
    ledger: obj<LocalLedger>('a local ledger').optional(),
    /** Where a record-level DP round's output is kept before it is sent, so a retry re-sends it (used with `budget`). */
    outputs: obj<RoundOutputs>('a round-outputs store').optional(),
    /** This host's clock (Unix ms) for handshake timestamps; a test or the chaos harness skews it. */
    clock: fn<() => number>('a clock function (ms)').default(() => Date.now),
  })
  .refine((o) => o.backoffMinMs <= o.backoffMaxMs, { message: 'must be at least backoffMinMs', path: ['backoffMaxMs'] })
  .transform((o) => ({
    ...o,
    maxMessageBytes: messageLimit(o.maxMessageBytes, o.maxFrameBytes),
    fragmentBytes: fragmentBytesFor(o.maxFrameBytes, o.fragmentBytes),
  }));

export type ClientOptions = z.input<typeof clientOptionsSchema>;
export type ClientConfig = Readonly<z.output<typeof clientOptionsSchema>>;

/**
 * Validates `input` once; E_CONFIG_INVALID naming each wrong field. Also
 * checks the budget's δ against the record count, here and locally: δ is the
 * chance a guarantee fails outright, and at 1/records or more one whole
 * record may leak.
 */
export function parseClientOptions(input: ClientOptions): ClientConfig {
  const c = Object.freeze(parseOptions(clientOptionsSchema, 'client', input));
  // The Hello's own check on the dataset it will offer, here at start rather than as the coordinator's refusal at every connect.
  const d = c.dataset;
  try {
    checkHelloDatasets([{ schemaId: d.schemaId, features: [...d.features], label: d.label }]);
  } catch (err) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `the dataset cannot be offered to a coordinator: ${asCohortError(err).message}`,
    );
  }
  const budgetDelta = c.budget?.budget(c.dataset.schemaId)?.delta;
  if (budgetDelta !== undefined && !(budgetDelta < 1 / c.dataset.train.n))
    throw new CohortError(
      'E_CONFIG_INVALID',
      `the budget's delta ${budgetDelta} is not below 1/records (${c.dataset.train.n} training records): lower --budget-delta`,
    );
  return c;
}

/** The budget flags of `cohort client start`, defaults applied. */
const budgetFlagsSchema = z.object({
  budgetEpsilon: z.number().finite().positive().optional(),
  budgetDelta: z.number().gt(0).lt(1).default(D.budgetDelta),
  budgetAccountant: z.enum(['pld', 'rdp']).default(D.budgetAccountant as 'pld'),
});

export function parseBudgetFlags(input: z.input<typeof budgetFlagsSchema>): z.output<typeof budgetFlagsSchema> {
  return parseOptions(budgetFlagsSchema, 'client', input, {
    budgetEpsilon: '--budget-epsilon',
    budgetDelta: '--budget-delta',
    budgetAccountant: '--budget-accountant',
  });
}
