/**
 * Issue 16, decode amplification: the structural scan (edge/wire/wire-scan.ts)
 * beside the protobufjs decode it runs before, on the red team's payloads
 * and on the largest honest messages, in one process. For each: the scan's
 * time (to its verdict: a refusal stops at the first bound passed) and the
 * decode's time and heap growth (pb.Envelope.decode alone, as decodeEnvelope
 * ran it before the scan). Median of REPEATS runs (the first few warm the JIT); the decode of the large
 * hostile payloads once (seconds, and gigabytes of heap, each).
 */
import { encodeEnvelope, pb, scanEnvelope, PROTOCOL_VERSION } from '../edge/wire/codec.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../edge/wire/fragments.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../edge/wire/codec.ts';
import { sessionKeys } from '../test/helpers/session-keys.ts';
import { median } from './stats.ts';

const REPEATS = 21;

export interface WireScanCase {
  name: string;
  bytes: number;
  /** The scan's verdict: "ok" or the refusal's code. */
  verdict: string;
  scanMs: number;
  decodeMs: number;
  /** Heap (JS objects and array buffers) the decoded message held, MB. */
  decodeHeapMb: number;
  ratio: number;
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) out.push((n & 127) | 128);
  out.push(n);
  return out;
}

/** An Envelope from h1 for job "x" round 1 whose body field `field` (a two-byte tag) holds `body`. */
function envelope(field: number, body: Uint8Array): Uint8Array {
  const tag = varint((field << 3) | 2);
  return Buffer.concat([
    Buffer.from([0x08, PROTOCOL_VERSION, 0x12, 1, 0x78, 0x18, 1, 0x22, 2]),
    Buffer.from('h1'),
    Buffer.from([0x28, 2]),
    Buffer.from([...tag, ...varint(body.length)]),
    body,
  ]);
}

/** `n` empty NamedBytes entries (0x0a 0x00 each): a SecAggShares body. */
function emptyShares(n: number): Uint8Array {
  const b = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) b[2 * i] = 0x0a;
  return b;
}

/** The red team's payloads and the largest honest messages. */
export function wireScanPayloads(): { name: string; bytes: Uint8Array }[] {
  const shares68 = Math.floor((DEFAULT_MAX_MESSAGE_BYTES - 64) / 2);
  const shares16 = Math.floor((DEFAULT_MAX_FRAME_BYTES - 64) / 2);
  const packed = Buffer.alloc(66_000_000); // zero varints
  const tensor = Buffer.concat([Buffer.from([0x0a, ...varint(packed.length)]), packed]);
  const update = Buffer.concat([Buffer.from([0x0a, ...varint(tensor.length)]), tensor]);
  const names = Array.from({ length: 10_000 }, (_, i) => `hospital-${String(i).padStart(5, '0')}`);
  return [
    {
      name: `hospital: ${(shares68 / 1e6).toFixed(1)} M empty shares (68 MiB message)`,
      bytes: envelope(32, emptyShares(shares68)),
    },
    { name: 'hospital: update.delta.shape of 66 M packed zeros', bytes: envelope(16, update) },
    {
      name: `auditor: ${(shares16 / 1e6).toFixed(1)} M empty shares (16 MiB frame)`,
      bytes: envelope(32, emptyShares(shares16)),
    },
    {
      name: 'honest: a 10^7-parameter update (40 MB)',
      bytes: encodeEnvelope({
        sender: 'h1',
        seq: 2,
        jobId: 'x',
        round: 1,
        update: { delta: { shape: [1e7], data: new Uint8Array(4e7) }, numExamples: 10 },
      }),
    },
    {
      name: 'honest: a 10,000-hospital share list (150-byte ciphertexts)',
      bytes: encodeEnvelope({
        sender: 'h1',
        seq: 2,
        jobId: 'x',
        round: 1,
        secaggShares: { shares: names.map((name) => ({ name, value: new Uint8Array(150) })) },
      }),
    },
    {
      name: 'honest: the keys of a 10,000-hospital session',
      bytes: encodeEnvelope({
        sender: 'coordinator',
        seq: 2,
        jobId: 'x',
        round: 1,
        secaggKeys: sessionKeys(names),
      }),
    },
  ];
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
function scanOnce(bytes: Uint8Array): { ms: number; verdict: string } {
  const t = performance.now();
  let verdict = 'ok';
  try {
    scanEnvelope(bytes, Infinity);
  } catch (err) {
    verdict = (err as { code?: string }).code ?? 'error';
  }
  return { ms: performance.now() - t, verdict };
}

export function benchWireScan(): WireScanCase[] {
  return wireScanPayloads().map(({ name, bytes }) => {
    const scans = Array.from({ length: REPEATS }, () => scanOnce(bytes));
    const large = bytes.length > 1e7 && scans[0]!.verdict !== 'ok';
    const decodes: number[] = [];
    let decodeHeapMb = 0;
    for (let i = 0; i < (large ? 1 : REPEATS); i++) {
      gc();
      const before = heap();
      const t = performance.now();
      const env = pb.Envelope.decode(bytes);
      decodes.push(performance.now() - t);
      decodeHeapMb = Math.max(decodeHeapMb, (heap() - before) / 1e6);
      if (!env) throw new Error('unreachable');
    }
    gc();
    const scanMs = median(scans.map((s) => s.ms));
    const decodeMs = median(decodes);
    return {
      name,
      bytes: bytes.length,
      verdict: scans[0]!.verdict,
      scanMs,
      decodeMs,
      decodeHeapMb,
      ratio: decodeMs / Math.max(scanMs, 1e-3),
    };
  });
}

export function formatWireScan(cases: WireScanCase[]): string[] {
  return [
    'structural scan (edge/wire/wire-scan.ts) beside the protobufjs decode it runs before:',
    ...cases.map(
      (c) =>
        `  ${c.name}, ${(c.bytes / 1e6).toFixed(1)} MB: scan ${c.scanMs.toFixed(3)} ms (${c.verdict}); decode ${c.decodeMs.toFixed(1)} ms, +${c.decodeHeapMb.toFixed(0)} MB heap; decode / scan = ${c.ratio.toFixed(0)}`,
    ),
  ];
}
