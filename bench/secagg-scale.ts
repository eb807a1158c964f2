/**
 * Secure aggregation at the largest model a job spec allows (MAX_PARAMS =
 * 10^7 parameters, 40 MB of float32), issue 18's "Scale".
 *
 * Two parts, both in the run that `npm run bench secagg` makes:
 * - protocol cases at d = 10^7 through secagg.ts's harness (runCase): the
 *   measured client's masking beside its floor (k + 1 raw AES-CTR
 *   expansions plus additions), in wall and CPU time, and the server's
 *   memory growth while n masked inputs stream in;
 * - one hospital's upload, real end to end in this process: a 10^7 float32
 *   delta encoded (core/secagg/input.ts), masked by a SecAggClient that a
 *   real SecAggServer brought to its masking phase, and cut into frames by
 *   the FrameEncoder a daemon uses (edge/wire/fragments.ts), under a
 *   sampler thread that reads the process's RSS every millisecond: the peak
 *   RSS growth of that path, and the frames' count and largest size beside
 *   the frame limit. The download of a 10^7 model (a RoundConfig) is cut the
 *   same way and counted.
 */
import { Worker } from 'node:worker_threads';
import {
  SecAggClient,
  SecAggServer,
  ed25519KeyPair,
  encodeInput,
  EXTRA_WORDS,
  type Outgoing,
  type Session,
} from '../core/secagg/index.ts';
import { MAX_PARAMS } from '../core/model/spec.ts';
import { DEFAULT_MAX_FRAME_BYTES, tensorOf } from '../edge/wire/codec.ts';
import { FrameEncoder, fragmentBytesFor } from '../edge/wire/fragments.ts';
import { gc, names } from './secagg-harness.ts';
import { benchSession, formatResult, runCase, type Case, type CaseResult } from './secagg.ts';

/** The model size the job spec allows at most. */
export const SCALE_D = MAX_PARAMS;

/** Few cases, run once each: a d = 10^7 round takes seconds, and other benches may share the machine. */
export function scaleCases(): Case[] {
  return [
    { n: 10, d: SCALE_D, dropout: 0, mode: 'full' },
    { n: 10, d: SCALE_D, dropout: 0.1, mode: 'secagg+' },
  ];
}

export interface FrameFigures {
  frames: number;
  largestFrameBytes: number;
  totalBytes: number;
}

export interface UploadFigures {
  d: number;
  encodeMs: number;
  maskMs: number;
  frameMs: number;
  /** Peak RSS during encode + mask + framing, above the RSS before it (the delta and the session already held). */
  peakRssGrowthBytes: number;
  maskedInput: FrameFigures;
  /** The same delta sent in the clear (an Update), for comparison. */
  plaintextUpdate: FrameFigures;
  /** The global model sent to a hospital (a RoundConfig with 10^7 weights). */
  modelDownload: FrameFigures;
  maxFrameBytes: number;
}

/** Frames as a daemon's or the coordinator's encoder cuts them for peers with the default frame limit. */
function frameFigures(frames: Uint8Array[]): FrameFigures {
  return {
    frames: frames.length,
    largestFrameBytes: Math.max(...frames.map((f) => f.length)),
    totalBytes: frames.reduce((s, f) => s + f.length, 0),
  };
}

const encoder = (): FrameEncoder => new FrameEncoder(fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES));

/** n real clients brought by a real server to the masking phase of a session of `vectorLength` words (full graph). */
function relayedClients(n: number, vectorLength: number): { session: Session; clients: Map<string, SecAggClient> } {
  const participants = names(n);
  const session = benchSession({
    jobId: 'scale',
    threshold: n - 1,
    degree: n - 1,
    participants,
    totalExamples: 1_000,
    vectorLength,
    rosterHash: new Uint8Array(32),
  });
  const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
  const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
  const server = new SecAggServer(session, roster);
  const clients = new Map(participants.map((p) => [p, new SecAggClient(session, p, ids.get(p)!, roster)]));
  const queue: Outgoing[] = [];
  const send = (from: string, msg: Parameters<SecAggServer['receive']>[1]) => {
    const { out, rejected } = server.receive(from, msg);
    if (rejected) throw rejected;
    queue.push(...out);
  };
  for (const [p, c] of clients) send(p, { secaggAdvertise: c.advertise() });
  for (let o = queue.shift(); o; o = queue.shift()) {
    const c = clients.get(o.to)!;
    const b = o.body;
    if ('secaggCommitments' in b) send(o.to, { secaggReveal: c.onCommitments(b.secaggCommitments) });
    else if ('secaggKeys' in b) send(o.to, { secaggShares: c.onKeys(b.secaggKeys) });
    else if ('secaggSharesRelay' in b) c.onShares(b.secaggSharesRelay);
  }
  return { session, clients };
}

