/**
 * The hospital as a witness of the coordinator's ledger (issue 20; C2SP
 * tlog-witness in spirit): after each ledger catch-up it asks for the latest
 * checkpoint with a consistency proof from the last one it cosigned and an
 * inclusion proof of each of its own entries kept since (`ledger.prove`, at
 * most LEDGER_PROVE_SEQS a request: more are proved in further requests,
 * each from the checkpoint the one before verified). It cosigns the
 * checkpoint (cosignature/v1 under witnessName(hospital) and its identity
 * key), stores it and sends the cosignature only if every check holds
 * (client/witness-check.ts) and none of its entries covered disagrees with
 * what it charged. A checkpoint inconsistent with the one it cosigned is a
 * split view: logged at error with E_LEDGER_SPLIT_VIEW, never cosigned, the
 * stored checkpoint unchanged. One request in flight per connection.
 *
 * It never cosigns a checkpoint past the ledger it has read: the coordinator
 * picks the checkpoint it answers with, and one past the catch-up may hold
 * an entry of this hospital's that it has not checked, which, once below a
 * cosigned size, would never be proved. Shown one, it reads on and starts
 * again; if that catch-up still ends before the checkpoint the coordinator
 * signed, the coordinator's answers contradict each other (E_LEDGER_CHECKPOINT).
 */
import { CohortError } from '../core/errors.ts';
import { checkpointBody, cosign, logOrigin, witnessName } from '../core/ledger/checkpoint.ts';
import { EMPTY_ROOT, type Hash } from '../core/ledger/merkle.ts';
import { LEDGER_PROVE_SEQS, ledgerProofReplySchema, type LedgerProofReply } from '../core/ledger/proofs.ts';
import type { Identity } from '../core/secagg/index.ts';
import type { Logger } from '../edge/log.ts';
import type { Envelope } from '../edge/wire/codec.ts';
import type { Outgoing } from './connection.ts';
import type { LocalLedger, Witnessed } from './local-ledger.ts';
import { checkProofReply } from './witness-check.ts';

/** How a witness round ended: the checkpoint cosigned (its size), or why not (a code; null: nothing new to cosign). */
export interface WitnessEvent {
  size: number;
  cosigned: boolean;
  code: string | null;
}

export interface WitnessDeps {
  name: string;
  identity: Identity;
  log: Logger;
  send: (env: Outgoing) => void;
  /** The connection's next request id (shared with the catch-up's ledger.read). */
  nextId: () => number;
  /** Reads the ledger on (a catch-up, which ends with caughtUp()). */
  catchUp: () => void;
  now: () => number;
  onWitness: (e: WitnessEvent) => void;
}

/** From the stored checkpoint to a new one: what has been verified so far, and the request in flight. */
interface Round {
  base: Witnessed | null;
  verified: { size: number; root: Hash; note: string };
  /** Own entries whose inclusion has been proved (at the verified size or an earlier one it extends). */
  proved: Set<number>;
  id: number;
  asked: number[];
}

export class Witness {
  private round: Round | null = null;
  /** A catch-up ended while a round was under way: another round follows it. */
  private again = false;
  /** The size of the checkpoint past the ledger read that the catch-up under way must reach (0: none). */
  private chasing = 0;

  constructor(
    private readonly ledger: LocalLedger,
    private readonly d: WitnessDeps,
  ) {}

  /** A new connection: nothing is in flight on it. */
  reset(): void {
    this.round = null;
    this.again = false;
    this.chasing = 0;
  }

  /** A ledger catch-up ended: check the latest checkpoint and cosign it if it holds. */
  caughtUp(): void {
    if (this.round) {
      this.again = true;
      return;
    }
    if (!this.ledger.coordinatorKey()) return; // no pinned key: no checkpoint can be checked
    const base = this.ledger.witnessed();
    const verified = base ?? { size: 0, root: EMPTY_ROOT, note: '' };
    this.round = { base, verified, proved: new Set(), id: 0, asked: [] };
    this.ask(this.round);
  }

  /** Whether `id` is the ledger.prove in flight. */
  awaits(id: number): boolean {
    return this.round !== null && this.round.id === id;
  }

