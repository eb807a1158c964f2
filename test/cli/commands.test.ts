/**
 * cli/commands.ts imports only the module of the command being run: `cohort
 * --help` lists every command from its summary without loading any, and each
 * listed command is registered in full by its module when named. Which
 * packages a run loaded is read from require.cache (the CommonJS ones:
 * commander, pino, ws, better-sqlite3, cli-table3), in a child through tsx.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { COMMANDS, buildProgram, commandNamed } from '../../cli/commands.ts';
import { cohort } from '../helpers/cli.ts';

const LISTED = [
  'coordinator',
  'admin',
  'client',
  'keys',
  'accountant',
  'budget',
  'simulate',
  'ledger',
  'job',
  'dashboard',
  'secagg',
  'roster',
];

/** The packages a run of `cohort ...args` loaded, read as it exits (commander exits after printing a help). */
function packagesLoaded(...args: string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    process.argv = [process.argv[0], 'cohort', ...${JSON.stringify(args)}];
    process.on('exit', () => {
      const names = Object.keys(createRequire(import.meta.url).cache).map((p) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(p)?.[1]);
      process.stderr.write('LOADED ' + JSON.stringify([...new Set(names.filter(Boolean))]) + '\\n');
    });
    await import('./cli/main.ts');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (r.status !== 0 || !line) throw new Error(`cohort ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const loader = ['tsx', 'esbuild']; // the child runs the source through them
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).filter((p) => !loader.includes(p));
}

describe('cohort (cli/commands.ts)', () => {
  it('lists every command in --help', async () => {
    expect((await buildProgram(['node', 'cohort', '--help'])).commands.map((c) => c.name())).toEqual(LISTED);
    const { out, code } = cohort('--help');
    expect(code).toBe(0);
    for (const name of LISTED)
      expect(out).toMatch(new RegExp(`^  ${name} +${COMMANDS[name]!.summary.slice(0, 20)}`, 'm'));
  });

  it('names the command of a command line: its first operand, or the one after help', () => {
    expect(commandNamed(['job', 'status', '--json', 'j1'])).toBe('job');
    expect(commandNamed(['--help', 'ledger'])).toBe('ledger');
    expect(commandNamed(['help', 'roster'])).toBe('roster');
    expect(commandNamed(['--version'])).toBeNull();
    expect(commandNamed(['nonsense'])).toBeNull();
    expect(commandNamed(['toString'])).toBeNull();
  });

  it('registers each listed command in full from its module when it is named', async () => {
    for (const name of LISTED) {
      const program = await buildProgram(['node', 'cohort', name]);
      const full = program.commands.filter((c) => c.commands.length > 0 || c.options.length > 0).map((c) => c.name());
      expect(full).toEqual([name]);
    }
  });

  it('loads no command module for --help, and only the named one otherwise', () => {
    expect(packagesLoaded('--help')).toEqual(['commander']);
    expect(packagesLoaded('accountant', '--help')).toEqual(['commander']);
    const job = packagesLoaded('job', 'status', '--help');
    expect(job).not.toContain('cli-table3'); // the ledger's and the budget's tables
    expect(job.some((p) => p.startsWith('@tensorflow/'))).toBe(false);
  });
});
