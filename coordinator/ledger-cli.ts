/**
 * `cohort ledger verify|head|show|export|budget|serve`: the auditor's tools.
 * Everything reads the databases read-only; `verify` exits 1 and names the
 * first bad entry on any failure.
 */
import { guaranteeLine, type PrivacyUnit } from '../core/job/guarantee.ts';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { z } from 'zod';
import { formatIssues } from '../core/job/spec.ts';
import { parseRosterChain } from '../core/roster/index.ts';
import { intArg } from '../core/args.ts';
import { CohortError } from '../core/errors.ts';
import { mechanismSchema } from '../core/ledger/schema.ts';
import { entryHash, verifyLedger, type VerifyCheckpoint, type VerifyFailure, type VerifyReport } from '../core/ledger/index.ts';
import type { LedgerHead } from '../core/ledger/types.ts';
import { budgetSummary, headOf, ledgerRows, readCoordinatorLedger, readCoordinatorLedgerAfter, readHospitalLedger, toCsv, type CoordinatorLedgerData } from './ledger-reader.ts';
import { serveLedger } from './ledger-http.ts';
import { readTokenFile } from './token-file.ts';
import { readCappedFile } from '../edge/capped-file.ts';
import { tlsPairFromFiles } from '../client/keys.ts';

/** Largest saved head read (about 300 bytes). */
const MAX_HEAD_FILE_BYTES = 64 * 1024;
/** Largest checkpoint read: every job's spec and mechanism runs, and the roster chain. */
const MAX_CHECKPOINT_FILE_BYTES = 256 * 1024 * 1024;

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const headSchema = z.strictObject({ seq: z.number().int().min(1), hash: hex(64), signature: hex(128), coordinatorKey: hex(64) });

