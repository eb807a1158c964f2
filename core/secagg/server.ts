/**
 * The coordinator's side of one secure-aggregation session (Bonawitz et al.
 * CCS 2017, Fig. 4, with the ConsistencyCheck round; SecAgg+ neighbours of
 * Bell et al. CCS 2020). It routes ciphertexts it cannot read, adds masked
 * inputs into one running sum as they arrive (memory O(d), not O(n·d)), and
 * at the end removes the masks it may remove: survivors' self masks and the
 * pairwise masks of clients that dropped after sharing. It learns only the
 * sum of the survivors' inputs.
 *
 * Each phase closes when every client expected in it has answered or been
 * dropped (disconnect, deadline, invalid message); fewer than t answers fail
 * the session.
 */
import { CohortError } from '../errors.ts';
import type { cohort } from '../../proto/generated/cohort.js';
import { X25519Party, x25519Peer, x25519PublicKey, verify, zeroize, constantTimeEqual } from './crypto.ts';
import type { KeyObject } from 'node:crypto';
import { combine, decodeShare, type Share } from './shamir.ts';
import { addMaskInto } from './prg.ts';
import { addInto } from './ring.ts';
import {
  SECRET_BYTES, advertiseTranscript, neighboursOf, pairwiseMaskKey, pairwiseSign, selfMaskKey, survivorsTranscript, type Session,
} from './session.ts';

export type ServerPhase = 'advertise' | 'share' | 'masked' | 'consistency' | 'unmask' | 'done' | 'failed';

/** Messages a client may send, by phase. */
export type ClientMessage =
  | { secaggAdvertise: cohort.v1.SecAggAdvertise.$Properties }
  | { secaggShares: cohort.v1.SecAggShares.$Properties }
  | { secaggMaskedInput: cohort.v1.SecAggMaskedInput.$Properties }
  | { secaggConsistency: cohort.v1.SecAggConsistency.$Properties }
  | { secaggUnmask: cohort.v1.SecAggUnmask.$Properties };

export type ServerMessage =
  | { secaggKeys: cohort.v1.SecAggKeys.$Properties }
  | { secaggSharesRelay: cohort.v1.SecAggShares.$Properties }
  | { secaggSurvivors: cohort.v1.SecAggSurvivors.$Properties }
  | { secaggUnmaskRequest: cohort.v1.SecAggUnmaskRequest.$Properties };

export interface Outgoing {
  to: string;
  body: ServerMessage;
}

/** Clients that completed each phase: U1 (advertise) ... U5 (unmask). */
export interface PhaseCounts {
  advertise: number;
  share: number;
  masked: number;
  consistency: number;
  unmask: number;
}

const PHASE_MESSAGE: Record<string, string> = {
  advertise: 'secaggAdvertise',
  share: 'secaggShares',
  masked: 'secaggMaskedInput',
  consistency: 'secaggConsistency',
  unmask: 'secaggUnmask',
};

const MAX_CIPHERTEXT_BYTES = 4096;

export class SecAggServer {
  private _phase: ServerPhase = 'advertise';
  private _failure = '';
  /** Clients expected to answer in the current phase, and those that did. */
  private expected: Set<string>;
  private answered = new Set<string>();
  readonly dropped = new Set<string>();
  readonly counts: PhaseCounts = { advertise: 0, share: 0, masked: 0, consistency: 0, unmask: 0 };

  private readonly keys = new Map<string, { cPk: Uint8Array; sPk: Uint8Array; signature: Uint8Array; identityKey: Uint8Array }>();
  private readonly outbox = new Map<string, { from: string; ciphertext: Uint8Array }[]>();
  private u2: string[] = [];
  private u3: string[] = [];
  private readonly signatures = new Map<string, Uint8Array>();
  private readonly seedShares = new Map<string, Share[]>();
  private readonly keyShares = new Map<string, Share[]>();
  private acc: Uint32Array;
  private readonly scratch: Uint32Array;
  private _sum: Uint32Array | null = null;

  constructor(
    readonly session: Session,
    private readonly identityKeys: ReadonlyMap<string, Uint8Array>,
  ) {
    this.expected = new Set(session.participants);
    this.acc = new Uint32Array(session.vectorLength);
    this.scratch = new Uint32Array(session.vectorLength);
  }

