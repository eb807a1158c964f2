/** The `cohort` command's entry point (cohort.mjs loads it): runs the program of commands.ts on this command line. */
import { CohortError } from '../core/errors.ts';
import { buildProgram } from './commands.ts';

try {
  await (await buildProgram()).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CohortError) {
    process.stderr.write(`cohort: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
