/**
 * `--config <file.json>` for the daemons' start commands (`coordinator
 * start`, `client start`): one JSON object whose keys are the command's own
 * flags without the leading dashes ("port", "db", "max-frame-bytes"), each
 * value what the flag takes: a string or number for a flag with a value, an
 * array for a flag taking several, true or false for a switch. A value goes
 * through the flag's own parser, then the same zod validation the flag's
 * value meets, so a file can say nothing a command line could not.
 *
 * Precedence is commander's: a flag on the command line wins over the file
 * (before or after --config), and the file over the flag's default; an
 * environment variable a flag reads (COHORT_LOG_LEVEL for --log-level) wins
 * over the file. A flag taking several values (--job) given on the command
 * line adds to the file's. An unknown key is refused, named, as is a value
 * of the wrong kind; "config" is not a key (no file names another).
 * "$schema" is allowed and ignored: it names the file's JSON Schema
 * (docs/schemas/*-config.schema.json) for editors.
 */
import type { Command, Option } from 'commander';
import { CohortError } from '../core/errors.ts';
import { readJsonFile } from './keys.ts';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * The key `option` takes in a config file: its long flag without the dashes
 * ("--max-frame-bytes" is "max-frame-bytes"); none for --config itself, a
 * --no- switch or a flag with no long form. The one place this rule lives:
 * --config reads files by it and cli/json-schemas.ts writes the files'
 * schemas by it, so the two cannot disagree.
 */
export function configKeyOf(option: Option): string | undefined {
  const key = option.long?.slice(2);
  return key === undefined || key === 'config' || option.negate ? undefined : key;
}

/** The flag `key` names, among `cmd`'s (--help is not among them). */
function flagOf(cmd: Command, key: string): Option | undefined {
  return cmd.options.find((o) => configKeyOf(o) === key);
}

/** The value of `key` as `option` would have it from the command line; a refusal names the file and the key. */
function valueOf(option: Option, key: string, v: Json, file: string): unknown {
  const refuse = (why: string) => new CohortError('E_CONFIG_INVALID', `${file}: "${key}": ${why}`);
  if (option.isBoolean()) {
    if (typeof v !== 'boolean') throw refuse(`expected true or false, got ${JSON.stringify(v)}`);
    return v;
  }
  const items = option.variadic ? v : [v];
  if (!Array.isArray(items)) throw refuse(`expected an array, got ${JSON.stringify(v)}`);
  const parsed = items.map((item) => {
    if (typeof item !== 'string' && typeof item !== 'number')
      throw refuse(`expected a string or a number, got ${JSON.stringify(item)}`);
    const text = String(item);
    if (option.argChoices && !option.argChoices.includes(text))
      throw refuse(`expected one of ${option.argChoices.join(', ')}, got "${text}"`);
    try {
      return option.parseArg ? option.parseArg(text, undefined) : text;
    } catch (err) {
      throw refuse((err as Error).message);
    }
  });
  return option.variadic ? parsed : parsed[0];
}

/** Reads `file` into `cmd`'s options, leaving those the command line gave. */
function applyConfigFile(cmd: Command, file: string): void {
  const raw = readJsonFile(file) as Json;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new CohortError('E_CONFIG_INVALID', `${file}: expected a JSON object of the command's flags`);
  for (const [key, v] of Object.entries(raw)) {
    // For editors: the JSON Schema the file follows (docs/schemas/); nothing for cohort.
    if (key === '$schema') continue;
    const option = flagOf(cmd, key);
    if (!option)
      throw new CohortError(
        'E_CONFIG_INVALID',
        `${file}: unknown key "${key}": the keys are ${cmd.name()}'s flags without their dashes (--help lists them)`,
      );
    const name = option.attributeName();
    if (cmd.getOptionValueSource(name) === 'cli') continue;
    cmd.setOptionValueWithSource(name, valueOf(option, key, v, file), 'config');
  }
}

/** Adds `--config <file>` to `cmd`: read when commander meets the flag, before the required flags are checked. */
export function withConfigFile(cmd: Command): Command {
  cmd.option(
    '--config <file.json>',
    "options from a JSON file, keyed by these flags' names without dashes; flags on the command line win (docs/deploy.md)",
  );
  cmd.on('option:config', (file: string) => applyConfigFile(cmd, file));
  return cmd;
}