  get phase(): ServerPhase {
    return this._phase;
  }

  get failure(): string {
    return this._failure;
  }

  /** Survivors whose inputs are in the sum (U3), once known. */
  get survivors(): readonly string[] {
    return this.u3;
  }

  /** The unmasked sum of the survivors' quantized inputs, when done. */
  get sum(): Uint32Array {
    if (!this._sum) throw new CohortError('E_SECAGG_PROTOCOL', 'session has no result');
    return this._sum;
  }

  /** Clients whose answer the current phase still waits for. */
  get pending(): string[] {
    return [...this.expected].filter((c) => !this.answered.has(c) && !this.dropped.has(c));
  }

  /**
   * Takes one client message. A message that is out of place (wrong phase,
   * unexpected sender, duplicate) throws without changing anything. A message
   * whose content is invalid (bad signature, share or length) drops its sender
   * and is returned as `rejected` for the caller to report; the session goes
   * on without that client while at least t remain.
   */
  receive(from: string, msg: ClientMessage): { out: Outgoing[]; rejected: CohortError | null } {
    if (this._phase === 'done' || this._phase === 'failed') throw new CohortError('E_ROUND_MISMATCH', 'secure aggregation session is closed');
    if (!this.expected.has(from) || this.dropped.has(from)) throw new CohortError('E_NOT_PARTICIPANT', `${from} is not expected in phase "${this._phase}"`);
    if (this.answered.has(from)) throw new CohortError('E_DUPLICATE_UPDATE', `${from} already answered phase "${this._phase}"`);
    const kind = Object.keys(msg)[0];
    if (kind !== PHASE_MESSAGE[this._phase]) throw new CohortError('E_SECAGG_PROTOCOL', `"${kind}" in phase "${this._phase}"`);
    try {
      this.accept(from, msg);
    } catch (err) {
      this.dropped.add(from);
      const rejected = err instanceof CohortError ? err : new CohortError('E_SECAGG_PROTOCOL', 'invalid message');
      return { out: this.advance(), rejected };
    }
    this.answered.add(from);
    return { out: this.advance(), rejected: null };
  }

  /** A client disconnected: it no longer answers this session. */
  drop(client: string): Outgoing[] {
    if (this._phase === 'done' || this._phase === 'failed' || !this.expected.has(client) || this.answered.has(client)) return [];
    this.dropped.add(client);
    return this.advance();
  }

  /** The phase deadline passed: everyone who has not answered is dropped. */
  expire(): Outgoing[] {
    if (this._phase === 'done' || this._phase === 'failed') return [];
    for (const c of this.pending) this.dropped.add(c);
    return this.advance();
  }

