/**
 * A scenario whose setup fails after its coordinator is listening (here: one
 * hospital's state database cannot be opened) must reject with a typed error
 * and leave nothing open behind it: the coordinator closed (its port refuses
 * connections) and every state database already opened closed. Before
 * runFederation owned the setup, the coordinator stayed listening and the
 * CLI never exited.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CohortError } from '../../core/errors.ts';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { StatePart } from '../../client/state-db.ts';
import { CENTERS, runFedHeartDisease } from '../../simulations/fed-heart-disease.ts';

/** Resolves with the socket error's code, or 'connected' if something still accepts on the port. */
function probe(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runFederation tears down a federation whose setup fails', () => {
  it('an unopenable state database: E_STORE, the coordinator closed, the states opened before it closed', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'cohort-teardown-')), 'coordinator.db');
    const statePath = (c: string) => dbPath.replace(/\.db$/, `-${c}-state.db`);
    // The third centre's state database path is a directory: SQLite cannot open it.
    const bad = CENTERS[2];
    mkdirSync(statePath(bad));

    const ports: number[] = [];
    const listen = Coordinator.prototype.listen;
    vi.spyOn(Coordinator.prototype, 'listen').mockImplementation(async function (this: Coordinator) {
      const port = await listen.call(this);
      ports.push(port);
      return port;
    });
    const close = vi.spyOn(Coordinator.prototype, 'close');
    const partClose = vi.spyOn(StatePart.prototype, 'close');

    const run = runFedHeartDisease({ rounds: 1, dbPath, dp: { unit: 'record', epsilon: 1 } });
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CohortError);
    expect(err).toMatchObject({ code: 'E_STORE' });
    expect((err as Error).message).toContain(statePath(bad));

    expect(ports).toHaveLength(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(await probe(ports[0]!)).toBe('ECONNREFUSED');
    // The two centres before it were opened, each its budget, ledger copy and round outputs: all six closed.
    for (const c of CENTERS.slice(0, 2)) expect(existsSync(statePath(c))).toBe(true);
    expect(partClose).toHaveBeenCalledTimes(6);
  }, 30_000);
});
