/**
 * The coordinator's connections: each socket's challenge, Hello and
 * handshake (handshake.ts), its rate limits, its frames checked for size,
 * sequence, sender and role before anything is decoded (role-limits.ts,
 * core/auth/frames.ts), peers by name, the heartbeat that frees a vanished
 * peer's name, and revoked identities closed. A message that passes is
 * handed to `onMessage`; nothing a peer sends escapes a socket listener.
 */
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { DenialLog } from '../core/auth/denials.ts';
import { frameAction, frameDenial, frameKind } from '../core/auth/frames.ts';
import { CohortError, asCohortError } from '../core/errors.ts';
import { TokenBucket } from '../core/rate.ts';
import type { Logger } from '../edge/log.ts';
import {
  checkHelloDatasets,
  decodeScanned,
  scanEnvelope,
  type Envelope,
  type EnvelopeInit,
} from '../edge/wire/codec.ts';
import { messageDeadline } from '../edge/wire/fragments.ts';
import type { CoordinatorConfig } from './config.ts';
import type { CoordinatorMetrics } from './dashboard/metrics.ts';
import { admitHello, type HandshakeContext } from './handshake.ts';
import type { CoordinatorLedger } from './ledger.ts';
import { Peer } from './peer.ts';
import type { Presence } from './presence.ts';
import { channelBinding } from '../edge/channel-binding.ts';
import { PendingHellos } from './pending-hellos.ts';
import { RoleLimits } from './role-limits.ts';
import type { CoordinatorStore } from './store.ts';

/** How long a connection refused as it opens has to take its close frame before it is cut. */
const REFUSED_CLOSE_MS = 1000;

/**
 * Refuses a connection as it opens: too many are waiting for their Hello
 * (PendingHellos). Unlogged, so a stranger opening connections cannot fill
 * the log either; cut after REFUSED_CLOSE_MS whether or not it answers.
 */
function refuseBusy(ws: WebSocket): void {
  ws.close(1013, 'E_RATE_LIMIT');
  setTimeout(() => ws.terminate(), REFUSED_CLOSE_MS).unref();
}

/** Room beside the largest Hello before the handshake: its frame header and a close or pong frame. */
const PRE_HELLO_SLACK_BYTES = 1024;

type Outgoing = Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>;

export interface ConnectionHooks {
  /** A decoded message from an authenticated peer, of a kind its role may send. */
  onMessage: (peer: Peer, env: Envelope) => void;
  /** What a new peer's Welcome carries beside the limits: the roster's JSON (hospitals) and the live jobs. */
  welcome: (peer: Peer) => { rosterJson?: string; liveJobs: string[] };
  /** After the Welcome: a hospital is offered the live jobs. */
  joined: (peer: Peer) => void;
  /** A named peer's connection closed. */
  left: (peer: Peer) => void;
}

export interface ConnectionDeps {
  config: CoordinatorConfig;
  store: CoordinatorStore;
  ledger: CoordinatorLedger;
  metrics: CoordinatorMetrics;
  presence: Presence;
  log: Logger;
  hooks: ConnectionHooks;
}

export class Connections {
  private readonly byName = new Map<string, Peer>();
  private readonly alive = new WeakSet<WebSocket>();
  /** Which access denials have been recorded, per identity (core/auth/denials.ts). */
  private readonly denials = new DenialLog();
  private readonly limits: RoleLimits;
  /** How long a fragmented message of so many bytes may take to arrive (messageTimeoutMs, minBytesPerSecond). */
  private readonly messageDeadlineMs: (totalBytes: number) => number;
  private readonly handshake: HandshakeContext;
  private readonly pendingHellos: PendingHellos;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(private readonly d: ConnectionDeps) {
    const c = d.config;
    this.limits = new RoleLimits(c);
    this.messageDeadlineMs = messageDeadline(c.messageTimeoutMs, c.minBytesPerSecond);
    this.pendingHellos = new PendingHellos(c.maxPendingHellos, c.maxPendingHellosPerAddress);
    this.handshake = {
      coordinatorId: c.id,
      requireEnrolment: c.requireEnrolment,
      store: d.store,
      now: c.now,
      log: d.log,
    };
  }

