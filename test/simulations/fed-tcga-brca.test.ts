/**
 * Fed-TCGA-BRCA with few rounds: the data lands at FLamby's six regions and
 * static split, a survival job runs end to end under secure aggregation and
 * its final model ranks the pooled test set's patients far better than
 * chance, and no patient barcode reaches a frame, a log line or the
 * coordinator's database. The full run (30 rounds, 5 seeds) is
 * `cohort simulate fed-tcga-brca`; README.md has its figures.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { createLogger } from '../../edge/log.ts';
import { parseJobSpec } from '../../core/job/spec.ts';
import { runFedTcgaBrca, tcgaJob, type TcgaResult } from '../../simulations/fed-tcga-brca.ts';
import { loadTcgaBrca, REGIONS, type TcgaBrcaData } from '../../simulations/tcga-brca-data.ts';

const frames: Buffer[] = [];
const send = WebSocket.prototype.send;
vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (this: WebSocket, data: unknown, ...rest: unknown[]) {
  frames.push(Buffer.from(data as Uint8Array));
  return (send as (...a: unknown[]) => void).call(this, data, ...rest);
});
afterAll(() => vi.restoreAllMocks());

/** Every TCGA barcode starts so; the job's own name is lower case ("fed-tcga-brca"). */
const BARCODE = /TCGA-[A-Z0-9]{2}-[A-Z0-9]{4}/;

let data: TcgaBrcaData;
let run: TcgaResult;
const logLines: string[] = [];

beforeAll(async () => {
  data = await loadTcgaBrca();
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ level: 'trace', destination: sink });
  run = await runFedTcgaBrca({ rounds: 5, seed: 1, data, baseline: false, log });
}, 120_000);

describe('fed-tcga-brca', () => {
  it("puts each patient at FLamby's region and side (README: 248/63, 156/40, 164/42, 129/33, 129/33, 40/11)", () => {
    expect(REGIONS.map((r) => [data.regions[r].train.n, data.regions[r].test.n])).toEqual([
      [248, 63],
      [156, 40],
      [164, 42],
      [129, 33],
      [129, 33],
      [40, 11],
    ]);
    expect(data.unassigned).toBe(8);
    expect(data.pooledTest.n).toBe(222);
    for (const r of REGIONS) {
      expect(data.regions[r].features).toHaveLength(39);
      expect(data.regions[r].features).not.toContain('pid');
      expect(data.regions[r].train.y.length).toBe(2 * data.regions[r].train.n);
    }
  });

  it('after 5 rounds the global model ranks the pooled test set far above chance (C-index > 0.7)', () => {
    expect(run.numTest).toBe(222);
    expect(run.pooledCIndex).toBeGreaterThan(0.7);
    expect(run.roundTimesMs).toHaveLength(6);
    // Every hospital released its own C-index (exact: no DP) for the final model.
    expect(Object.keys(run.released).sort()).toEqual([...REGIONS].sort());
    for (const r of REGIONS) {
      expect(run.released[r]!.numTest).toBe(data.regions[r].test.n);
      expect(run.released[r]!.cIndex).toBeGreaterThan(0);
      expect(run.released[r]!.cIndex).toBeLessThanOrEqual(1);
    }
  });

  it('no patient barcode is in any frame, log line or the coordinator database', () => {
    expect(frames.length).toBeGreaterThan(100);
    expect(logLines.length).toBeGreaterThan(10);
    // The barcodes are in the files the hospitals read: the check can fire.
    expect(
      BARCODE.test(readFileSync(new URL('../../simulations/data/tcga-brca/brca.csv', import.meta.url), 'latin1')),
    ).toBe(true);
    for (const f of frames) expect(BARCODE.test(f.toString('latin1'))).toBe(false);
    for (const l of logLines) expect(BARCODE.test(l)).toBe(false);
    for (const suffix of ['', '-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(run.dbPath + suffix);
      } catch {
        continue;
      }
      expect(BARCODE.test(bytes.toString('latin1'))).toBe(false);
    }
  });

  it('the job is a survival job; record-level DP is refused for it', () => {
    const features = data.regions.northeast.features;
    expect(parseJobSpec(tcgaJob(features, 'T', { rounds: 2, seed: 1 })).task).toEqual({ kind: 'survival' });
    expect(() =>
      parseJobSpec({
        ...tcgaJob(features, 'T', { rounds: 2, seed: 1 }),
        privacy: { unit: 'record', epsilon: 1, delta: 1e-5, clip: 1, samplingRate: 0.1 },
      }),
    ).toThrow(expect.objectContaining({ code: 'E_JOB_SPEC' }));
  });
});
