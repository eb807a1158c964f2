/**
 * The hostile-submission benchmark's coordinator (bench/hostile.ts), in its
 * own process: the bench measures a hospital's round trips from outside it,
 * so a stalled coordinator cannot also stall the measuring clock.
 * Enrols the identities in --enrol (JSON: [{ name, role, publicKeyHex }]),
 * with enrolment required and its default submission limits and quotas, and
 * prints `PORT <n>` once listening.
 * Usage: node --import tsx bench/hostile-coordinator.ts --db FILE --enrol FILE
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Coordinator } from '../coordinator/coordinator.ts';
import type { Role } from '../core/auth/policy.ts';

const { values } = parseArgs({ options: { db: { type: 'string' }, enrol: { type: 'string' } } });
if (!values.db || !values.enrol) {
  process.stderr.write('usage: hostile-coordinator.ts --db FILE --enrol FILE\n');
  process.exit(2);
}
const coordinator = new Coordinator({ dbPath: values.db, port: 0, requireEnrolment: true });
for (const e of JSON.parse(readFileSync(values.enrol, 'utf8')) as {
  name: string;
  role: Role;
  publicKeyHex: string;
}[]) {
  coordinator.enroll(e.name, e.role, Buffer.from(e.publicKeyHex, 'hex'));
}
const port = await coordinator.listen();
process.stdout.write(`PORT ${port}\n`);
const stop = () => void coordinator.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
