/**
 * `cohort job status` prints a DP job's target epsilon (and each hospital's spend): as every place that prints a DP
 * job's epsilon, it prints beside it what the figure means and whom it trusts (core/job/guarantee.ts), here for a
 * an auditor reading a job a real coordinator runs (submitted with its --job: a researcher's submission needs
 * hospitals that offered datasets).
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cohort } from '../helpers/cli.ts';
import { guaranteeLine } from '../../core/job/guarantee.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort job status '));
const db = join(dir, 'coordinator.db');
const key = join(dir, 'auditor.key');
/** A record-level DP job the coordinator starts with (--job), on a model of one feature. */
const spec = {
  name: 'dp-job',
  model: { inputDim: 1, layers: [{ units: 1, activation: 'sigmoid' }] },
  features: ['age'],
  label: 'num',
  rounds: 2,
  secureAggregation: { enabled: false },
  privacy: { unit: 'record', epsilon: 1, delta: 1e-5, clip: 1, samplingRate: 0.01 },
};
const jobFile = join(dir, 'job.json');
writeFileSync(jobFile, JSON.stringify(spec));

const run = async (...args: string[]) =>
  (await promisify(execFile)('node', ['cohort.mjs', ...args], { encoding: 'utf8' })).stdout;

// Enrolled before the coordinator starts, which reads its identities from the database.
cohort('keys', 'generate', '--out', key);
cohort('admin', 'enroll', '--db', db, '--role', 'auditor', '--name', 'aud', '--pubkey', key);
const coordinator = spawn(
  process.execPath,
  ['cohort.mjs', 'coordinator', 'start', '--port', '0', '--db', db, '--job', jobFile, '--log-level', 'info'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
afterAll(() => void coordinator.kill('SIGINT'));

/** The coordinator's port, from its "listening" log line. */
const port = new Promise<number>((resolve, reject) => {
  let out = '';
  coordinator.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /"port":(\d+)[^\n]*"msg":"listening"/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  coordinator.once('exit', (code) => reject(new Error(`coordinator exited ${code} before listening`)));
});

describe('cohort job status of a DP job', () => {
  it("prints the epsilon's adjacency and trust beside it", async () => {
    const conn = ['--coordinator', `ws://127.0.0.1:${await port}`, '--name', 'aud', '--identity', key];
    const [job] = JSON.parse(await run('job', 'list', ...conn)) as { id: string }[];
    const id = job!.id;
    const out = await run('job', 'status', id, ...conn);
    expect(out).toContain('target epsilon 1');
    expect(out).toContain(guaranteeLine('record'));
  });
});
