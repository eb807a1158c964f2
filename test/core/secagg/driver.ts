/**
 * Drives one secure-aggregation session in memory: a SecAggServer and n
 * SecAggClients exchanging the same protobuf-shaped messages the sockets
 * carry, with clients that vanish at chosen phases. Every party takes
 * identity keys from one roster (the test network's), as in production.
 */
import { randomBytes } from 'node:crypto';
import {
  SecAggClient,
  SecAggServer,
  openSession,
  ed25519KeyPair,
  type Session,
  type Outgoing,
  type ClientMessage,
  type Identity,
} from '../../../core/secagg/index.ts';

export type DropPhase = 'advertise' | 'reveal' | 'share' | 'masked' | 'consistency' | 'unmask';

export interface DriveOptions {
  n: number;
  degree?: number;
  threshold?: number;
  bits?: number;
  length?: number;
  attempt?: number;
  /** The colluders the job assumes (C): how much evidence blames a client (SecAggServer). */
  corrupt?: number;
  /** Clients that stop answering when the server is in this phase. */
  drops?: Partial<Record<DropPhase, string[]>>;
  /** Each client's input (default: uniform random words). */
  input?: (name: string, index: number) => Uint32Array;
  /** Rewrite a client message before the server sees it. */
  tamper?: (from: string, msg: ClientMessage) => ClientMessage;
  /** Rewrite a server message before its client sees it. */
  tamperOut?: (o: Outgoing) => Outgoing;
}

export interface DriveResult {
  session: Session;
  server: SecAggServer;
  clients: Map<string, SecAggClient>;
  identities: Map<string, Identity>;
  inputs: Map<string, Uint32Array>;
  /** Every message the server received, in order. */
  received: { from: string; msg: ClientMessage }[];
  rejected: { from: string; code: string }[];
  /** Errors honest clients raised, by client. */
  refused: Map<string, string>;
}

export const names = (n: number) => Array.from({ length: n }, (_, i) => `h${String(i).padStart(3, '0')}`);

export function drive(o: DriveOptions): DriveResult {
  const participants = names(o.n);
  const length = o.length ?? 8;
  const degree = o.degree ?? o.n - 1;
  const session = openSession({
    jobId: 'job-x',
    round: 3,
    attempt: o.attempt ?? 1,
    bits: o.bits ?? 32,
    threshold: o.threshold ?? Math.floor((degree + 1) / 2) + 1,
    degree,
    clip: 10,
    participants,
    totalExamples: 1000,
    vectorLength: length,
    rosterHash: new Uint8Array(32).fill(7),
  });
  const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
  const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
  const server = new SecAggServer(session, roster, o.corrupt ?? 0);
  const clients = new Map(participants.map((p) => [p, new SecAggClient(session, p, ids.get(p)!, roster)]));
  const random = () => Uint32Array.from({ length }, () => randomBytes(4).readUInt32LE(0) >>> (32 - (o.bits ?? 32)));
  const inputs = new Map(participants.map((p, i) => [p, o.input ? o.input(p, i) : random()]));
  const dead = new Set<string>();
  const received: DriveResult['received'] = [];
  const rejected: DriveResult['rejected'] = [];
  const refused = new Map<string, string>();

  const killFor = (phase: DropPhase) => {
    for (const c of o.drops?.[phase] ?? []) {
      if (dead.has(c)) continue;
      dead.add(c);
      deliver(server.drop(c));
    }
  };
  const submit = (from: string, msg: ClientMessage) => {
    const m = o.tamper ? o.tamper(from, msg) : msg;
    received.push({ from, msg: m });
    try {
      const { out, rejected: r } = server.receive(from, m);
      if (r) rejected.push({ from, code: r.code });
      deliver(out);
    } catch (e) {
      rejected.push({ from, code: (e as { code: string }).code });
    }
  };
  const queue: Outgoing[] = [];
  const deliver = (out: Outgoing[]) => queue.push(...out);

  killFor('advertise');
  for (const p of participants) if (!dead.has(p)) submit(p, { secaggAdvertise: clients.get(p)!.advertise() });
  let phase: string = 'advertise';
  while (queue.length > 0 || phase !== server.phase) {
    if (phase !== server.phase) {
      phase = server.phase;
      if (phase === 'done' || phase === 'failed') break;
      killFor(phase as DropPhase);
      continue;
    }
    const next = queue.shift()!;
    const { to, body } = o.tamperOut ? o.tamperOut(next) : next;
    if (dead.has(to)) continue;
    const c = clients.get(to)!;
    try {
      if ('secaggCommitments' in body) submit(to, { secaggReveal: c.onCommitments(body.secaggCommitments) });
      else if ('secaggKeys' in body) submit(to, { secaggShares: c.onKeys(body.secaggKeys) });
      else if ('secaggSharesRelay' in body) {
        c.onShares(body.secaggSharesRelay);
        submit(to, { secaggMaskedInput: c.maskInput(inputs.get(to)!) });
      } else if ('secaggSurvivors' in body) submit(to, { secaggConsistency: c.onSurvivors(body.secaggSurvivors) });
      else if ('secaggUnmaskRequest' in body) submit(to, { secaggUnmask: c.onUnmaskRequest(body.secaggUnmaskRequest) });
    } catch (e) {
      // An honest client that refuses stops answering; the server drops it at the phase's end.
      refused.set(to, (e as { code: string }).code);
      dead.add(to);
      c.forget();
      deliver(server.drop(to));
    }
  }
  return { session, server, clients, identities: ids, inputs, received, rejected, refused };
}

/** Whether two word vectors are equal, word for word. */
export const sameWords = (a: Uint32Array, b: Uint32Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Σ inputs of `who` mod 2^bits. */
export function expectedSum(inputs: Map<string, Uint32Array>, who: readonly string[], bits = 32): Uint32Array {
  const first = inputs.values().next().value!;
  const out = new Uint32Array(first.length);
  const mask = bits === 32 ? 0xffffffff : 2 ** bits - 1;
  for (const w of who) {
    const x = inputs.get(w)!;
    for (let i = 0; i < out.length; i++) out[i] = ((out[i]! + x[i]!) & mask) >>> 0;
  }
  return out;
}
