/**
 * One client's side of a secure-aggregation session, as a state machine that
 * takes protobuf messages in and gives protobuf messages out (Bonawitz et al.
 * CCS 2017, Fig. 4 "Secure Aggregation Protocol", actively secure variant
 * with the ConsistencyCheck round; neighbours from the SecAgg+ graph of Bell
 * et al. CCS 2020). No sockets, no timers.
 *
 *   advertise()         -> SecAggAdvertise           (round 0, AdvertiseKeys)
 *   onKeys(U1)          -> SecAggShares              (round 1, ShareKeys)
 *   onShares(relay)        learns U2 among its neighbours
 *   maskInput(x)        -> SecAggMaskedInput         (round 2, MaskedInputCollection)
 *   onSurvivors(U3)     -> SecAggConsistency         (round 3, ConsistencyCheck)
 *   onUnmaskRequest(U4) -> SecAggUnmask              (round 4, Unmasking)
 */
import { randomBytes } from 'node:crypto';
import { CohortError } from '../errors.ts';
import type { cohort } from '../../proto/generated/cohort.js';
import { x25519KeyPair, x25519Peer, X25519Party, seal, open, sign, verify, zeroize } from './crypto.ts';
import { split, encodeShare } from './shamir.ts';
import { addMaskInto } from './prg.ts';
import {
  SECRET_BYTES, advertiseTranscript, decodeSharePair, encodeSharePair, neighboursOf, pairwiseMaskKey, pairwiseSign,
  selfMaskKey, shareAad, shareKey, survivorsTranscript, type Session,
} from './session.ts';

type Msg = typeof cohort.v1;
type Keys = InstanceType<Msg['SecAggKeys']> | cohort.v1.SecAggKeys.$Properties;

export type ClientPhase = 'init' | 'advertised' | 'shared' | 'relayed' | 'masked' | 'checked' | 'unmasked';

export interface Identity {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

interface PeerKeys {
  cPk: Uint8Array;
  sPk: Uint8Array;
  identityKey: Uint8Array;
}

export class SecAggClient {
  private phase: ClientPhase = 'init';
  private c: { secretKey: Uint8Array; publicKey: Uint8Array } | null = null;
  private s: { secretKey: Uint8Array; publicKey: Uint8Array } | null = null;
  private selfSeed: Uint8Array | null = null;
  /** Neighbours that advertised keys (U1 ∩ N(self)), with their verified keys; u1 adds this client. */
  private readonly peers = new Map<string, PeerKeys>();
  /** Shares held for this client and each neighbour that reached ShareKeys (U2 ∩ N(self)). */
  private readonly held = new Map<string, { keyShare: Uint8Array; seedShare: Uint8Array }>();
  private survivors: string[] = [];
  private u1 = new Map<string, PeerKeys>();

  constructor(
    readonly session: Session,
    readonly self: string,
    private readonly identity: Identity,
  ) {
    if (!session.xOf.has(self)) throw new CohortError('E_SECAGG_PARAMS', `${self} is not a participant of this session`);
  }

  get state(): ClientPhase {
    return this.phase;
  }

  advertise(): cohort.v1.SecAggAdvertise.$Properties {
    this.expect('init');
    const c = x25519KeyPair();
    const s = x25519KeyPair();
    this.c = c;
    this.s = s;
    const signature = sign(this.identity.secretKey, advertiseTranscript(this.session, this.self, c.publicKey, s.publicKey));
    this.phase = 'advertised';
    return { cPk: c.publicKey, sPk: s.publicKey, signature };
  }

