/** Shared command-line argument parsers (commander), so every command bounds numbers the same way. */
import { InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS } from './log-levels.ts';

/** An integer in [min, max]; without bounds, any safe integer, for an option whose schema bounds it (core/options.ts). */
export function intArg(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\s*-?\d+\s*$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer in [${min}, ${max}], got "${v}"`);
    }
    return n;
  };
}

/** A finite number satisfying `check`; the message names the option and what it expected. */
export function numberArg(name: string, check: (x: number) => boolean, expected: string): (v: string) => number {
  return (v: string): number => {
    const x = Number(v);
    if (v.trim() === '' || !Number.isFinite(x) || !check(x))
      throw new InvalidArgumentError(`${name} expected ${expected}, got "${v}"`);
    return x;
  };
}

/**
 * --log-level, shared by the daemons and the simulations, saying `where` logs go: the flag wins over COHORT_LOG_LEVEL, which wins over
 * `level` (without one, edge/log.ts's default, info). Commander checks both the flag's and the variable's value.
 */
export function logLevelOption(where: string, level?: string): Option {
  const option = new Option('--log-level <level>', `log level (${where})`).choices(LOG_LEVELS).env('COHORT_LOG_LEVEL');
  return level === undefined ? option : option.default(level);
}
