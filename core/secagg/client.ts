/**
 * One client's side of a secure-aggregation session, as a state machine that
 * takes protobuf messages in and gives protobuf messages out (Bonawitz et al.
 * CCS 2017, Fig. 4, the variant with the ConsistencyCheck round; neighbours
 * from the SecAgg+ graph of Bell et al. CCS 2020). No sockets, no timers.
 *
 *   advertise()              -> SecAggAdvertise   keys, seed and mask commitments
 *   onCommitments(L)         -> SecAggReveal      the seed nonce (seed.ts)
 *   onKeys(U1, reveals)      -> SecAggShares      seed agreed, graph built, keys checked
 *   onShares(relay)             learns U2 among its neighbours
 *   maskInput(x)             -> SecAggMaskedInput
 *   onSurvivors(U3)          -> SecAggConsistency
 *   onUnmaskRequest(U4)      -> SecAggUnmask
 *
 * What it relies on and what it does not (docs/threat-model.md): peers'
 * identity keys come only from the roster it was given, never from the
 * coordinator; the session parameters were checked by the hospital before
 * the machine was made (core/round/session-params.ts); the graph comes from
 * a seed the coordinator cannot choose. Against a coordinator that deviates,
 * it guarantees that what leaves it reveals only sums of at least t inputs
 * (t − C of them honest), as long as at most C participants collude; it
 * does not guarantee that the round completes.
 */
import { randomBytes } from 'node:crypto';
import { CohortError } from '../errors.ts';
import type * as M from './messages.ts';
import {
  x25519KeyPair,
  x25519Peer,
  X25519Party,
  seal,
  open,
  sign,
  verify,
  zeroize,
  constantTimeEqual,
} from './crypto.ts';
import { split, encodeShare, decodeShare } from './shamir.ts';
import { addMaskInto } from './prg.ts';
import {
  SECRET_BYTES,
  advertiseTranscript,
  decodeSharePair,
  encodeSharePair,
  neighboursOf,
  pairwiseMaskKey,
  pairwiseSign,
  seatGraph,
  selfMaskKey,
  shareAad,
  shareKey,
  survivorsTranscript,
  type Seeded,
  type Session,
} from './session.ts';
import { NONCE_BYTES, agreeSeed, checkCommitments, maskCommitment, seedCommitment, type Commitment } from './seed.ts';

export type ClientPhase =
  'init' | 'advertised' | 'revealed' | 'shared' | 'relayed' | 'masked' | 'checked' | 'unmasked' | 'closed';

export interface Identity {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/**
 * A neighbour whose signed keys were accepted, with this client's agreements
 * with them (computed once, in acceptKeys, which is also the check that they
 * are usable X25519 keys): c for the share-encryption keys both ways, s for
 * the pairwise mask. Zeroed once used, and by forget().
 */
interface Peer {
  cShared: Uint8Array;
  sShared: Uint8Array;
}

interface Secrets {
  c: { secretKey: Uint8Array; publicKey: Uint8Array };
  s: { secretKey: Uint8Array; publicKey: Uint8Array };
  selfSeed: Uint8Array;
  nonce: Uint8Array;
  seedCommit: Uint8Array;
}

export class SecAggClient {
  private phase: ClientPhase = 'init';
  private secrets: Secrets | null = null;
  private commitments: Commitment[] = [];
  private seeded: Seeded | null = null;
  /** Neighbours that advertised keys (U1 ∩ N(self)), with their verified keys. */
  private readonly peers = new Map<string, Peer>();
  /** Neighbours whose share reached this client in ShareKeys (U2 ∩ N(self)): the pairwise masks it adds. */
  private readonly sharers = new Set<string>();
  /** Shares held for this client and each sharer whose ciphertext opened. */
  private readonly held = new Map<string, { keyShare: Uint8Array; seedShare: Uint8Array }>();
  /** Sharers whose ciphertext did not open: reported, never fatal. */
  private readonly rejected: string[] = [];
  private survivors: string[] = [];

