/**
 * Mask expansion throughput (core/secagg/prg.ts) beside its floor measured in
 * the same run: raw AES-256-CTR, one cipher created and cipher.update called
 * on a preallocated zero buffer in the same chunk size, output discarded.
 * expandMask adds copying the words out (and zeroing each chunk) and should
 * reach at least 0.8 of its throughput. addMaskInto adds a read-modify-write pass over
 * the accumulator in JavaScript, which costs more than the copy (about 0.6–
 * 0.7 of the floor on Node 20, x86-64); the cipher itself no JavaScript can
 * speed up.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { CHUNK_BYTES, addMaskInto, expandMask } from '../core/secagg/prg.ts';
import { median } from './stats.ts';

export interface PrgBench {
  words: number;
  aesCtrRawWordsPerSec: number;
  expandWordsPerSec: number;
  fusedAddWordsPerSec: number;
  /** expand / raw: the target is ≥ 0.8. */
  ratioExpand: number;
  /** fused / raw. */
  ratioFused: number;
}

const WORDS = 1_000_000;
const SAMPLES = 5;
/** Calls of each case per sample, each timed alone and summed: one call of 10^6 words takes only ~1–3 ms. */
const CALLS_PER_SAMPLE = 20;

export async function benchPrg(words = WORDS): Promise<PrgBench> {
  const seed = randomBytes(32);
  const zeros = Buffer.alloc(CHUNK_BYTES);
  const bytes = words * 4;
  let sink = 0;
  const raw = () => {
    const cipher = createCipheriv('aes-256-ctr', seed, Buffer.alloc(16));
    for (let off = 0; off < bytes; off += CHUNK_BYTES) {
      const n = Math.min(CHUNK_BYTES, bytes - off);
      sink ^= cipher.update(n === CHUNK_BYTES ? zeros : zeros.subarray(0, n))[0]!;
    }
    cipher.final();
  };
  const out = new Uint32Array(words);
  const acc = new Uint32Array(words);
  const cases = {
    raw,
    expand: () => void expandMask(seed, words, out),
    fused: () => void addMaskInto(acc, seed, 1),
  };
  const names = ['raw', 'expand', 'fused'] as const;
  /**
   * One sample: CALLS_PER_SAMPLE rounds of one call of each case, so that a
   * noisy neighbour or a clock change during the sample hits all three alike.
   */
  const sample = (): Record<(typeof names)[number], number> => {
    const t = { raw: 0, expand: 0, fused: 0 };
    for (let c = 0; c < CALLS_PER_SAMPLE; c++) {
      for (const name of names) {
        const t0 = performance.now();
        cases[name]();
        t[name] += performance.now() - t0;
      }
    }
    return t;
  };
  sample(); // warm-up: JIT, allocator
  const secs = { raw: [] as number[], expand: [] as number[], fused: [] as number[] };
  for (let i = 0; i < SAMPLES; i++) {
    const t = sample();
    for (const name of names) secs[name].push(t[name] / 1000);
  }
  if (sink === 256) console.log(sink); // never true; keeps the raw cipher output observable
  const rate = (xs: number[]) => (words * CALLS_PER_SAMPLE) / median(xs);
  const aesCtrRawWordsPerSec = rate(secs.raw);
  const expandWordsPerSec = rate(secs.expand);
  const fusedAddWordsPerSec = rate(secs.fused);
  return {
    words,
    aesCtrRawWordsPerSec,
    expandWordsPerSec,
    fusedAddWordsPerSec,
    ratioExpand: expandWordsPerSec / aesCtrRawWordsPerSec,
    ratioFused: fusedAddWordsPerSec / aesCtrRawWordsPerSec,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchPrg();
  const m = (x: number) => `${(x / 1e6).toFixed(1)} M words/s (${((x * 4) / 2 ** 30).toFixed(2)} GiB/s)`;
  console.log(
    `mask PRG, d = ${r.words} words: median of ${SAMPLES} interleaved samples of ${CALLS_PER_SAMPLE} calls, after warm-up`,
  );
  console.log(`  floor: raw AES-256-CTR   ${m(r.aesCtrRawWordsPerSec)}`);
  console.log(
    `  expandMask               ${m(r.expandWordsPerSec)}  = ${r.ratioExpand.toFixed(2)} × floor (target ≥ 0.80)`,
  );
  console.log(`  addMaskInto (fused add)  ${m(r.fusedAddWordsPerSec)}  = ${r.ratioFused.toFixed(2)} × floor`);
}
