/** `cohort coordinator start`: CLI glue around Coordinator. */
import { Option, type Command } from 'commander';
import { intArg, logLevelOption } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { createLogger, type Logger, type LogLevel } from '../edge/log.ts';
import { Coordinator } from '../coordinator/coordinator.ts';
import {
  COORDINATOR_DEFAULTS,
  DAEMON_DEFAULTS,
  MIN_FRAME_BYTES,
  parseCoordinatorOptions,
  type CoordinatorConfig,
} from '../coordinator/config.ts';
import type { DashboardOptions } from '../coordinator/dashboard/server.ts';
import { readTokenFile } from '../coordinator/token-file.ts';
import { readIdentityKey, readPem, tlsPairFromFiles } from '../edge/keys.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import type { z } from 'zod';
import {
  parseSubmissionLimits,
  submissionLimitsSchema,
  type SubmissionLimits,
} from '../coordinator/job-submissions.ts';
import { jobQuotasSchema, parseJobQuotas, type JobQuotas } from '../core/job/quota.ts';
import { readRosterFile } from '../edge/roster-file.ts';
import { registerBackup } from './coordinator-backup.ts';
import { withConfigFile } from '../edge/config-file.ts';
import { submitJobFiles } from './start-jobs.ts';
import { stopOnSignal } from './stop-on-signal.ts';

/** Each coordinator option a flag of `coordinator start` sets, named as the flag in a refusal (coordinator/config.ts bounds them). */
const OPTION_FLAGS: Readonly<Record<string, string>> = {
  port: '--port',
  host: '--host',
  dbPath: '--db',
  maxFrameBytes: '--max-frame-bytes',
  maxStartWaitMs: '--max-start-wait',
  healthPort: '--health-port',
};

export function registerCoordinator(program: Command): void {
  const cmd = program.command('coordinator').description('the training coordinator');
  withConfigFile(withSubmissionFlags(startCommand(cmd))).action(startCoordinator);
  registerBackup(cmd);
}

function startCommand(cmd: Command): Command {
  return cmd
    .command('start')
    .description('serve training rounds over WebSocket; resumes unfinished jobs found in --db')
    .option('--port <n>', 'TCP port', intArg(), DAEMON_DEFAULTS.port)
    .option('--host <addr>', 'address to bind', COORDINATOR_DEFAULTS.host)
    .option(
      '--health-port <n>',
      'also serve GET /healthz and /readyz as plain http on this port of 127.0.0.1 only (they are always on --port too): for a probe that cannot speak TLS to --port',
      intArg(),
    )
    .option('--db <path>', 'SQLite database (jobs, rounds)', DAEMON_DEFAULTS.dbPath)
    .option('--job <file...>', 'job spec JSON file(s) to submit at start')
    .option(
      '--max-frame-bytes <n>',
      `largest frame accepted and sent (at least ${MIN_FRAME_BYTES}: a fragment of a larger message and its header)`,
      intArg(),
      COORDINATOR_DEFAULTS.maxFrameBytes,
    )
    .option('--tls-cert <file.pem>', 'serve wss:// with this certificate chain (PEM)')
    .option('--tls-key <file.pem>', 'private key of --tls-cert (PEM)')
    .option(
      '--tls-client-ca <file.pem>',
      'mutual TLS: accept only clients with a certificate from this CA naming the identity they authenticate as (subject CN or DNS subjectAltName)',
    )
    .option('--insecure', 'allow plain ws:// on a non-loopback address (no TLS: testing only)', false)
    .option('--open-enrolment', 'accept hospitals that are not enrolled (no handshake check: testing only)', false)
    .option(
      '--ledger-key <file.key>',
      'Ed25519 key that signs the privacy ledger (default: <db>.ledger.key, created 0600 on first start)',
    )
    .option(
      '--dashboard-port <n>',
      'serve the web dashboard on this port (https with --tls-cert); log in with `cohort dashboard login`',
      intArg(0, 65_535),
    )
    .option('--dashboard-host <addr>', 'address the dashboard binds (default: --host)')
    .option('--dashboard-url <url>', 'the dashboard URL people open, if not its own address (behind a proxy)')
    .option(
      '--metrics-token-file <file>',
      "serve Prometheus metrics at the dashboard's /metrics to the bearer token in this file, mode 0600 (openssl rand -hex 32)",
    )
    .option(
      '--roster <roster.json>',
      "publish this roster chain (cohort roster) at start: secure-aggregation jobs take hospitals' keys from it alone; it must extend the one in --db",
    )
    .option(
      '--max-start-wait <ms>',
      'a job that has not started its first round this long after its submission fails, ending the budget reservations of the hospitals offered it (14400000 is 4 h)',
      intArg(),
      COORDINATOR_DEFAULTS.maxStartWaitMs,
    )
    .addOption(logLevelOption('JSON lines to stdout; pretty on a terminal'));
}

