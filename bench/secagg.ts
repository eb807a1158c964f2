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
 * of the Bonawitz setting, is driven by secagg-baseline.ts.
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
} from '../core/secagg/session.ts';
import { NONCE_BYTES, agreeSeed, maskCommitment, seedCommitment } from '../core/secagg/seed.ts';
import { split, encodeShare } from '../core/secagg/shamir.ts';
import { addInto } from '../core/secagg/ring.ts';
import { CHUNK_BYTES, addMaskInto } from '../core/secagg/prg.ts';
import { encodeEnvelope, tensorOf } from '../edge/wire/codec.ts';

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

/** The figures secagg-baseline.ts also gives for the previous protocol: what new / previous compares. */
export const PROTOCOL_FIGURES = ['serverTotalMs', 'serverUnmaskMs', 'clientTotalMs', 'clientSetupMs'] as const;
export type ProtocolFigure = (typeof PROTOCOL_FIGURES)[number];
export type ProtocolTimes = Pick<CaseResult, ProtocolFigure | 'cpu' | 'degree' | 'threshold'>;

/**
 * Collects garbage when node runs with --expose-gc, so memory figures show
 * what is retained; twice, because external buffers are released by
 * finalizers that the first collection only schedules.
 */
export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const names = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`);

/** Wall and CPU milliseconds. */
export interface Times {
  wallMs: number;
  cpuMs: number;
}

/**
 * Sums the wall and CPU time of the calls it runs. CPU time is the process's
 * (process.cpuUsage: all its threads, GC helpers included, ~1 µs a reading):
 * unlike wall time it leaves out the time other processes held the core, so
 * on a shared machine two runs minutes apart stay comparable by it.
 */
export class Stopwatch implements Times {
  wallMs = 0;
  cpuMs = 0;

  time<T>(fn: () => T): T {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.wallMs += performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      this.cpuMs += (cpu.user + cpu.system) / 1000;
    }
  }

  read(): Times {
    return { wallMs: this.wallMs, cpuMs: this.cpuMs };
  }
}

/** What the harness needs of a SecAggServer: this code's, or the baseline's (bench/secagg-baseline.ts). */
export interface HarnessServer<M, B> {
  receive(from: string, msg: M): { out: { to: string; body: B }[]; rejected: unknown };
  drop(client: string): { to: string; body: B }[];
  readonly phase: string;
  readonly failure: string | null;
}

/**
 * Runs `server` on its own stopwatch and keeps, in order, what it sends the
 * measured client: the real messages, not rebuilt by the harness. `next(kind)`
 * takes the next one, which must be a `kind`.
 */
export function serverHarness<M, B extends object>(server: HarnessServer<M, B>, measured: string, label: string) {
  const clock = new Stopwatch();
  const inbox: B[] = [];
  const route = (out: { to: string; body: B }[]) => {
    for (const o of out) if (o.to === measured) inbox.push(o.body);
  };
  return {
    clock,
    toServer(from: string, msg: M): void {
      const { out, rejected } = clock.time(() => server.receive(from, msg));
      if (rejected) throw rejected;
      route(out);
    },
    dropOut(client: string): void {
      route(clock.time(() => server.drop(client)));
    },
    next(kind: string): unknown {
      const body = (inbox.shift() as Record<string, unknown> | undefined)?.[kind];
      if (!body)
        throw new Error(`${label}: expected ${kind} from the server (phase ${server.phase}: ${server.failure})`);
      return body;
    },
  };
}

/** b − a, field by field. */
export const since = (a: Times, b: Times): Times => ({ wallMs: b.wallMs - a.wallMs, cpuMs: b.cpuMs - a.cpuMs });

/** (k+1) raw keystream expansions of d words plus as many additions: the client's masking floor. */
function maskingFloorMs(d: number, expansions: number): number {
  const zeros = Buffer.alloc(CHUNK_BYTES);
  const acc = new Uint32Array(d);
  const buf = new Uint32Array(d);
  const bytes = d * 4;
  const once = () => {
    gc();
    const t0 = performance.now();
    for (let e = 0; e < expansions; e++) {
      const cipher = createCipheriv('aes-256-ctr', randomBytes(32), Buffer.alloc(16));
      const out = new Uint8Array(buf.buffer);
      for (let off = 0; off < bytes; off += CHUNK_BYTES) {
        const n = Math.min(CHUNK_BYTES, bytes - off);
        out.set(cipher.update(n === CHUNK_BYTES ? zeros : zeros.subarray(0, n)), off);
      }
      addInto(acc, buf);
    }
    return performance.now() - t0;
  };
  once();
  return median([once(), once(), once()]);
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

export function runCase(c: Case): CaseResult {
  gc();
  const participants = names(c.n);
  const { degree, threshold } = paramsFor(c);
  const session = openSession({
    jobId: 'bench',
    round: 1,
    attempt: 1,
    bits: 32,
    threshold,
    degree,
    clip: 10,
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
  const dropCount = Math.round(c.dropout * c.n);
  // Dropouts after sharing keys, before the masked input: the expensive case for the server.
  const dropped = new Set(participants.slice(c.n - dropCount));
  const { clock: serverClock, toServer, dropOut, next } = serverHarness(server, measured, 'bench');
  const fromServer = <K extends ServerKind>(kind: K) => next(kind) as ServerBody<K>;
  const bytesSent: number[] = [];
  const count = (from: string, body: object) => {
    if (from === measured)
      bytesSent.push(encodeEnvelope({ jobId: 'bench', round: 1, sender: from, seq: 1, ...body }).length);
  };

  // The real client.
  const client = new SecAggClient(session, measured, ids.get(measured)!, roster);
  const clientClock = new Stopwatch();
  const timed = <T>(fn: () => T): T => clientClock.time(fn);

  // Phase 0: advertise keys and both commitments, signed.
  for (const p of participants) {
    if (p === measured) {
      const ad = timed(() => client.advertise());
      const k = keys.get(p)!;
      k.c = { publicKey: ad.cPk!, secretKey: new Uint8Array(32) };
      k.s = { publicKey: ad.sPk!, secretKey: new Uint8Array(32) };
      count(p, { secaggAdvertise: ad });
      toServer(p, { secaggAdvertise: ad });
      continue;
    }
    const k = keys.get(p)!;
    const seedCommit = seedCommitment(session, p, k.nonce);
    const maskCommit = maskCommitment(session, p, k.b);
    const signature = sign(
      ids.get(p)!.secretKey,
      advertiseTranscript(session, p, k.c.publicKey, k.s.publicKey, seedCommit, maskCommit),
    );
    toServer(p, { secaggAdvertise: { cPk: k.c.publicKey, sPk: k.s.publicKey, seedCommit, maskCommit, signature } });
  }
  // Phase 1: the server lists the seed commitments; every client reveals its nonce.
  const commitments = fromServer('secaggCommitments');
  for (const p of participants) {
    if (p === measured) {
      const reveal = timed(() => client.onCommitments(commitments));
      count(p, { secaggReveal: reveal });
      toServer(p, { secaggReveal: reveal });
      continue;
    }
    toServer(p, { secaggReveal: { nonce: keys.get(p)!.nonce } });
  }
  const keyList = fromServer('secaggKeys');
  // The crowd agrees the seed from the server's reveals as each client does, and so the graph.
  const list = (commitments.commitments ?? []).map((e) => ({ name: e.name!, commit: e.commit! }));
  const seeded = seatGraph(
    session,
    agreeSeed(session, list, new Map((keyList.reveals ?? []).map((r) => [r.name!, r.nonce!]))),
  );
  // Phase 2: shares. Ciphertexts between simulated clients are random bytes of the real size.
  const measuredShares = timed(() => client.onKeys(keyList));
  count(measured, { secaggShares: measuredShares });
  const ctLength = measuredShares.shares![0]!.ciphertext!.length;
  const holdersOf = (owner: string) => [owner, ...neighboursOf(seeded, owner)];
  const secretShares = new Map<string, Map<string, Uint8Array>>(); // owner -> holder -> encoded share of its revealed secret
  // The neighbours decrypt the measured client's shares, to reveal them at unmasking.
  const measuredSeedShares = new Map<string, Uint8Array>();
  for (const e of measuredShares.shares ?? []) {
    const v = e.peer!;
    const key = shareKey(session, x25519Agree(keys.get(v)!.c.secretKey, keys.get(measured)!.c.publicKey), measured, v);
    measuredSeedShares.set(v, decodeSharePair(open(key, e.ciphertext!, shareAad(session, measured, v))).seedShare);
  }
  for (const p of participants) {
    if (p === measured) {
      toServer(p, { secaggShares: measuredShares });
      continue;
    }
    const k = keys.get(p)!;
    const holders = holdersOf(p);
    // Holder i's share is at holder i's x: the server accepts a revealed share only at its revealer's x.
    const xs = holders.map((h) => session.xOf.get(h)!);
    // The secret the server will ask for: the self-mask seed of a survivor (the committed b), the mask key of a dropped client.
    const secret = dropped.has(p) ? k.s.secretKey : k.b;
    const shares = split(secret, threshold, xs);
    secretShares.set(p, new Map(holders.map((h, i) => [h, encodeShare(shares[i]!)])));
    const sent = neighboursOf(seeded, p).map((v) => {
      if (v !== measured) return { peer: v, ciphertext: randomBytes(ctLength) };
      // Genuine shares for the measured client.
      const other = split(dropped.has(p) ? k.b : k.s.secretKey, threshold, xs);
      const i = holders.indexOf(v);
      const seedShare = dropped.has(p) ? encodeShare(other[i]!) : encodeShare(shares[i]!);
      const keyShare = dropped.has(p) ? encodeShare(shares[i]!) : encodeShare(other[i]!);
      const key = shareKey(session, x25519Agree(k.c.secretKey, keys.get(v)!.c.publicKey), p, v);
      return { peer: v, ciphertext: seal(key, encodeSharePair(keyShare, seedShare), shareAad(session, p, v)) };
    });
    toServer(p, { secaggShares: { shares: sent } });
  }
  // Phase 3: masked inputs. A daemon runs warm: the mask kernels are
  // exercised once before timing, as the floor's are, and the harness's
  // garbage is collected (npm run bench passes --expose-gc).
  const input = new Uint32Array(c.d).fill(7);
  timed(() => client.onShares(fromServer('secaggSharesRelay')));
  const clientSetup = clientClock.read();
  const warm = new Uint32Array(c.d);
  addMaskInto(warm, randomBytes(32), 1);
  addMaskInto(warm, randomBytes(32), -1);
  const noise = randomBytes(c.d * 4);
  const masked = timed(() => client.maskInput(input));
  const clientMaskMs = since(clientSetup, clientClock.read()).wallMs;
  count(measured, { secaggMaskedInput: masked });
  gc();
  const memBefore = process.memoryUsage().arrayBuffers;
  toServer(measured, { secaggMaskedInput: masked });
  let memPeak = 0;
  for (const p of participants) {
    if (p === measured) continue;
    if (dropped.has(p)) {
      dropOut(p);
      continue;
    }
    toServer(p, { secaggMaskedInput: { masked: noise } });
  }
  // What the server keeps while n inputs stream in: its running sum and one
  // scratch vector exist from the start, so O(d) shows as ~0 growth; O(n·d) would show as ~n.
  gc();
  memPeak = process.memoryUsage().arrayBuffers - memBefore;
  // Phase 4: consistency: every survivor signs the survivor set and the seed.
  const { survivors } = fromServer('secaggSurvivors');
  const transcript = survivorsTranscript(session, seeded.seed, survivors ?? []);
  for (const p of survivors ?? []) {
    if (p === measured) {
      const sig = timed(() => client.onSurvivors({ survivors }));
      count(p, { secaggConsistency: sig });
      toServer(p, { secaggConsistency: sig });
      continue;
    }
    toServer(p, { secaggConsistency: { signature: sign(ids.get(p)!.secretKey, transcript) } });
  }
  // Phase 5: unmasking, timed on the server from the first frame to the sum.
  const measuredUnmask = timed(() => client.onUnmaskRequest(fromServer('secaggUnmaskRequest')));
  count(measured, { secaggUnmask: measuredUnmask });
  const unmaskStart = serverClock.read();
  for (const w of survivors ?? []) {
    let msg: ClientMessage;
    if (w === measured) msg = { secaggUnmask: measuredUnmask };
    else {
      const selfMaskShares: { owner: string; share: Uint8Array }[] = [];
      const keyShares: { owner: string; share: Uint8Array }[] = [];
      for (const owner of holdersOf(w)) {
        const share = owner === measured ? measuredSeedShares.get(w) : secretShares.get(owner)?.get(w);
        if (!share) continue;
        (dropped.has(owner) ? keyShares : selfMaskShares).push({ owner, share });
      }
      msg = { secaggUnmask: { selfMaskShares, keyShares } };
    }
    toServer(w, msg);
  }
  if (server.phase !== 'done') throw new Error(`bench session ended in ${server.phase}: ${server.failure}`);
  // Nobody lied, so nobody may be blamed: a blame here is a harness (or server) bug.
  if (server.blamed.size > 0)
    throw new Error(`bench session blamed ${[...server.blamed.keys()].join(', ')}: ${[...server.blamed.values()][0]}`);
  const serverUnmask = since(unmaskStart, serverClock.read());
  const k = neighboursOf(seeded, measured).length;
  return {
    ...c,
    degree,
    threshold,
    clientMaskMs,
    clientFloorMs: maskingFloorMs(c.d, k + 1),
    clientMaskRatio: 0,
    clientSetupMs: clientSetup.wallMs,
    clientTotalMs: clientClock.wallMs,
    // share encryption (k) + share decryption (k) + pairwise masks (k)
    agreementsPerClient: 3 * k,
    serverUnmaskMs: serverUnmask.wallMs,
    serverTotalMs: serverClock.wallMs,
    bytesPerClient: bytesSent.reduce((s, x) => s + x, 0),
    plaintextBytes: encodeEnvelope({
      jobId: 'bench',
      round: 1,
      sender: measured,
      seq: 1,
      update: { delta: tensorOf(new Float32Array(c.d)), numExamples: 1 },
    }).length,
    serverMemoryGrowthBytes: memPeak,
    cpu: {
      serverTotalMs: serverClock.cpuMs,
      serverUnmaskMs: serverUnmask.cpuMs,
      clientTotalMs: clientClock.cpuMs,
      clientSetupMs: clientSetup.cpuMs,
    },
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
    `client mask ${r.clientMaskMs.toFixed(0)} ms (floor ${r.clientFloorMs.toFixed(0)} ms, ratio ${(r.clientMaskMs / r.clientFloorMs).toFixed(2)}), client total ${r.clientTotalMs.toFixed(0)} ms, ${r.agreementsPerClient} X25519/client;`,
    `server unmask ${r.serverUnmaskMs.toFixed(0)} ms, server total ${r.serverTotalMs.toFixed(0)} ms, server memory growth over ${r.n} inputs ${(r.serverMemoryGrowthBytes / (r.d * 4)).toFixed(2)} x d words;`,
    `bytes/client ${r.bytesPerClient} vs plaintext ${r.plaintextBytes} (x${(r.bytesPerClient / r.plaintextBytes).toFixed(2)})`,
  ].join(' ');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const c of allCases()) process.stdout.write(`${formatResult(runCase(c))}\n`);
}
