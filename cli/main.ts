/** The `cohort` command's entry point (cohort.mjs loads it): runs the program of commands.ts on this command line. */
import { CommanderError } from 'commander';
import { CohortError } from '../core/errors.ts';
import { printable } from '../core/printable.ts';
import { buildProgram } from './commands.ts';

try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CohortError) {
    // One line, whatever the message quotes (a file's bytes, a peer's key or name): no newline, no terminal escape.
    process.stderr.write(`cohort: ${err.code}: ${printable(err.message)}\n`);
    process.exit(2);
  }
  // Commander has printed its line (commands.ts): --help and --version exit 0, a refused command line 2.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  throw err;
}