  private accept(from: string, msg: ClientMessage): void {
    const s = this.session;
    if ('secaggAdvertise' in msg) {
      const m = msg.secaggAdvertise;
      const cPk = m.cPk ?? new Uint8Array(0);
      const sPk = m.sPk ?? new Uint8Array(0);
      const signature = m.signature ?? new Uint8Array(0);
      const identityKey = this.identityKeys.get(from);
      if (!identityKey || !verify(identityKey, advertiseTranscript(s, from, cPk, sPk), signature)) {
        throw new CohortError('E_SECAGG_BAD_SIGNATURE', `advertised keys of ${from} are not signed by its identity key`);
      }
      for (const k of this.keys.values()) {
        if (constantTimeEqual(k.cPk, cPk) || constantTimeEqual(k.sPk, sPk)) throw new CohortError('E_SECAGG_BAD_KEY', `${from} advertised keys another client uses`);
      }
      this.keys.set(from, { cPk, sPk, signature, identityKey });
    } else if ('secaggShares' in msg) {
      const allowed = new Set(neighboursOf(s, from).filter((v) => this.keys.has(v)));
      const seen = new Set<string>();
      const list: { to: string; ciphertext: Uint8Array }[] = [];
      for (const e of msg.secaggShares.shares ?? []) {
        const to = e.peer ?? '';
        const ct = e.ciphertext ?? new Uint8Array(0);
        if (!allowed.has(to) || seen.has(to)) throw new CohortError('E_SECAGG_BAD_SHARE', `${from} sent a share for "${to}", not one of its neighbours or twice`);
        if (ct.length > MAX_CIPHERTEXT_BYTES) throw new CohortError('E_SECAGG_BAD_SHARE', `share ciphertext of ${ct.length} bytes`);
        seen.add(to);
        list.push({ to, ciphertext: ct });
      }
      if (seen.size !== allowed.size) throw new CohortError('E_SECAGG_BAD_SHARE', `${from} shared with ${seen.size} of its ${allowed.size} neighbours`);
      for (const { to, ciphertext } of list) {
        const box = this.outbox.get(to) ?? [];
        box.push({ from, ciphertext });
        this.outbox.set(to, box);
      }
    } else if ('secaggMaskedInput' in msg) {
      const bytes = msg.secaggMaskedInput.masked ?? new Uint8Array(0);
      if (bytes.byteLength !== s.vectorLength * 4) {
        throw new CohortError('E_UPDATE_LENGTH', `masked input of ${bytes.byteLength} bytes; expected ${s.vectorLength * 4}`);
      }
      // One scratch vector for every input: the frame's bytes may sit at any
      // alignment, and a fresh copy per client would be n·d of garbage.
      const words = this.scratch;
      new Uint8Array(words.buffer).set(bytes);
      if (s.bits < 32) {
        const limit = 2 ** s.bits;
        for (let i = 0; i < words.length; i++) if (words[i]! >= limit) throw new CohortError('E_UPDATE_RANGE', `masked word ${i} is outside Z_2^${s.bits}`);
      }
      addInto(this.acc, words, s.bits);
    } else if ('secaggConsistency' in msg) {
      const signature = msg.secaggConsistency.signature ?? new Uint8Array(0);
      if (!verify(this.keys.get(from)!.identityKey, survivorsTranscript(s, this.u3), signature)) {
        throw new CohortError('E_SECAGG_BAD_SIGNATURE', `consistency signature of ${from} does not sign the survivor set`);
      }
      this.signatures.set(from, signature);
    } else {
      const m = msg.secaggUnmask;
      const mine = new Set(neighboursOf(s, from));
      const alive = new Set(this.u3);
      const shared = new Set(this.u2);
      const owners = new Set<string>();
      const seeds: [string, Share][] = [];
      const keys: [string, Share][] = [];
      for (const r of m.selfMaskShares ?? []) {
        const owner = r.owner ?? '';
        // A client holds a share of its own seed as well as its neighbours'.
        if (!(mine.has(owner) || owner === from) || !alive.has(owner) || owners.has(owner)) throw new CohortError('E_SECAGG_BAD_SHARE', `${from} revealed a self-mask share of "${owner}"`);
        owners.add(owner);
        seeds.push([owner, decodeShare(r.share ?? new Uint8Array(0), SECRET_BYTES)]);
      }
      for (const r of m.keyShares ?? []) {
        const owner = r.owner ?? '';
        // A survivor's mask key must never be revealed: with its seed it would expose its input.
        if (!mine.has(owner) || alive.has(owner) || !shared.has(owner) || owners.has(owner)) {
          throw new CohortError('E_SECAGG_BAD_SHARE', `${from} revealed a mask-key share of "${owner}"`);
        }
        owners.add(owner);
        keys.push([owner, decodeShare(r.share ?? new Uint8Array(0), SECRET_BYTES)]);
      }
      // Committed only once the whole message is valid.
      for (const [owner, share] of seeds) pushShare(this.seedShares, owner, share);
      for (const [owner, share] of keys) pushShare(this.keyShares, owner, share);
    }
  }

