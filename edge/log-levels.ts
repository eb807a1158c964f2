/** The log levels, apart from edge/log.ts so that --log-level's parser (args.ts) does not load pino. */
import type { LevelWithSilent } from 'pino';

/** The levels --log-level and COHORT_LOG_LEVEL take (pino's), most verbose first. */
export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];
