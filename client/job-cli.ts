/** `cohort job submit|list|status|cancel|download`: a researcher's (or auditor's) requests to a running coordinator. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import { parseJobSpec } from '../core/job/spec.ts';
import { vectorToBytes } from '../core/model/vector.ts';
import { clientTlsFromFiles, readIdentityKey, readJsonFile } from './keys.ts';
import { request, type RequestBody, type RequestOptions } from './request.ts';

export interface Common {
  coordinator: string;
  name: string;
  identity: string;
  ca?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecure: boolean;
}

export function connection(o: Common): RequestOptions {
  const tls = clientTlsFromFiles(o);
  return { coordinatorUrl: o.coordinator, name: o.name, identity: readIdentityKey(o.identity), insecure: o.insecure, ...(tls ? { tls } : {}) };
}

/** The options every authenticated request takes: where, who, and how the transport is secured. */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--coordinator <url>', 'coordinator URL (wss://, or ws:// on loopback)')
    .requiredOption('--name <name>', 'your enrolled name')
    .requiredOption('--identity <file.key>', 'your Ed25519 identity key file')
    .option('--ca <file.pem>', "wss://: the coordinator's certificate or CA to pin")
    .option('--tls-cert <file.pem>', 'mutual TLS: your client certificate')
    .option('--tls-key <file.pem>', 'mutual TLS: its key')
    .option('--insecure', 'allow plain ws:// off loopback (testing only)', false);
}

export function registerJob(program: Command): void {
  const cmd = program.command('job').description('submit and manage jobs on a running coordinator (as an enrolled researcher; auditors may list and read status)');
  const sub = (name: string, description: string) => connectionOptions(cmd.command(name).description(description));
  const run = async (o: Common, body: RequestBody) => request(connection(o), body);
  const print = (x: unknown): void => void process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);

  sub('submit', 'validate a job spec (the same schema as the coordinator) and submit it; prints the job id')
    .argument('<job.json>', 'the job spec')
    .action(async (file: string, o: Common) => {
      const input = readJsonFile(file, 'E_JOB_SPEC');
      parseJobSpec(input); // every bad field named here, before anything is sent
      print((await run(o, { action: 'job.submit', specJson: JSON.stringify(input) })).json);
    });
  sub('list', 'your jobs (researchers), or all jobs (auditors, admins): metadata only').action(async (o: Common) => print((await run(o, { action: 'job.list' })).json));
  sub('status', "a job's status and per-round aggregate metrics").argument('<job-id>').action(async (id: string, o: Common) => print((await run(o, { action: 'job.status', jobId: id })).json));
  sub('cancel', 'cancel one of your jobs').argument('<job-id>').action(async (id: string, o: Common) => print((await run(o, { action: 'job.cancel', jobId: id })).json));
  sub('download', "write one of your jobs' global model (little-endian float32) to --out")
    .argument('<job-id>')
    .requiredOption('--out <file>', 'where to write the weights')
    .action(async (id: string, o: Common & { out: string }) => {
      const r = await run(o, { action: 'job.download', jobId: id });
      if (!r.model) throw new CohortError('E_WIRE_FIELD', 'the coordinator sent no model');
      writeFileSync(o.out, vectorToBytes(r.model));
      print(r.json);
    });
}
