/**
 * The one logging module. Structured pino logs (JSON by default, pretty in a
 * TTY); components take child loggers with bound context (component, job,
 * round, hospital). Weights, deltas, keys and shares are redacted here, by
 * path, so no call site can leak them by accident.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'weights',
  'delta',
  'data',
  'key',
  'secret',
  'share',
  'shares',
  'privateKey',
  'records',
  'rows',
  '*.weights',
  '*.delta',
  '*.data',
  '*.key',
  '*.secret',
  '*.share',
  '*.shares',
  '*.privateKey',
  '*.records',
  '*.rows',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Human-readable output; default: when stderr/stdout is a TTY. */
  pretty?: boolean;
  /** Where JSON lines go; default stdout. Tests pass a stream to capture. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? (process.env.COHORT_LOG_LEVEL as LevelWithSilent | undefined) ?? 'info';
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
