/**
 * `cohort ledger prove|check-proof`: proofs of the ledger's Merkle tree for
 * third parties. `prove` reads a coordinator database and prints an
 * inclusion proof of one entry (--entry) or a consistency proof between two
 * tree sizes (--from) with the coordinator's signed checkpoint; `check-proof`
 * checks such a file with nothing but the coordinator's ledger key.
 */
import type { Command } from 'commander';
import { intArg } from '../edge/args.ts';
import { CohortError } from '../core/errors.ts';
import { formatIssues } from '../core/parse-issues.ts';
import { checkLedgerProof, ledgerProofSchema } from '../core/ledger/verify-proof.ts';
import { fileText, readCappedFile } from '../edge/capped-file.ts';
import { proveConsistency, proveEntry } from '../coordinator/ledger-prove.ts';

/** A proof file: a checkpoint note, the entry's text (at most MAX_ENTRY_CHARS) and at most 64 hashes. */
const MAX_PROOF_BYTES = 2 * 1024 * 1024;

export function registerLedgerProve(cmd: Command): void {
  cmd
    .command('prove')
    .description(
      "print (JSON) an inclusion proof of one entry (--entry) or a consistency proof from an earlier tree size (--from), with the coordinator's signed checkpoint of the size proved at; check it with `cohort ledger check-proof`",
    )
    .requiredOption('--db <file>', "the coordinator's database")
    .option('--entry <seq>', 'the entry to prove included', intArg(1, Number.MAX_SAFE_INTEGER))
    .option('--from <size>', 'the earlier tree size to prove consistent', intArg(0, Number.MAX_SAFE_INTEGER))
    .option(
      '--size <n>',
      "the tree size to prove at (default: the latest checkpoint's)",
      intArg(1, Number.MAX_SAFE_INTEGER),
    )
    .action(prove);
  cmd
    .command('check-proof')
    .description(
      "check a proof printed by `cohort ledger prove` against the coordinator's ledger key as you know it out of band; exit 1 if it does not hold",
    )
    .requiredOption('--proof <file>', 'the JSON `cohort ledger prove` printed')
    .requiredOption('--coordinator-key <hex>', "the coordinator's ledger public key (64 hex digits)")
    .option('--json', 'machine-readable result', false)
    .action(checkProof);
}

/** `cohort ledger prove`: exactly one of --entry and --from says which proof. */
function prove(o: { db: string; entry?: number; from?: number; size?: number }): void {
  if ((o.entry === undefined) === (o.from === undefined))
    throw new CohortError('E_CONFIG_INVALID', 'give exactly one of --entry and --from');
  const proof = o.entry !== undefined ? proveEntry(o.db, o.entry, o.size) : proveConsistency(o.db, o.from!, o.size);
  process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
}

/** `cohort ledger check-proof`: a proof that does not hold sets exit code 1. */
function checkProof(o: { proof: string; coordinatorKey: string; json: boolean }): void {
  if (!/^[0-9a-f]{64}$/.test(o.coordinatorKey))
    throw new CohortError('E_CONFIG_INVALID', '--coordinator-key expected 64 hex digits');
  const r = checkLedgerProof(readProof(o.proof), new Uint8Array(Buffer.from(o.coordinatorKey, 'hex')));
  process.stdout.write(
    o.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.ok ? 'proof OK' : 'proof FAILED'}: ${r.message}\n`,
  );
  if (!r.ok) process.exitCode = 1;
}

function readProof(path: string) {
  const text = readCappedFile(path, { maxBytes: MAX_PROOF_BYTES, what: 'ledger proof', code: 'E_CONFIG_INVALID' });
  let raw: unknown;
  try {
    raw = JSON.parse(fileText(text));
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `cannot read the ledger proof ${path}: ${(err as Error).message}`);
  }
  const r = ledgerProofSchema.safeParse(raw);
  if (!r.success)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `${path} is not a ledger proof (cohort ledger prove): ${formatIssues(r.error)}`,
    );
  return r.data;
}