  /**
   * A new WebSocket: challenged at once, closed if no Hello comes within
   * helloTimeoutMs. `socket`: the one under it, whose bytes are counted until
   * the Hello is admitted (capBytesBeforeHello).
   */
  accept(ws: WebSocket, remote: string, certNames: string[] | null, socket: Socket): void {
    const c = this.d.config;
    const uncount = this.pendingHellos.admit(socket.remoteAddress ?? remote);
    if (!uncount) return refuseBusy(ws);
    const peer = new Peer(
      ws,
      remote,
      c.maxBufferedBytes,
      this.d.log.child({ remote }),
      (n) => this.d.metrics.frameOut(n),
      c.fragmentBytes,
    );
    peer.certNames = certNames;
    peer.binding = channelBinding(socket);
    peer.send({ challenge: { nonce: peer.nonce, coordinatorId: c.id, timestampMs: c.now() } });
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const helloTimer = setTimeout(() => {
      if (!peer.name) peer.fail(new CohortError('E_HELLO_TIMEOUT', `no Hello within ${c.helloTimeoutMs} ms`));
    }, c.helloTimeoutMs);
    this.capBytesBeforeHello(ws, socket, peer);
    const gate = this.rateGate(peer);
    ws.on('message', (data, isBinary) => {
      this.alive.add(ws);
      const size = frameBytes(data);
      this.d.metrics.frameIn(size);
      if (peer.name !== null && peer.role === 'hospital') this.d.presence.heard(peer.name);
      if (!gate(size)) return;
      // Nothing thrown by a peer's bytes may escape a socket listener.
      try {
        this.onFrame(peer, data, size, isBinary);
      } catch (err) {
        const e = asCohortError(err);
        if (e.code === 'E_INTERNAL') this.d.log.error({ err, client: peer.name }, 'internal error handling a frame');
        peer.fail(e);
      }
      if (peer.name !== null) uncount();
    });
    ws.on('error', (err) => {
      // ws reports oversize frames (maxPayload) and protocol errors here, then closes.
      peer.log.warn({ code: 'E_WIRE_TOO_LARGE', err: err.message, client: peer.name }, 'socket error');
    });
    ws.on('close', () => {
      uncount();
      clearTimeout(helloTimer);
      peer.dispose();
      this.onClose(peer);
    });
  }

  /**
   * ws buffers a frame until it is whole, up to maxPayload (maxFrameBytes, 16 MiB): the frame limit before
   * the handshake (maxHelloBytes) is checked only then, so a stranger announcing a large frame and never
   * finishing it would be held at maxFrameBytes a connection. Its socket's bytes are counted until its Hello
   * is admitted (ws handles a socket read, and the Hello in it, before this listener runs); past the largest
   * Hello and its frame header it is cut off, its buffer freed at once.
   */
  private capBytesBeforeHello(ws: WebSocket, socket: Socket, peer: Peer): void {
    const most = this.d.config.maxHelloBytes + PRE_HELLO_SLACK_BYTES;
    let received = 0;
    const count = (chunk: Buffer) => {
      if (peer.name !== null) {
        socket.off('data', count);
        return;
      }
      received += chunk.length;
      if (received <= most) return;
      socket.off('data', count);
      peer.fail(new CohortError('E_WIRE_TOO_LARGE', `more than ${most} bytes before the handshake`));
      ws.terminate();
    };
    socket.on('data', count);
  }

