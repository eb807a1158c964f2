/**
 * Secure aggregation at scale, one run, figures beside their floors.
 *
 * The server is the real SecAggServer, fed the frames n clients would send.
 * Simulating n real clients would cost n² key agreements in the harness
 * alone, so the harness plays the crowd: real Ed25519 signatures under the
 * roster's keys, real X25519 keys, real seed commitments and reveals, real
 * mask commitments H(b_u) and real Shamir shares of that same b_u, each at
 * its holder's x (so signature checks, seed agreement, the commitment-checked
 * reconstruction and mask removal are exactly the server's work), but the
 * encrypted shares and masked inputs it forwards are random bytes of the
 * right length — the server cannot read or check either, and its cost does
 * not depend on their content (correctness is proved in test/secagg). One
 * client per case is real end to end: the measured SecAggClient gets the
 * server's own messages (commitment list, keys and reveals, relay, survivors,
 * signatures), genuine encrypted shares from its neighbours, and masks a real
 * input.
 *
 * Floors measured in the same run: a client's masking floor is (neighbours +
 * 1) expansions of d words of raw AES-256-CTR keystream plus as many vector
 * additions. The previous protocol, measured in the same run as the baseline
 * of the Bonawitz setting, is driven by secagg-baseline.ts; the stopwatch and
 * server plumbing are secagg-harness.ts, the crowd secagg-crowd.ts.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  SecAggClient,
  SecAggServer,
  openSession,
  chooseParams,
  ed25519KeyPair,
  type ClientMessage,
  type ServerMessage,
} from '../core/secagg/index.ts';
import { x25519KeyPair, sign, seal, open, x25519Agree } from '../core/secagg/crypto.ts';
import {
  advertiseTranscript,
  decodeSharePair,
  encodeSharePair,
  neighboursOf,
  seatGraph,
  shareAad,
  shareKey,
  survivorsTranscript,
  SECRET_BYTES,
  type Seeded,
  type Session,
  type SessionParams,
} from '../core/secagg/session.ts';
import { NONCE_BYTES, agreeSeed, maskCommitment, seedCommitment } from '../core/secagg/seed.ts';
import { split, encodeShare } from '../core/secagg/shamir.ts';
import { addInto } from '../core/secagg/ring.ts';
import { CHUNK_BYTES, addMaskInto } from '../core/secagg/prg.ts';
import { encodeEnvelope, tensorOf } from '../edge/wire/codec.ts';
import { Stopwatch, gc, names, roundHarness, since, type ProtocolFigure, type Times } from './secagg-harness.ts';
import {
  crowdMaskedInputs,
  crowdShares,
  crowdUnmask,
  decryptMeasuredShares,
  openCrowd,
  warmMaskKernels,
  type Crowd,
  type ShareCrypto,
} from './secagg-crowd.ts';
import { median } from './stats.ts';

/** The kinds of message the server sends, and the body of each. */
type ServerKind = ServerMessage extends infer M ? (M extends unknown ? keyof M : never) : never;
type ServerBody<K extends ServerKind> = Extract<ServerMessage, Record<K, unknown>>[K];

export interface Case {
  n: number;
  d: number;
  dropout: number;
  mode: 'full' | 'secagg+';
}

export interface CaseResult extends Case {
  degree: number;
  threshold: number;
  clientMaskMs: number;
  clientFloorMs: number;
  clientMaskRatio: number;
  /** Masking and its floor in CPU time: on a shared machine, a ratio that waiting for a core does not move. */
  clientMaskCpuMs: number;
  clientFloorCpuMs: number;
  /** The client's work before masking: advertise, reveal, onKeys (seed, graph, roster-signature checks, sharing), onShares. */
  clientSetupMs: number;
  clientTotalMs: number;
  agreementsPerClient: number;
  serverUnmaskMs: number;
  serverTotalMs: number;
  bytesPerClient: number;
  plaintextBytes: number;
  serverMemoryGrowthBytes: number;
  /** The same server and client figures in CPU time (Stopwatch). */
  cpu: Pick<CaseResult, ProtocolFigure>;
}

