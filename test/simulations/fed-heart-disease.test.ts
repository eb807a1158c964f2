import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runFedHeartDisease, CENTERS, type FedHeartResult } from '../../simulations/fed-heart-disease.ts';
import { jobSpend } from '../../core/job/privacy.ts';
import { parseJobSpec, STRATEGIES } from '../../core/job/spec.ts';

describe('fed-heart-disease, the embedded default job', () => {
  // The bar (published FLamby figures: pooled 0.79, FedAvg 0.75), mean over 3 seeds.
  it('FedAvg reaches >= 0.75 pooled test accuracy and the centralised baseline >= 0.78', async () => {
    const runs: FedHeartResult[] = [];
    for (const seed of [1, 2, 3]) runs.push(await runFedHeartDisease({ seed }));
    const mean = (f: (r: FedHeartResult) => number) => runs.reduce((s, r) => s + f(r), 0) / runs.length;
    expect(mean((r) => r.pooledAccuracy)).toBeGreaterThanOrEqual(0.75);
    expect(mean((r) => r.baseline.pooledAccuracy)).toBeGreaterThanOrEqual(0.78);
    for (const r of runs) {
      expect(Object.keys(r.perCenter)).toEqual([...CENTERS]);
      expect(CENTERS.reduce((s, c) => s + r.perCenter[c]!.numTest, 0)).toBe(259);
      expect(r.roundTimesMs).toHaveLength(21);
    }
    // Different seeds are different runs, not one run three times.
    expect(
      new Set(runs.map((r) => r.pooledAccuracy.toFixed(6) + r.baseline.pooledAccuracy.toFixed(6))).size,
    ).toBeGreaterThan(1);
  });

  const finalWeights = async (o: { secagg: boolean; seed: number }) => {
    const r = await runFedHeartDisease({ seed: o.seed, rounds: 5, strategy: 'fedadam', secagg: o.secagg });
    const db = new Database(r.dbPath, { readonly: true });
    const row = db.prepare('SELECT weights FROM jobs').get() as { weights: Buffer };
    db.close();
    return new Float32Array(new Uint8Array(row.weights).buffer);
  };

  it('is reproducible: the same seed gives bit-identical plaintext weights', async () => {
    const [a, b] = [await finalWeights({ secagg: false, seed: 11 }), await finalWeights({ secagg: false, seed: 11 })];
    expect(a.length).toBe(14);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });

  it('secure aggregation reaches the plaintext weights up to the quantization error', async () => {
    const plain = await finalWeights({ secagg: false, seed: 11 });
    const secure = await finalWeights({ secagg: true, seed: 11 });
    // Per round the mean delta is off by at most n/s = 4 / 5.4e7 (k = 32, clip 10); FedAdam divides by
    // sqrt(v) + tau, so allow a generous 1e-4 over 5 rounds. Different by far more than float noise:
    // the secure run uses randomised rounding, so it is not bit-identical.
    let maxDiff = 0;
    for (let i = 0; i < plain.length; i++) maxDiff = Math.max(maxDiff, Math.abs(plain[i]! - secure[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('the CLI writes the figures as JSON and keeps the database when asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-cli-'));
    const json = join(dir, 'out.json');
    const db = join(dir, 'coordinator.db');
    const stdout = execFileSync(
      'node',
      [
        'cohort.mjs',
        'simulate',
        'fed-heart-disease',
        '--rounds',
        '3',
        '--strategy',
        'fedyogi',
        '--seed',
        '7',
        '--json',
        json,
        '--db',
        db,
      ],
      { encoding: 'utf8' },
    );
    expect(stdout).toContain('pooled');
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out).toMatchObject({ scenario: 'fed-heart-disease', strategy: 'fedyogi', seed: 7, rounds: 3 });
    expect(out.pooledAccuracy).toBeGreaterThan(0.5);
    expect(Object.keys(out.perCenter)).toEqual([...CENTERS]);
    expect(existsSync(db)).toBe(true);
    const rows = new Database(db, { readonly: true }).prepare('SELECT round, kind FROM rounds ORDER BY round').all();
    expect(rows).toEqual([
      { round: 1, kind: 'train' },
      { round: 2, kind: 'train' },
      { round: 3, kind: 'train' },
      { round: 4, kind: 'evaluate' },
    ]);
  });

  it('the CLI refuses bad options with a clear message', () => {
    const run = (args: string[]) => {
      try {
        execFileSync('node', ['cohort.mjs', ...args], { encoding: 'utf8', stdio: 'pipe' });
        return '';
      } catch (e) {
        return String((e as { stderr: string }).stderr);
      }
    };
    expect(run(['simulate', 'fed-heart-disease', '--rounds', '0'])).toMatch(/expected an integer in \[1, 10000\]/);
    expect(run(['simulate', 'fed-heart-disease', '--strategy', 'fedsgd'])).toContain(
      `Allowed choices are ${STRATEGIES.join(', ')}`,
    );
    expect(run(['coordinator', 'start', '--host', '0.0.0.0', '--db', ':memory:'])).toMatch(/E_CONFIG_INVALID/);
    expect(run(['simulate', 'fed-heart-disease', '--no-dp', '--epsilon', '1'])).toMatch(
      /--epsilon is the target of --dp/,
    );
    expect(run(['simulate', 'fed-heart-disease', '--dp', 'patient', '--epsilon', '1'])).toMatch(
      /Allowed choices are record, hospital/,
    );
    expect(run(['simulate', 'fed-heart-disease', '--dp', 'record', '--epsilon', '0'])).toMatch(
      /--epsilon expected a number > 0/,
    );
    expect(run(['simulate', 'fed-heart-disease', '--dp', 'record', '--epsilon', '1', '--delta', '1'])).toMatch(
      /--delta expected a number in \(0, 1\)/,
    );
    expect(run(['simulate', 'fed-heart-disease', '--dp', 'record', '--epsilon', 'NaN'])).toMatch(/--epsilon expected/);
  });

  it("record-level DP with secure aggregation: each hospital's budget database holds exactly the job's epsilon", async () => {
    const r = await runFedHeartDisease({ rounds: 5, seed: 2, dp: { unit: 'record', epsilon: 1 } });
    expect(r.secagg).toBe(true);
    const p = r.privacy!;
    const spec = parseJobSpec(
      JSON.parse(new Database(r.dbPath, { readonly: true }).prepare('SELECT spec FROM jobs').pluck().get() as string),
    );
    const job = jobSpend(spec);
    expect(job.epsilon).toBeLessThanOrEqual(1);
    expect(p.noiseMultiplier).toBe(spec.privacy!.noiseMultiplier);
    for (const c of CENTERS) {
      expect(p.spent[c]!.rounds).toBe(6); // five training rounds and the final evaluation's counts
      expect(p.spent[c]!.spend.epsilon).toBeCloseTo(job.epsilon, 12);
      expect(p.spent[c]!.spend.bound).toBe('pld');
      expect(p.spent[c]!.spend.pld!).toBeLessThan(p.spent[c]!.spend.rdp.epsilon);
    }
    // The ledger verifies against every hospital's copy, each epsilon recomputed from the recorded mechanism.
    expect(r.ledger).toMatchObject({ ok: true, firstFailure: null });
    // Each spend of the last entries covered by a checkpoint its hospital cosigned (4 hospitals, 5 rounds and the evaluation).
    expect(r.ledger.witnessed).toBeGreaterThanOrEqual(5 * 3);
    // Five noisy rounds still learn something (the untrained model is at chance, about 0.5).
    expect(r.pooledAccuracy).toBeGreaterThan(0.6);
  });

  it('hospital-level DP: noise inside the secure sum, charged per round by the RDP bound', async () => {
    const r = await runFedHeartDisease({
      rounds: 3,
      seed: 2,
      dp: { unit: 'hospital', epsilon: 30 },
      budgetEpsilon: 40,
    });
    const p = r.privacy!;
    expect(p.unit).toBe('hospital');
    for (const c of CENTERS) {
      expect(p.spent[c]!.rounds).toBe(3);
      expect(p.spent[c]!.spend.bound).toBe('rdp');
      expect(p.spent[c]!.spend.pld).toBeNull();
      expect(p.spent[c]!.spend.epsilon).toBeLessThanOrEqual(30);
    }
    expect(r.ledger).toMatchObject({ ok: true, firstFailure: null });
  });
});
