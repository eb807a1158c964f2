/** `cohort ledger fetch`: an auditor's (or hospital's) copy of the ledger from a running coordinator, checked on arrival. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import type { VerifyCheckpoint } from '../core/ledger/index.ts';
import { connectionOf, withConnectionOptions, type ConnectionFlags } from '../client/connection-options.ts';
import {
  checkFetched,
  checkKeyFlag,
  fetchLedger,
  type FetchCheck,
  type FetchedLedger,
} from '../client/ledger-fetch.ts';
import { readCheckpoint } from '../coordinator/ledger-audit.ts';
import { writeAtomically } from '../edge/atomic-file.ts';

interface FetchFlags extends ConnectionFlags {
  job?: string;
  coordinatorKey?: string;
  out?: string;
  checkpoint?: string;
  own: boolean;
  json: boolean;
}

export function registerLedgerFetch(ledger: Command): void {
  withConnectionOptions(
    ledger
      .command('fetch')
      .description(
        "read the ledger from a running coordinator as an enrolled auditor (every entry up to its latest signed checkpoint: the chain, the Merkle tree against the checkpoint, the witnesses' cosignatures, receipts and every epsilon are verified) or, with --own, hospital (its own entries: each seal is verified); exit 1 if anything fails",
      ),
  )
    .option('--job <id>', "only this job's entries")
    .option(
      '--own',
      'read your own entries, as a hospital (each seal is verified); without it the whole ledger is expected, and a coordinator that answers with less is refused (E_LEDGER_SCOPE)',
      false,
    )
    .option(
      '--coordinator-key <hex>',
      "the coordinator's ledger public key as you know it out of band (default: the one it sends)",
    )
    .option('--out <file>', 'write the entries, receipts and checkpoint as JSON here')
    .option(
      '--checkpoint <file>',
      'an audit state file (JSON, as `ledger verify --checkpoint` keeps): fetch and verify only the entries after it, check that the latest checkpoint extends the tree verified then (a consistency proof), and move it forward; created by a full fetch when missing',
    )
    .option('--json', 'machine-readable report', false)
    .action(async (o: FetchFlags) => {
      checkKeyFlag(o.coordinatorKey);
      const from = savedState(o);
      const fetched = await fetchLedger(
        connectionOf(o),
        o.job ?? null,
        from?.tree ? { seq: from.seq, size: from.tree.size } : null,
        o.own ? 'own' : 'all',
      );
      const check = checkFetched(fetched, o.coordinatorKey, from);
      if (o.out) writeAtomically(o.out, `${JSON.stringify(fetched, null, 2)}\n`);
      const state = check.ok ? check.report?.checkpoint : null;
      if (o.checkpoint && state) writeAtomically(o.checkpoint, `${JSON.stringify(state)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
      else process.stdout.write(summary(check, fetched, o.checkpoint && state ? o.checkpoint : null));
      if (!check.ok) process.exitCode = 1;
    });
}

/** The audit state to continue from, checked against the flags (none: a full fetch, which saves one). */
function savedState(o: FetchFlags): VerifyCheckpoint | undefined {
  if (!o.checkpoint) return undefined;
  if (o.own) throw new CohortError('E_CONFIG_INVALID', '--checkpoint audits the whole ledger: it goes without --own');
  if (o.job) throw new CohortError('E_CONFIG_INVALID', "--checkpoint audits the whole ledger, not one job's part");
  if (!existsSync(o.checkpoint)) return undefined;
  const state = readCheckpoint(o.checkpoint);
  if (!state.tree)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `${o.checkpoint} predates the Merkle tree: no consistency proof can start from it; run a full fetch with a new --checkpoint file`,
    );
  if (o.coordinatorKey !== undefined && o.coordinatorKey !== state.coordinatorKey)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `--coordinator-key differs from the key the audit state ${o.checkpoint} was made under`,
    );
  return state;
}

/** The one-line verdict (and what was checked) for a person. */
function summary(check: FetchCheck, fetched: FetchedLedger, saved: string | null): string {
  const r = check.report;
  if (!check.ok) {
    const first = r?.failures[0];
    return `ledger FAILED: ${first ? `entry ${first.seq ?? '-'}: ${first.code}: ${first.message}` : `bad hash or seal at seq ${check.badEntries.slice(0, 10).join(', ')}`}\n`;
  }
  const scope = `${fetched.scope === 'own' ? 'your own' : 'all'}${fetched.jobId ? `, job ${fetched.jobId}` : ''}${check.from ? `, after entry ${check.from}` : ''}`;
  const what = !r
    ? "each entry's hash and seal (a part of the ledger: no chain to follow)"
    : [
        check.from ? `the chain on from entry ${check.from}` : 'the whole chain',
        r.checkpointSize === null
          ? `every seal (no checkpoint verified)`
          : `the Merkle tree against the coordinator's signed checkpoint of size ${r.checkpointSize}${check.consistent ? ', which extends the tree verified before (consistency proof)' : ''}${r.sealsChecked === 0 ? '' : `, the seals of the ${r.sealsChecked} entries it does not cover`}`,
        `${r.cosignaturesVerified} witness cosignature(s) (${r.spendsWitnessed} spend(s) witnessed)`,
        'every receipt and epsilon',
      ].join(', ');
  const key = check.pinned ? '' : ' under the key the coordinator sent: pin it with --coordinator-key';
  return `ledger OK: ${check.entries} entries (${scope}); checked ${what}${key}${saved ? `; audit state saved to ${saved}` : ''}\n`;
}
