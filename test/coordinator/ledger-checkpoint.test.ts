/**
 * `cohort ledger verify --checkpoint`: the first run verifies everything and
 * leaves a checkpoint (the audit state, with the Merkle tree's frontier);
 * later runs verify only the entries written since against the latest signed
 * checkpoint, and notice when the entry the state ends at was rewritten or
 * truncated.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { verifyFromCheckpoint } from '../../coordinator/ledger-audit.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { simulatedNetwork } from '../../simulations/network.ts';
import { until } from '../helpers/until.ts';
import { PAIR_SECURE_AGGREGATION } from '../helpers/network.ts';
import { hospitalDaemon } from '../helpers/hospital-daemon.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-checkpoint-'));
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const privacy = { unit: 'record', epsilon: 8, delta: 1e-5, clip: 1, samplingRate: 0.1, accountant: 'pld' };

describe('ledger verify --checkpoint', () => {
  it('verifies only what was written since, moves the checkpoint forward, and catches a rewritten or truncated tip', async () => {
    const db = join(dir, 'c.db');
    const net = simulatedNetwork(['h0', 'h1']);
    const coordinator = new Coordinator({ dbPath: db, port: 0, roster: net.chain });
    const port = await coordinator.listen();
    cleanups.push(() => coordinator.close());
    for (const [i, name] of ['h0', 'h1'].entries()) {
      const h = hospitalDaemon({
        port,
        net,
        name,
        statePath: join(dir, `${name}.db`),
        seed: 80 + i,
        accountant: 'pld',
      });
      cleanups.push(h.close);
      h.d.start();
    }
    const runJob = async () => {
      const id = coordinator.submitJob(
        syntheticJob({
          rounds: 2,
          minClients: 2,
          targetClients: 2,
          privacy,
          secureAggregation: PAIR_SECURE_AGGREGATION,
        }),
      );
      await until(() => coordinator.jobState(id)?.status === 'completed', 60_000, 'the job');
      // Both hospitals, as witnesses, cosign a checkpoint covering the whole ledger (the job's end included).
      await until(
        () =>
          coordinator.database.latestCosignatures().filter((c) => c.size >= coordinator.database.lastLedgerSeq())
            .length === 2,
        10_000,
        "both hospitals' cosignatures of the latest checkpoint",
      );
    };
    await runJob();
    const cp = join(dir, 'audit.json');
    const first = verifyFromCheckpoint({ db, checkpoint: cp });
    expect(first).toMatchObject({ ok: true, from: 0 });
    expect(existsSync(cp)).toBe(true);
    const tip = JSON.parse(readFileSync(cp, 'utf8')) as { seq: number };
    expect(tip.seq).toBe(first.entries);

    await runJob();
    const second = verifyFromCheckpoint({ db, checkpoint: cp });
    expect(second).toMatchObject({ ok: true, from: tip.seq });
    expect(second.entries).toBe(coordinator.database.lastLedgerSeq() - tip.seq); // only the new job's entries
    // Two training rounds and the final evaluation's release, x two hospitals, each against its checkpointed history.
    expect(second.spendsRecomputed).toBe(6);
    // Witnessed by the cosignatures; the new rows' texts vouched for by the latest checkpoint, extending the saved tree.
    expect(second).toMatchObject({
      spendsWitnessed: 6,
      sealsChecked: 0,
      checkpointSize: coordinator.database.lastLedgerSeq(),
    });
    const moved = JSON.parse(readFileSync(cp, 'utf8')) as { seq: number };
    expect(moved.seq).toBe(coordinator.database.lastLedgerSeq());
    // Nothing new: nothing to verify, still fine.
    expect(verifyFromCheckpoint({ db, checkpoint: cp })).toMatchObject({ ok: true, entries: 0 });

    // The entry the checkpoint ends at, rewritten (a byte of its text): caught without reading the rest.
    const raw = new Database(db);
    raw
      .prepare(
        `UPDATE ledger SET canonical = replace(canonical, '"status":"completed"', '"status":"cancelled"') WHERE seq = ?`,
      )
      .run(moved.seq);
    const rewritten = verifyFromCheckpoint({ db, checkpoint: cp });
    expect(rewritten.ok).toBe(false);
    expect(rewritten.failures[0]).toMatchObject({ seq: moved.seq, code: 'head-mismatch' });
    raw.prepare(`DELETE FROM ledger WHERE seq = ?`).run(moved.seq);
    raw.close();
    expect(verifyFromCheckpoint({ db, checkpoint: cp }).failures[0]).toMatchObject({
      seq: moved.seq,
      code: 'head-missing',
    });
    // A failed run leaves the checkpoint where it was.
    expect((JSON.parse(readFileSync(cp, 'utf8')) as { seq: number }).seq).toBe(moved.seq);
  }, 120_000);
});