  /**
   * `roster`: each participant's Ed25519 identity key, from the roster the
   * hospital holds (core/roster/). Every participant must be in it, and this
   * client's own key must be its roster key.
   */
  constructor(
    readonly session: Session,
    readonly self: string,
    private readonly identity: Identity,
    private readonly roster: ReadonlyMap<string, Uint8Array>,
  ) {
    if (!session.xOf.has(self))
      throw new CohortError('E_SECAGG_PARAMS', `${self} is not a participant of this session`);
    const unknown = session.participants.find((p) => !roster.has(p));
    if (unknown !== undefined)
      throw new CohortError('E_ROSTER_NOT_MEMBER', `participant "${unknown}" is not in this hospital's roster`);
    if (!constantTimeEqual(roster.get(self)!, identity.publicKey))
      throw new CohortError(
        'E_ROSTER_NOT_MEMBER',
        `the roster lists another key for ${self} than this hospital's identity`,
      );
  }

  get state(): ClientPhase {
    return this.phase;
  }

  /** The agreed seed (after onKeys): also the DDG rotation seed (rotation.ts derives its own key). */
  get seed(): Uint8Array {
    if (!this.seeded) throw new CohortError('E_SECAGG_PROTOCOL', 'the seed is not agreed yet');
    return this.seeded.seed;
  }

  advertise(): M.SecAggAdvertise {
    this.expect('init');
    const s = this.session;
    const c = x25519KeyPair();
    const sk = x25519KeyPair();
    const selfSeed = new Uint8Array(randomBytes(SECRET_BYTES));
    const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
    const seedCommit = seedCommitment(s, this.self, nonce);
    const maskCommit = maskCommitment(s, this.self, selfSeed);
    this.secrets = { c, s: sk, selfSeed, nonce, seedCommit };
    const signature = sign(
      this.identity.secretKey,
      advertiseTranscript(s, this.self, c.publicKey, sk.publicKey, seedCommit, maskCommit),
    );
    this.phase = 'advertised';
    return { cPk: c.publicKey, sPk: sk.publicKey, seedCommit, maskCommit, signature };
  }

  /** Fixes this client's view of who committed, then reveals its nonce (seed.ts step 2). */
  onCommitments(msg: M.SecAggCommitments): M.SecAggReveal {
    this.expect('advertised');
    const list = (msg.commitments ?? []).map((c) => ({ name: c.name ?? '', commit: c.value ?? new Uint8Array(0) }));
    checkCommitments(this.session, list, this.self, this.secrets!.seedCommit, this.session.threshold);
    this.commitments = list;
    this.phase = 'revealed';
    return { nonce: this.secrets!.nonce };
  }

  /** Agrees the seed, checks its neighbours' signed keys against the roster, then Shamir-shares s_sk and b_u to them. */
  onKeys(msg: M.SecAggKeys): M.SecAggShares {
    this.expect('revealed');
    const s = this.session;
    const reveals = new Map<string, Uint8Array>();
    for (const r of msg.reveals ?? []) {
      if (reveals.has(r.name ?? '')) throw new CohortError('E_SECAGG_SEED', `two seed reveals for "${r.name ?? ''}"`);
      reveals.set(r.name ?? '', r.value ?? new Uint8Array(0));
    }
    this.seeded = seatGraph(s, agreeSeed(s, this.commitments, reveals));
    this.acceptKeys(msg.clients ?? []);
    // Holders of this client's secrets: its live neighbours and itself.
    if (this.peers.size + 1 < s.threshold)
      throw new CohortError(
        'E_SECAGG_TOO_FEW',
        `${this.peers.size} neighbours advertised keys; threshold is ${s.threshold}`,
      );
    return this.shareSecrets();
  }