  /** The reply to the ledger.prove in flight; E_WIRE_FIELD (closing the connection) when malformed. */
  reply(env: Envelope): void {
    const r = this.round!;
    let reply: LedgerProofReply;
    try {
      reply = ledgerProofReplySchema.parse(JSON.parse(env.reply?.json ?? ''));
    } catch {
      this.reset();
      throw new CohortError('E_WIRE_FIELD', 'the ledger proof is malformed');
    }
    const verdict = checkProofReply({
      reply,
      coordinatorKey: Buffer.from(this.ledger.coordinatorKey()!, 'hex'),
      from: r.verified,
      asked: r.asked,
      leaf: (seq) => this.ledger.leaf(seq),
    });
    if (!verdict.ok) return this.refuse(null, verdict.code, verdict.message);
    const c = verdict.checkpoint;
    const read = this.ledger.syncedThrough();
    if (c.size > read) return this.behind(c.size, read);
    r.verified = { size: c.size, root: c.root, note: verdict.note };
    for (const seq of r.asked) r.proved.add(seq);
    if (this.unproved(r).length > 0) return this.ask(r);
    this.cosign(r);
  }

  /** An Error frame answering the ledger.prove in flight (the coordinator refused it). */
  refused(code: string, message: string): void {
    this.refuse(null, code, `the coordinator refused the proof request: ${message}`);
  }

  /**
   * The checkpoint covers entries past those read: nothing is cosigned; the
   * ledger is read on, and the catch-up's end starts a new round. A signed
   * checkpoint is never larger than the coordinator's ledger, so a catch-up
   * begun after it was shown that still ends before it is a contradiction.
   */
  private behind(size: number, read: number): void {
    if (this.chasing > read)
      return this.refuse(
        size,
        'E_LEDGER_CHECKPOINT',
        `the coordinator signed a checkpoint of size ${this.chasing}, but its catch-up ends at ${read}`,
      );
    this.round = null;
    this.again = false; // the catch-up asked for now ends with the next round
    this.chasing = size;
    this.d.catchUp();
  }

  private unproved(r: Round): number[] {
    return this.ledger.pendingOwn(r.base?.size ?? 0).filter((seq) => !r.proved.has(seq));
  }

  private ask(r: Round): void {
    r.asked = this.unproved(r).slice(0, LEDGER_PROVE_SEQS);
    r.id = this.d.nextId();
    this.d.send({ request: { id: r.id, action: 'ledger.prove', fromSize: r.verified.size, seqs: r.asked } });
  }

  private cosign(r: Round): void {
    const c = r.verified;
    const from = r.base?.size ?? 0;
    const disagreed = this.ledger.disagreed(from, c.size);
    if (disagreed.length > 0)
      return this.refuse(
        c.size,
        'E_LEDGER_MISMATCH',
        `entries ${disagreed.join(',')} kept here disagree with what this hospital charged`,
      );
    if (c.size === from) return this.finish({ size: c.size, cosigned: false, code: null });
    const key = Buffer.from(this.ledger.coordinatorKey()!, 'hex');
    const body = checkpointBody({ origin: logOrigin(key), size: c.size, root: c.root });
    const { secretKey, publicKey } = this.d.identity;
    const cosignature = cosign(body, witnessName(this.d.name), secretKey, Math.floor(this.d.now() / 1000));
    try {
      this.ledger.recordWitnessed(r.base, { size: c.size, root: c.root, note: c.note, cosignature, publicKey });
    } catch (err) {
      const e = err instanceof CohortError ? err : new CohortError('E_STORE', String(err));
      return this.refuse(c.size, e.code, e.message);
    }
    const { timestamp, signature } = cosignature;
    this.d.send({ ledgerCosignature: { size: c.size, root: c.root, timestamp, signature } });
    this.d.log.info({ size: c.size }, 'ledger checkpoint cosigned');
    this.finish({ size: c.size, cosigned: true, code: null });
  }

  /** Not cosigned: logged at error with its code (the stored checkpoint is unchanged). */
  private refuse(size: number | null, code: string, message: string): void {
    this.d.log.error({ code, size }, `ledger checkpoint not cosigned: ${message}`);
    this.finish({ size: size ?? this.round?.verified.size ?? 0, cosigned: false, code });
  }

  private finish(e: WitnessEvent): void {
    this.round = null;
    this.chasing = 0;
    this.d.onWitness(e);
    if (this.again) {
      this.again = false;
      this.caughtUp();
    }
  }
}
