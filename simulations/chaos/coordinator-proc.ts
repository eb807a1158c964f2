/**
 * The chaos run's coordinator, in its own process: a real Coordinator on a
 * fixed port over its SQLite database, enrolment required. Reports events as
 * JSON lines on stdout for the harness. With --kill-before-commit R it
 * SIGKILLs itself after aggregating round R and before committing it, as a
 * power cut would. Usage (by simulations/chaos/run.ts):
 *   node --import tsx simulations/chaos/coordinator-proc.ts --db F --port N --enrol F.json --roster F.json [--job F] [--kill-before-commit R]
 */
import { readFileSync } from 'node:fs';
import { procArgs, say } from './proc-args.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { createLogger } from '../../edge/log.ts';
import { readRosterFile } from '../../edge/roster-file.ts';

const values = procArgs(['db', 'port', 'enrol', 'roster', 'job', 'kill-before-commit']);
const killAt = values['kill-before-commit'] ? Number(values['kill-before-commit']) : null;

const coordinator = new Coordinator({
  dbPath: values.db!,
  port: Number(values.port),
  requireEnrolment: true,
  // Published on the first start; a restart finds the same chain in its database and adds nothing.
  roster: readRosterFile(values.roster!),
  log: createLogger({ level: 'info', destination: process.stderr }),
  beforeCommit: ({ round }) => {
    if (round === killAt) {
      say({ event: 'killed', round });
      process.kill(process.pid, 'SIGKILL');
    }
  },
});
// Enrolment is idempotent across restarts: only names not yet enrolled are added.
const enrol = JSON.parse(readFileSync(values.enrol!, 'utf8')) as { name: string; publicKey: string }[];
for (const e of enrol)
  if (!coordinator.database.identity(e.name))
    coordinator.enroll(e.name, 'hospital', new Uint8Array(Buffer.from(e.publicKey, 'hex')));
coordinator.on('round', (e) =>
  say({
    event: 'round',
    jobId: e.jobId,
    round: e.record.round,
    participants: e.record.participants.length,
    dropped: e.record.dropped.length,
  }),
);
coordinator.on('roundFailed', (e) =>
  say({ event: 'roundFailed', jobId: e.jobId, round: e.round, attempt: e.attempt, reason: e.reason }),
);
coordinator.on('job', (e) => say({ event: 'job', jobId: e.jobId, status: e.status }));
await coordinator.listen();
if (values.job) say({ event: 'submitted', jobId: coordinator.submitJob(JSON.parse(readFileSync(values.job, 'utf8'))) });
say({ event: 'listening', port: Number(values.port) });
process.once('SIGTERM', () => void coordinator.close().then(() => process.exit(0)));