  /** Closes the phase when nobody is pending, and opens the next one. */
  private advance(): Outgoing[] {
    if (this.pending.length > 0) return [];
    const done = [...this.answered].sort();
    const s = this.session;
    if (done.length < s.threshold) {
      this.fail(`phase "${this._phase}" ended with ${done.length} clients; threshold is ${s.threshold}`);
      return [];
    }
    const out: Outgoing[] = [];
    switch (this._phase) {
      case 'advertise': {
        this.counts.advertise = done.length;
        const entry = (name: string) => {
          const k = this.keys.get(name)!;
          return { name, cPk: k.cPk, sPk: k.sPk, signature: k.signature, identityKey: k.identityKey };
        };
        // Each client gets its own neighbourhood only: O(k) per client in SecAgg+.
        for (const to of done) {
          const clients = [to, ...neighboursOf(s, to)].filter((v) => this.keys.has(v)).map(entry);
          out.push({ to, body: { secaggKeys: { clients } } });
        }
        this.next('share', done);
        break;
      }
      case 'share': {
        this.counts.share = done.length;
        this.u2 = done;
        const inU2 = new Set(done);
        for (const to of done) {
          const shares = (this.outbox.get(to) ?? []).filter((e) => inU2.has(e.from)).map((e) => ({ peer: e.from, ciphertext: e.ciphertext }));
          out.push({ to, body: { secaggSharesRelay: { shares } } });
        }
        this.outbox.clear();
        this.next('masked', done);
        break;
      }
      case 'masked':
        this.counts.masked = done.length;
        this.u3 = done;
        for (const to of done) out.push({ to, body: { secaggSurvivors: { survivors: done } } });
        this.next('consistency', done);
        break;
      case 'consistency': {
        this.counts.consistency = done.length;
        const signed = new Set(done);
        for (const to of done) {
          const signatures = [to, ...neighboursOf(s, to)].filter((v) => signed.has(v)).map((name) => ({ name, signature: this.signatures.get(name)! }));
          out.push({ to, body: { secaggUnmaskRequest: { signatures } } });
        }
        this.next('unmask', done);
        break;
      }
      case 'unmask':
        this.counts.unmask = done.length;
        this.unmask();
        break;
      default:
        break;
    }
    return out;
  }

  private next(phase: ServerPhase, expected: string[]): void {
    this._phase = phase;
    this.expected = new Set(expected);
    this.answered = new Set();
  }

  /** Removes survivors' self masks and dropped clients' pairwise masks from the running sum. */
  private unmask(): void {
    const s = this.session;
    const alive = new Set(this.u3);
    try {
      for (const u of this.u3) {
        const seed = combine(this.sharesOf(this.seedShares, u), s.threshold, SECRET_BYTES);
        const key = selfMaskKey(s, seed, u);
        addMaskInto(this.acc, key, -1, s.bits);
        zeroize(seed, key);
      }
      const peers = new Map<string, KeyObject>();
      for (const v of this.u2) {
        if (alive.has(v)) continue;
        const sk = combine(this.sharesOf(this.keyShares, v), s.threshold, SECRET_BYTES);
        if (!constantTimeEqual(x25519PublicKey(sk), this.keys.get(v)!.sPk)) {
          throw new CohortError('E_SECAGG_BAD_SHARE', `reconstructed mask key of ${v} does not match its advertised key`);
        }
        const party = new X25519Party(sk);
        for (const u of neighboursOf(s, v)) {
          if (!alive.has(u)) continue;
          let peer = peers.get(u);
          if (!peer) peers.set(u, (peer = x25519Peer(this.keys.get(u)!.sPk)));
          const agreed = party.agree(peer);
          const key = pairwiseMaskKey(s, agreed, u, v);
          // u added pairwiseSign(u, v)·mask; take it back out.
          addMaskInto(this.acc, key, pairwiseSign(u, v) === 1 ? -1 : 1, s.bits);
          zeroize(agreed, key);
        }
        zeroize(sk);
      }
    } catch (err) {
      this.fail(err instanceof CohortError ? err.message : 'unmasking failed');
      return;
    }
    this._sum = this.acc;
    this._phase = 'done';
  }

  private sharesOf(store: Map<string, Share[]>, owner: string): Share[] {
    const shares = store.get(owner) ?? [];
    if (shares.length < this.session.threshold) {
      throw new CohortError('E_SECAGG_TOO_FEW', `${shares.length} shares of ${owner}; threshold is ${this.session.threshold}`);
    }
    return shares;
  }

  private fail(reason: string): void {
    this._phase = 'failed';
    this._failure = reason;
    this.acc.fill(0);
  }
}

function pushShare(store: Map<string, Share[]>, owner: string, share: Share): void {
  const list = store.get(owner) ?? [];
  list.push(share);
  store.set(owner, list);
}