  /** Verifies every advertised key set, then Shamir-shares s_sk and the self-mask seed to the neighbours. */
  onKeys(msg: Keys): cohort.v1.SecAggShares.$Properties {
    this.expect('advertised');
    const s = this.session;
    const neighbourhood = new Set([this.self, ...neighboursOf(s, this.self)]);
    const seen = new Set<string>();
    for (const k of msg.clients ?? []) {
      const name = k.name ?? '';
      if (!neighbourhood.has(name) || seen.has(name)) throw new CohortError('E_SECAGG_PROTOCOL', `key list names "${name}", not a neighbour or repeated`);
      seen.add(name);
      const cPk = k.cPk ?? new Uint8Array(0);
      const sPk = k.sPk ?? new Uint8Array(0);
      const identityKey = k.identityKey ?? new Uint8Array(0);
      if (!verify(identityKey, advertiseTranscript(s, name, cPk, sPk), k.signature ?? new Uint8Array(0))) {
        throw new CohortError('E_SECAGG_BAD_SIGNATURE', `keys of "${name}" carry an invalid signature`);
      }
      this.u1.set(name, { cPk, sPk, identityKey });
    }
    const mine = this.u1.get(this.self);
    if (!mine || !equalBytes(mine.cPk, this.c!.publicKey) || !equalBytes(mine.sPk, this.s!.publicKey)) {
      throw new CohortError('E_SECAGG_PROTOCOL', 'the key list does not carry this client\'s own keys');
    }
    for (const v of neighboursOf(s, this.self)) {
      const keys = this.u1.get(v);
      if (keys) this.peers.set(v, keys);
    }
    // Holders of this client's secrets: its live neighbours and itself.
    if (this.peers.size + 1 < s.threshold) throw new CohortError('E_SECAGG_TOO_FEW', `${this.peers.size} neighbours advertised keys; threshold is ${s.threshold}`);

    this.selfSeed = randomBytes(SECRET_BYTES);
    // The client holds one share of its own secrets too, as in Bonawitz et al.
    // (shares go to all of U1, the sharer included): a survivor then needs one
    // fewer surviving neighbour to have its self mask removed.
    const holders = [this.self, ...this.peers.keys()];
    const xs = holders.map((v) => s.xOf.get(v)!);
    const keyShares = split(this.s!.secretKey, s.threshold, xs);
    const seedShares = split(this.selfSeed, s.threshold, xs);
    this.held.set(this.self, { keyShare: encodeShare(keyShares[0]!), seedShare: encodeShare(seedShares[0]!) });
    const c = new X25519Party(this.c!.secretKey);
    const shares = holders.slice(1).map((v, j) => {
      const i = j + 1;
      const key = shareKey(s, c.agree(x25519Peer(this.peers.get(v)!.cPk)), this.self, v);
      const plaintext = encodeSharePair(encodeShare(keyShares[i]!), encodeShare(seedShares[i]!));
      const ciphertext = seal(key, plaintext, shareAad(s, this.self, v));
      zeroize(key, plaintext);
      return { peer: v, ciphertext };
    });
    this.phase = 'shared';
    return { shares };
  }

  /** Decrypts the shares neighbours sent this client; their senders are U2 ∩ N(self). */
  onShares(msg: cohort.v1.SecAggShares.$Properties): void {
    this.expect('shared');
    const s = this.session;
    const c = new X25519Party(this.c!.secretKey);
    for (const e of msg.shares ?? []) {
      const from = e.peer ?? '';
      const peer = this.peers.get(from);
      if (!peer || from === this.self || this.held.has(from)) throw new CohortError('E_SECAGG_BAD_SHARE', `share from "${from}", which is not a neighbour or already sent one`);
      const key = shareKey(s, c.agree(x25519Peer(peer.cPk)), from, this.self);
      const plaintext = open(key, e.ciphertext ?? new Uint8Array(0), shareAad(s, from, this.self));
      this.held.set(from, decodeSharePair(plaintext));
      zeroize(key, plaintext);
    }
    if (this.held.size < s.threshold) throw new CohortError('E_SECAGG_TOO_FEW', `only ${this.held.size - 1} neighbours shared keys`);
    this.phase = 'relayed';
  }

