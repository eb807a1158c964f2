/**
 * The compiled CLI (scripts/build.mjs), built into test-artifacts/ (inside the
 * repository, so packages resolve as from dist/): it prints what the source
 * prints, finds the assets it reads beside itself, and starts the coordinator's
 * worker threads from the compiled worker-thread.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildDist } from '../../scripts/build.mjs';
import { STAMP_NAME } from '../../scripts/dist-fresh.mjs';
import { accountSpend, type Mechanism } from '../../core/privacy/spend.ts';

const OUT = join(process.cwd(), 'test-artifacts', `dist-${process.pid}`);
const url = (path: string) => pathToFileURL(join(OUT, path)).href;
const node = (...args: string[]) => execFileSync(process.execPath, args, { encoding: 'utf8', stdio: 'pipe' });

beforeAll(async () => {
  expect(await buildDist(OUT)).toBe(true);
});
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('the build', () => {
  it('stamps a completed build', () => {
    expect(existsSync(join(OUT, STAMP_NAME))).toBe(true);
  });

  it('prints what the source prints', () => {
    const args = ['accountant', '--q', '0.01', '--sigma', '1.1', '--steps', '1000', '--delta', '1e-5'];
    const fromSource = execFileSync(process.execPath, ['cohort.mjs', ...args], {
      encoding: 'utf8',
      env: { ...process.env, COHORT_FROM_SOURCE: '1' },
    });
    expect(node(join(OUT, 'cli/main.js'), ...args)).toBe(fromSource);
    expect(fromSource).toMatch(/^epsilon = /);
  });

  it('finds the assets the code reads beside itself', () => {
    // codec.js compiles its scanner from proto/cohort.proto as it loads; the others name folders they read later.
    const script = `
      await import(${JSON.stringify(url('edge/wire/codec.js'))});
      const { DATA_DIR } = await import(${JSON.stringify(url('simulations/fed-heart-disease.js'))});
      const { SCHEMAS_DIR } = await import(${JSON.stringify(url('simulations/synthetic-ehr/scenario.js'))});
      console.log(JSON.stringify([DATA_DIR, SCHEMAS_DIR]));`;
    const [data, schemas] = JSON.parse(node('--input-type=module', '-e', script)) as [string, string];
    expect(data.startsWith(OUT)).toBe(true);
    expect(existsSync(join(data, 'schema.json'))).toBe(true);
    expect(existsSync(join(schemas, 'csv.schema.json'))).toBe(true);
    expect(existsSync(join(OUT, 'coordinator/dashboard/public/index.html'))).toBe(true);
  });

  it("runs the coordinator's worker tasks in the compiled worker thread", () => {
    const lists: Mechanism[][] = [[{ kind: 'discrete-gaussian', sigma: 2, steps: 3 }]];
    const script = `
      const { WorkerPool } = await import(${JSON.stringify(url('coordinator/worker-pool.js'))});
      const pool = new WorkerPool({ workers: 1, queue: 1, timeLimitMs: 30000, memoryLimitMb: 128 });
      try {
        console.log(JSON.stringify(await pool.run('spend.price', ${JSON.stringify({ lists, delta: 1e-5, accountant: 'rdp' })}, 'a test')));
      } finally {
        await pool.close();
      }`;
    expect(JSON.parse(node('--input-type=module', '-e', script))).toEqual([accountSpend(lists[0]!, 1e-5, 'rdp')]);
  });
});
