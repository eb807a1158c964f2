/** What the chaos run's processes (client-proc.ts, coordinator-proc.ts) share: their command line and their event lines. */
import { parseArgs } from 'node:util';

/**
 * The process's options, each `--name value` (run.ts passes paths and numbers
 * alike as text); an unknown option or a stray operand throws, as parseArgs does.
 */
export function procArgs<N extends string>(
  names: readonly N[],
  defaults: Partial<Record<N, string>> = {},
): Partial<Record<N, string>> {
  const options = Object.fromEntries(
    names.map((n) => [n, defaults[n] === undefined ? { type: 'string' } : { type: 'string', default: defaults[n] }]),
  ) as Record<N, { type: 'string'; default?: string }>;
  return parseArgs({ options }).values as Partial<Record<N, string>>;
}

/** An event for the harness (run.ts): one JSON line on stdout. */
export function say(event: object): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}
