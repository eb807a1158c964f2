/**
 * The key that signs the privacy ledger, when no --ledger-key is given: the
 * key file beside the database (`<db>.ledger.key`), created 0600 on the
 * first start like an SSH host key. Only then: a database whose ledger is
 * already bound to a key (any start binds it, coordinator/ledger-tables.ts)
 * and whose key file is gone is refused, and no file is written, so a lost
 * key is restored from its backup rather than silently replaced by a new
 * one the ledger would refuse anyway (and that would then sit where the
 * restored key has to go).
 */
import { existsSync } from 'node:fs';
import { CohortError } from '../core/errors.ts';
import type { Identity } from '../core/secagg/index.ts';
import { loadOrCreateIdentityKey } from '../edge/keys.ts';

/** The ledger key file of the database at `dbPath`; `boundKeyHex`: the public key its ledger is signed by, if any. */
export function loadLedgerKey(dbPath: string, boundKeyHex: string | null): Identity {
  const path = `${dbPath}.ledger.key`;
  if (boundKeyHex !== null && !existsSync(path))
    throw new CohortError(
      'E_LEDGER_KEY_MISSING',
      `the ledger key file ${path} is missing, but ${dbPath} holds a ledger signed by key ${boundKeyHex.slice(0, 16)}…: restore the file from its backup (it is not in the database, nor in cohort coordinator backup), or pass --ledger-key <file>; no new key is made for an existing ledger`,
    );
  return loadOrCreateIdentityKey(path);
}
