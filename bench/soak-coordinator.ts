/**
 * The soak benchmark's coordinator, in its own process so that its resident
 * memory and open file descriptors can be read from /proc by the bench
 * (bench/soak.ts) without the 200 clients' memory mixed in.
 *
 * Enrols the identities listed in --enrol (JSON: [{ name, publicKeyHex }]),
 * publishes the roster chain in --roster (the hospitals' signed keys), listens on loopback, then reads job specs from stdin, one JSON per line,
 * and submits each. Reports on stdout, one JSON object per line:
 *   { type: 'listening', port }
 *   { type: 'submitted', jobId }
 *   { type: 'round', jobId, round, kind, participants, dropped, phaseCounts, heapUsed, external, rss }
 *   { type: 'roundFailed', jobId, round, attempt, reason }
 *   { type: 'job', jobId, status, reason }
 * Heap figures are taken right after a full collection (run with
 * --expose-gc): what the heap still holds at a round boundary.
 * With SOAK_HEAP_SNAPSHOTS=DIR and SOAK_HEAP_SNAPSHOT_ROUNDS=10,30 it writes a
 * V8 heap snapshot at those round ends (of any job), to diff in DevTools.
 * Usage: node --expose-gc --import tsx bench/soak-coordinator.ts --db F --enrol F --roster F
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { Coordinator } from '../coordinator/coordinator.ts';
import { readRosterFile } from '../edge/roster-file.ts';

const { values } = parseArgs({
  options: { db: { type: 'string' }, enrol: { type: 'string' }, roster: { type: 'string' } },
});
if (!values.db || !values.enrol || !values.roster) {
  process.stderr.write('usage: soak-coordinator.ts --db FILE --enrol FILE --roster FILE\n');
  process.exit(2);
}
const say = (msg: object) => process.stdout.write(`${JSON.stringify(msg)}\n`);
const gc = (globalThis as { gc?: () => void }).gc;

const coordinator = new Coordinator({
  dbPath: values.db,
  port: 0,
  requireEnrolment: true,
  roster: readRosterFile(values.roster),
});
for (const { name, publicKeyHex } of JSON.parse(readFileSync(values.enrol, 'utf8')) as {
  name: string;
  publicKeyHex: string;
}[]) {
  coordinator.enroll(name, 'hospital', Buffer.from(publicKeyHex, 'hex'));
}
const snapshotDir = process.env.SOAK_HEAP_SNAPSHOTS;
const snapshotRounds = new Set((process.env.SOAK_HEAP_SNAPSHOT_ROUNDS ?? '').split(',').filter(Boolean).map(Number));
coordinator.on('round', ({ jobId, record }) => {
  gc?.();
  if (snapshotDir && snapshotRounds.has(record.round))
    writeHeapSnapshot(join(snapshotDir, `${jobId}-round-${record.round}.heapsnapshot`));
  const m = process.memoryUsage();
  say({
    type: 'round',
    jobId,
    round: record.round,
    kind: record.kind,
    participants: record.participants.length,
    dropped: record.dropped.length,
    phaseCounts: record.phaseCounts,
    heapUsed: m.heapUsed,
    external: m.external + m.arrayBuffers,
    rss: m.rss,
  });
});
coordinator.on('roundFailed', (e) => say({ type: 'roundFailed', ...e }));
coordinator.on('job', (e) => say({ type: 'job', ...e }));
say({ type: 'listening', port: await coordinator.listen() });

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === '') return;
    say({ type: 'submitted', jobId: coordinator.submitJob(JSON.parse(line)) });
  })
  .on('close', () => {
    void coordinator.close().then(() => process.exit(0));
  });
