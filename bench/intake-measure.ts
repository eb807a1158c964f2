/** One intake run's time and peak memory, sampled while it runs (bench/intake.ts, bench/intake-fhir.ts). */
import type { PreparedDataset } from '../core/data/types.ts';

export interface IntakeRun {
  what: string;
  records: number;
  fileBytes: number;
  ms: number;
  recordsPerSec: number;
  peakRssMiB: number;
  peakHeapMiB: number;
  /** The prepared table's own size (x as float64 while building + the two float32 splits). */
  tableMiB: number;
  /** With `liveHeapEveryMs`: the highest heap (+ array buffers) right after a full GC, above the baseline: what the reader keeps, garbage excluded. */
  liveHeapMiB?: number;
}

/**
 * Runs `f` while sampling RSS and heap every 10 ms; peaks are above the
 * pre-run baseline. The heap's peak counts garbage not yet collected (it
 * follows the allocation rate and V8's heuristics); with `liveHeapEveryMs`
 * (and node --expose-gc) a full GC every that many ms gives the live heap's
 * high-water too, at the cost of those GCs' time.
 */
export async function measured(
  what: string,
  records: number,
  fileBytes: number,
  f: () => Promise<PreparedDataset>,
  liveHeapEveryMs?: number,
): Promise<IntakeRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed + base.arrayBuffers;
  let live = heap;
  let lastGc = performance.now();
  const timer = setInterval(() => {
    let m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed + m.arrayBuffers);
    if (gc && liveHeapEveryMs !== undefined && performance.now() - lastGc >= liveHeapEveryMs) {
      gc();
      m = process.memoryUsage();
      live = Math.max(live, m.heapUsed + m.arrayBuffers);
      lastGc = performance.now();
    }
  }, 10);
  const t0 = performance.now();
  const d = await f();
  const ms = performance.now() - t0;
  clearInterval(timer);
  if (gc && liveHeapEveryMs !== undefined) {
    // Once more at the end, the result still held.
    gc();
    const m = process.memoryUsage();
    live = Math.max(live, m.heapUsed + m.arrayBuffers);
  }
  const n = d.report.rowsUsed;
  const MiB = 2 ** 20;
  return {
    what,
    records,
    fileBytes,
    ms,
    recordsPerSec: records / (ms / 1000),
    peakRssMiB: (rss - base.rss) / MiB,
    peakHeapMiB: (heap - base.heapUsed - base.arrayBuffers) / MiB,
    tableMiB: (n * d.features.length * (8 + 4)) / MiB,
    ...(gc && liveHeapEveryMs !== undefined ? { liveHeapMiB: (live - base.heapUsed - base.arrayBuffers) / MiB } : {}),
  };
}