/** The flags of `coordinator start`, as commander parses them. */
type StartFlags = {
  port: number;
  host: string;
  db: string;
  job?: string[];
  maxFrameBytes: number;
  insecure: boolean;
  ledgerKey?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  openEnrolment: boolean;
  dashboardPort?: number;
  dashboardHost?: string;
  dashboardUrl?: string;
  metricsTokenFile?: string;
  roster?: string;
  maxStartWait: number;
  healthPort?: number;
  logLevel?: LogLevel;
} & Record<string, unknown>;

async function startCoordinator(o: StartFlags): Promise<void> {
  const log = createLogger(o.logLevel ? { level: o.logLevel } : {});
  const stop = stopOnSignal(log);
  log.info({ db: o.db }, 'starting');
  const tls = tlsOf(o, log);
  const coordinator = new Coordinator(coordinatorConfigOf(o, log, tls, dashboardOf(o, tls, log)));
  const head = coordinator.rosterHead;
  if (head)
    log.info(
      { network: head.network, version: head.version, members: head.size, hash: head.hash.slice(0, 16) },
      'roster',
    );
  else
    log.warn(
      'no roster published: secure-aggregation jobs are refused until one is (cohort roster publish, or --roster)',
    );
  submitJobFiles(coordinator, o.job ?? [], log);
  if (o.openEnrolment) log.warn('OPEN ENROLMENT: any hospital may connect without an enrolled identity');
  const listening = coordinator.listen();
  // A failed listen is the start's error, reported as such (exit 2): a signal then waits for that exit.
  stop.opened(() =>
    listening.then(
      () => coordinator.close(),
      () => new Promise<void>(() => {}),
    ),
  );
  await listening;
}

type Tls = { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };

/** TLS from the flags' files; plain ws:// only on loopback, or with --insecure (and a warning). */
function tlsOf(o: StartFlags, log: Logger): Tls | undefined {
  if (o.tlsClientCa && !o.tlsCert)
    throw new CohortError('E_CONFIG_INVALID', '--tls-client-ca needs --tls-cert and --tls-key');
  const pair = tlsPairFromFiles(o);
  const tls = pair ? { ...pair, ...(o.tlsClientCa ? { clientCa: readPem(o.tlsClientCa) } : {}) } : undefined;
  if (!tls && !isLoopbackHost(o.host)) {
    if (!o.insecure)
      throw new CohortError(
        'E_CONFIG_INVALID',
        `refusing plain ws:// on ${o.host}: bind to loopback, or pass --insecure for a test network`,
      );
    log.warn({ host: o.host }, 'INSECURE: serving plain ws:// without TLS on a non-loopback address');
  }
  return tls;
}

/** The dashboard the flags ask for, or undefined; plain http only on loopback, or with --insecure. */
function dashboardOf(o: StartFlags, tls: Tls | undefined, log: Logger): DashboardOptions | undefined {
  if (o.dashboardPort === undefined && (o.dashboardHost || o.dashboardUrl || o.metricsTokenFile))
    throw new CohortError(
      'E_CONFIG_INVALID',
      '--dashboard-host, --dashboard-url and --metrics-token-file need --dashboard-port',
    );
  if (o.dashboardPort === undefined) return undefined;
  const host = o.dashboardHost ?? o.host;
  if (!tls && !isLoopbackHost(host)) {
    if (!o.insecure)
      throw new CohortError(
        'E_CONFIG_INVALID',
        `refusing a plain-http dashboard on ${host}: bind it to loopback, serve TLS, or pass --insecure for a test network`,
      );
    log.warn({ host }, 'INSECURE: serving the dashboard over plain http on a non-loopback address');
  }
  return {
    port: o.dashboardPort,
    host,
    ...(o.dashboardUrl ? { publicUrl: o.dashboardUrl } : {}),
    ...(o.metricsTokenFile ? { metricsToken: readTokenFile(o.metricsTokenFile, 'metrics token file') } : {}),
  };
}

