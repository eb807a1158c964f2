/**
 * Issue 18, "Scale": a secure-aggregation round at the largest model a job
 * spec allows (MAX_PARAMS = 10^7 parameters), driven through the real code
 * end to end in one process: four hospitals' SecAggClients and the
 * coordinator's SecAggServer, every message between them encoded into
 * frames by the FrameEncoder each side uses, checked against the frame
 * limit, put back together by a Reassembler under the limits the
 * coordinator applies (edge/wire/fragments.ts, coordinator/role-limits.ts)
 * and decoded. Each hospital encodes a 10^7 float32 delta as the daemon
 * does (core/secagg/input.ts); one drops out after sharing its keys, so the
 * server also rebuilds its key and removes its pairwise masks at 10^7.
 *
 * Asserted: the unmasked sum is the exact sum of the survivors' encoded
 * inputs (mod 2^32) and decodes to their weighted mean; every frame is
 * under the frame limit; and what the process retains while the masked
 * inputs stream in stays within 2.5 × 4d bytes (the server's running sum
 * and its one scratch vector are 2 × 4d; keeping each input would add 4d
 * per survivor).
 */
import { describe, it, expect } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  SecAggClient,
  SecAggServer,
  checkWeightedSum,
  decodeSum,
  ed25519KeyPair,
  encodeInput,
  openSession,
  EXTRA_WORDS,
  type ClientMessage,
  type Outgoing,
  type ServerMessage,
} from '../../../core/secagg/index.ts';
import { scaleFor } from '../../../core/secagg/quantize.ts';
import { MAX_PARAMS } from '../../../core/model/spec.ts';
import { DEFAULT_MAX_FRAME_BYTES, decodeScanned, scanEnvelope, type Envelope } from '../../../edge/wire/codec.ts';
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  FrameEncoder,
  HOSPITAL_VECTOR_BODIES,
  Reassembler,
  fragmentBytesFor,
} from '../../../edge/wire/fragments.ts';

const D = MAX_PARAMS;
const HOSPITALS = ['h0', 'h1', 'h2', 'h3'];
const EXAMPLES: Record<string, number> = { h0: 100, h1: 200, h2: 300, h3: 400 };
const DROPS_AFTER_SHARING = 'h3';
const TOTAL_EXAMPLES = 1000;

/** Hospital i's delta at coordinate j: deterministic, so the expected mean needs no stored copy. */
const deltaAt = (i: number, j: number) => (((j * 7 + i * 13) % 2001) - 1000) * 1e-6;

function deltaOf(i: number): Float32Array {
  const v = new Float32Array(D);
  for (let j = 0; j < D; j++) v[j] = deltaAt(i, j);
  return v;
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
/** ArrayBuffer bytes still reachable (twice: external buffers are freed by finalizers the first pass schedules). */
function retained(): number {
  collect();
  collect();
  return process.memoryUsage().arrayBuffers;
}

/** One direction of one connection: the sender's FrameEncoder, the receiver's Reassembler; records every frame's size. */
class Link {
  readonly frameSizes: number[] = [];
  private readonly out = new FrameEncoder(fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES));
  private readonly inbound: Reassembler;

  constructor(
    private readonly sender: string,
    toCoordinator: boolean,
  ) {
    // The coordinator holds a hospital's vectors to the message limit and everything else to one frame, decided at the first fragment.
    this.inbound = new Reassembler(DEFAULT_MAX_MESSAGE_BYTES, {
      limitOf: (h) =>
        !toCoordinator || HOSPITAL_VECTOR_BODIES.has(h.body) ? DEFAULT_MAX_MESSAGE_BYTES : DEFAULT_MAX_FRAME_BYTES,
    });
    this.out.peerLimits({ maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES });
  }

  /** The message as the far side decodes it, after it crossed as frames. */
  carry<M extends object>(body: M): Envelope {
    let whole: Envelope | null = null;
    for (const frame of this.out.encode({ sender: this.sender, jobId: 'job-big', round: 1, ...body })) {
      this.frameSizes.push(frame.length);
      expect(whole).toBeNull();
      const got = this.inbound.collect(scanEnvelope(frame, DEFAULT_MAX_FRAME_BYTES));
      if (got) whole = decodeScanned(got);
    }
    expect(whole).not.toBeNull();
    return whole!;
  }
}

/** The body of a decoded envelope, as the state machines take it (the one field the message was sent with). */
function bodyOf<M>(env: Envelope, sent: object): M {
  const kind = Object.keys(sent)[0] as keyof Envelope;
  return { [kind]: env[kind] } as M;
}

function openRound() {
  const session = openSession({
    jobId: 'job-big',
    round: 1,
    attempt: 1,
    bits: 32,
    threshold: 3,
    degree: HOSPITALS.length - 1,
    clip: 10,
    participants: HOSPITALS,
    totalExamples: TOTAL_EXAMPLES,
    vectorLength: D + EXTRA_WORDS,
    rosterHash: new Uint8Array(32).fill(3),
  });
  const ids = new Map(HOSPITALS.map((h) => [h, ed25519KeyPair()]));
  const roster = new Map([...ids].map(([h, k]) => [h, k.publicKey]));
  return {
    session,
    server: new SecAggServer(session, roster),
    clients: new Map(HOSPITALS.map((h) => [h, new SecAggClient(session, h, ids.get(h)!, roster)])),
    up: new Map(HOSPITALS.map((h) => [h, new Link(h, true)])),
    down: new Map(HOSPITALS.map((h) => [h, new Link('coordinator', false)])),
  };
}