/** (k+1) raw keystream expansions of d words plus as many additions: the client's masking floor (median of three, wall and CPU). */
function maskingFloor(d: number, expansions: number): Times {
  const zeros = Buffer.alloc(CHUNK_BYTES);
  const acc = new Uint32Array(d);
  const buf = new Uint32Array(d);
  const bytes = d * 4;
  const once = (): Times => {
    gc();
    const clock = new Stopwatch();
    clock.time(() => {
      for (let e = 0; e < expansions; e++) {
        const cipher = createCipheriv('aes-256-ctr', randomBytes(32), Buffer.alloc(16));
        const out = new Uint8Array(buf.buffer);
        for (let off = 0; off < bytes; off += CHUNK_BYTES) {
          const n = Math.min(CHUNK_BYTES, bytes - off);
          out.set(cipher.update(n === CHUNK_BYTES ? zeros : zeros.subarray(0, n)), off);
        }
        addInto(acc, buf);
      }
    });
    return clock.read();
  };
  once();
  const runs = [once(), once(), once()];
  return { wallMs: median(runs.map((r) => r.wallMs)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

export function paramsFor(c: Case): { degree: number; threshold: number } {
  const dropoutFraction = Math.max(0.1, c.dropout);
  const p = chooseParams({
    n: c.n,
    dropoutFraction,
    corruptFraction: 0.05,
    fullGraphBelow: c.mode === 'full' ? c.n + 1 : 0,
  });
  return { degree: p.full ? c.n - 1 : p.k, threshold: p.t };
}

/** A session as the benchmarks open one: round 1, attempt 1, arithmetic mod 2^32 and a clip of 10; the rest is the case's. */
export function benchSession(p: Omit<SessionParams, 'round' | 'attempt' | 'bits' | 'clip'>): Session {
  return openSession({ round: 1, attempt: 1, bits: 32, clip: 10, ...p });
}

/** This protocol's share cryptography, for the crowd (secagg-crowd.ts). */
const CRYPTO: ShareCrypto<Session> = {
  x25519Agree,
  shareKey,
  shareAad,
  seal,
  open,
  encodeSharePair,
  decodeSharePair,
  split,
  encodeShare,
};

/** One round of one case: the server, the measured client, the crowd's identities and secrets, and their clocks. */
function openRound(c: Case) {
  const participants = names(c.n);
  const params = paramsFor(c);
  const session = benchSession({
    jobId: 'bench',
    ...params,
    participants,
    totalExamples: 1_000_000,
    vectorLength: c.d,
    rosterHash: randomBytes(32),
  });
  const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
  const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
  // Each simulated client's round secrets: its keys, its self-mask seed b (committed to in its advertisement) and its seed nonce.
  const keys = new Map(
    participants.map((p) => [
      p,
      { c: x25519KeyPair(), s: x25519KeyPair(), b: randomBytes(SECRET_BYTES), nonce: randomBytes(NONCE_BYTES) },
    ]),
  );
  const server = new SecAggServer(session, roster);
  const measured = participants[0]!;
  // Dropouts after sharing keys, before the masked input: the expensive case for the server.
  const dropped = new Set(participants.slice(c.n - Math.round(c.dropout * c.n)));
  const harness = roundHarness(server, measured, 'bench');
  const bytesSent: number[] = [];
  return {
    c,
    params,
    session,
    participants,
    measured,
    ids,
    keys,
    dropped,
    server,
    harness,
    fromServer: <K extends ServerKind>(kind: K) => harness.next(kind) as ServerBody<K>,
    // The real client.
    client: new SecAggClient(session, measured, ids.get(measured)!, roster),
    clientClock: harness.clientClock,
    timed: harness.timed,
    bytesSent,
    /** Counts the bytes of what the measured client sends. */
    count: (body: object) =>
      bytesSent.push(encodeEnvelope({ jobId: 'bench', round: 1, sender: measured, seq: 1, ...body }).length),
  };
}
type Round = ReturnType<typeof openRound>;

/** Phase 0: every client advertises its keys and both commitments, signed. */
function advertisePhase(r: Round): void {
  const { session, keys, ids, measured, harness } = r;
  for (const p of r.participants) {
    const k = keys.get(p)!;
    if (p === measured) {
      const ad = r.timed(() => r.client.advertise());
      k.c = { publicKey: ad.cPk!, secretKey: new Uint8Array(32) };
      k.s = { publicKey: ad.sPk!, secretKey: new Uint8Array(32) };
      r.count({ secaggAdvertise: ad });
      harness.toServer(p, { secaggAdvertise: ad });
      continue;
    }
    const seedCommit = seedCommitment(session, p, k.nonce);
    const maskCommit = maskCommitment(session, p, k.b);
    const signature = sign(
      ids.get(p)!.secretKey,
      advertiseTranscript(session, p, k.c.publicKey, k.s.publicKey, seedCommit, maskCommit),
    );
    harness.toServer(p, {
      secaggAdvertise: { cPk: k.c.publicKey, sPk: k.s.publicKey, seedCommit, maskCommit, signature },
    });
  }
}

/** Phase 1: the server lists the seed commitments; every client reveals its nonce. The crowd then agrees the seed, and so the graph, from the server's reveals as each client does. */
function revealPhase(r: Round) {
  const commitments = r.fromServer('secaggCommitments');
  for (const p of r.participants) {
    if (p === r.measured) {
      const reveal = r.timed(() => r.client.onCommitments(commitments));
      r.count({ secaggReveal: reveal });
      r.harness.toServer(p, { secaggReveal: reveal });
      continue;
    }
    r.harness.toServer(p, { secaggReveal: { nonce: r.keys.get(p)!.nonce } });
  }
  const keyList = r.fromServer('secaggKeys');
  const list = (commitments.commitments ?? []).map((e) => ({ name: e.name!, commit: e.value! }));
  const seeded = seatGraph(
    r.session,
    agreeSeed(r.session, list, new Map((keyList.reveals ?? []).map((x) => [x.name!, x.value!]))),
  );
  return { keyList, seeded };
}

/** Phase 2: shares. Ciphertexts between simulated clients are random bytes of the real size. */
function sharesPhase(r: Round, keyList: ServerBody<'secaggKeys'>, seeded: Seeded): Crowd<Session> {
  const measuredShares = r.timed(() => r.client.onKeys(keyList));
  r.count({ secaggShares: measuredShares });
  const ctLength = measuredShares.shares![0]!.value!.length;
  const crowd = openCrowd({
    crypto: CRYPTO,
    session: r.session,
    keys: r.keys,
    measured: r.measured,
    dropped: r.dropped,
    threshold: r.params.threshold,
    neighboursOf: (owner) => neighboursOf(seeded, owner),
  });
  decryptMeasuredShares(crowd, measuredShares.shares ?? []);
  for (const p of r.participants)
    r.harness.toServer(
      p,
      p === r.measured ? { secaggShares: measuredShares } : { secaggShares: crowdShares(crowd, p, ctLength) },
    );
  return crowd;
}

/**
 * Phase 3: masked inputs. A daemon runs warm: the mask kernels are exercised
 * once before timing, as the floor's are, and the harness's garbage is
 * collected (npm run bench passes --expose-gc). Measures what the server
 * keeps while n inputs stream in: its running sum and one scratch vector
 * exist from the start, so O(d) shows as ~0 growth; O(n·d) would show as ~n.
 */
function maskedPhase(r: Round) {
  const input = new Uint32Array(r.c.d).fill(7);
  r.timed(() => r.client.onShares(r.fromServer('secaggSharesRelay')));
  const clientSetup = r.clientClock.read();
  warmMaskKernels(addMaskInto, r.c.d);
  const noise = randomBytes(r.c.d * 4);
  const masked = r.timed(() => r.client.maskInput(input));
  const clientMask = since(clientSetup, r.clientClock.read());
  r.count({ secaggMaskedInput: masked });
  gc();
  const memBefore = process.memoryUsage().arrayBuffers;
  r.harness.toServer(r.measured, { secaggMaskedInput: masked });
  crowdMaskedInputs(r.participants, r.measured, r.dropped, r.harness, noise);
  gc();
  return { clientSetup, clientMask, serverMemoryGrowthBytes: process.memoryUsage().arrayBuffers - memBefore };
}

/** Phase 4: consistency: every survivor signs the survivor set and the seed. */
function consistencyPhase(r: Round, seeded: Seeded): string[] {
  const { survivors } = r.fromServer('secaggSurvivors');
  const transcript = survivorsTranscript(r.session, seeded.seed, survivors ?? []);
  for (const p of survivors ?? []) {
    if (p === r.measured) {
      const sig = r.timed(() => r.client.onSurvivors({ survivors }));
      r.count({ secaggConsistency: sig });
      r.harness.toServer(p, { secaggConsistency: sig });
      continue;
    }
    r.harness.toServer(p, { secaggConsistency: { signature: sign(r.ids.get(p)!.secretKey, transcript) } });
  }
  return survivors ?? [];
}

/** Phase 5: unmasking, timed on the server from the first frame to the sum: returns the server's clock at its start. */
function unmaskPhase(r: Round, crowd: Crowd<Session>, survivors: string[]): Times {
  const measuredUnmask = r.timed(() => r.client.onUnmaskRequest(r.fromServer('secaggUnmaskRequest')));
  r.count({ secaggUnmask: measuredUnmask });
  const unmaskStart = r.harness.clock.read();
  for (const w of survivors) {
    const msg: ClientMessage = w === r.measured ? { secaggUnmask: measuredUnmask } : crowdUnmask(crowd, w);
    r.harness.toServer(w, msg);
  }
  const { server } = r;
  if (server.phase !== 'done') throw new Error(`bench session ended in ${server.phase}: ${server.failure}`);
  // Nobody lied, so nobody may be blamed: a blame here is a harness (or server) bug.
  if (server.blamed.size > 0)
    throw new Error(`bench session blamed ${[...server.blamed.keys()].join(', ')}: ${[...server.blamed.values()][0]}`);
  return unmaskStart;
}

export function runCase(c: Case): CaseResult {
  gc();
  const r = openRound(c);
  advertisePhase(r);
  const { keyList, seeded } = revealPhase(r);
  const crowd = sharesPhase(r, keyList, seeded);
  const { clientSetup, clientMask, serverMemoryGrowthBytes } = maskedPhase(r);
  const survivors = consistencyPhase(r, seeded);
  const unmaskStart = unmaskPhase(r, crowd, survivors);
  const k = neighboursOf(seeded, r.measured).length;
  const t = r.harness.times(r.params, unmaskStart, clientSetup);
  const floor = maskingFloor(c.d, k + 1);
  return {
    ...c,
    degree: t.degree,
    threshold: t.threshold,
    clientMaskMs: clientMask.wallMs,
    clientFloorMs: floor.wallMs,
    clientMaskRatio: 0,
    clientMaskCpuMs: clientMask.cpuMs,
    clientFloorCpuMs: floor.cpuMs,
    clientSetupMs: t.clientSetupMs,
    clientTotalMs: t.clientTotalMs,
    // share encryption (k) + share decryption (k) + pairwise masks (k)
    agreementsPerClient: 3 * k,
    serverUnmaskMs: t.serverUnmaskMs,
    serverTotalMs: t.serverTotalMs,
    bytesPerClient: r.bytesSent.reduce((s, x) => s + x, 0),
    plaintextBytes: encodeEnvelope({
      jobId: 'bench',
      round: 1,
      sender: r.measured,
      seq: 1,
      update: { delta: tensorOf(new Float32Array(c.d)), numExamples: 1 },
    }).length,
    serverMemoryGrowthBytes,
    cpu: t.cpu,
  };
}

export const BONAWITZ = {
  n: 500,
  d: 100_000,
  clientMs: 849,
  serverMs: { 0: 2_000, 0.1: 62_200, 0.3: 143_400 } as Record<string, number>,
};

export function allCases(): Case[] {
  const out: Case[] = [];
  for (const n of [10, 100, 500])
    for (const d of [100_000, 1_000_000])
      for (const dropout of [0, 0.1])
        for (const mode of ['full', 'secagg+'] as const) out.push({ n, d, dropout, mode });
  return out;
}

export function formatResult(r: CaseResult): string {
  r.clientMaskRatio = r.clientMaskMs / r.clientFloorMs;
  return [
    `n=${r.n} d=${r.d} drop=${r.dropout * 100}% ${r.mode} (k=${r.degree}, t=${r.threshold}):`,
    `client mask ${r.clientMaskMs.toFixed(0)} ms (floor ${r.clientFloorMs.toFixed(0)} ms, ratio ${(r.clientMaskMs / r.clientFloorMs).toFixed(2)}; CPU ${r.clientMaskCpuMs.toFixed(0)} / ${r.clientFloorCpuMs.toFixed(0)} ms, ratio ${(r.clientMaskCpuMs / r.clientFloorCpuMs).toFixed(2)}), client total ${r.clientTotalMs.toFixed(0)} ms, ${r.agreementsPerClient} X25519/client;`,
    `server unmask ${r.serverUnmaskMs.toFixed(0)} ms, server total ${r.serverTotalMs.toFixed(0)} ms, server memory growth over ${r.n} inputs ${(r.serverMemoryGrowthBytes / (r.d * 4)).toFixed(2)} x d words;`,
    `bytes/client ${r.bytesPerClient} vs plaintext ${r.plaintextBytes} (x${(r.bytesPerClient / r.plaintextBytes).toFixed(2)})`,
  ].join(' ');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of allCases()) process.stdout.write(`${formatResult(runCase(c))}\n`);
}
