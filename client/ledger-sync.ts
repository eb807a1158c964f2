/**
 * Keeps this hospital's copy of the ledger entries recording its spend in
 * step with the coordinator's ledger: asks for its entries after those
 * already read (`ledger.read`, page by page, one request in flight per
 * connection), checks each against what it charged (client/local-ledger.ts)
 * and keeps it. So an entry it missed while disconnected (the round closed
 * after it sent its input) is still checked. Each catch-up ends with this
 * hospital witnessing the ledger's latest checkpoint (client/witness.ts):
 * its cosignature, sent only if the checkpoint stops within the ledger read
 * and every entry of its own it newly covers is proved in it and agrees,
 * replaces the per-entry receipts it used to send.
 */
import { CohortError } from '../core/errors.ts';
import { ledgerPageReplySchema, pageProblem, type LedgerPageReply } from '../core/ledger/index.ts';
import type { SealedEntry } from '../core/ledger/types.ts';
import type { Mechanism } from '../core/privacy/spend.ts';
import type { Identity } from '../core/secagg/index.ts';
import type { Logger } from '../edge/log.ts';
import type { Envelope } from '../edge/wire/codec.ts';
import type { LocalLedger } from './local-ledger.ts';
import type { Outgoing } from './connection.ts';
import { Witness, type WitnessEvent } from './witness.ts';

export interface LedgerSyncDeps {
  name: string;
  identity: Identity;
  log: Logger;
  send: (env: Outgoing) => void;
  /** What this hospital charged for a round (its budget's record, or what it released since it started); null: nothing. */
  charged: (jobId: string, round: number) => Mechanism | null;
  /**
   * Whether an entry for this round can be checked here: always with a
   * budget store; without one only rounds trained since this process started.
   */
  checkable: (jobId: string, round: number) => boolean;
  onEntry: (e: { jobId: string; round: number; seq: number; problem: string | null }) => void;
  onWitness: (e: WitnessEvent) => void;
  /** The clock cosignatures are stamped with; default Date.now. */
  now?: () => number;
}

/** The request id an Error frame answering a request names (coordinator/requests.ts: "request <id>: ..."). */
const REFUSED_REQUEST = /^request (\d+): /;

export class LedgerSync {
  /** The last request id used on this connection (ledger.read and ledger.prove share them). */
  private requestId = 0;
  /** Id of this connection's latest ledger.read request, and the seq it asked after. */
  private readId = 0;
  private after = 0;
  /** A ledger.read is in flight on this connection; another is wanted once it ends. */
  private reading = false;
  private readAgain = false;
  private readonly witness: Witness;

  constructor(
    private readonly ledger: LocalLedger,
    private readonly d: LedgerSyncDeps,
  ) {
    this.witness = new Witness(ledger, {
      name: d.name,
      identity: d.identity,
      log: d.log,
      send: d.send,
      nextId: () => ++this.requestId,
      // A checkpoint past what was read: read on, as for an announced entry.
      catchUp: () => this.entryAnnounced(),
      now: d.now ?? Date.now,
      onWitness: d.onWitness,
    });
  }

  /** A Welcome: pins the coordinator's ledger key and starts the catch-up on this new connection. */
  welcome(ledgerKey: Uint8Array | null | undefined): void {
    if (ledgerKey?.length) this.ledger.pinCoordinatorKey(Buffer.from(ledgerKey).toString('hex'));
    this.reading = this.readAgain = false; // a new connection: nothing is in flight on it
    this.witness.reset();
    this.readAfter(this.ledger.syncedThrough());
  }

  /** A Reply: a page of the catch-up or the proof asked for; E_WIRE_UNEXPECTED for a reply to no request. */
  reply(env: Envelope): void {
    const id = env.reply?.id ?? 0;
    if (this.reading && id === this.readId) return this.page(env);
    if (this.witness.awaits(id)) return this.witness.reply(env);
    throw new CohortError('E_WIRE_UNEXPECTED', 'a reply to no request');
  }

  /**
   * An Error frame: if it answers this connection's ledger.read or
   * ledger.prove, that request is over (the refusal is logged; nothing is
   * cosigned), so the next catch-up can ask again.
   */
  refused(env: Envelope): void {
    const id = Number(REFUSED_REQUEST.exec(env.error?.message ?? '')?.[1] ?? 0);
    if (id === 0) return;
    if (this.witness.awaits(id)) this.witness.refused(env.error?.code ?? '', env.error?.message ?? '');
    else if (this.reading && id === this.readId) this.reading = this.readAgain = false;
  }

  /**
   * A round result names the entry recording this round's spend. It is read
   * back through the catch-up, in order after every earlier entry recording
   * this hospital's spend: a failed hospital-level attempt's entry reaches no
   * hospital in a round result, and an entry can be checked only against all
   * those before it.
   */
  entryAnnounced(): void {
    if (this.reading) this.readAgain = true;
    else this.readAfter(this.ledger.syncedThrough());
  }

  /** A page of the catch-up; E_WIRE_FIELD for a malformed page. */
  private page(env: Envelope): void {
    let page: LedgerPageReply;
    try {
      page = ledgerPageReplySchema.parse(JSON.parse(env.reply?.json ?? ''));
    } catch {
      throw new CohortError('E_WIRE_FIELD', 'the ledger page is malformed');
    }
    const problem = pageProblem(page, this.after);
    if (problem) throw new CohortError('E_WIRE_FIELD', `ledger catch-up: ${problem}`);
    for (const e of page.entries) this.consider(e);
    if (page.more) return this.readAfter(page.lastSeq);
    this.ledger.setSyncedThrough(page.lastSeq);
    this.reading = false;
    if (this.readAgain) {
      this.readAgain = false;
      this.readAfter(page.lastSeq);
    } else this.witness.caughtUp();
  }

  private consider(e: SealedEntry): void {
    if (this.ledger.has(e.seq)) return;
    let entry: { kind?: unknown; jobId?: unknown; round?: unknown; body?: { spends?: { hospital?: unknown }[] } };
    try {
      entry = JSON.parse(e.canonical) as typeof entry;
    } catch {
      return; // an unparseable entry records no spend of this hospital to check; an auditor's verify reports it
    }
    if (entry.kind !== 'round' || !entry.body?.spends?.some((x) => x.hospital === this.d.name)) return;
    const jobId = String(entry.jobId);
    const round = Number(entry.round) || 0;
    // An entry this hospital cannot check is left for the auditor rather than kept as a false disagreement.
    if (!this.d.checkable(jobId, round)) return;
    this.accept(jobId, round, e);
  }

  /** Checks and keeps the entry; one that disagrees blocks every cosignature of a checkpoint covering it. */
  private accept(jobId: string, round: number, sealed: SealedEntry): void {
    const { problem } = this.ledger.accept(
      sealed,
      { ...this.d.identity, name: this.d.name },
      this.d.charged(jobId, round),
    );
    if (problem)
      this.d.log.error(
        { job: jobId, round, seq: sealed.seq, problem },
        'ledger entry disagrees with this hospital: no checkpoint covering it will be cosigned',
      );
    this.d.onEntry({ jobId, round, seq: sealed.seq, problem });
  }

  private readAfter(seq: number): void {
    this.reading = true;
    this.after = seq;
    this.readId = ++this.requestId;
    this.d.send({ request: { id: this.readId, action: 'ledger.read', afterSeq: seq } });
  }
}