  /** The connection's message and byte budgets (token buckets): false, and the peer failed, past either. */
  private rateGate(peer: Peer): (size: number) => boolean {
    const c = this.d.config;
    const messages = new TokenBucket(c.maxMessagesPerSecond, c.messageBurst, Date.now());
    const bytes = new TokenBucket(c.maxBytesPerSecond, Math.ceil(2 * c.maxBytesPerSecond), Date.now());
    return (size) => {
      // A message takes one token, at its first frame: the fragments that follow it are paid for by the byte budget.
      const now = Date.now();
      if (!(peer.inbound?.inFlight || messages.take(now))) {
        peer.fail(new CohortError('E_RATE_LIMIT', `more than ${c.maxMessagesPerSecond} messages per second`));
        return false;
      }
      if (!bytes.take(now, size)) {
        peer.fail(new CohortError('E_RATE_LIMIT', `more than ${c.maxBytesPerSecond} bytes per second`));
        return false;
      }
      return true;
    };
  }

  private onFrame(peer: Peer, data: RawData, size: number, isBinary: boolean): void {
    // A frame past its peer's limit is refused unread: before the handshake the largest Hello (MAX_HELLO_BYTES), after it the role's.
    const limit = peer.name === null ? this.d.config.maxHelloBytes : this.limits.frameLimitOf(peer.role);
    if (size > limit) {
      throw new CohortError(
        'E_WIRE_TOO_LARGE',
        peer.name === null
          ? `a frame before the handshake may be at most ${limit} bytes`
          : `a ${peer.role}'s frames may be at most ${limit} bytes`,
      );
    }
    if (!isBinary) throw new CohortError('E_WIRE_NOT_BINARY');
    const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
    // Scanned, not decoded (edge/wire/wire-scan.ts): its structure bounded and its header read before protobufjs builds anything.
    const frame = scanEnvelope(bytes, limit);
    peer.acceptSeq(frame.header.seq);
    if (peer.name === null) {
      // Before the handshake there is no reassembler: a fragment is a frame other than Hello.
      if (frame.header.body !== 'hello') throw new CohortError('E_NOT_JOINED', `"${frame.header.body}" before Hello`);
      // Its datasets, the costliest part to check, only once its sender is authenticated (onHello).
      this.onHello(peer, decodeScanned(frame, { helloDatasets: false }));
      return;
    }
    // A fragment carries its connection's name as its message does (edge/wire/fragments.ts checks the two agree).
    if (frame.header.sender !== peer.name)
      throw new CohortError('E_WIRE_FIELD', `sender "${frame.header.sender}" does not match this connection's name`);
    const message = peer.collect(frame);
    if (!message) return; // more fragments of this message are due
    const header = message.header;
    // Every frame kind against the roles that may send it (core/auth/frames.ts), then its size against its kind's, before it is decoded.
    const kind = frameKind(header.body, header.jobId);
    if (!kind) throw new CohortError('E_WIRE_UNEXPECTED', `"${header.body}" is not sent by clients`);
    const forbidden = frameDenial(peer.role, kind);
    if (forbidden) {
      this.recordDenial(peer, frameAction(kind), header.jobId, forbidden);
      peer.fail(new CohortError('E_FORBIDDEN', forbidden), header.jobId, header.round);
      return;
    }
    const bodyLimit = this.limits.bodyLimitOf(peer.role, header.body);
    if (message.bytes.length > bodyLimit)
      throw new CohortError('E_WIRE_TOO_LARGE', `a "${header.body}" message may be at most ${bodyLimit} bytes`);
    this.d.hooks.onMessage(peer, decodeScanned(message));
  }

