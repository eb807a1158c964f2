/** `cohort coordinator start`: CLI glue around Coordinator. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { intArg } from '../core/args.ts';
import { CohortError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../proto/codec.ts';
import { Coordinator } from './coordinator.ts';
import { readIdentityKey, readPem } from '../client/keys.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function registerCoordinator(program: Command): void {
  const cmd = program.command('coordinator').description('the training coordinator');
  cmd
    .command('start')
    .description('serve training rounds over WebSocket; resumes unfinished jobs found in --db')
    .option('--port <n>', 'TCP port', intArg(0, 65_535), 7700)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option('--db <path>', 'SQLite database (jobs, rounds)', 'coordinator.db')
    .option('--job <file...>', 'job spec JSON file(s) to submit at start')
    .option('--max-frame-bytes <n>', 'largest frame accepted', intArg(1024, 1 << 30), DEFAULT_MAX_FRAME_BYTES)
    .option('--tls-cert <file.pem>', 'serve wss:// with this certificate chain (PEM)')
    .option('--tls-key <file.pem>', 'private key of --tls-cert (PEM)')
    .option('--tls-client-ca <file.pem>', 'mutual TLS: accept only clients with a certificate from this CA')
    .option('--insecure', 'allow plain ws:// on a non-loopback address (no TLS: testing only)', false)
    .option('--ledger-key <file.key>', 'Ed25519 key that signs the privacy ledger (default: <db>.ledger.key, created 0600 on first start)')
    .action(async (o: {
      port: number; host: string; db: string; job?: string[]; maxFrameBytes: number; insecure: boolean; ledgerKey?: string;
      tlsCert?: string; tlsKey?: string; tlsClientCa?: string;
    }) => {
      const log = createLogger();
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new CohortError('E_CONFIG_INVALID', '--tls-cert and --tls-key go together');
      if (o.tlsClientCa && !o.tlsCert) throw new CohortError('E_CONFIG_INVALID', '--tls-client-ca needs --tls-cert and --tls-key');
      const tls = o.tlsCert ? { cert: readPem(o.tlsCert), key: readPem(o.tlsKey!), ...(o.tlsClientCa ? { clientCa: readPem(o.tlsClientCa) } : {}) } : undefined;
      if (!tls && !LOOPBACK.has(o.host)) {
        if (!o.insecure) throw new CohortError('E_CONFIG_INVALID', `refusing plain ws:// on ${o.host}: bind to loopback, or pass --insecure for a test network`);
        log.warn({ host: o.host }, 'INSECURE: serving plain ws:// without TLS on a non-loopback address');
      }
      const coordinator = new Coordinator({ dbPath: o.db, port: o.port, host: o.host, log, maxFrameBytes: o.maxFrameBytes, ...(tls ? { tls } : {}), ...(o.ledgerKey ? { ledgerKey: readIdentityKey(o.ledgerKey) } : {}) });
      for (const file of o.job ?? []) {
        const id = coordinator.submitJob(readJson(file));
        log.info({ job: id, file }, 'job submitted from file');
      }
      await coordinator.listen();
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down');
        void coordinator.close().then(() => process.exit(0));
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CohortError('E_JOB_SPEC', `${file}: ${(err as Error).message}`);
  }
}

