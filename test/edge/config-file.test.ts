/**
 * `--config <file.json>` (edge/config-file.ts) on a command shaped like the
 * daemons' start commands: file values fill the flags, through each flag's
 * own parser; the command line wins, before or after --config; required
 * flags may come from the file; unknown keys and wrong kinds are refused, named.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { intArg } from '../../edge/args.ts';
import { withConfigFile } from '../../edge/config-file.ts';
import { CohortError } from '../../core/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-config-'));
let n = 0;
const file = (o: unknown) => {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, JSON.stringify(o));
  return p;
};

/** Parses `args` with a start-like command; what the action saw, or the refusal's code and message. */
function run(args: string[]): Record<string, unknown> | { code: string; message: string } {
  let seen: Record<string, unknown> = {};
  const cmd = new Command('start')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .requiredOption('--name <name>', 'required')
    .option('--port <n>', 'an integer', intArg(0, 65_535), 7700)
    .option('--db <path>', 'a path', 'cohort.db')
    .option('--job <file...>', 'several')
    .option('--insecure', 'a switch', false)
    .addOption(new Option('--accountant <a>', 'a choice').choices(['pld', 'rdp']));
  withConfigFile(cmd).action((o: Record<string, unknown>) => {
    seen = o;
  });
  try {
    cmd.parse(args, { from: 'user' });
    return seen;
  } catch (e) {
    if (e instanceof CohortError) return { code: e.code, message: e.message };
    return { code: (e as { code?: string }).code ?? 'other', message: (e as Error).message };
  }
}

describe('--config files', () => {
  it('fills the flags from the file, required ones included, each through its parser', () => {
    const f = file({
      $schema: 'x.json',
      name: 'alpha',
      port: 7800,
      db: '/var/lib/cohort/c.db',
      job: ['a.json'],
      insecure: true,
    });
    expect(run(['--config', f])).toMatchObject({
      name: 'alpha',
      port: 7800,
      db: '/var/lib/cohort/c.db',
      job: ['a.json'],
      insecure: true,
      config: f,
    });
  });

  it('lets the command line win, before or after --config; defaults stay for keys the file omits', () => {
    const f = file({ name: 'alpha', port: 7800 });
    expect(run(['--port', '9000', '--config', f])).toMatchObject({ name: 'alpha', port: 9000, db: 'cohort.db' });
    expect(run(['--config', f, '--port', '9001', '--name', 'beta'])).toMatchObject({ name: 'beta', port: 9001 });
  });

  it('refuses an unknown key, naming it and the file', () => {
    const f = file({ name: 'alpha', prot: 7800 });
    const r = run(['--config', f]);
    expect(r).toMatchObject({ code: 'E_CONFIG_INVALID' });
    expect((r as { message: string }).message).toContain('unknown key "prot"');
    expect((r as { message: string }).message).toContain(f);
    expect(run(['--config', file({ name: 'a', config: 'other.json' })])).toMatchObject({ code: 'E_CONFIG_INVALID' });
  });

  it("refuses a value the flag's parser or kind refuses, naming the key", () => {
    for (const bad of [
      { port: 70_000 },
      { port: 'x' },
      { insecure: 'yes' },
      { job: 'a.json' },
      { accountant: 'dp' },
      { db: {} },
    ]) {
      const r = run(['--config', file({ name: 'a', ...bad })]);
      expect(r).toMatchObject({ code: 'E_CONFIG_INVALID' });
      expect((r as { message: string }).message).toContain(`"${Object.keys(bad)[0]}"`);
    }
    expect(run(['--config', file([1, 2])])).toMatchObject({ code: 'E_CONFIG_INVALID' });
  });
});
