/**
 * The coordinator's side of one secure-aggregation session (Bonawitz et al.
 * CCS 2017, Fig. 4, with the ConsistencyCheck round; SecAgg+ neighbours of
 * Bell et al. CCS 2020; the graph seed agreed by commit-reveal, seed.ts). It
 * routes ciphertexts it cannot read, adds masked inputs into one running sum
 * as they arrive (memory O(d), not O(n·d)), and at the end removes the masks
 * it may remove: survivors' self masks and the pairwise masks of clients that
 * dropped after sharing. Followed honestly, it learns only the sum of the
 * survivors' inputs; the clients do not rely on it being followed
 * (client.ts, docs/threat-model.md).
 *
 * Each phase closes when every client expected in it has answered or been
 * dropped (disconnect, deadline, invalid message); fewer than t answers fail
 * the session, and so does a missing seed reveal (the seed needs every
 * committed nonce). Secrets are rebuilt robustly: each revealed share must
 * carry its revealer's x, and the result must open the owner's commitment
 * (H(b_u) from its signed advertisement, or its advertised s_pk); wrong
 * shares are outvoted by the spare ones (reed-solomon.ts). A secret that
 * cannot be rebuilt fails the session before any sum is released; who is
 * blamed for it is decided on evidence only (unmask.ts, rebuild).
 */
import { CohortError } from '../errors.ts';
import type * as M from './messages.ts';
import { X25519Party, x25519KeyPair, x25519Peer, verify, constantTimeEqual } from './crypto.ts';
import { decodeShare, type Share } from './shamir.ts';
import { addInto } from './ring.ts';
import {
  DIGEST_BYTES,
  SECRET_BYTES,
  advertiseTranscript,
  neighboursOf,
  seatGraph,
  survivorsTranscript,
  type Seeded,
  type Session,
} from './session.ts';
import { NONCE_BYTES, agreeSeed, seedCommitment, type Commitment } from './seed.ts';
import { pushShare, removeMasks, SEARCH_WORK, type Revealed } from './unmask.ts';
import {
  PHASE_MESSAGE,
  type Advertised,
  type ClientMessage,
  type Outgoing,
  type PhaseCounts,
  type ServerPhase,
} from './server-messages.ts';

export type { ClientMessage, Outgoing, PhaseCounts, ServerMessage, ServerPhase } from './server-messages.ts';

const MAX_CIPHERTEXT_BYTES = 4096;

export class SecAggServer {
  private _phase: ServerPhase = 'advertise';
  private _failure = '';
  /** Clients expected to answer in the current phase, and those that did. */
  private expected: Set<string>;
  private answered = new Set<string>();
  readonly dropped = new Set<string>();
  readonly counts: PhaseCounts = { advertise: 0, reveal: 0, share: 0, masked: 0, consistency: 0, unmask: 0 };
  private readonly inputs = new Set<string>();
  /** Clients found deviating beyond doubt (an invalid message, shares dealt wrong), with why: excluded from the round's retries. */
  readonly blamed = new Map<string, string>();
  /** Who reported whose share as unopenable (accused -> accusers): evidence for the log, not proof. */
  readonly complaints = new Map<string, Set<string>>();

  private readonly keys = new Map<string, Advertised>();
  private commitments: Commitment[] = [];
  private readonly reveals = new Map<string, Uint8Array>();
  private seeded: Seeded | null = null;
  private readonly outbox = new Map<string, { from: string; ciphertext: Uint8Array }[]>();
  private u2: string[] = [];
  private u3: string[] = [];
  /** Those whose unmask answer was accepted. */
  private readonly unmaskers = new Set<string>();
  private readonly signatures = new Map<string, Uint8Array>();
  private readonly seedShares = new Map<string, Revealed[]>();
  private readonly keyShares = new Map<string, Revealed[]>();
  private acc: Uint32Array;
  private readonly scratch: Uint32Array;
  /** A throwaway key that advertised keys must agree with to a non-zero secret (x25519.ts). */
  private readonly probe = new X25519Party(x25519KeyPair().secretKey);
  /** Subset-search trials this session may still spend rebuilding secrets past what decoding corrects (SEARCH_WORK). */
  private readonly searchBudget: { trials: number };
  private _sum: Uint32Array | null = null;

