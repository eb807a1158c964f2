/**
 * `cohort admin` and `cohort roster publish`: the coordinator's offline writes
 * to its database and ledger. Its own module, so that these commands load the
 * store and the ledger, not the running coordinator.
 */
import { Option, type Command } from 'commander';
import { CohortError } from '../core/errors.ts';
import { ROLES, type Role } from '../core/auth/policy.ts';
import { CoordinatorStore } from '../coordinator/store.ts';
import { CoordinatorLedger } from '../coordinator/ledger.ts';
import { loadLedgerKey } from '../coordinator/ledger-key.ts';
import { publishRoster } from '../coordinator/roster.ts';
import { validateClientName } from '../edge/wire/codec.ts';
import { readIdentityKey, readPublicKeyFile } from '../edge/keys.ts';
import { readRosterFile } from '../edge/roster-file.ts';

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
      ledgerKey ? readIdentityKey(ledgerKey) : loadLedgerKey(db, store.ledgerKey()),
      Date.now,
    ),
  };
}

export function registerAdmin(program: Command): void {
  const cmd = program
    .command('admin')
    .description('enrol and revoke identities (writes the coordinator database and its ledger)');
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
      const { store, ledger } = openAdmin(o.db, o.ledgerKey);
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
      const { store, ledger } = openAdmin(o.db, o.ledgerKey);
      const who = store.identity(o.name);
      if (!who) throw new CohortError('E_CONFIG_INVALID', `${o.name} is not enrolled`);
      const done = store.revoke(o.name, Date.now(), ledger.grant(o.name, who.role, false, who.publicKey));
      store.close();
      process.stdout.write(done ? `revoked ${o.name}\n` : `${o.name} was already revoked\n`);
    });
}
