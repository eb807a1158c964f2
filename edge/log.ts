/**
 * The one logging module. Structured pino logs (JSON by default, pretty in a
 * TTY); components take child loggers with bound context (component, job,
 * round, hospital). Model updates, weights, keys, shares, secrets and records
 * are redacted here, by field name, so no call site can leak them by
 * accident. Privacy parameters are not secrets and are printed: a budget's ε
 * and δ go in fields named `epsilon` and `delta`, so nothing that is a secret
 * may be logged under those names (a model update is an `update`).
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { CohortError } from '../core/errors.ts';
import { LOG_LEVELS, type LogLevel } from './log-levels.ts';

export type { Logger };

export { LOG_LEVELS, type LogLevel };

/** Field names whose values never reach a log line (test/edge/log.test.ts checks each). */
export const SECRET_FIELDS = [
  // Model updates and weights, in the clear or masked.
  'weights',
  'update',
  'updates',
  'gradient',
  'gradients',
  'masked',
  'maskedInput',
  'secaggMaskedInput',
  // Keys and key material.
  'key',
  'secretKey',
  'privateKey',
  'identity',
  'sShared',
  'cShared',
  // Secret shares, seeds and masks of secure aggregation.
  'share',
  'shares',
  'keyShare',
  'keyShares',
  'seedShare',
  'seedShares',
  'selfMaskShares',
  'seed',
  'seeds',
  'selfSeed',
  'mask',
  'nonce',
  // A NamedBytes entry's bytes (proto/cohort.proto): a share, seed nonce, commitment or signature.
  'value',
  // Secrets and credentials.
  'secret',
  'secrets',
  'secretBytes',
  'token',
  'tokens',
  'metricsToken',
  'password',
  'cookie',
  'authorization',
  'credentials',
  // Patients' data.
  'data',
  'records',
  'rows',
] as const;

/** Each secret field at the top of a log line or in its bound context, and one or two levels down. */
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable output; default: when stderr/stdout is a TTY. */
  pretty?: boolean;
  /** Where JSON lines go; default stdout. Tests pass a stream to capture. */
  destination?: NodeJS.WritableStream;
}

/** The level pino's names allow, as COHORT_LOG_LEVEL gives it (README "Logs"); anything else is E_CONFIG_INVALID. */
function envLevel(): LevelWithSilent | undefined {
  const v = process.env.COHORT_LOG_LEVEL;
  if (v === undefined || v === '') return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(v))
    throw new CohortError('E_CONFIG_INVALID', `COHORT_LOG_LEVEL expected one of ${LOG_LEVELS.join(', ')}, got "${v}"`);
  return v as LevelWithSilent;
}

/**
 * A logger at `opts.level`, else COHORT_LOG_LEVEL, else info. JSON lines to stdout unless stdout is a terminal
 * (then pretty, to stderr) and COHORT_LOG_FORMAT is not "json".
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? envLevel() ?? 'info';
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { pid: process.pid } };
  if (opts.destination) return pino(base, opts.destination as pino.DestinationStream);
  const pretty = opts.pretty ?? (process.stdout.isTTY === true && process.env.COHORT_LOG_FORMAT !== 'json');
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', destination: 2 } },
    });
  }
  return pino(base);
}

/** A logger that drops everything: default for library use and tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
