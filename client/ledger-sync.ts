/**
 * Keeps this hospital's copy of the ledger entries recording its spend in
 * step with the coordinator's ledger: asks for its entries after those
 * already read (`ledger.read`, page by page, one request in flight per
 * connection), checks each against what it charged (client/local-ledger.ts),
 * and receipts those that agree. So an entry it missed while disconnected
 * (the round closed after it sent its input) is still checked and receipted.
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
}

export class LedgerSync {
  /** Id of this connection's latest ledger.read request, and the seq it asked after. */
  private requestId = 0;
  private after = 0;
  /** A ledger.read is in flight on this connection; another is wanted once it ends. */
  private reading = false;
  private readAgain = false;

  constructor(
    private readonly ledger: LocalLedger,
    private readonly d: LedgerSyncDeps,
  ) {}

  /** A Welcome: pins the coordinator's ledger key and starts the catch-up on this new connection. */
  welcome(ledgerKey: Uint8Array | null | undefined): void {
    if (ledgerKey?.length) this.ledger.pinCoordinatorKey(Buffer.from(ledgerKey).toString('hex'));
    this.reading = this.readAgain = false; // a new connection: nothing is in flight on it
    this.readAfter(this.ledger.syncedThrough());
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

  /** A page of the catch-up; E_WIRE_* for a reply to no request or a malformed page. */
  page(env: Envelope): void {
    if (env.reply?.id !== this.requestId) throw new CohortError('E_WIRE_UNEXPECTED', 'a reply to no request');
    let page: LedgerPageReply;
    try {
      page = ledgerPageReplySchema.parse(JSON.parse(env.reply.json ?? ''));
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
    }
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

  private accept(jobId: string, round: number, sealed: SealedEntry): void {
    const { receipt, problem } = this.ledger.accept(
      sealed,
      { ...this.d.identity, name: this.d.name },
      this.d.charged(jobId, round),
    );
    if (problem)
      this.d.log.error(
        { job: jobId, round, seq: sealed.seq, problem },
        'ledger entry disagrees with this hospital: not receipted',
      );
    else
      this.d.send({
        jobId,
        round,
        ledgerReceipt: { seq: receipt!.seq, hash: sealed.hash, signature: receipt!.signature },
      });
    this.d.onEntry({ jobId, round, seq: sealed.seq, problem });
  }

  private readAfter(seq: number): void {
    this.reading = true;
    this.after = seq;
    this.d.send({ request: { id: ++this.requestId, action: 'ledger.read', afterSeq: seq } });
  }
}
