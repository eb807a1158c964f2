/**
 * `cohort ledger verify|head|show|export|budget|serve`: the auditor's tools.
 * Everything reads the databases read-only; `verify` exits 1 and names the
 * first bad entry on any failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { z } from 'zod';
import { intArg } from '../core/args.ts';
import { CohortError } from '../core/errors.ts';
import { verifyLedger, type VerifyReport } from '../core/ledger/index.ts';
import type { LedgerHead } from '../core/ledger/types.ts';
import { budgetSummary, headOf, ledgerRows, readCoordinatorLedger, readHospitalLedger, toCsv } from './ledger-reader.ts';
import { serveLedger } from './ledger-http.ts';

const hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`));
const headSchema = z.strictObject({ seq: z.number().int().min(1), hash: hex(64), signature: hex(128), coordinatorKey: hex(64) });

function readHead(path: string): LedgerHead {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `cannot read the saved head ${path}: ${(err as Error).message}`);
  }
  const r = headSchema.safeParse(raw);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `${path} is not a ledger head (cohort ledger head --json): ${r.error.issues.map((i) => i.path.join('.')).join(', ')}`);
  return r.data;
}

const keyBytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

/** Verifies a coordinator database (and hospitals' copies) the way `cohort ledger verify` does. */
export function verifyFiles(o: { db: string; hospitalLedger?: string[]; head?: string; coordinatorKey?: string; recompute?: boolean }): VerifyReport & { pinned: boolean } {
  const data = readCoordinatorLedger(o.db);
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
    .option('--json', 'machine-readable report', false)
    .action((o: { db: string; hospitalLedger?: string[]; head?: string; coordinatorKey?: string; recompute: boolean; json: boolean }) => {
      const r = verifyFiles(o);
      if (o.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        const first = r.failures[0];
        process.stdout.write(r.ok
          ? `ledger OK: ${r.entries} entries, head seq ${r.head?.seq ?? 0} ${r.head?.hash ?? ''}${r.pinned ? '' : ' (key taken from the database: pin it with --coordinator-key or --head)'}\n`
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
      const t = new Table({ head: ['hospital', 'job', 'rounds in released sums', 'epsilon', 'delta', 'bound', 'hospital budget'] });
      for (const r of perJob) {
        const b = totals.find((x) => x.hospital === r.hospital)?.budget.map((x) => `${x.epsilon} at ${x.delta}`).join('; ') ?? '';
        t.push([r.hospital, r.jobId, r.rounds, r.epsilon.toFixed(4), r.delta, r.bound, b]);
      }
      process.stdout.write(`${t.toString()}\n`);
    });
  cmd
    .command('serve')
    .description('read-only HTTP endpoint for auditors (GET /ledger, /ledger/head, /ledger/budget, /ledger/verify; bearer token)')
    .requiredOption('--db <file>', "the coordinator's database")
    .requiredOption('--token-file <file>', 'file holding the auditor bearer token (>= 32 characters)')
    .option('--port <n>', 'TCP port', intArg(0, 65_535), 7701)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .action(async (o: { db: string; tokenFile: string; port: number; host: string }) => {
      const token = readFileSync(o.tokenFile, 'utf8').trim();
      const { port } = await serveLedger({ db: o.db, token, port: o.port, host: o.host });
      process.stderr.write(`ledger endpoint on http://${o.host}:${port}/ledger (read-only)\n`);
    });
  return cmd;
}
