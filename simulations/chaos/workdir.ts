/**
 * The chaos run's files before any process starts: each hospital's identity
 * key (0600) and the roster they all signed, the enrolment list the
 * coordinator reads, and the job it submits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulatedNetwork } from '../network.ts';
import { writeRosterFile } from '../../edge/roster-file.ts';
import { writeIdentityKey } from '../../edge/keys.ts';
import { syntheticJob } from '../synthetic.ts';

export interface ChaosFiles {
  keyFile: (c: string) => string;
  stateFile: (c: string) => string;
  rosterFile: string;
  enrolFile: string;
  jobFile: string;
  db: string;
  log: (name: string) => string;
}

export function chaosFiles(dir: string): ChaosFiles {
  return {
    keyFile: (c) => join(dir, `${c}.key`),
    stateFile: (c) => join(dir, `${c}-state.db`),
    rosterFile: join(dir, 'roster.json'),
    enrolFile: join(dir, 'enrol.json'),
    jobFile: join(dir, 'job.json'),
    db: join(dir, 'coordinator.db'),
    log: (name) => join(dir, `${name}.log`),
  };
}

/** Writes the identities enrolled before the coordinator first starts, the roster and the job. */
export function writeChaosFiles(files: ChaosFiles, names: string[], rounds: number, seed: number): void {
  const net = simulatedNetwork(names, 'chaos');
  writeRosterFile(files.rosterFile, net.chain, 'create');
  const enrol = names.map((c) => ({
    name: c,
    publicKey: Buffer.from(writeIdentityKey(files.keyFile(c), net.identity(c)).publicKey).toString('hex'),
  }));
  writeFileSync(files.enrolFile, JSON.stringify(enrol));
  const n = names.length;
  writeFileSync(
    files.jobFile,
    JSON.stringify(
      syntheticJob({
        name: 'chaos',
        rounds,
        seed,
        minClients: n - 3,
        targetClients: n,
        roundTimeoutMs: 15_000,
        joinWaitMs: 3_000,
        secureAggregation: { dropoutFraction: 0.3 },
        privacy: { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'pld' },
      }),
    ),
  );
}