  /**
   * y = x + PRG(b_u) + Σ_{v ∈ U2 ∩ N(u)} ±PRG(s_uv) in Z_{2^k}; `x` is the
   * quantized input. The pairwise masks cancel in the sum over survivors.
   */
  maskInput(x: Uint32Array): cohort.v1.SecAggMaskedInput.$Properties {
    this.expect('relayed');
    const s = this.session;
    if (x.length !== s.vectorLength) throw new CohortError('E_UPDATE_LENGTH', `input has ${x.length} words, session expects ${s.vectorLength}`);
    const y = new Uint32Array(x);
    const selfKey = selfMaskKey(s, this.selfSeed!, this.self);
    addMaskInto(y, selfKey, 1, s.bits);
    zeroize(selfKey);
    const party = new X25519Party(this.s!.secretKey);
    for (const v of this.held.keys()) {
      if (v === this.self) continue;
      const agreed = party.agree(x25519Peer(this.peers.get(v)!.sPk));
      const key = pairwiseMaskKey(s, agreed, this.self, v);
      addMaskInto(y, key, pairwiseSign(this.self, v), s.bits);
      zeroize(agreed, key);
    }
    this.phase = 'masked';
    return { masked: new Uint8Array(y.buffer, y.byteOffset, y.byteLength) };
  }

  onSurvivors(msg: cohort.v1.SecAggSurvivors.$Properties): cohort.v1.SecAggConsistency.$Properties {
    this.expect('masked');
    const survivors = [...new Set(msg.survivors ?? [])].sort();
    if (survivors.length !== (msg.survivors ?? []).length) throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list repeats a client');
    if (!survivors.includes(this.self)) throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list omits this client, which sent its input');
    if (survivors.some((v) => !this.session.xOf.has(v))) throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list names a client outside the round');
    if (survivors.length < this.session.threshold) throw new CohortError('E_SECAGG_TOO_FEW', `${survivors.length} survivors; threshold is ${this.session.threshold}`);
    this.survivors = survivors;
    this.phase = 'checked';
    return { signature: sign(this.identity.secretKey, survivorsTranscript(this.session, survivors)) };
  }

  /**
   * Reveals, for each neighbour, the self-mask-seed share if it survived and
   * the mask-key share if it dropped after sharing — never both (the
   * protocol's core safety rule), and only once at least t survivors signed
   * the same survivor set, so a server cannot show different clients
   * different sets.
   */
  onUnmaskRequest(msg: cohort.v1.SecAggUnmaskRequest.$Properties): cohort.v1.SecAggUnmask.$Properties {
    this.expect('checked');
    const s = this.session;
    const transcript = survivorsTranscript(s, this.survivors);
    const signers = new Set<string>();
    // Bell et al.: the check is local; signatures of this client's surviving
    // neighbourhood (and its own) must agree on the survivor set.
    for (const sig of msg.signatures ?? []) {
      const name = sig.name ?? '';
      if (!this.survivors.includes(name) || signers.has(name) || !this.u1.has(name)) continue;
      if (!verify(this.u1.get(name)!.identityKey, transcript, sig.signature ?? new Uint8Array(0))) {
        throw new CohortError('E_SECAGG_BAD_SIGNATURE', `consistency signature of "${name}" is invalid`);
      }
      signers.add(name);
    }
    if (signers.size < s.threshold) throw new CohortError('E_SECAGG_TOO_FEW', `${signers.size} valid consistency signatures; threshold is ${s.threshold}`);
    const alive = new Set(this.survivors);
    const selfMaskShares: { owner: string; share: Uint8Array }[] = [];
    const keyShares: { owner: string; share: Uint8Array }[] = [];
    for (const [owner, pair] of this.held) {
      if (alive.has(owner)) selfMaskShares.push({ owner, share: pair.seedShare });
      else keyShares.push({ owner, share: pair.keyShare });
    }
    this.phase = 'unmasked';
    this.forget();
    return { selfMaskShares, keyShares };
  }

  /** Drops every secret of the session (after unmasking, or on abort). */
  forget(): void {
    if (this.c) zeroize(this.c.secretKey);
    if (this.s) zeroize(this.s.secretKey);
    if (this.selfSeed) zeroize(this.selfSeed);
  }

  private expect(phase: ClientPhase): void {
    if (this.phase !== phase) throw new CohortError('E_SECAGG_PROTOCOL', `message out of order: client is in phase "${this.phase}", expected "${phase}"`);
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
