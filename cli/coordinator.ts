/** `cohort coordinator start`: CLI glue around Coordinator. */
import { Option, type Command } from 'commander';
import { intArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { createLogger } from '../edge/log.ts';
import { Coordinator, DEFAULT_MAX_START_WAIT_MS, MAX_START_WAIT_MS } from '../coordinator/coordinator.ts';
import { readTokenFile } from '../coordinator/token-file.ts';
import {
  loadOrCreateIdentityKey,
  readIdentityKey,
  readJsonFile,
  readPem,
  readPublicKeyFile,
  tlsPairFromFiles,
} from '../edge/keys.ts';
import { CoordinatorStore, ROLES, type Role } from '../coordinator/store.ts';
import { CoordinatorLedger } from '../coordinator/ledger.ts';
import { DEFAULT_MAX_FRAME_BYTES, validateClientName } from '../edge/wire/codec.ts';
import { FRAGMENT_HEADER_BYTES, MIN_FRAGMENT_BYTES } from '../edge/wire/fragments.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import {
  parseSubmissionLimits,
  type SubmissionLimits,
  type SubmissionLimitsInput,
} from '../coordinator/job-submissions.ts';
import { parseJobQuotas, type JobQuotas, type JobQuotasInput } from '../core/job/quota.ts';
import { readRosterFile } from '../edge/roster-file.ts';
import { publishRoster } from '../coordinator/roster.ts';

/** The smallest frame limit that fits one fragment of a fragmented message (edge/wire/fragments.ts fragmentBytesFor). */
const MIN_FRAME_BYTES = MIN_FRAGMENT_BYTES + FRAGMENT_HEADER_BYTES;

