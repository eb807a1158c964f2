/**
 * The coordinator database's file and schema: opened private (0600), in WAL
 * mode with full sync, and migrated to SCHEMA_VERSION, one numbered step at a
 * time (coordinator/store.ts reads and writes the tables).
 */
import Database from 'better-sqlite3';
import { CohortError } from '../core/errors.ts';
import { createPrivateFile } from '../edge/private-file.ts';

const SCHEMA_VERSION = 13;

const MIGRATIONS = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     completed_rounds INTEGER NOT NULL DEFAULT 0,
     weights BLOB NOT NULL,
     server_state BLOB,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE rounds (
     job_id TEXT NOT NULL REFERENCES jobs(id),
     round INTEGER NOT NULL,
     kind TEXT NOT NULL,
     participants TEXT NOT NULL,
     dropped TEXT NOT NULL,
     evaluations TEXT NOT NULL,
     pooled TEXT,
     train_loss REAL,
     weights BLOB NOT NULL,
     completed_at INTEGER NOT NULL,
     PRIMARY KEY (job_id, round)
   );`,
  // 2: clients that reached each secure-aggregation phase, per round.
  `ALTER TABLE rounds ADD COLUMN phase_counts TEXT;`,
  // 3: the privacy ledger (core/ledger/): sealed entries, hospitals' receipts, and the key that signs them.
  `CREATE TABLE ledger (
     seq INTEGER PRIMARY KEY,
     canonical TEXT NOT NULL,
     hash TEXT NOT NULL,
     signature TEXT NOT NULL
   );
   CREATE TABLE ledger_receipts (
     seq INTEGER NOT NULL,
     hospital TEXT NOT NULL,
     signature TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (seq, hospital)
   );
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  // 4: enrolled identities (PKI): who may connect, with which key, in which role.
  `CREATE TABLE identities (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     public_key TEXT NOT NULL,
     enrolled_at INTEGER NOT NULL,
     revoked_at INTEGER
   );`,
  // 5: the researcher who submitted each job (null: submitted by the operator at start).
  `ALTER TABLE jobs ADD COLUMN owner TEXT;`,
  // 6: each entry's job, indexed, so a round's entry reads its job's earlier entries without scanning the ledger.
  `ALTER TABLE ledger ADD COLUMN job_id TEXT;
   UPDATE ledger SET job_id = json_extract(canonical, '$.jobId');
   CREATE INDEX ledger_by_job ON ledger (job_id, seq);`,
  // 7: the datasets each hospital last offered (names only), so a researcher's job is checked against them at submission.
  `CREATE TABLE hospital_datasets (
     hospital TEXT NOT NULL,
     schema_id TEXT NOT NULL,
     label TEXT NOT NULL,
     features TEXT NOT NULL,
     seen_at INTEGER NOT NULL,
     PRIMARY KEY (hospital, schema_id)
   );`,
  // 8: attempts started at a job's next round, so a restarted coordinator never offers an attempt number twice.
  `ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;`,
  // 9: the network's roster chain (core/roster/), one row per version, as published (cohort roster publish).
  `CREATE TABLE roster_versions (
     version INTEGER PRIMARY KEY,
     hash TEXT NOT NULL,
     json TEXT NOT NULL,
     adopted_at INTEGER NOT NULL
   );`,
  // 10: the ledger as a transparency log (RFC 9162, C2SP): each entry's leaf hash, the coordinator's signed
  // checkpoints and the hospitals' (witnesses') cosignatures. The leaves of older rows are filled in when the
  // coordinator opens the database (coordinator/ledger-tree.ts), which also signs a checkpoint of their size.
  `ALTER TABLE ledger ADD COLUMN leaf BLOB;
   CREATE TABLE ledger_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE TABLE ledger_cosignatures (
     witness TEXT NOT NULL,
     size INTEGER NOT NULL,
     timestamp INTEGER NOT NULL,
     signature BLOB NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (witness, size)
   );`,
  // 11: hospitals whose input to the round in flight may have been released (a record-level unmask answer, a
  // hospital-level masked input), so that an attempt a crash ends before its commit still reaches the ledger.
  `CREATE TABLE round_releases (
     job_id TEXT NOT NULL,
     round INTEGER NOT NULL,
     hospital TEXT NOT NULL,
     PRIMARY KEY (job_id, round, hospital)
   );`,
  // 12: the jobs each hospital took part in (a round naming it a participant, a budget refusal of its), kept as
  // entries are appended (ledger-tables.ts), so a hospital's ledger.read finds its jobs without reading the ledger.
  // Filled here from the rows already stored; a row whose text is not JSON names no one (it fails verification).
  `CREATE TABLE ledger_hospital_jobs (
     hospital TEXT NOT NULL,
     job_id TEXT NOT NULL,
     PRIMARY KEY (hospital, job_id)
   ) WITHOUT ROWID;
   INSERT OR IGNORE INTO ledger_hospital_jobs (hospital, job_id)
     SELECT p.value, l.job_id
       FROM (SELECT job_id, CASE WHEN json_valid(canonical) THEN canonical ELSE '{}' END AS json FROM ledger
              WHERE job_id IS NOT NULL) l,
            json_each(l.json, '$.body.participants') p
      WHERE json_extract(l.json, '$.kind') = 'round' AND p.type = 'text';
   INSERT OR IGNORE INTO ledger_hospital_jobs (hospital, job_id)
     SELECT json_extract(l.json, '$.body.hospital'), l.job_id
       FROM (SELECT job_id, CASE WHEN json_valid(canonical) THEN canonical ELSE '{}' END AS json FROM ledger
              WHERE job_id IS NOT NULL) l
      WHERE json_extract(l.json, '$.kind') = 'budget-refusal' AND json_type(l.json, '$.body.hospital') = 'text';`,
  // 13: a researcher's job.list reads its own jobs only (store.ts listJobs), not every job stored.
  `CREATE INDEX IF NOT EXISTS jobs_by_owner ON jobs (owner, created_at, id);`,
];

/** Opens (creating it if missing) and migrates the coordinator's database at `path`; throws E_STORE if it cannot. */
export function openCoordinatorDb(path: string): Database.Database {
  try {
    // It holds every job's weights: 0600, and so are its -wal and -shm (edge/private-file.ts).
    createPrivateFile(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    // FULL: a committed round and its ledger entry survive power loss, not only a process crash.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    if (err instanceof CohortError) throw err;
    throw new CohortError('E_STORE', `cannot open coordinator database ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new CohortError(
      'E_STORE',
      `database schema version ${version} is newer than this coordinator (${SCHEMA_VERSION})`,
    );
  }
  db.transaction(() => {
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
