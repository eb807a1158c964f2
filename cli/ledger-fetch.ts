/** `cohort ledger fetch`: an auditor's (or hospital's) copy of the ledger from a running coordinator, checked on arrival. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { connectionOf, withConnectionOptions, type ConnectionFlags } from '../client/connection-options.ts';
import { checkFetched, fetchLedger } from '../client/ledger-fetch.ts';

export function registerLedgerFetch(ledger: Command): void {
  withConnectionOptions(
    ledger
      .command('fetch')
      .description(
        'read the ledger from a running coordinator as an enrolled auditor (every entry: the chain, seals, receipts and every epsilon are verified) or hospital (its own entries: each seal is verified); exit 1 if anything fails',
      ),
  )
    .option('--job <id>', "only this job's entries")
    .option(
      '--coordinator-key <hex>',
      "the coordinator's ledger public key as you know it out of band (default: the one it sends)",
    )
    .option('--out <file>', 'write the entries and receipts as JSON here')
    .option('--json', 'machine-readable report', false)
    .action(async (o: ConnectionFlags & { job?: string; coordinatorKey?: string; out?: string; json: boolean }) => {
      const fetched = await fetchLedger(connectionOf(o), o.job ?? null);
      const check = checkFetched(fetched, o.coordinatorKey);
      if (o.out) writeFileSync(o.out, `${JSON.stringify(fetched, null, 2)}\n`);
      if (o.json) process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
      else {
        const what =
          check.checked === 'chain'
            ? 'the whole chain, every seal, receipt and epsilon'
            : "each entry's hash and seal (a part of the ledger: no chain to follow)";
        const first = check.report?.failures[0];
        process.stdout.write(
          check.ok
            ? `ledger OK: ${check.entries} entries (${fetched.scope === 'own' ? 'your own' : 'all'}${fetched.jobId ? `, job ${fetched.jobId}` : ''}); checked ${what}${check.pinned ? '' : ' under the key the coordinator sent: pin it with --coordinator-key'}\n`
            : `ledger FAILED: ${first ? `entry ${first.seq ?? '-'}: ${first.code}: ${first.message}` : `bad hash or seal at seq ${check.badEntries.slice(0, 10).join(', ')}`}\n`,
        );
      }
      if (!check.ok) process.exitCode = 1;
    });
}
