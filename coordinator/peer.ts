/**
 * One client connection as the coordinator sees it: frames out with an
 * increasing sequence number and a bounded send buffer, frames in checked for
 * sequence, and a single way to report a violation (error frame, then close
 * when the peer can no longer be trusted).
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { NONCE_BYTES } from '../core/auth/handshake.ts';
import type { Role } from '../core/auth/policy.ts';
import { CohortError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { MemberInfo } from '../core/round/job.ts';
import { COORDINATOR_SENDER, encodeEnvelope, type EnvelopeInit } from '../proto/codec.ts';

export class Peer {
  name: string | null = null;
  /** What the peer's Hello declared: identity key and training-set size. */
  info: MemberInfo = { identityKey: null, numTrain: 1 };
  /** The enrolled role (without enrolment every peer is taken for a hospital). */
  role: Role = 'hospital';
  /** Denials of this connection already in the ledger (action/job). */
  readonly denied = new Set<string>();
  /** This connection's handshake challenge (core/auth/handshake.ts). */
  readonly nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  private seqIn = 0;
  private seqOut = 0;
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly remote: string,
    private readonly maxBufferedBytes: number,
    public log: Logger,
    /** Told the size of every frame sent (metrics). */
    private readonly countOut: (bytes: number) => void = () => {},
  ) {}

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Sequence numbers must strictly increase: a replayed or reordered frame is refused. */
  acceptSeq(seq: number): void {
    if (seq <= this.seqIn) throw new CohortError('E_WIRE_SEQ', `sequence ${seq} after ${this.seqIn}`);
    this.seqIn = seq;
  }

  send(env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>): void {
    if (!this.isOpen) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      // The peer is not reading: an error frame would queue behind the rest, so just close.
      this.log.warn({ code: 'E_SLOW_PEER', remote: this.remote, client: this.name, buffered: this.ws.bufferedAmount }, 'closing a peer that does not read');
      this.close(new CohortError('E_SLOW_PEER').closeCode, 'E_SLOW_PEER');
      return;
    }
    const frame = encodeEnvelope({ ...env, sender: COORDINATOR_SENDER, seq: ++this.seqOut });
    this.countOut(frame.length);
    this.ws.send(frame);
  }

  /** Reports a violation to the peer once; closes the connection if the code says so. */
  fail(err: CohortError, jobId = '', round = 0): void {
    if (this.closed) return;
    this.log.warn({ code: err.code, remote: this.remote, client: this.name }, err.message);
    this.send({ jobId, round, error: { code: err.code, message: err.message } });
    const close = err.closeCode;
    if (close !== undefined) this.close(close, err.code);
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }
}
