/** `cohort coordinator backup|restore`: the database's online copy and its restore (coordinator/backup.ts). */
import type { Command } from 'commander';
import { backupDatabase, restoreDatabase } from '../coordinator/backup.ts';

/** What both commands checked before they kept the copy. */
const verified = (r: { entries: number; headSeq: number | null }) =>
  `integrity ok, ledger OK (${r.entries} entries, head seq ${r.headSeq})`;

export function registerBackup(cmd: Command): void {
  cmd
    .command('backup')
    .description(
      "copy the coordinator's database while it runs (SQLite online backup), keeping the copy only once it passes an integrity check and the ledger's verification; back up <db>.ledger.key apart, as a secret",
    )
    .requiredOption('--db <path>', "the coordinator's database")
    .requiredOption('--out <file>', 'the backup file (written 0600)')
    .option('--force', 'replace an existing --out file', false)
    .action(async (o: { db: string; out: string; force: boolean }) => {
      const r = await backupDatabase(o.db, o.out, o.force);
      process.stdout.write(`backed up ${o.db} to ${o.out}: ${verified(r)}\n`);
    });
  cmd
    .command('restore')
    .description(
      "replace a stopped coordinator's database with a backup, verified first (integrity check and ledger verification); refuses a database a process holds open",
    )
    .requiredOption('--from <file>', 'the backup file')
    .requiredOption('--db <path>', "the coordinator's database to write")
    .option('--force', 'replace an existing database (never one in use)', false)
    .action((o: { from: string; db: string; force: boolean }) => {
      const r = restoreDatabase(o.from, o.db, o.force);
      process.stdout.write(`restored ${o.db} from ${o.from}: ${verified(r)}\n`);
    });
}