function readHead(path: string): LedgerHead {
  const text = readCappedFile(path, { maxBytes: MAX_HEAD_FILE_BYTES, what: 'saved head', code: 'E_CONFIG_INVALID' }).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `cannot read the saved head ${path}: ${(err as Error).message}`);
  }
  const r = headSchema.safeParse(raw);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `${path} is not a ledger head (cohort ledger head --json): ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
}

const keyBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

// Mechanisms are checked by the ledger's own schema: a checkpoint is input like any file.
const mechanismRuns = z.array(z.tuple([mechanismSchema, z.number().int().min(1)]));
const checkpointSchema = z.strictObject({
  seq: z.number().int().min(1),
  hash: hex(64),
  coordinatorKey: hex(64),
  specs: z.record(z.string(), z.unknown()),
  prior: z.record(z.string(), z.record(z.string(), mechanismRuns)),
  hospitalKeys: z.record(z.string(), hex(64)),
  // The roster versions recorded so far, checked as a chain (core/roster/) when the checkpoint is read.
  roster: z.array(z.unknown()).max(1000).optional(),
});

function readCheckpoint(path: string): VerifyCheckpoint {
  const text = readCappedFile(path, { maxBytes: MAX_CHECKPOINT_FILE_BYTES, what: 'checkpoint', code: 'E_CONFIG_INVALID' }).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `cannot read the checkpoint ${path}: ${(err as Error).message}`);
  }
  const r = checkpointSchema.safeParse(raw);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `${path} is not a ledger checkpoint (cohort ledger verify --checkpoint): ${formatIssues(r.error)}`);
  const { roster, ...rest } = r.data;
  if (!roster || roster.length === 0) return rest;
  try {
    return { ...rest, roster: parseRosterChain({ versions: roster }).versions };
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `${path}: its roster is not a roster chain: ${(err as Error).message}`);
  }
}

/**
 * `ledger verify --checkpoint FILE`: with no file yet, a full verification
 * that leaves one; with one, only the rows after it (and that the row it
 * ends at is still the one it names), leaving the next. Hospitals' copies
 * and saved heads are compared in a full verification.
 */
export function verifyFromCheckpoint(o: { db: string; checkpoint: string; coordinatorKey?: string; recompute?: boolean }): VerifyReport & { pinned: boolean; from: number } {
  if (o.coordinatorKey !== undefined && !/^[0-9a-f]{64}$/.test(o.coordinatorKey)) throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  if (!existsSync(o.checkpoint)) {
    const full = verifyFiles({ db: o.db, ...(o.coordinatorKey ? { coordinatorKey: o.coordinatorKey } : {}), ...(o.recompute === undefined ? {} : { recompute: o.recompute }) });
    if (full.ok && full.checkpoint) writeAtomically(o.checkpoint, `${JSON.stringify(full.checkpoint)}\n`);
    return { ...full, from: 0 };
  }
  const cp = readCheckpoint(o.checkpoint);
  if (o.coordinatorKey !== undefined && o.coordinatorKey !== cp.coordinatorKey) throw new CohortError('E_CONFIG_INVALID', `--coordinator-key differs from the key the checkpoint ${o.checkpoint} was made under`);
  const data = readCoordinatorLedgerAfter(o.db, cp.seq);
  const report = verifyLedger({
    entries: data.entries,
    coordinatorKey: keyBytes(cp.coordinatorKey),
    receipts: data.receipts,
    hospitalKeys: new Map([...Object.entries(cp.hospitalKeys), ...data.hospitalKeys].map(([n, k]) => [n, keyBytes(k)])),
    from: cp,
    recompute: o.recompute ?? true,
  });
  // The checkpoint's own row must still be there and be the entry it names, or history before it was rewritten.
  const tipFailure: VerifyFailure | null = !data.tip
    ? { seq: cp.seq, code: 'head-missing', message: `the checkpoint ends at entry ${cp.seq}, which the ledger no longer holds (truncated)` }
    : data.tip.hash !== cp.hash || entryHash(data.tip.canonical) !== cp.hash
      ? { seq: cp.seq, code: 'head-mismatch', message: `entry ${cp.seq} is not the entry the checkpoint names (history rewritten)` }
      : null;
  const merged = tipFailure ? { ...report, ok: false, failures: [tipFailure, ...report.failures], checkpoint: null } : report;
  if (merged.ok && merged.checkpoint) writeAtomically(o.checkpoint, `${JSON.stringify(merged.checkpoint)}\n`);
  return { ...merged, pinned: true, from: cp.seq };
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Verifies a coordinator database (and hospitals' copies) the way `cohort ledger verify` does. */
export function verifyFiles(o: { db: string; hospitalLedger?: string[]; head?: string; coordinatorKey?: string; recompute?: boolean }): VerifyReport & { pinned: boolean } {
  return verifyData(readCoordinatorLedger(o.db), o);
}

/** verifyFiles on a ledger already read (the dashboard reads it once for its rows and its verification). */
export function verifyData(data: CoordinatorLedgerData, o: { db: string; hospitalLedger?: string[]; head?: string; coordinatorKey?: string; recompute?: boolean }): VerifyReport & { pinned: boolean } {
  const head = o.head ? readHead(o.head) : undefined;
  // The key an auditor pinned (flag, or the saved head) wins over the one stored beside the entries.
  const pinnedKey = o.coordinatorKey ?? head?.coordinatorKey;
  if (pinnedKey !== undefined && !/^[0-9a-f]{64}$/.test(pinnedKey)) throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  const key = pinnedKey ?? data.coordinatorKey;
  if (!key) throw new CohortError('E_STORE', `${o.db} records no ledger key and none was given (--coordinator-key)`);
  const report = verifyLedger({
    entries: data.entries,
    coordinatorKey: keyBytes(key),
    receipts: data.receipts,
    hospitalKeys: new Map([...data.hospitalKeys].map(([n, k]) => [n, keyBytes(k)])),
    ...(head ? { head } : {}),
    hospitalLedgers: (o.hospitalLedger ?? []).map(readHospitalLedger).map(({ hospital, entries, receipts, charges }) => ({ hospital, entries, receipts, charges })),
    recompute: o.recompute ?? true,
  });
  return { ...report, pinned: pinnedKey !== undefined };
}

export function registerLedger(program: Command): Command {
  const cmd = program.command('ledger').description('the privacy ledger: verify it, read it, anchor it');
  cmd
    .command('verify')
    .description('check the hash chain, every signature and receipt, agreement with hospitals\' copies, and recompute every epsilon; exit 1 on the first bad entry')
    .requiredOption('--db <file>', "the coordinator's database")
    .option('--hospital-ledger <file...>', "hospitals' state databases to compare with the coordinator's ledger")
    .option('--head <file>', 'a head saved earlier (cohort ledger head --json): detects truncation and rewritten history')
    .option('--coordinator-key <hex>', "the coordinator's ledger public key as you know it out of band (default: the one in --db)")
    .option('--no-recompute', 'skip recomputing epsilon (chain, signatures and receipts only)')
    .option('--checkpoint <file>', 'verify only the entries after this checkpoint and move it forward; created by a full verification when missing (compare hospitals\' copies and heads in a full verification)')
    .option('--json', 'machine-readable report', false)
    .action((o: { db: string; hospitalLedger?: string[]; head?: string; coordinatorKey?: string; recompute: boolean; json: boolean; checkpoint?: string }) => {
      if (o.checkpoint && (o.hospitalLedger?.length || o.head)) throw new CohortError('E_CONFIG_INVALID', '--checkpoint verifies only new entries: compare --hospital-ledger copies and a --head in a full verification');
      const r = o.checkpoint ? verifyFromCheckpoint({ db: o.db, checkpoint: o.checkpoint, recompute: o.recompute, ...(o.coordinatorKey ? { coordinatorKey: o.coordinatorKey } : {}) }) : { ...verifyFiles(o), from: 0 };
      const { checkpoint: _state, ...shown } = r;
      if (o.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      else {
        const first = r.failures[0];
        process.stdout.write(r.ok
          ? `ledger OK: ${r.entries} entries${r.from ? ` after the checkpoint at ${r.from}` : ''}, head seq ${r.head?.seq ?? r.from} ${r.head?.hash ?? ''}${r.pinned ? '' : ' (key taken from the database: pin it with --coordinator-key or --head)'}\n`
          : `ledger FAILED at entry ${first?.seq ?? '-'}: ${first?.code}: ${first?.message}\n${r.failures.length > 1 ? `(${r.failures.length - 1} more failures; --json lists them)\n` : ''}`);
        for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
      }
      if (!r.ok) process.exitCode = 1;
    });
  cmd
    .command('head')
    .description('print the latest entry\'s seq, hash and signature, to keep out of band')
    .requiredOption('--db <file>', "the coordinator's database")
    .option('--json', 'as JSON (the file --head reads)', false)
    .action((o: { db: string; json: boolean }) => {
      const head = headOf(readCoordinatorLedger(o.db));
      if (!head) throw new CohortError('E_STORE', `${o.db} has an empty ledger`);
      process.stdout.write(o.json ? `${JSON.stringify(head)}\n` : `seq ${head.seq}\nhash ${head.hash}\nsignature ${head.signature}\ncoordinator key ${head.coordinatorKey}\n`);
    });
  for (const name of ['show', 'export'] as const) {
    cmd
      .command(name)
      .description(name === 'show' ? 'list ledger entries (one row per hospital spend)' : 'write ledger entries as JSON or CSV')
      .requiredOption('--db <file>', "the coordinator's database")
      .addOption(new Option('--format <f>', 'output format').choices(['table', 'json', 'csv']).default(name === 'show' ? 'table' : 'json'))
      .option('--job <id>', 'only this job')
      .option('--hospital <name>', 'only this hospital\'s spends')
      .option('--out <file>', 'write here instead of stdout')
      .action((o: { db: string; format: 'table' | 'json' | 'csv'; job?: string; hospital?: string; out?: string }) => {
        const rows = ledgerRows(readCoordinatorLedger(o.db), { ...(o.job ? { job: o.job } : {}), ...(o.hospital ? { hospital: o.hospital } : {}) });
        let text: string;
        if (o.format === 'json') text = `${JSON.stringify(rows, null, 2)}\n`;
        else if (o.format === 'csv') text = toCsv(rows);
        else {
          const t = new Table({ head: ['seq', 'kind', 'job', 'round', 'hospital', 'epsilon', 'cumulative', 'bound', 'survivors', 'receipt'] });
          for (const r of rows) t.push([r.seq, r.kind, r.jobId, r.round || '', r.hospital, r.epsilon?.toFixed(4) ?? '', r.cumulativeEpsilon?.toFixed(4) ?? '', r.bound, r.survivors ?? '', r.receipted === null ? '' : r.receipted ? 'yes' : 'no']);
          text = `${t.toString()}\n`;
        }
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
      });
  }
  cmd
    .command('budget')
    .description('privacy spent per hospital and job, from the coordinator\'s ledger; with --hospital-ledger, against that hospital\'s own budget')
    .requiredOption('--db <file>', "the coordinator's database")
    .option('--hospital-ledger <file...>', "hospitals' state databases (their totals)")
    .option('--json', 'machine-readable', false)
    .action((o: { db: string; hospitalLedger?: string[]; json: boolean }) => {
      const perJob = budgetSummary(readCoordinatorLedger(o.db));
      const totals = (o.hospitalLedger ?? []).map(readHospitalLedger).map((h) => ({ hospital: h.hospital, budget: h.budget }));
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ perJob, totals }, null, 2)}\n`);
        return;
      }
      const t = new Table({ head: ['hospital', 'job', 'unit', 'rounds charged', 'epsilon', 'delta', 'bound', 'hospital budget'] });
      for (const r of perJob) {
        const b = totals.find((x) => x.hospital === r.hospital)?.budget.map((x) => `${x.epsilon} at ${x.delta}`).join('; ') ?? '';
        t.push([r.hospital, r.jobId, r.unit, r.rounds, r.epsilon.toFixed(4), r.delta, r.bound, b]);
      }
      // What each epsilon means, beside it (core/job/guarantee.ts).
      const units = [...new Set(perJob.map((r) => r.unit))].filter((u): u is PrivacyUnit => u === 'record' || u === 'hospital').sort();
      process.stdout.write(`${t.toString()}\n${units.map((u) => `${u}-level epsilon: ${guaranteeLine(u)}\n`).join('')}`);
    });
  cmd
    .command('serve')
    .description('read-only HTTP endpoint for auditors (GET /ledger, /ledger/head, /ledger/budget, /ledger/verify; bearer token); loopback only unless served over TLS')
    .requiredOption('--db <file>', "the coordinator's database")
    .requiredOption('--token-file <file>', 'file holding the auditor bearer token, mode 0600 (openssl rand -hex 32 > auditor.token; chmod 600 auditor.token)')
    .option('--port <n>', 'TCP port', intArg(0, 65_535), 7701)
    .option('--host <addr>', 'address to bind (other than loopback: needs --tls-cert and --tls-key)', '127.0.0.1')
    .option('--tls-cert <file.pem>', 'serve https with this certificate chain (PEM); responses then carry Strict-Transport-Security')
    .option('--tls-key <file.pem>', 'private key of --tls-cert (PEM)')
    .action(async (o: { db: string; tokenFile: string; port: number; host: string; tlsCert?: string; tlsKey?: string }) => {
      const tls = tlsPairFromFiles(o);
      const token = readTokenFile(o.tokenFile, 'auditor token file');
      const { port } = await serveLedger({ db: o.db, token, port: o.port, host: o.host, ...(tls ? { tls } : {}) });
      process.stderr.write(`ledger endpoint on ${tls ? 'https' : 'http'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/ledger (read-only)\n`);
    });
  return cmd;
}