  private acceptKeys(clients: readonly M.SecAggClientKeys[]): void {
    const s = this.session;
    const mine = this.secrets!;
    const neighbours = neighboursOf(this.seeded!, this.self);
    const neighbourhood = new Set([this.self, ...neighbours]);
    const committed = new Map(this.commitments.map((c) => [c.name, c.commit]));
    const seen = new Map<string, { cPk: Uint8Array; sPk: Uint8Array }>();
    for (const k of clients) {
      const name = k.name ?? '';
      if (!neighbourhood.has(name) || seen.has(name) || !committed.has(name)) {
        throw new CohortError('E_SECAGG_PROTOCOL', `key list names "${name}": not a committed neighbour, or repeated`);
      }
      const cPk = k.cPk ?? new Uint8Array(0);
      const sPk = k.sPk ?? new Uint8Array(0);
      const seedCommit = k.seedCommit ?? new Uint8Array(0);
      const transcript = advertiseTranscript(s, name, cPk, sPk, seedCommit, k.maskCommit ?? new Uint8Array(0));
      // The seed commitment in the signed advertisement must be the one the seed was built from.
      if (
        !constantTimeEqual(seedCommit, committed.get(name)!) ||
        !verify(this.roster.get(name)!, transcript, k.signature ?? new Uint8Array(0))
      ) {
        throw new CohortError(
          'E_SECAGG_BAD_SIGNATURE',
          `keys of "${name}" are not signed by its roster key for this session`,
        );
      }
      seen.set(name, { cPk, sPk });
    }
    const own = seen.get(this.self);
    if (!own || !constantTimeEqual(own.cPk, mine.c.publicKey) || !constantTimeEqual(own.sPk, mine.s.publicKey)) {
      throw new CohortError('E_SECAGG_PROTOCOL', "the key list does not carry this client's own keys");
    }
    const c = new X25519Party(mine.c.secretKey);
    const sParty = new X25519Party(mine.s.secretKey);
    for (const v of neighbours) {
      const keys = seen.get(v);
      if (!keys) continue;
      // A neighbour whose signed keys are not valid X25519 keys (malformed, low order) is left out like one that did
      // not advertise: one bad neighbour must not make this client abandon (the coordinator should have refused it).
      const peer = agreeWith(c, sParty, keys.cPk, keys.sPk);
      if (peer) this.peers.set(v, peer);
    }
  }

  private shareSecrets(): M.SecAggShares {
    const s = this.session;
    const mine = this.secrets!;
    // The client keeps one share of its own secrets too, as in Bonawitz et al.
    // (shares go to all of U1, the sharer included): k + 1 holders, which the
    // parameter search counts (params.ts).
    const holders = [this.self, ...this.peers.keys()];
    const xs = holders.map((v) => s.xOf.get(v)!);
    const keyShares = split(mine.s.secretKey, s.threshold, xs);
    const seedShares = split(mine.selfSeed, s.threshold, xs);
    this.held.set(this.self, { keyShare: encodeShare(keyShares[0]!), seedShare: encodeShare(seedShares[0]!) });
    const shares = holders.slice(1).map((v, j) => {
      const i = j + 1;
      const key = shareKey(s, this.peers.get(v)!.cShared, this.self, v);
      const plaintext = encodeSharePair(encodeShare(keyShares[i]!), encodeShare(seedShares[i]!));
      const ciphertext = seal(key, plaintext, shareAad(s, this.self, v));
      zeroize(key, plaintext);
      return { name: v, value: ciphertext };
    });
    for (const sh of [...keyShares, ...seedShares]) zeroize(sh.y);
    this.phase = 'shared';
    return { shares };
  }

