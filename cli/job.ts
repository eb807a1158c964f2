/** `cohort job submit|list|status|pause|resume|cancel|download`: a researcher's (or auditor's) requests to a running coordinator. */
import { Option, type Command } from 'commander';
import { parseJobSpec } from '../core/job/spec.ts';
import { readJsonFile } from '../edge/keys.ts';
import { request, type RequestBody } from '../client/request.ts';
import { connectionOf, withConnectionOptions, type ConnectionFlags as Common } from '../client/connection-options.ts';
import type { DownloadOptions } from './model-download.ts';
import { STATUS_HELP, registerStatus } from './job-status.ts';
import { withProgressLine } from './progress.ts';

/**
 * How long `job submit` waits for its answer: the coordinator prepares a
 * submission in a worker thread, for up to 20 s by default, possibly behind
 * the two its queue holds (coordinator/job-submissions.ts).
 */
const SUBMIT_TIMEOUT_MS = 120_000;

export function registerJob(program: Command): void {
  const cmd = program
    .command('job')
    .description(
      'submit and manage jobs on a running coordinator (as an enrolled researcher; auditors may list and read status; admins may list, read, pause, resume and cancel any job)',
    );
  const sub = (name: string, description: string) => withConnectionOptions(cmd.command(name).description(description));
  const run = async (o: Common, body: RequestBody) => request(connectionOf(o), body);
  const print = (x: unknown): void => void process.stdout.write(`${JSON.stringify(x, null, 2)}\n`);

  sub('submit', 'validate a job spec (the same schema as the coordinator) and submit it; prints the job id')
    .argument('<job.json>', 'the job spec')
    .action(async (file: string, o: Common) => {
      const input = readJsonFile(file, 'E_JOB_SPEC');
      parseJobSpec(input); // every bad field named here, before anything is sent
      // Seconds pass while the coordinator prepares it in a worker: a terminal shows that it is waiting, and on what.
      const reply = await withProgressLine(
        `submitting ${file}: the coordinator validates the spec and calibrates its noise`,
        () =>
          request(
            { ...connectionOf(o), timeoutMs: SUBMIT_TIMEOUT_MS },
            { action: 'job.submit', specJson: JSON.stringify(input) },
          ),
      );
      print(reply.json);
    });
  sub('list', 'your jobs (researchers), or all jobs (auditors, admins): metadata only').action(async (o: Common) =>
    print((await run(o, { action: 'job.list' })).json),
  );
  registerStatus(sub('status', STATUS_HELP), (o, jobId) => run(o, { action: 'job.status', jobId }));
  sub(
    'pause',
    'stop new rounds of one of your jobs (the round in flight finishes); it stays paused across coordinator restarts',
  )
    .argument('<job-id>')
    .action(async (id: string, o: Common) => print((await run(o, { action: 'job.pause', jobId: id })).json));
  sub('resume', 'let a paused job start rounds again')
    .argument('<job-id>')
    .action(async (id: string, o: Common) => print((await run(o, { action: 'job.resume', jobId: id })).json));
  sub('cancel', 'cancel one of your jobs')
    .argument('<job-id>')
    .action(async (id: string, o: Common) => print((await run(o, { action: 'job.cancel', jobId: id })).json));
  sub(
    'download',
    "write one of your jobs' global model: a TensorFlow.js LayersModel folder (model.json with the preprocessing contract, weights.bin), or with --format raw the bare little-endian float32 vector",
  )
    .argument('<job-id>')
    .requiredOption('--out <path>', 'the folder to write model.json and weights.bin to (raw: the file)')
    .addOption(
      new Option('--format <format>', 'tfjs or raw')
        .choices(['tfjs', 'raw'] satisfies DownloadOptions['format'][])
        .default('tfjs'),
    )
    .option('--schema <file>', "the hospitals' dataset schema (tabular or image): records each feature's scaling")
    .option('--spec <job.json>', 'the job spec, if the coordinator does not send it')
    .action(async (id: string, o: Common & DownloadOptions) => {
      // Loaded on use: the export pulls in tfjs and the intake, which `job status --help` must not pay for.
      const { writeDownloadedModel } = await import('./model-download.ts');
      print(await writeDownloadedModel(await run(o, { action: 'job.download', jobId: id }), o));
    });
}