describe('secure aggregation at d = 10^7 (MAX_PARAMS)', () => {
  it('sums four hospitals exactly through fragmented frames, in memory bounded by the model size', () => {
    const words = 4 * (D + EXTRA_WORDS);
    const expected = new Uint32Array(D + EXTRA_WORDS);
    const before = retained();
    const r = openRound();
    const queue: Outgoing[] = [];
    let peakGrowth = 0;
    const toServer = (from: string, msg: ClientMessage) => {
      const { out, rejected } = r.server.receive(from, bodyOf<ClientMessage>(r.up.get(from)!.carry(msg), msg));
      expect(rejected).toBeNull();
      queue.push(...out);
    };
    /** A survivor encodes, masks and sends its input, as the daemon does (core/round/hospital-session.ts); nothing of it stays reachable here. */
    const upload = (h: string, c: SecAggClient) => {
      const x = encodeInput(r.session, deltaOf(HOSPITALS.indexOf(h)), EXAMPLES[h]!, 0.5);
      for (let j = 0; j < x.length; j++) expected[j] = (expected[j]! + x[j]!) >>> 0;
      const masked = c.maskInput(x);
      x.fill(0);
      toServer(h, { secaggMaskedInput: masked });
    };
    for (const [h, c] of r.clients) toServer(h, { secaggAdvertise: c.advertise() });
    for (let o = queue.shift(); o; o = queue.shift()) {
      const c = r.clients.get(o.to)!;
      const b = bodyOf<ServerMessage>(r.down.get(o.to)!.carry(o.body), o.body);
      if ('secaggCommitments' in b) toServer(o.to, { secaggReveal: c.onCommitments(b.secaggCommitments) });
      else if ('secaggKeys' in b) toServer(o.to, { secaggShares: c.onKeys(b.secaggKeys) });
      else if ('secaggSharesRelay' in b) {
        c.onShares(b.secaggSharesRelay);
        if (o.to === DROPS_AFTER_SHARING) {
          queue.push(...r.server.drop(o.to));
          continue;
        }
        upload(o.to, c);
        peakGrowth = Math.max(peakGrowth, retained() - before);
      } else if ('secaggSurvivors' in b) toServer(o.to, { secaggConsistency: c.onSurvivors(b.secaggSurvivors) });
      else if ('secaggUnmaskRequest' in b) toServer(o.to, { secaggUnmask: c.onUnmaskRequest(b.secaggUnmaskRequest) });
    }

    expect(r.server.phase).toBe('done');
    expect(r.server.survivors).toEqual(['h0', 'h1', 'h2']);
    const sum = r.server.sum;
    expect(Buffer.from(sum.buffer, sum.byteOffset, sum.byteLength).equals(Buffer.from(expected.buffer))).toBe(true);

    // Frames: all under the limit; a masked input takes many of them, and its bytes are the plaintext's (4 bytes a word).
    const up = [...r.up.values()].flatMap((l) => l.frameSizes);
    const down = [...r.down.values()].flatMap((l) => l.frameSizes);
    expect(Math.max(...up, ...down)).toBeLessThanOrEqual(DEFAULT_MAX_FRAME_BYTES);
    const h0Bytes = r.up.get('h0')!.frameSizes.reduce((s, n) => s + n, 0);
    expect(r.up.get('h0')!.frameSizes.length).toBeGreaterThan(words / DEFAULT_MAX_FRAME_BYTES);
    expect(h0Bytes).toBeGreaterThan(words);
    expect(h0Bytes).toBeLessThan(words * 1.01);

    expect(peakGrowth).toBeGreaterThan(0);
    expect(peakGrowth).toBeLessThan(2.5 * words);

    // The sum decodes to the survivors' weighted mean, within the quantization error of three encodings.
    const survivors = ['h0', 'h1', 'h2'];
    checkWeightedSum(
      r.session,
      sum,
      survivors.map((h) => EXAMPLES[h]!),
    );
    const { meanDelta, weight } = decodeSum(r.session, sum);
    const weights = survivors.map((h) => EXAMPLES[h]! / TOTAL_EXAMPLES);
    const W = weights.reduce((s, w) => s + w, 0);
    expect(weight).toBeCloseTo(W, 6);
    const tolerance = survivors.length / (scaleFor({ bits: 32, clip: 10, maxClients: HOSPITALS.length }) * weight);
    let worst = 0;
    for (let j = 0; j < D; j++) {
      let mean = 0;
      for (let k = 0; k < survivors.length; k++) mean += weights[k]! * deltaAt(HOSPITALS.indexOf(survivors[k]!), j);
      worst = Math.max(worst, Math.abs(meanDelta[j]! - mean / W));
    }
    expect(worst).toBeLessThan(tolerance * 1.01);
  });
});