/** The coordinator's options from the flags, validated once (coordinator/config.ts), a refusal naming the flag. */
function coordinatorConfigOf(
  o: StartFlags,
  log: Logger,
  tls: Tls | undefined,
  dashboard: DashboardOptions | undefined,
): CoordinatorConfig {
  const roster = o.roster ? readRosterFile(o.roster) : undefined;
  const limits = submissionOptionsOf(o);
  return parseCoordinatorOptions(
    {
      dbPath: o.db,
      port: o.port,
      host: o.host,
      log,
      maxFrameBytes: o.maxFrameBytes,
      requireEnrolment: !o.openEnrolment,
      maxStartWaitMs: o.maxStartWait,
      ...(o.healthPort !== undefined ? { healthPort: o.healthPort } : {}),
      ...(tls ? { tls } : {}),
      ...(o.ledgerKey ? { ledgerKey: readIdentityKey(o.ledgerKey) } : {}),
      ...(dashboard ? { dashboard } : {}),
      ...(roster ? { roster } : {}),
      submissions: limits.submissions,
      quotas: limits.quotas,
    },
    { ...OPTION_FLAGS, ...limits.names },
  );
}

/**
 * `coordinator start`'s limits on researchers' submissions
 * (coordinator/job-submissions.ts) and their quotas (core/job/quota.ts), each
 * keyed by its path in the coordinator's options: an integer that the field's
 * schema bounds, naming the flag when it refuses one, its help the field's
 * description; unset flags keep the defaults shown.
 */
const LIMIT_FLAGS = {
  'submissions.workers': '--submission-workers <n>',
  'submissions.queue': '--submission-queue <n>',
  'submissions.timeLimitMs': '--submission-time-limit <ms>',
  'submissions.memoryLimitMb': '--submission-memory <mb>',
  'submissions.maxSpecBytes': '--max-spec-bytes <n>',
  'quotas.maxUnfinishedJobs': '--quota-jobs <n>',
  'quotas.maxSubmissions': '--quota-submissions <n>',
  'quotas.windowMs': '--quota-window <ms>',
  'quotas.maxPending': '--quota-pending <n>',
  'quotas.maxStoredBytes': '--quota-stored-bytes <n>',
} as const satisfies Record<`submissions.${keyof SubmissionLimits}` | `quotas.${keyof JobQuotas}`, string>;

type LimitGroup = 'submissions' | 'quotas';

/** LIMIT_FLAGS' rows: each path split into its group and field, and the flag's help (the field's description and default). */
function limitFlags(): { path: string; group: LimitGroup; field: string; flags: string; help: string }[] {
  const groups: Record<LimitGroup, [shape: Record<string, z.ZodType>, defaults: Record<string, unknown>]> = {
    submissions: [submissionLimitsSchema.shape, parseSubmissionLimits()],
    quotas: [jobQuotasSchema.shape, parseJobQuotas()],
  };
  return Object.entries(LIMIT_FLAGS).map(([path, flags]) => {
    const [group, field] = path.split('.') as [LimitGroup, string];
    const [shape, defaults] = groups[group];
    return { path, group, field, flags, help: `${shape[field]!.description} (default ${defaults[field]})` };
  });
}

function withSubmissionFlags(cmd: Command): Command {
  for (const { flags, help } of limitFlags()) cmd.option(flags, help, intArg());
  return cmd;
}

/** The submission limits and quotas the flags set (validated with the other options, a refusal naming the flag). */
function submissionOptionsOf(o: Readonly<Record<string, unknown>>): {
  submissions: Record<string, unknown>;
  quotas: Record<string, unknown>;
  names: Record<string, string>;
} {
  const given: Record<LimitGroup, Record<string, unknown>> = { submissions: {}, quotas: {} };
  const names: Record<string, string> = {};
  for (const { path, group, field, flags } of limitFlags()) {
    const option = new Option(flags);
    names[path] = option.long!;
    const value = o[option.attributeName()];
    if (value !== undefined) given[group][field] = value;
  }
  return { ...given, names };
}