  private onHello(peer: Peer, env: Envelope): void {
    const { name, identityKey } = admitHello(this.handshake, peer, env);
    checkHelloDatasets(env.hello?.datasets ?? []);
    // Only after the handshake: only the holder of the name's key learns that it is online. The open
    // connection keeps the name (a second daemon under one identity cannot take it over); a vanished one
    // frees it within two heartbeats.
    if (this.byName.get(name)?.isOpen)
      throw new CohortError('E_DUPLICATE_NAME', `a client named ${name} is already connected`);
    if (identityKey) this.d.ledger.recordHospitalKey(name, identityKey);
    peer.name = name;
    peer.info = { identityKey, numTrain: 1 };
    const hospital = peer.role === 'hospital';
    const datasets = env.hello?.datasets ?? [];
    if (hospital && datasets.length) {
      const offered = datasets.map((d) => ({
        schemaId: d.schemaId ?? '',
        label: d.label ?? '',
        features: d.features ?? [],
      }));
      this.d.store.recordDatasets(name, offered, this.d.config.now());
    }
    peer.log = this.d.log.child({ client: name });
    this.byName.set(name, peer);
    if (hospital) this.d.presence.saw(name, true);
    peer.log.info({ software: env.hello?.software, datasets: datasets.length }, 'client connected');
    peer.send({
      welcome: {
        coordinatorId: this.d.config.id,
        maxFrameBytes: this.limits.frameLimitOf(peer.role),
        maxMessageBytes: this.limits.messageLimitOf(peer.role),
        ledgerKey: Buffer.from(this.d.ledger.publicKeyHex, 'hex'),
        ...this.d.hooks.welcome(peer),
      },
    });
    const role = peer.role;
    peer.acceptMessages(this.limits.messageLimitOf(role), {
      limitOf: (h) => this.limits.bodyLimitOf(role, h.body),
      deadlineMs: this.messageDeadlineMs,
    });
    this.d.hooks.joined(peer);
  }

  private onClose(peer: Peer): void {
    if (peer.name === null || this.byName.get(peer.name) !== peer) return;
    this.byName.delete(peer.name);
    if (peer.role === 'hospital') this.d.presence.saw(peer.name, false);
    peer.log.info('client disconnected');
    this.d.hooks.left(peer);
  }

  /**
   * A denial goes into the ledger once per identity, action and job, and at
   * most MAX_DENIALS_PER_IDENTITY per identity (core/auth/denials.ts): an
   * identity repeating forbidden requests or frames, reconnecting or not,
   * cannot grow the ledger without bound.
   */
  recordDenial(peer: Peer, action: string, jobId: string, reason: string): void {
    if (!this.denials.admit(peer.name!, action, jobId)) return;
    this.d.store.appendEntry(this.d.ledger.denial(jobId, peer.name!, peer.role, action, reason));
  }

  /** Closes live connections whose identity has been revoked (also by another process: the admin CLI writes the database). */
  closeRevoked(): void {
    if (!this.d.config.requireEnrolment) return;
    for (const [name, peer] of this.byName) {
      const who = this.d.store.identity(name);
      if (!who || who.revokedAt !== null) peer.fail(new CohortError('E_AUTH_REVOKED', `${name} was revoked`));
    }
  }

  /**
   * Every heartbeatMs: revoked identities closed, then `beat`, then each
   * socket pinged; one that missed the last pong is terminated. Without it a
   * vanished hospital (half-open TCP) would keep its name forever and its
   * reconnects would be refused as duplicates.
   */
  startHeartbeat(sockets: () => Iterable<WebSocket>, beat: () => void): void {
    this.heartbeat = setInterval(() => {
      this.closeRevoked();
      beat();
      for (const ws of sockets()) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, this.d.config.heartbeatMs);
    this.heartbeat.unref();
  }

  /** The connected hospitals. */
  *hospitals(): Iterable<Peer> {
    for (const peer of this.byName.values()) if (peer.role === 'hospital') yield peer;
  }

  /** Sends to the connected peer of that name, if there is one. */
  sendTo(name: string, env: Outgoing): void {
    this.byName.get(name)?.send(env);
  }

  /** Stops the heartbeat and closes every named connection (the coordinator is shutting down). */
  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const peer of this.byName.values()) peer.close(1001, 'coordinator shutting down');
  }
}

function frameBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
