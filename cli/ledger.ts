/**
 * `cohort ledger verify|head|show|export|budget|serve` (and prove|check-proof,
 * cli/ledger-prove.ts): the auditor's tools. Everything reads the databases
 * read-only; `verify` exits 1 and names the first bad entry on any failure.
 */
import { writeAtomically } from '../edge/atomic-file.ts';
import { guaranteeLine, type PrivacyUnit } from '../core/job/guarantee.ts';
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { textTable } from '../edge/text-table.ts';
import { intArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { headOf, ledgerRows, readCoordinatorLedger, readHospitalLedger, toCsv } from '../coordinator/ledger-reader.ts';
import { budgetSummary } from '../coordinator/ledger-budget.ts';
import { serveLedger } from '../coordinator/ledger-http.ts';
import { readTokenFile } from '../coordinator/token-file.ts';
import { tlsPairFromFiles } from '../edge/keys.ts';
import { verifyFiles, verifyFilesParallel, verifyFromCheckpoint } from '../coordinator/ledger-audit.ts';
import type { VerifyReport } from '../core/ledger/index.ts';
import { registerLedgerProve } from './ledger-prove.ts';
const COORDINATOR_DB = "the coordinator's database";

type Listing = 'show' | 'export';

interface VerifyOptions {
  db: string;
  hospitalLedger?: string[];
  head?: string;
  coordinatorKey?: string;
  recompute: boolean;
  json: boolean;
  checkpoint?: string;
  witness?: string[];
  workers: number;
}

interface ListOptions {
  db: string;
  format: 'table' | 'json' | 'csv';
  job?: string;
  hospital?: string;
  out?: string;
}

interface ServeOptions {
  db: string;
  tokenFile: string;
  port: number;
  host: string;
  tlsCert?: string;
  tlsKey?: string;
}

export function registerLedger(program: Command): Command {
  const cmd = program.command('ledger').description('the privacy ledger: verify it, read it, anchor it');
  registerVerify(cmd);
  cmd
    .command('head')
    .description(
      "print the latest entry's seq, hash and signature and the latest signed checkpoint of the Merkle tree, to keep out of band",
    )
    .requiredOption('--db <file>', COORDINATOR_DB)
    .option('--json', 'the head alone as JSON (the file --head reads)', false)
    .option('--note', 'the latest checkpoint alone, as the signed note (C2SP tlog-checkpoint)', false)
    .action(printHead);
  registerLedgerProve(cmd);
  for (const name of ['show', 'export'] as const) registerListing(cmd, name);
  cmd
    .command('budget')
    .description(
      "privacy spent per hospital and job, from the coordinator's ledger; with --hospital-ledger, against that hospital's own budget",
    )
    .requiredOption('--db <file>', COORDINATOR_DB)
    .option('--hospital-ledger <file...>', "hospitals' state databases (their totals)")
    .option('--json', 'machine-readable', false)
    .action(printBudget);
  registerServe(cmd);
  return cmd;
}

function registerVerify(cmd: Command): void {
  cmd
    .command('verify')
    .description(
      "recompute the Merkle tree and check it against the signed checkpoints and the hospitals' cosignatures, check the hash chain, the seals of entries no checkpoint covers, legacy receipts, agreement with hospitals' copies, and recompute every epsilon; exit 1 on the first bad entry",
    )
    .requiredOption('--db <file>', COORDINATOR_DB)
    .option('--hospital-ledger <file...>', "hospitals' state databases to compare with the coordinator's ledger")
    .option(
      '--head <file>',
      'a head saved earlier (cohort ledger head --json): detects truncation and rewritten history',
    )
    .option(
      '--coordinator-key <hex>',
      "the coordinator's ledger public key as you know it out of band (default: the one in --db)",
    )
    .option(
      '--witness <file...>',
      "checkpoint notes hospitals kept as witnesses (cohort client checkpoint): a cosigned root that is not the tree's is a split view",
    )
    .option('--no-recompute', 'skip recomputing epsilon (tree, chain, signatures and receipts only)')
    .option(
      '--workers <n>',
      'threads that recompute epsilon in a full verification, one group of jobs with the same settings each (1: in this thread)',
      intArg(1, 64),
      Math.min(availableParallelism(), 8),
    )
    .option(
      '--checkpoint <file>',
      "an audit state file (JSON, with the Merkle tree's frontier): verify only the entries after it, against the latest signed checkpoint, and move it forward; created by a full verification when missing (compare hospitals' copies and heads in a full verification)",
    )
    .option('--json', 'machine-readable report', false)
    .action(verify);
}

/** `show` lists entries as a table by default, `export` writes them as JSON by default; otherwise the same. */
function registerListing(cmd: Command, name: Listing): void {
  cmd
    .command(name)
    .description(
      name === 'show' ? 'list ledger entries (one row per hospital spend)' : 'write ledger entries as JSON or CSV',
    )
    .requiredOption('--db <file>', COORDINATOR_DB)
    .addOption(
      new Option('--format <f>', 'output format')
        .choices(['table', 'json', 'csv'])
        .default(name === 'show' ? 'table' : 'json'),
    )
    .option('--job <id>', 'only this job')
    .option('--hospital <name>', "only this hospital's spends")
    .option('--out <file>', 'write here instead of stdout')
    .action(list);
}

function registerServe(cmd: Command): void {
  cmd
    .command('serve')
    .description(
      'read-only HTTP endpoint for auditors (GET /ledger?after=SEQ&limit=N, at most 1000 entries a page, the next named in a Link header; /ledger/head, /ledger/budget, /ledger/verify; bearer token); loopback only unless served over TLS; errors detailed in a log on stderr',
    )
    .requiredOption('--db <file>', COORDINATOR_DB)
    .requiredOption(
      '--token-file <file>',
      'file holding the auditor bearer token, mode 0600 (openssl rand -hex 32 > auditor.token; chmod 600 auditor.token)',
    )
    .option('--port <n>', 'TCP port', intArg(0, 65_535), 7701)
    .option('--host <addr>', 'address to bind (other than loopback: needs --tls-cert and --tls-key)', '127.0.0.1')
    .option(
      '--tls-cert <file.pem>',
      'serve https with this certificate chain (PEM); responses then carry Strict-Transport-Security',
    )
    .option('--tls-key <file.pem>', 'private key of --tls-cert (PEM)')
    .action(serve);
}

/** `cohort ledger verify`: the full verification, or the entries after a checkpoint; exit code 1 on a failure. */
async function verify(o: VerifyOptions): Promise<void> {
  if (o.checkpoint && (o.hospitalLedger?.length || o.head))
    throw new CohortError(
      'E_CONFIG_INVALID',
      '--checkpoint verifies only new entries: compare --hospital-ledger copies and a --head in a full verification',
    );
  const r = o.checkpoint
    ? verifyFromCheckpoint({
        db: o.db,
        checkpoint: o.checkpoint,
        recompute: o.recompute,
        ...(o.coordinatorKey ? { coordinatorKey: o.coordinatorKey } : {}),
        ...(o.witness ? { witness: o.witness } : {}),
      })
    : { ...(o.workers > 1 ? await verifyFilesParallel(o) : verifyFiles(o)), from: 0 };
  const { checkpoint: _state, ...shown } = r;
  if (o.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  else {
    const first = r.failures[0];
    process.stdout.write(
      r.ok
        ? `ledger OK: ${r.entries} entries${r.from ? ` after the checkpoint at ${r.from}` : ''}, head seq ${r.head?.seq ?? r.from} ${r.head?.hash ?? ''}${r.pinned ? '' : ' (key taken from the database: pin it with --coordinator-key or --head)'}\n`
        : `ledger FAILED at entry ${first?.seq ?? '-'}: ${first?.code}: ${first?.message}\n${r.failures.length > 1 ? `(${r.failures.length - 1} more failures; --json lists them)\n` : ''}`,
    );
    if (r.ok) process.stdout.write(treeSummary(r));
    for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
  }
  if (!r.ok) process.exitCode = 1;
}

/** The tree's figures, and what a cosignature does and does not vouch for. */
function treeSummary(r: VerifyReport): string {
  const witnesses = Object.entries(r.witnessed)
    .map(([h, size]) => `${h} up to ${size}`)
    .join(', ');
  const tree =
    r.checkpointSize === null
      ? `tree: no checkpoint verified; the seal of each of the ${r.sealsChecked} entries was checked\n`
      : `tree: the coordinator's checkpoint of size ${r.checkpointSize} matches the recomputed tree (${r.checkpointsVerified} checkpoint(s) verified); ${r.sealsChecked === 0 ? 'it covers every entry' : `seals checked for the ${r.sealsChecked} entries it does not cover`}\n`;
  const cosigned =
    r.cosignaturesVerified === 0
      ? 'witnesses: no cosignature verified (no hospital vouches for having seen this tree)\n'
      : `witnesses: ${r.cosignaturesVerified} cosignature(s) verified (${witnesses}); ${r.spendsWitnessed} spends witnessed by their hospital\n` +
        "  (a hospital's cosignature of size S vouches that it was shown this tree of S entries, signed by the coordinator and\n" +
        '  consistent with every checkpoint it cosigned before, and that each entry < S recording its spend that it was sent\n' +
        "  is included and agrees with what it charged; it says nothing of other hospitals' entries, nor of one kept from it:\n" +
        '  give --hospital-ledger to catch a spend its budget never charged. A split view goes unnoticed only if every\n' +
        '  witness whose note or cosignature you check was shown the same forged tree.)\n';
  return tree + cosigned;
}

/** `cohort ledger head`: the latest entry and the latest checkpoint, to keep out of band. */
function printHead(o: { db: string; json: boolean; note: boolean }): void {
  const data = readCoordinatorLedger(o.db);
  const head = headOf(data);
  if (!head) throw new CohortError('E_STORE', `${o.db} has an empty ledger`);
  const note = data.checkpoints?.at(-1);
  if (o.note) {
    if (!note) throw new CohortError('E_STORE', `${o.db} has no checkpoint yet (a chain-format ledger)`);
    process.stdout.write(note);
    return;
  }
  process.stdout.write(
    o.json
      ? `${JSON.stringify(head)}\n`
      : `seq ${head.seq}\nhash ${head.hash}\nsignature ${head.signature}\ncoordinator key ${head.coordinatorKey}\n${note ? `checkpoint:\n${note}` : ''}`,
  );
}

/** `cohort ledger show|export`: the entries, filtered, as a table, JSON or CSV, to stdout or a file. */
function list(o: ListOptions): void {
  const rows = ledgerRows(readCoordinatorLedger(o.db), {
    ...(o.job ? { job: o.job } : {}),
    ...(o.hospital ? { hospital: o.hospital } : {}),
  });
  let text: string;
  if (o.format === 'json') text = `${JSON.stringify(rows, null, 2)}\n`;
  else if (o.format === 'csv') text = toCsv(rows);
  else text = `${entryTable(rows)}\n`;
  if (o.out) writeAtomically(o.out, text);
  else process.stdout.write(text);
}

function entryTable(rows: ReturnType<typeof ledgerRows>): string {
  const t = textTable([
    'seq',
    'kind',
    'job',
    'round',
    'hospital',
    'epsilon',
    'cumulative',
    'bound',
    'survivors',
    'receipt',
    'cosigned',
  ]);
  for (const r of rows)
    t.push([
      r.seq,
      r.kind,
      r.jobId,
      r.round || '',
      r.hospital,
      r.epsilon?.toFixed(4) ?? '',
      r.cumulativeEpsilon?.toFixed(4) ?? '',
      r.bound,
      r.survivors ?? '',
      r.receipted === null ? '' : r.receipted ? 'yes' : 'no',
      r.witnessed === null ? '' : r.witnessed ? 'yes' : 'no',
    ]);
  return t.toString();
}

/** `cohort ledger budget`: spend per hospital and job, beside each hospital's own budget when its copy is given. */
function printBudget(o: { db: string; hospitalLedger?: string[]; json: boolean }): void {
  const perJob = budgetSummary(readCoordinatorLedger(o.db));
  const totals = (o.hospitalLedger ?? [])
    .map(readHospitalLedger)
    .map((h) => ({ hospital: h.hospital, budget: h.budget }));
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ perJob, totals }, null, 2)}\n`);
    return;
  }
  const t = textTable(['hospital', 'job', 'unit', 'rounds charged', 'epsilon', 'delta', 'bound', 'hospital budget']);
  for (const r of perJob) {
    const b =
      totals
        .find((x) => x.hospital === r.hospital)
        ?.budget.map((x) => `${x.epsilon} at ${x.delta}`)
        .join('; ') ?? '';
    t.push([r.hospital, r.jobId, r.unit, r.rounds, r.epsilon.toFixed(4), r.delta, r.bound, b]);
  }
  // What each epsilon means, beside it (core/job/guarantee.ts).
  const units = [...new Set(perJob.map((r) => r.unit))]
    .filter((u): u is PrivacyUnit => u === 'record' || u === 'hospital')
    .sort();
  process.stdout.write(`${t.toString()}\n${units.map((u) => `${u}-level epsilon: ${guaranteeLine(u)}\n`).join('')}`);
}

/** `cohort ledger serve`: the read-only auditor endpoint, until the process is stopped. */
async function serve(o: ServeOptions): Promise<void> {
  const tls = tlsPairFromFiles(o);
  const token = readTokenFile(o.tokenFile, 'auditor token file');
  const { port } = await serveLedger({ db: o.db, token, port: o.port, host: o.host, ...(tls ? { tls } : {}) });
  process.stderr.write(
    `ledger endpoint on ${tls ? 'https' : 'http'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}/ledger (read-only)\n`,
  );
}
