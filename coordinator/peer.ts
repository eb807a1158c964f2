/**
 * One client connection as the coordinator sees it: messages out as numbered
 * frames (a large one cut into fragments, edge/wire/fragments.ts) with a bounded
 * send buffer, frames in checked for sequence and, once the peer is
 * authenticated, fragments put back together within its message limit and
 * by their deadline, and a single way to report a violation (error frame,
 * then close when the peer can no longer be trusted).
 */
import { randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import { NONCE_BYTES } from '../core/auth/handshake.ts';
import type { Role } from '../core/auth/policy.ts';
import { CohortError } from '../core/errors.ts';
import type { Logger } from '../edge/log.ts';
import type { MemberInfo } from '../core/round/job.ts';
import { COORDINATOR_SENDER, type EnvelopeInit, type ScannedEnvelope } from '../edge/wire/codec.ts';
import { FrameEncoder, Reassembler, type ReassemblyOptions } from '../edge/wire/fragments.ts';

export class Peer {
  name: string | null = null;
  /** What the peer's Hello declared: identity key and training-set size. */
  info: MemberInfo = { identityKey: null, numTrain: 1 };
  /** The enrolled role (without enrolment every peer is taken for a hospital). */
  role: Role = 'hospital';
  /** Under mutual TLS, the names its client certificate carries (core/auth/certificate.ts); null without. */
  certNames: readonly string[] | null = null;
  /** This connection's handshake challenge (core/auth/handshake.ts). */
  readonly nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  /** Its TLS channel binding, which the Hello signs (edge/channel-binding.ts); empty on a plain connection. */
  binding: Uint8Array = new Uint8Array(0);
  /**
   * Puts fragmented messages back together; null until the handshake, so a
   * fragment from a stranger is a frame other than Hello (refused) and no
   * stranger makes the coordinator hold more than one frame.
   */
  inbound: Reassembler | null = null;
  private seqIn = 0;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private readonly out: FrameEncoder;
  private closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly remote: string,
    /**
     * Unread bytes past which the peer is taken for one that does not read.
     * Checked before each message, whose frames then go out together: it
     * must leave room for the largest message (coordinator/config.ts maxBufferedBytes).
     */
    private readonly maxBufferedBytes: number,
    public log: Logger,
    /** Told the size of every frame sent (metrics). */
    private readonly countOut: (bytes: number) => void = () => {},
    fragmentBytes?: number,
  ) {
    this.out = new FrameEncoder(fragmentBytes);
  }

  /** After the handshake: fragmented messages of up to `maxMessageBytes` are accepted, within `opts` (a kind's limit, a deadline). */
  acceptMessages(maxMessageBytes: number, opts: ReassemblyOptions = {}): void {
    this.inbound = new Reassembler(maxMessageBytes, opts);
  }

  /**
   * One scanned frame, after the handshake: a whole message (scanned, not
   * yet decoded), or null while a fragmented one is under way. A message not
   * whole by its deadline is refused when the deadline passes
   * (E_WIRE_FRAGMENT: the connection closes), and its bytes are freed.
   */
  collect(frame: ScannedEnvelope): ScannedEnvelope | null {
    const now = Date.now();
    try {
      return this.inbound!.collect(frame, now);
    } finally {
      this.watchDeadline(now);
    }
  }

  /** The connection closed: the message in flight is dropped and its timer cleared. */
  dispose(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.inbound?.abandon();
  }

  /** One timer per connection, while a fragmented message is in flight. */
  private watchDeadline(now: number): void {
    const deadline = this.inbound?.deadline ?? null;
    if (deadline === null) {
      if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
      return;
    }
    if (this.deadlineTimer) return;
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = null;
        const at = Date.now();
        const late = this.inbound?.expire(at);
        if (late) this.fail(late);
        else this.watchDeadline(at);
      },
      Math.max(0, deadline - now),
    );
    this.deadlineTimer.unref();
  }

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
      this.log.warn(
        { code: 'E_SLOW_PEER', remote: this.remote, client: this.name, buffered: this.ws.bufferedAmount },
        'closing a peer that does not read',
      );
      this.close(new CohortError('E_SLOW_PEER').closeCode, 'E_SLOW_PEER');
      return;
    }
    // The frames of one message go out back to back: the protocol allows nothing between fragments.
    for (const frame of this.out.encode({ ...env, sender: COORDINATOR_SENDER })) {
      this.countOut(frame.length);
      this.ws.send(frame);
    }
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