/** Samples the process's RSS every millisecond on another thread; stop() gives the peak seen. */
async function rssSampler(): Promise<{ stop: () => Promise<number> }> {
  const shared = new SharedArrayBuffer(16);
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const peak = new Float64Array(workerData, 0, 1);
    const stop = new Int32Array(workerData, 8, 1);
    const timer = setInterval(() => {
      peak[0] = Math.max(peak[0], process.memoryUsage.rss());
      if (Atomics.load(stop, 0) === 1) { clearInterval(timer); parentPort.postMessage('done'); }
    }, 1);
    parentPort.postMessage('ready');`;
  const worker = new Worker(source, { eval: true, workerData: shared });
  const next = () => new Promise<void>((resolve) => worker.once('message', () => resolve()));
  await next();
  return {
    stop: async () => {
      const done = next();
      Atomics.store(new Int32Array(shared, 8, 1), 0, 1);
      await done;
      await worker.terminate();
      return new Float64Array(shared, 0, 1)[0]!;
    },
  };
}

/** One hospital's upload at d = `d`, as the daemon does it (core/round/hospital-session.ts), and the model download beside it. */
export async function measureUpload(d = SCALE_D): Promise<UploadFigures> {
  const { session, clients } = relayedClients(3, d + EXTRA_WORDS);
  const [name, client] = [...clients][0]!;
  const delta = new Float32Array(d);
  for (let i = 0; i < d; i++) delta[i] = ((i % 2001) - 1000) * 1e-6;
  const plaintextUpdate = frameFigures(
    encoder().encode({ sender: name, jobId: 'scale', round: 1, update: { delta: tensorOf(delta), numExamples: 100 } }),
  );
  const modelDownload = frameFigures(
    encoder().encode({ sender: 'coordinator', jobId: 'scale', round: 1, roundConfig: { weights: tensorOf(delta) } }),
  );
  gc();
  const sampler = await rssSampler();
  const rss0 = process.memoryUsage.rss();
  const t0 = performance.now();
  const x = encodeInput(session, delta, 100, 0.5);
  const t1 = performance.now();
  const masked = client.maskInput(x);
  x.fill(0);
  const t2 = performance.now();
  const frames = encoder().encode({ sender: name, jobId: 'scale', round: 1, secaggMaskedInput: masked });
  const t3 = performance.now();
  const peak = await sampler.stop();
  return {
    d,
    encodeMs: t1 - t0,
    maskMs: t2 - t1,
    frameMs: t3 - t2,
    peakRssGrowthBytes: peak - rss0,
    maskedInput: frameFigures(frames),
    plaintextUpdate,
    modelDownload,
    maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const framed = (f: FrameFigures) => `${f.frames} frames, largest ${mb(f.largestFrameBytes)}, ${f.totalBytes} bytes`;

export function formatUpload(u: UploadFigures): string[] {
  const words = u.d * 4;
  return [
    `upload at d=${u.d} (3 real clients, full graph): encode ${u.encodeMs.toFixed(0)} ms, mask ${u.maskMs.toFixed(0)} ms, frames ${u.frameMs.toFixed(0)} ms; peak RSS growth ${mb(u.peakRssGrowthBytes)} (${(u.peakRssGrowthBytes / words).toFixed(2)} x 4d bytes)`,
    `  masked input: ${framed(u.maskedInput)} (frame limit ${mb(u.maxFrameBytes)}; x${(u.maskedInput.totalBytes / u.plaintextUpdate.totalBytes).toFixed(4)} the plaintext update: ${framed(u.plaintextUpdate)})`,
    `  model download (RoundConfig): ${framed(u.modelDownload)}`,
  ];
}

/** The d = 10^7 protocol cases and the upload, each line said as it is measured; the figures for the JSON record. */
export async function runScale(say: (line: string) => void): Promise<{ cases: CaseResult[]; upload: UploadFigures }> {
  const cases: CaseResult[] = [];
  for (const c of scaleCases()) {
    const r = runCase(c);
    cases.push(r);
    say(formatResult(r));
  }
  const upload = await measureUpload();
  for (const line of formatUpload(upload)) say(line);
  return { cases, upload };
}