  /**
   * `identityKeys`: each participant's key from the coordinator's roster
   * (core/roster/). `corrupt`: the colluders the job assumes (C), which
   * decides when evidence against a client is enough to blame it.
   */
  constructor(
    readonly session: Session,
    private readonly identityKeys: ReadonlyMap<string, Uint8Array>,
    private readonly corrupt = 0,
  ) {
    const t = session.threshold;
    this.searchBudget = { trials: Math.max(t + 1, Math.floor(SEARCH_WORK / (t * t + 16 * (session.degree + 1)))) };
    const unknown = session.participants.find((p) => !identityKeys.has(p));
    if (unknown !== undefined)
      throw new CohortError('E_ROSTER_NOT_MEMBER', `participant "${unknown}" has no roster key`);
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

  /** Every client whose masked input was accepted, whatever happened to the session after (sorted). */
  get inputsFrom(): string[] {
    return [...this.inputs].sort();
  }

  /** Survivors whose inputs are in the sum (U3), once known. */
  get survivors(): readonly string[] {
    return this.u3;
  }

  /**
   * Those whose unmask answer arrived and was accepted (sorted). Their shares
   * may have unmasked the sum whatever this session's outcome, and none puts
   * the same input into another attempt at the round (core/round/hospital-session.ts
   * AttemptLog): a second sum over it could be subtracted from this one.
   */
  get unmaskedBy(): string[] {
    return [...this.unmaskers].sort();
  }

  /** The agreed seed (after the reveal phase): the DDG rotation's too. */
  get seed(): Uint8Array {
    if (!this.seeded) throw new CohortError('E_SECAGG_PROTOCOL', 'the seed is not agreed yet');
    return this.seeded.seed;
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
    if (this._phase === 'done' || this._phase === 'failed')
      throw new CohortError('E_ROUND_MISMATCH', 'secure aggregation session is closed');
    if (!this.expected.has(from) || this.dropped.has(from))
      throw new CohortError('E_NOT_PARTICIPANT', `${from} is not expected in phase "${this._phase}"`);
    if (this.answered.has(from))
      throw new CohortError('E_DUPLICATE_UPDATE', `${from} already answered phase "${this._phase}"`);
    const kind = Object.keys(msg)[0];
    if (kind !== PHASE_MESSAGE[this._phase])
      throw new CohortError('E_SECAGG_PROTOCOL', `"${kind}" in phase "${this._phase}"`);
    try {
      this.accept(from, msg);
    } catch (err) {
      this.dropped.add(from);
      const rejected = err instanceof CohortError ? err : new CohortError('E_SECAGG_PROTOCOL', 'invalid message');
      this.blamed.set(from, rejected.message);
      return { out: this.advance(), rejected };
    }
    if (this._phase === 'unmask') this.unmaskers.add(from);
    this.answered.add(from);
    return { out: this.advance(), rejected: null };
  }

  /** A client disconnected: it no longer answers this session. */
  drop(client: string): Outgoing[] {
    if (this._phase === 'done' || this._phase === 'failed' || !this.expected.has(client) || this.answered.has(client))
      return [];
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
    if ('secaggAdvertise' in msg) this.acceptAdvertise(from, msg.secaggAdvertise);
    else if ('secaggReveal' in msg) this.acceptReveal(from, msg.secaggReveal);
    else if ('secaggShares' in msg) this.acceptShares(from, msg.secaggShares);
    else if ('secaggMaskedInput' in msg) this.acceptMaskedInput(from, msg.secaggMaskedInput);
    else if ('secaggConsistency' in msg) {
      const signature = msg.secaggConsistency.signature ?? new Uint8Array(0);
      if (
        !verify(this.identityKeys.get(from)!, survivorsTranscript(this.session, this.seeded!.seed, this.u3), signature)
      ) {
        throw new CohortError(
          'E_SECAGG_BAD_SIGNATURE',
          `consistency signature of ${from} does not sign the survivor set`,
        );
      }
      this.signatures.set(from, signature);
    } else this.acceptUnmask(from, msg.secaggUnmask);
  }

  private acceptAdvertise(from: string, m: M.SecAggAdvertise): void {
    const a: Advertised = {
      cPk: m.cPk ?? new Uint8Array(0),
      sPk: m.sPk ?? new Uint8Array(0),
      seedCommit: m.seedCommit ?? new Uint8Array(0),
      maskCommit: m.maskCommit ?? new Uint8Array(0),
      signature: m.signature ?? new Uint8Array(0),
    };
    if (a.seedCommit.length !== DIGEST_BYTES || a.maskCommit.length !== DIGEST_BYTES)
      throw new CohortError('E_SECAGG_SEED', `${from} advertised commitments that are not ${DIGEST_BYTES} bytes`);
    // A malformed or low-order key would make its neighbours' agreements fail (or their masks public): refused here, its sender blamed.
    for (const k of [a.cPk, a.sPk]) this.probe.agree(x25519Peer(k));
    if (
      !verify(
        this.identityKeys.get(from)!,
        advertiseTranscript(this.session, from, a.cPk, a.sPk, a.seedCommit, a.maskCommit),
        a.signature,
      )
    ) {
      throw new CohortError('E_SECAGG_BAD_SIGNATURE', `advertised keys of ${from} are not signed by its roster key`);
    }
    for (const k of this.keys.values()) {
      if (constantTimeEqual(k.cPk, a.cPk) || constantTimeEqual(k.sPk, a.sPk))
        throw new CohortError('E_SECAGG_BAD_KEY', `${from} advertised keys another client uses`);
    }
    this.keys.set(from, a);
  }

  private acceptReveal(from: string, m: M.SecAggReveal): void {
    const nonce = m.nonce ?? new Uint8Array(0);
    if (
      nonce.length !== NONCE_BYTES ||
      !constantTimeEqual(seedCommitment(this.session, from, nonce), this.keys.get(from)!.seedCommit)
    ) {
      throw new CohortError('E_SECAGG_SEED', `the seed reveal of ${from} does not open its commitment`);
    }
    this.reveals.set(from, nonce);
  }

  private acceptShares(from: string, m: M.SecAggShares): void {
    const allowed = new Set(neighboursOf(this.seeded!, from).filter((v) => this.keys.has(v)));
    const seen = new Set<string>();
    const list: { to: string; ciphertext: Uint8Array }[] = [];
    for (const e of m.shares ?? []) {
      const to = e.name ?? '';
      const ct = e.value ?? new Uint8Array(0);
      if (!allowed.has(to) || seen.has(to))
        throw new CohortError(
          'E_SECAGG_BAD_SHARE',
          `${from} sent a share for "${to}", not one of its neighbours or twice`,
        );
      if (ct.length > MAX_CIPHERTEXT_BYTES)
        throw new CohortError('E_SECAGG_BAD_SHARE', `share ciphertext of ${ct.length} bytes`);
      seen.add(to);
      list.push({ to, ciphertext: ct });
    }
    if (seen.size !== allowed.size)
      throw new CohortError('E_SECAGG_BAD_SHARE', `${from} shared with ${seen.size} of its ${allowed.size} neighbours`);
    for (const { to, ciphertext } of list) {
      const box = this.outbox.get(to) ?? [];
      box.push({ from, ciphertext });
      this.outbox.set(to, box);
    }
  }

  private acceptMaskedInput(from: string, m: M.SecAggMaskedInput): void {
    const s = this.session;
    const bytes = m.masked ?? new Uint8Array(0);
    if (bytes.byteLength !== s.vectorLength * 4) {
      throw new CohortError(
        'E_UPDATE_LENGTH',
        `masked input of ${bytes.byteLength} bytes; expected ${s.vectorLength * 4}`,
      );
    }
    const mine = new Set(neighboursOf(this.seeded!, from));
    const accused = (m.rejected ?? []).filter((v) => mine.has(v));
    // One scratch vector for every input: the frame's bytes may sit at any
    // alignment, and a fresh copy per client would be n·d of garbage.
    const words = this.scratch;
    new Uint8Array(words.buffer).set(bytes);
    if (s.bits < 32) {
      const limit = 2 ** s.bits;
      for (let i = 0; i < words.length; i++)
        if (words[i]! >= limit) throw new CohortError('E_UPDATE_RANGE', `masked word ${i} is outside Z_2^${s.bits}`);
    }
    addInto(this.acc, words, s.bits);
    this.inputs.add(from);
    for (const v of accused) {
      const by = this.complaints.get(v) ?? new Set<string>();
      by.add(from);
      this.complaints.set(v, by);
    }
  }

  private acceptUnmask(from: string, m: M.SecAggUnmask): void {
    const x = this.session.xOf.get(from)!;
    const mine = new Set(neighboursOf(this.seeded!, from));
    const alive = new Set(this.u3);
    const shared = new Set(this.u2);
    const owners = new Set<string>();
    const seeds: [string, Share][] = [];
    const keys: [string, Share][] = [];
    const take = (owner: string, bytes: Uint8Array | null | undefined): Share => {
      const share = decodeShare(bytes ?? new Uint8Array(0), SECRET_BYTES);
      // A share's x is its holder's: a revealer cannot pass off another holder's share, or a second one of its own, as new.
      if (share.x !== x)
        throw new CohortError(
          'E_SECAGG_BAD_SHARE',
          `${from} revealed a share of "${owner}" at x = ${share.x}, not its own x = ${x}`,
        );
      owners.add(owner);
      return share;
    };
    for (const r of m.selfMaskShares ?? []) {
      const owner = r.name ?? '';
      // A client holds a share of its own seed as well as its neighbours'.
      if (!(mine.has(owner) || owner === from) || !alive.has(owner) || owners.has(owner))
        throw new CohortError('E_SECAGG_BAD_SHARE', `${from} revealed a self-mask share of "${owner}"`);
      seeds.push([owner, take(owner, r.value)]);
    }
    for (const r of m.keyShares ?? []) {
      const owner = r.name ?? '';
      // A survivor's mask key must never be revealed: with its seed it would expose its input.
      if (!mine.has(owner) || alive.has(owner) || !shared.has(owner) || owners.has(owner)) {
        throw new CohortError('E_SECAGG_BAD_SHARE', `${from} revealed a mask-key share of "${owner}"`);
      }
      keys.push([owner, take(owner, r.value)]);
    }
    // Committed only once the whole message is valid.
    for (const [owner, share] of seeds) pushShare(this.seedShares, owner, { from, share });
    for (const [owner, share] of keys) pushShare(this.keyShares, owner, { from, share });
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
    switch (this._phase) {
      case 'advertise':
        return this.openReveal(done);
      case 'reveal':
        return this.openShare(done);
      case 'share':
        return this.openMasked(done);
      case 'masked':
        this.counts.masked = done.length;
        this.u3 = done;
        this.next('consistency', done);
        return done.map((to) => ({ to, body: { secaggSurvivors: { survivors: done } } }));
      case 'consistency':
        return this.openUnmask(done);
      case 'unmask':
        this.counts.unmask = done.length;
        this.unmask();
        return [];
      default:
        return [];
    }
  }

  private openReveal(done: string[]): Outgoing[] {
    this.counts.advertise = done.length;
    this.commitments = done.map((name) => ({ name, commit: this.keys.get(name)!.seedCommit }));
    this.next('reveal', done);
    const commitments = this.commitments.map((c) => ({ name: c.name, value: c.commit }));
    return done.map((to) => ({ to, body: { secaggCommitments: { commitments } } }));
  }

  private openShare(done: string[]): Outgoing[] {
    this.counts.reveal = done.length;
    // The seed needs every committed nonce: completing it without one would let the coordinator choose among subsets.
    const missing = this.commitments.find((c) => !this.reveals.has(c.name));
    if (missing) {
      this.fail(`${missing.name} committed to the seed but did not reveal: the attempt cannot agree a seed`);
      return [];
    }
    this.seeded = seatGraph(this.session, agreeSeed(this.session, this.commitments, this.reveals));
    const reveals = this.commitments.map((c) => ({ name: c.name, value: this.reveals.get(c.name)! }));
    const entry = (name: string) => {
      const k = this.keys.get(name)!;
      return {
        name,
        cPk: k.cPk,
        sPk: k.sPk,
        seedCommit: k.seedCommit,
        maskCommit: k.maskCommit,
        signature: k.signature,
      };
    };
    this.next('share', done);
    // Each client gets its own neighbourhood's keys only: O(k) per client in SecAgg+; every reveal: O(n).
    return done.map((to) => ({
      to,
      body: {
        secaggKeys: {
          clients: [to, ...neighboursOf(this.seeded!, to)].filter((v) => this.keys.has(v)).map(entry),
          reveals,
        },
      },
    }));
  }

  private openMasked(done: string[]): Outgoing[] {
    this.counts.share = done.length;
    this.u2 = done;
    const inU2 = new Set(done);
    const out = done.map((to) => ({
      to,
      body: {
        secaggSharesRelay: {
          shares: (this.outbox.get(to) ?? [])
            .filter((e) => inU2.has(e.from))
            .map((e) => ({ name: e.from, value: e.ciphertext })),
        },
      },
    }));
    this.outbox.clear();
    this.next('masked', done);
    return out;
  }

  private openUnmask(done: string[]): Outgoing[] {
    this.counts.consistency = done.length;
    const signed = new Set(done);
    const out = done.map((to) => ({
      to,
      body: {
        secaggUnmaskRequest: {
          signatures: [to, ...neighboursOf(this.seeded!, to)]
            .filter((v) => signed.has(v))
            .map((name) => ({ name, value: this.signatures.get(name)! })),
        },
      },
    }));
    this.next('unmask', done);
    return out;
  }

  private next(phase: ServerPhase, expected: string[]): void {
    this._phase = phase;
    this.expected = new Set(expected);
    this.answered = new Set();
  }

  /** Removes survivors' self masks and dropped clients' pairwise masks from the running sum. */
  private unmask(): void {
    try {
      removeMasks(this.acc, {
        session: this.session,
        seeded: this.seeded!,
        u2: this.u2,
        u3: this.u3,
        keys: this.keys,
        seedShares: this.seedShares,
        keyShares: this.keyShares,
        complaints: this.complaints,
        corrupt: this.corrupt,
        searchBudget: this.searchBudget,
        blamed: this.blamed,
      });
    } catch (err) {
      this.fail(err instanceof CohortError ? err.message : 'unmasking failed');
      return;
    }
    this._sum = this.acc;
    this._phase = 'done';
  }

  private fail(reason: string): void {
    this._phase = 'failed';
    this._failure = reason;
    this.acc.fill(0);
  }
}
