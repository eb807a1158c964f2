/**
 * A hospital's budget refusals on its dashboard page (coordinator/dashboard/
 * api.ts hospital()): the reason a hospital gives states its budget and its
 * projected spend, which counts other researchers' jobs (core/privacy/
 * budget.ts admit), so a researcher, who may not read the ledger, gets the
 * code and round with the reason replaced; an auditor gets it as the ledger
 * holds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorLedger } from '../../../coordinator/ledger.ts';
import { CoordinatorStore } from '../../../coordinator/store.ts';
import { DashboardApi } from '../../../coordinator/dashboard/api.ts';
import { DashboardReader } from '../../../coordinator/dashboard/reader.ts';
import type { LedgerVerifier } from '../../../coordinator/dashboard/ledger-verifier.ts';
import { parseJobSpec } from '../../../core/job/spec.ts';
import { admit, REFUSAL_SHOWN_TO_RESEARCHERS } from '../../../core/privacy/budget.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { syntheticJob } from '../../../simulations/synthetic.ts';
import { RECORD_DP } from '../../helpers/privacy.ts';

const closing: { close(): void }[] = [];
afterEach(() => {
  for (const c of closing.splice(0)) c.close();
});

/** A coordinator database with one of rita's jobs, which hospital h1 refused with admit's own reason. */
function databaseWithRefusal(): { path: string; reason: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'cohort-refusal-')), 'c.db');
  const store = new CoordinatorStore(path);
  closing.push(store);
  const ledger = new CoordinatorLedger(store, ed25519KeyPair(), () => 1_700_000_000_000);
  const spec = parseJobSpec(syntheticJob({ rounds: 3, privacy: { ...RECORD_DP, epsilon: 4 } }));
  const at = 1_700_000_000_000;
  store.createJob('job-r', spec, new Float32Array(4), at, ledger.jobCreated('job-r', spec, 'ab'.repeat(32)), 'rita');
  const budget = { epsilon: 1, delta: 1e-5, accountant: 'rdp' as const };
  const refused = admit(budget, [], [{ kind: 'sampled-gaussian', q: 1, sigma: 0.8, steps: 3 }]);
  expect(refused.allowed).toBe(false);
  store.appendEntry(ledger.refusal('job-r', 0, 'h1', 'E_BUDGET_EXCEEDED', refused.reason));
  return { path, reason: refused.reason };
}

function api(path: string): DashboardApi {
  const reader = new DashboardReader(path);
  closing.push(reader);
  return new DashboardApi(reader, {} as LedgerVerifier, () => ({ hospitals: [], jobs: {} }));
}

describe("a hospital's budget refusals on its dashboard page", () => {
  it("shows the job's owner the code and round, not the reason that states the hospital's budget", () => {
    const { path, reason } = databaseWithRefusal();
    expect(reason).toContain("this hospital's budget of 1");
    const page = api(path).hospital({ name: 'rita', role: 'researcher' }, 'h1');
    expect(page.refusals).toEqual([
      { jobId: 'job-r', round: 0, code: 'E_BUDGET_EXCEEDED', reason: REFUSAL_SHOWN_TO_RESEARCHERS },
    ]);
    expect(JSON.stringify(page)).not.toContain('budget of');
  });

  it('shows an auditor the reason as the ledger holds it', () => {
    const { path, reason } = databaseWithRefusal();
    const page = api(path).hospital({ name: 'aud', role: 'auditor' }, 'h1');
    expect(page.refusals.map((r) => r.reason)).toEqual([reason]);
  });
});