export function registerCoordinator(program: Command): void {
  const cmd = program.command('coordinator').description('the training coordinator');
  const start = cmd
    .command('start')
    .description('serve training rounds over WebSocket; resumes unfinished jobs found in --db')
    .option('--port <n>', 'TCP port', intArg(0, 65_535), 7700)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--db <path>', 'SQLite database (jobs, rounds)', 'coordinator.db')
    .option('--job <file...>', 'job spec JSON file(s) to submit at start')
    .option(
      '--max-frame-bytes <n>',
      `largest frame accepted and sent (at least ${MIN_FRAME_BYTES}: a fragment of a larger message and its header)`,
      intArg(MIN_FRAME_BYTES, 1 << 30),
      DEFAULT_MAX_FRAME_BYTES,
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
      intArg(1000, MAX_START_WAIT_MS),
      DEFAULT_MAX_START_WAIT_MS,
    );
  withSubmissionFlags(start).action(
    async (
      o: {
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
      } & Record<string, unknown>,
    ) => {
      const log = createLogger();
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
      if (o.dashboardPort === undefined && (o.dashboardHost || o.dashboardUrl || o.metricsTokenFile))
        throw new CohortError(
          'E_CONFIG_INVALID',
          '--dashboard-host, --dashboard-url and --metrics-token-file need --dashboard-port',
        );
      const dashboardHost = o.dashboardHost ?? o.host;
      if (o.dashboardPort !== undefined && !tls && !isLoopbackHost(dashboardHost)) {
        if (!o.insecure)
          throw new CohortError(
            'E_CONFIG_INVALID',
            `refusing a plain-http dashboard on ${dashboardHost}: bind it to loopback, serve TLS, or pass --insecure for a test network`,
          );
        log.warn({ host: dashboardHost }, 'INSECURE: serving the dashboard over plain http on a non-loopback address');
      }
      const dashboard =
        o.dashboardPort === undefined
          ? undefined
          : {
              port: o.dashboardPort,
              host: dashboardHost,
              ...(o.dashboardUrl ? { publicUrl: o.dashboardUrl } : {}),
              ...(o.metricsTokenFile ? { metricsToken: readTokenFile(o.metricsTokenFile, 'metrics token file') } : {}),
            };
      const roster = o.roster ? readRosterFile(o.roster) : undefined;
      const coordinator = new Coordinator({
        dbPath: o.db,
        port: o.port,
        host: o.host,
        log,
        maxFrameBytes: o.maxFrameBytes,
        requireEnrolment: !o.openEnrolment,
        maxStartWaitMs: o.maxStartWait,
        ...(tls ? { tls } : {}),
        ...(o.ledgerKey ? { ledgerKey: readIdentityKey(o.ledgerKey) } : {}),
        ...(dashboard ? { dashboard } : {}),
        ...(roster ? { roster } : {}),
        ...submissionOptionsOf(o),
      });
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
      for (const file of o.job ?? []) {
        const id = coordinator.submitJob(readJsonFile(file, 'E_JOB_SPEC'));
        log.info({ job: id, file }, 'job submitted from file');
      }
      if (o.openEnrolment) log.warn('OPEN ENROLMENT: any hospital may connect without an enrolled identity');
      await coordinator.listen();
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down');
        void coordinator.close().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
  );
}

/** A flag for each field of an option object: its commander flags and help (the default is appended). */
type FlagTable<T> = { readonly [K in keyof T]: readonly [flags: string, help: string] };

/**
 * `coordinator start`'s limits on researchers' submissions
 * (coordinator/job-submissions.ts) and their quotas (core/job/quota.ts): each
 * flag an integer that the option's schema bounds, naming the flag when it
 * refuses one; unset flags keep the defaults shown.
 */
const SUBMISSION_FLAGS: FlagTable<SubmissionLimits> = {
  workers: [
    '--submission-workers <n>',
    "worker threads that parse and calibrate researchers' job submissions, off the event loop",
  ],
  queue: ['--submission-queue <n>', 'submissions that may wait for a worker; beyond, E_BUSY'],
  timeLimitMs: [
    '--submission-time-limit <ms>',
    "time one submission may take in its worker (a new worker's start-up included); beyond, E_TOO_COSTLY",
  ],
  memoryLimitMb: ['--submission-memory <mb>', 'V8 heap of each worker; beyond, E_TOO_COSTLY'],
  maxSpecBytes: ['--max-spec-bytes <n>', 'largest job spec JSON a researcher may submit'],
};
const QUOTA_FLAGS: FlagTable<JobQuotas> = {
  maxUnfinishedJobs: ['--quota-jobs <n>', 'unfinished jobs per researcher'],
  maxSubmissions: [
    '--quota-submissions <n>',
    'submissions per researcher in any --quota-window, refused ones included',
  ],
  windowMs: ['--quota-window <ms>', 'the window of --quota-submissions'],
  maxPending: ['--quota-pending <n>', 'submissions per researcher being prepared at once'],
  maxStoredBytes: [
    '--quota-stored-bytes <n>',
    "bytes of weights a researcher's jobs may store, 4 per parameter per round plus one copy",
  ],
};

function withSubmissionFlags(cmd: Command): Command {
  const tables: [FlagTable<object>, object][] = [
    [SUBMISSION_FLAGS, parseSubmissionLimits()],
    [QUOTA_FLAGS, parseJobQuotas()],
  ];
  for (const [table, defaults] of tables) {
    for (const [field, [flags, help]] of Object.entries(table) as [string, readonly [string, string]][]) {
      cmd.option(flags, `${help} (default ${(defaults as Record<string, unknown>)[field]})`, intArg());
    }
  }
  return cmd;
}

/** The flags of `table` that were given, keyed by field, and each field's flag for messages. */
function flagValues(
  table: FlagTable<object>,
  o: Readonly<Record<string, unknown>>,
): { input: Record<string, unknown>; names: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const [field, [flags]] of Object.entries(table) as [string, readonly [string, string]][]) {
    const option = new Option(flags);
    names[field] = option.long!;
    const value = o[option.attributeName()];
    if (value !== undefined) input[field] = value;
  }
  return { input, names };
}

