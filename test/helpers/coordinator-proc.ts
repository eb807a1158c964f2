/**
 * A coordinator in its own process, for crash tests: prints "PORT <n>" once
 * listening and "JOB <status>" when a job ends; with --kill-before-commit R
 * it SIGKILLs itself after aggregating round R and before committing it, as
 * a power cut or OOM kill would. --roster publishes the hospitals' signed
 * roster (a roster file, edge/roster-file.ts) at start, as `coordinator
 * start --roster` would; a restart without it keeps the one in its database.
 * Usage: node --import tsx test/helpers/coordinator-proc.ts --db F [--port N] [--roster F.json] [--job spec.json] [--kill-before-commit R]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { readRosterFile } from '../../edge/roster-file.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '0' },
    roster: { type: 'string' },
    job: { type: 'string' },
    'kill-before-commit': { type: 'string' },
  },
});
const killAt = values['kill-before-commit'] ? Number(values['kill-before-commit']) : null;
const coordinator = new Coordinator({
  dbPath: values.db!,
  port: Number(values.port),
  ...(values.roster ? { roster: readRosterFile(values.roster) } : {}),
  beforeCommit: ({ round }) => {
    if (round === killAt) process.kill(process.pid, 'SIGKILL');
  },
});
coordinator.on('job', (e) => {
  if (e.status !== 'running' && e.status !== 'waiting') process.stdout.write(`JOB ${e.status}\n`);
});
const port = await coordinator.listen();
if (values.job) coordinator.submitJob(JSON.parse(readFileSync(values.job, 'utf8')));
process.stdout.write(`PORT ${port}\n`);
