/**
 * The hospital's link to its coordinator: connects (reconnecting with
 * jittered exponential backoff), answers the connection's challenge with a
 * signed Hello, takes frames from the coordinator alone (fragments
 * reassembled within this side's own limit), reconnects after a silence, and
 * sends messages in fragments that fit the coordinator's frames. Each
 * connection has a number (`link`): a round's results go out only on the
 * connection that asked for them.
 */
import WebSocket from 'ws';
import { CohortError, asCohortError } from '../core/errors.ts';
import { signHandshake } from '../core/auth/handshake.ts';
import { channelBinding } from '../edge/channel-binding.ts';
import type { Logger } from '../edge/log.ts';
import { COORDINATOR_SENDER, decodeEnvelope, type Envelope, type EnvelopeInit } from '../edge/wire/codec.ts';
import { FrameEncoder, Reassembler } from '../edge/wire/fragments.ts';
import type { ClientConfig } from './config.ts';

export const SOFTWARE = 'cohort-client/0.1.0';

export type Outgoing = Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>;
type HelloBody = NonNullable<EnvelopeInit['hello']>;

export interface ConnectionHooks {
  /** A message from the coordinator (a challenge is answered here); a throw closes the connection with its code. */
  onMessage(env: Envelope): void;
  onClose(code: number, reason: string): void;
  /** The Hello's datasets (no record counts: a hospital's size is a function of its records). */
  datasets: HelloBody['datasets'];
}

export class Connection {
  private ws: WebSocket | null = null;
  private out: FrameEncoder;
  private _link = 0;
  /** The current connection's TLS channel binding (edge/channel-binding.ts); empty on a plain one. */
  private binding: Uint8Array = new Uint8Array(0);
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private silenceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly c: ClientConfig,
    private readonly name: string,
    private readonly log: Logger,
    private readonly hooks: ConnectionHooks,
  ) {
    this.out = new FrameEncoder(c.fragmentBytes);
  }

  /** The current connection's number (0 before the first). */
  get link(): number {
    return this._link;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1000, 'client stopping');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000).unref();
    });
  }

  /** The coordinator welcomed this connection: the backoff starts over. */
  welcomed(): void {
    this.attempt = 0;
  }

  /** Drops connection `link` as a crash would (fault injection); it reconnects afterwards. */
  terminate(link: number): void {
    if (link === this._link) this.ws?.terminate();
  }

  /**
   * Sends on the current connection, or only on connection `link` when
   * given: a round's results must not leak onto a later connection, where
   * the round is gone. A message over the coordinator's limit is logged and
   * dropped (it would close the connection; the round goes on without it).
   */
  send(env: Outgoing, link: number | null = null): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || (link !== null && link !== this._link)) return;
    let frames: Uint8Array[];
    try {
      frames = this.out.encode({ ...env, sender: this.name });
    } catch (err) {
      const e = asCohortError(err);
      const body = Object.keys(env).find((k) => k !== 'jobId' && k !== 'round');
      this.log.warn({ code: e.code, job: env.jobId, round: env.round, body }, `not sent: ${e.message}`);
      return;
    }
    // Back to back: nothing may come between the fragments of one message.
    for (const frame of frames) ws.send(frame);
  }

  private connect(): void {
    const tls = this.c.tls;
    const ws = new WebSocket(this.c.coordinatorUrl, {
      maxPayload: this.c.maxFrameBytes,
      perMessageDeflate: false,
      ...(tls
        ? {
            ca: tls.ca,
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            minVersion: 'TLSv1.2' as const,
          }
        : {}),
    });
    this.ws = ws;
    this._link++;
    // The TLS channel this connection's Hello is bound to (edge/channel-binding.ts), known once the upgrade is answered.
    this.binding = new Uint8Array(0);
    ws.once('upgrade', (res) => {
      if (this.ws === ws) this.binding = channelBinding(res.socket);
    });
    this.out = new FrameEncoder(this.c.fragmentBytes);
    // This connection's fragments: at most one message in flight, within our own limit (the coordinator's word sets nothing here).
    const inbound = new Reassembler(this.c.maxMessageBytes);
    const heard = () => this.heard(ws);
    ws.on('ping', heard);
    // The coordinator speaks first (a Challenge); the Hello answers it.
    ws.on('open', heard);
    ws.on('message', (data, isBinary) => {
      heard();
      this.onData(ws, inbound, data as Buffer, isBinary);
    });
    ws.on('error', (err) => this.log.warn({ err: err.message }, 'connection error'));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.silenceTimer) clearTimeout(this.silenceTimer);
      this.hooks.onClose(code, reason.toString());
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  /** The coordinator pings every 15 s; silence far longer than that means a dead link. */
  private heard(ws: WebSocket): void {
    if (this.silenceTimer) clearTimeout(this.silenceTimer);
    const silentMs = this.c.silenceTimeoutMs;
    this.silenceTimer = setTimeout(() => {
      this.log.warn({ silentMs }, 'coordinator silent: reconnecting');
      ws.terminate();
    }, silentMs);
    this.silenceTimer.unref();
  }

  private onData(ws: WebSocket, inbound: Reassembler, data: Buffer, isBinary: boolean): void {
    try {
      if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
      const frame = decodeEnvelope(data, this.c.maxFrameBytes);
      if (frame.sender !== COORDINATOR_SENDER) throw new CohortError('E_WIRE_FIELD', 'frame not from the coordinator');
      const env = inbound.accept(frame);
      if (!env) return; // more fragments of this message are due
      if (ws !== this.ws) return;
      // Its limits shape what this side sends: fragments that fit its frames, nothing over its message limit.
      if (env.body === 'welcome') this.out.peerLimits(env.welcome!);
      if (env.body === 'challenge') this.onChallenge(env);
      else this.hooks.onMessage(env);
    } catch (err) {
      const e = asCohortError(err);
      this.log.warn({ code: e.code }, `bad frame from coordinator: ${e.message}`);
      ws.close(e.closeCode ?? 1002, e.code);
    }
  }

  /** Answers the connection's challenge with a Hello that signs it (core/auth/handshake.ts). */
  private onChallenge(env: Envelope): void {
    if (this.out.lastSeq > 0) throw new CohortError('E_WIRE_UNEXPECTED', 'a second challenge on one connection');
    const ch = env.challenge!;
    const { identity } = this.c;
    const timestampMs = this.c.clock();
    const handshakeSignature = signHandshake(
      {
        nonce: ch.nonce ?? new Uint8Array(0),
        coordinatorId: ch.coordinatorId ?? '',
        binding: this.binding,
        timestampMs,
        name: this.name,
        publicKey: identity.publicKey,
      },
      identity.secretKey,
    );
    this.send({
      hello: {
        name: this.name,
        software: SOFTWARE,
        datasets: this.hooks.datasets,
        identityKey: identity.publicKey,
        handshakeSignature,
        handshakeTimestampMs: timestampMs,
      },
    });
  }

  private scheduleReconnect(): void {
    const { backoffMinMs: min, backoffMaxMs: max } = this.c;
    // Full jitter (AWS architecture blog): spreads a fleet's reconnects after a coordinator restart.
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt++);
    this.log.info({ delayMs: Math.round(delay), attempt: this.attempt }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
