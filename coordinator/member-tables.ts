/**
 * The network's members in the coordinator database: enrolled identities
 * (who may connect, with which key, in which role), the datasets each
 * hospital last offered, and the published roster chain. Enrolments,
 * revocations and roster versions are written with their ledger entries.
 */
import type { OfferedDataset } from '../core/job/features.ts';
import { parseRosterChain, type RosterChain, type RosterVersion } from '../core/roster/index.ts';
import type { Role } from '../core/auth/policy.ts';
import { LedgerTables, type EntryBuilder } from './ledger-tables.ts';

export interface Enrolled {
  name: string;
  role: Role;
  publicKey: string;
  enrolledAt: number;
  revokedAt: number | null;
}

/** A dataset a hospital offers, its feature list as stored JSON (offeredDatasetsJson). */
export interface OfferedDatasetJson {
  hospital: string;
  schemaId: string;
  label: string;
  featuresJson: string;
}

export class MemberTables extends LedgerTables {
  /** hospital_datasets as last read (offeredDatasetsJson); null once a Hello changed it. */
  private datasetRows: OfferedDatasetJson[] | null = null;

  /** Enrols (or re-enrols, clearing a revocation) `name` with `publicKeyHex` in `role`, with its ledger entry in the same transaction. */
  enroll(name: string, role: Role, publicKeyHex: string, now: number, entry: EntryBuilder): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO identities (name, role, public_key, enrolled_at, revoked_at) VALUES (?, ?, ?, ?, NULL)
                  ON CONFLICT (name) DO UPDATE SET role = excluded.role, public_key = excluded.public_key, enrolled_at = excluded.enrolled_at, revoked_at = NULL`,
        )
        .run(name, role, publicKeyHex, now);
      this.appendEntry(entry);
    })();
  }

  /** The enrolled hospitals not revoked: those that may connect and be offered a job. */
  enrolledHospitals(): string[] {
    return this.db
      .prepare(`SELECT name FROM identities WHERE role = 'hospital' AND revoked_at IS NULL`)
      .pluck()
      .all() as string[];
  }

  /** Revokes `name`; false if it was not enrolled or already revoked. */
  revoke(name: string, now: number, entry: EntryBuilder): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(`UPDATE identities SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL`)
        .run(now, name).changes;
      if (changed === 1) this.appendEntry(entry);
      return changed === 1;
    })();
  }

  identity(name: string): Enrolled | null {
    const r = this.db
      .prepare(`SELECT name, role, public_key, enrolled_at, revoked_at FROM identities WHERE name = ?`)
      .get(name) as
      { name: string; role: Role; public_key: string; enrolled_at: number; revoked_at: number | null } | undefined;
    return r
      ? { name: r.name, role: r.role, publicKey: r.public_key, enrolledAt: r.enrolled_at, revokedAt: r.revoked_at }
      : null;
  }

  /** Replaces what `hospital` offers with the datasets of its latest Hello. */
  recordDatasets(hospital: string, datasets: readonly Omit<OfferedDataset, 'hospital'>[], now: number): void {
    this.datasetRows = null;
    this.db.transaction(() => {
      this.db.prepare(`DELETE FROM hospital_datasets WHERE hospital = ?`).run(hospital);
      const insert = this.db.prepare(
        `INSERT OR REPLACE INTO hospital_datasets (hospital, schema_id, label, features, seen_at) VALUES (?, ?, ?, ?, ?)`,
      );
      for (const d of datasets) insert.run(hospital, d.schemaId, d.label, JSON.stringify(d.features), now);
    })();
  }

  /** The published roster chain (core/roster/), or null if none was published. */
  rosterChain(): RosterChain | null {
    const rows = this.db.prepare(`SELECT json FROM roster_versions ORDER BY version`).all() as { json: string }[];
    return rows.length === 0 ? null : parseRosterChain({ versions: rows.map((r) => JSON.parse(r.json) as unknown) });
  }

  /** The published roster's latest version number (0: none): cheap enough to poll. */
  rosterVersion(): number {
    return (this.db.prepare(`SELECT MAX(version) AS v FROM roster_versions`).get() as { v: number | null }).v ?? 0;
  }

  /** Appends roster versions (already checked to extend the stored chain) with their ledger entries, atomically. */
  appendRosterVersions(
    versions: readonly { version: RosterVersion; hash: string; entry: EntryBuilder }[],
    now: number,
  ): void {
    this.db.transaction(() => {
      for (const v of versions) {
        this.db
          .prepare(`INSERT INTO roster_versions (version, hash, json, adopted_at) VALUES (?, ?, ?, ?)`)
          .run(v.version.body.version, v.hash, JSON.stringify(v.version), now);
        this.appendEntry(v.entry);
      }
    })();
  }

  /**
   * The datasets offered by hospitals that are not revoked, each feature list
   * as its stored JSON, unparsed: what a submission's worker thread checks
   * the job against (parsing up to a megabyte of names per hospital is the
   * worker's work, not the event loop's). The rows are read once and kept
   * until a Hello records new ones (recordDatasets: only this process writes
   * them); revocations, which the admin CLI writes from another process, are
   * read each time (one name per revoked identity).
   */
  offeredDatasetsJson(): OfferedDatasetJson[] {
    this.datasetRows ??= this.db
      .prepare(
        `SELECT hospital, schema_id AS schemaId, label, features AS featuresJson FROM hospital_datasets ORDER BY hospital, schema_id`,
      )
      .all() as OfferedDatasetJson[];
    const revoked = new Set(
      this.db.prepare(`SELECT name FROM identities WHERE revoked_at IS NOT NULL`).pluck().all() as string[],
    );
    return this.datasetRows.filter((d) => !revoked.has(d.hospital));
  }
}