  /**
   * Takes the shares neighbours sent this client; their senders are
   * U2 ∩ N(self), and each gets a pairwise mask whether or not its share
   * opens (the mask needs only its signed key, and every sharer's own input
   * carries the mask with this client). A share that does not open, or opens
   * to a malformed pair (heldAt), is not held and its sender is reported with
   * the masked input, so one bad neighbour cannot make an honest client
   * abandon the session, nor get it blamed for revealing what it was dealt.
   */
  onShares(msg: M.SecAggShares): void {
    this.expect('shared');
    const s = this.session;
    for (const e of msg.shares ?? []) {
      const from = e.name ?? '';
      const peer = this.peers.get(from);
      // The relay is the coordinator's: a name outside the neighbourhood, or repeated, is ignored, not trusted.
      if (!peer || this.sharers.has(from)) continue;
      this.sharers.add(from);
      const key = shareKey(s, peer.cShared, from, this.self);
      try {
        const plaintext = open(key, e.value ?? new Uint8Array(0), shareAad(s, from, this.self));
        const pair = decodeSharePair(plaintext);
        zeroize(plaintext);
        // Held only if well formed at this client's x: the coordinator blames whoever reveals a malformed share.
        if (!heldAt(pair, s.xOf.get(this.self)!)) throw new CohortError('E_SECAGG_BAD_SHARE', 'malformed share');
        this.held.set(from, pair);
      } catch {
        this.rejected.push(from);
      } finally {
        zeroize(key);
      }
    }
    // The share-encryption agreements have done their work (this client's shares out, its neighbours' in).
    for (const peer of this.peers.values()) zeroize(peer.cShared);
    if (this.held.size < s.threshold)
      throw new CohortError('E_SECAGG_TOO_FEW', `only ${this.held.size - 1} neighbours shared keys that open`);
    this.phase = 'relayed';
  }

  /**
   * y = x + PRG(b_u) + Σ_{v ∈ U2 ∩ N(u)} ±PRG(s_uv) in Z_{2^k}; `x` is the
   * quantized input. The pairwise masks cancel in the sum over survivors.
   */
  maskInput(x: Uint32Array): M.SecAggMaskedInput {
    this.expect('relayed');
    const s = this.session;
    const mine = this.secrets!;
    if (x.length !== s.vectorLength)
      throw new CohortError('E_UPDATE_LENGTH', `input has ${x.length} words, session expects ${s.vectorLength}`);
    const y = new Uint32Array(x);
    const selfKey = selfMaskKey(s, mine.selfSeed, this.self);
    addMaskInto(y, selfKey, 1, s.bits);
    zeroize(selfKey);
    for (const v of this.sharers) {
      const key = pairwiseMaskKey(s, this.peers.get(v)!.sShared, this.self, v);
      addMaskInto(y, key, pairwiseSign(this.self, v), s.bits);
      zeroize(key);
    }
    for (const peer of this.peers.values()) zeroize(peer.sShared);
    this.phase = 'masked';
    return { masked: new Uint8Array(y.buffer, y.byteOffset, y.byteLength), rejected: [...this.rejected].sort() };
  }

  onSurvivors(msg: M.SecAggSurvivors): M.SecAggConsistency {
    this.expect('masked');
    const given = msg.survivors ?? [];
    const survivors = [...new Set(given)].sort();
    const committed = new Set(this.commitments.map((c) => c.name));
    if (survivors.length !== given.length) throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list repeats a client');
    if (!survivors.includes(this.self))
      throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list omits this client, which sent its input');
    if (survivors.some((v) => !committed.has(v)))
      throw new CohortError('E_SECAGG_PROTOCOL', 'survivor list names a client that never committed to this session');
    // Bonawitz et al.'s U3 ⊆ U2, from where this client stands: a surviving neighbour must be one it masked with.
    // Otherwise the coordinator could call the neighbours it did mask with "dropped" (their keys revealed, their
    // masks removed) and unmask this input alone, the survivors' sum holding nothing that still masks it.
    const neighbours = new Set(neighboursOf(this.seeded!, this.self));
    const unmasked = survivors.find((v) => neighbours.has(v) && !this.sharers.has(v));
    if (unmasked !== undefined)
      throw new CohortError(
        'E_SECAGG_PROTOCOL',
        `survivor list names neighbour "${unmasked}", whose share never reached this client: its input carries no mask with it`,
      );
    if (survivors.length < this.session.threshold)
      throw new CohortError(
        'E_SECAGG_TOO_FEW',
        `${survivors.length} survivors; threshold is ${this.session.threshold}`,
      );
    this.survivors = survivors;
    this.phase = 'checked';
    return {
      signature: sign(this.identity.secretKey, survivorsTranscript(this.session, this.seeded!.seed, survivors)),
    };
  }