/** The submission limits and quotas the flags set, validated here so that a refusal names the flag. */
function submissionOptionsOf(o: Readonly<Record<string, unknown>>): {
  submissions: SubmissionLimitsInput;
  quotas: JobQuotasInput;
} {
  const s = flagValues(SUBMISSION_FLAGS, o);
  const q = flagValues(QUOTA_FLAGS, o);
  return {
    submissions: parseSubmissionLimits(s.input as SubmissionLimitsInput, s.names),
    quotas: parseJobQuotas(q.input as JobQuotasInput, q.names),
  };
}

/** `cohort roster publish`: the coordinator-side step of the roster, writing its database and ledger. */
export function registerRosterPublish(roster: Command): void {
  roster
    .command('publish')
    .description(
      'publish a roster chain at the coordinator: each new version goes into its database and ledger; a running coordinator adopts it within a heartbeat and sends it to the hospitals, which check it against their own',
    )
    .requiredOption('--roster <roster.json>', 'the roster chain (every version complete)')
    .requiredOption('--db <file>', "the coordinator's database")
    .option('--ledger-key <file.key>', 'the ledger key (default: <db>.ledger.key)')
    .action((o: { roster: string; db: string; ledgerKey?: string }) => {
      const chain = readRosterFile(o.roster);
      const { store, ledger } = openAdmin(o.db, o.ledgerKey);
      try {
        const { head, added } = publishRoster(store, ledger, chain, Date.now());
        process.stdout.write(
          added === 0
            ? `roster ${head.network} v${head.version} is already published\n`
            : `published roster ${head.network} v${head.version} (${head.size} members, hash ${head.hash.slice(0, 16)}…): ${added} new version(s) in the ledger\n`,
        );
      } finally {
        store.close();
      }
    });
}

function openAdmin(db: string, ledgerKey?: string) {
  const store = new CoordinatorStore(db);
  return {
    store,
    ledger: new CoordinatorLedger(
      store,
      ledgerKey ? readIdentityKey(ledgerKey) : loadOrCreateIdentityKey(`${db}.ledger.key`),
      Date.now,
    ),
  };
}

export function registerAdmin(program: Command): void {
  const cmd = program
    .command('admin')
    .description('enrol and revoke identities (writes the coordinator database and its ledger)');
  const open = openAdmin;
  cmd
    .command('enroll')
    .description('enrol an identity in a role (re-enrolling replaces its key and lifts a revocation)')
    .requiredOption('--db <file>', "the coordinator's database")
    .addOption(new Option('--role <role>', 'its role').choices([...ROLES]).makeOptionMandatory())
    .requiredOption('--name <name>', 'its name ([A-Za-z0-9._-])')
    .requiredOption('--pubkey <file>', 'its public key: 64 hex digits (as cohort keys generate prints) or its key file')
    .option('--ledger-key <file.key>', 'the ledger key (default: <db>.ledger.key)')
    .action((o: { db: string; role: Role; name: string; pubkey: string; ledgerKey?: string }) => {
      validateClientName(o.name);
      const key = readPublicKeyFile(o.pubkey);
      const { store, ledger } = open(o.db, o.ledgerKey);
      const hex = Buffer.from(key).toString('hex');
      store.enroll(o.name, o.role, hex, Date.now(), ledger.grant(o.name, o.role, true, hex));
      store.close();
      process.stdout.write(`enrolled ${o.name} as ${o.role} (${hex.slice(0, 16)}…)\n`);
    });
  cmd
    .command('revoke')
    .description('revoke an identity; a running coordinator closes its connection within a heartbeat')
    .requiredOption('--db <file>', "the coordinator's database")
    .requiredOption('--name <name>', 'the identity')
    .option('--ledger-key <file.key>', 'the ledger key (default: <db>.ledger.key)')
    .action((o: { db: string; name: string; ledgerKey?: string }) => {
      const { store, ledger } = open(o.db, o.ledgerKey);
      const who = store.identity(o.name);
      if (!who) throw new CohortError('E_CONFIG_INVALID', `${o.name} is not enrolled`);
      const done = store.revoke(o.name, Date.now(), ledger.grant(o.name, who.role, false, who.publicKey));
      store.close();
      process.stdout.write(done ? `revoked ${o.name}\n` : `${o.name} was already revoked\n`);
    });
}