  /**
   * Reveals, for each neighbour, the self-mask-seed share if it survived and
   * the mask-key share if it dropped after sharing — never both (the
   * protocol's core safety rule), and only once at least t survivors of its
   * neighbourhood signed the same survivor set and seed, so a server cannot
   * show different clients different sets or graphs.
   */
  onUnmaskRequest(msg: M.SecAggUnmaskRequest): M.SecAggUnmask {
    this.expect('checked');
    const s = this.session;
    const transcript = survivorsTranscript(s, this.seeded!.seed, this.survivors);
    const allowed = new Set([this.self, ...this.peers.keys()]);
    const signers = new Set<string>();
    for (const sig of msg.signatures ?? []) {
      const name = sig.name ?? '';
      if (!this.survivors.includes(name) || signers.has(name) || !allowed.has(name)) continue;
      if (!verify(this.roster.get(name)!, transcript, sig.value ?? new Uint8Array(0))) {
        throw new CohortError(
          'E_SECAGG_BAD_SIGNATURE',
          `consistency signature of "${name}" does not sign this client's survivor set and seed`,
        );
      }
      signers.add(name);
    }
    if (signers.size < s.threshold)
      throw new CohortError(
        'E_SECAGG_TOO_FEW',
        `${signers.size} valid consistency signatures; threshold is ${s.threshold}`,
      );
    const alive = new Set(this.survivors);
    const selfMaskShares: M.NamedBytes[] = [];
    const keyShares: M.NamedBytes[] = [];
    for (const [owner, pair] of this.held) {
      if (alive.has(owner)) selfMaskShares.push({ name: owner, value: Uint8Array.from(pair.seedShare) });
      else keyShares.push({ name: owner, value: Uint8Array.from(pair.keyShare) });
    }
    this.forget();
    this.phase = 'unmasked';
    return { selfMaskShares, keyShares };
  }

  /** Drops every secret of the session, the shares it holds for others included (after unmasking, or on abort). */
  forget(): void {
    const m = this.secrets;
    if (m) zeroize(m.c.secretKey, m.s.secretKey, m.selfSeed, m.nonce);
    for (const pair of this.held.values()) zeroize(pair.keyShare, pair.seedShare);
    this.held.clear();
    for (const peer of this.peers.values()) zeroize(peer.cShared, peer.sShared);
    if (this.phase !== 'unmasked') this.phase = 'closed';
  }

  private expect(phase: ClientPhase): void {
    if (this.phase !== phase)
      throw new CohortError(
        'E_SECAGG_PROTOCOL',
        `message out of order: client is in phase "${this.phase}", expected "${phase}"`,
      );
  }
}

/** This client's agreements with a peer's two keys, or null if either key is malformed or of low order (x25519.ts). */
function agreeWith(c: X25519Party, s: X25519Party, cPk: Uint8Array, sPk: Uint8Array): Peer | null {
  let cShared: Uint8Array | null = null;
  try {
    cShared = c.agree(x25519Peer(cPk));
    return { cShared, sShared: s.agree(x25519Peer(sPk)) };
  } catch (e) {
    if (!(e instanceof CohortError && e.code === 'E_SECAGG_BAD_KEY')) throw e;
    if (cShared) zeroize(cShared);
    return null;
  }
}

/**
 * Whether a dealt pair is two well-formed shares of 32-byte secrets at `x`, the holder's own: a malformed one, or
 * one at another holder's x, would get this client blamed when it reveals it (server.ts), so it is not held and its
 * dealer is reported instead, like a share that does not open. Zeroes a pair it refuses.
 */
function heldAt(pair: { keyShare: Uint8Array; seedShare: Uint8Array }, x: number): boolean {
  let ok = true;
  for (const bytes of [pair.keyShare, pair.seedShare]) {
    try {
      const share = decodeShare(bytes, SECRET_BYTES);
      ok &&= share.x === x;
      zeroize(share.y);
    } catch {
      ok = false;
    }
  }
  if (!ok) zeroize(pair.keyShare, pair.seedShare);
  return ok;
}
