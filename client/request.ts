/**
 * One authenticated request to a running coordinator, for researchers,
 * auditors and admins (`cohort job ...`): connect, answer the challenge with
 * a signed Hello (core/auth/handshake.ts), send the Request, wait for its
 * Reply or a typed error, close. Same transport rules as the daemon.
 */
import WebSocket from 'ws';
import { CohortError, isErrorCode } from '../core/errors.ts';
import { printable } from '../core/printable.ts';
import { channelBinding } from '../edge/channel-binding.ts';
import { silentLogger } from '../edge/log.ts';
import { signHandshake } from '../core/auth/handshake.ts';
import type { Identity } from '../core/secagg/index.ts';
import type { Action } from '../core/auth/policy.ts';
import { bytesToVector } from '../core/model/vector.ts';
import {
  COORDINATOR_SENDER,
  DEFAULT_MAX_FRAME_BYTES,
  decodeEnvelope,
  validateClientName,
  type Envelope,
  type EnvelopeInit,
} from '../edge/wire/codec.ts';
import { FrameEncoder, Reassembler, fragmentBytesFor, messageLimit } from '../edge/wire/fragments.ts';
import { checkTransport } from './transport.ts';

export interface RequestOptions {
  coordinatorUrl: string;
  name: string;
  identity: Identity;
  tls?: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer };
  insecure?: boolean;
  timeoutMs?: number;
  /** Largest reply taken in fragments (a model download; default DEFAULT_MAX_MESSAGE_BYTES, the largest model the job spec allows). */
  maxMessageBytes?: number;
}

export interface RequestBody {
  /** Any action of the policy table but joining, which is the daemon's. */
  action: Exclude<Action, 'job.join'>;
  jobId?: string;
  specJson?: string;
  /** ledger.read: start after this seq. */
  afterSeq?: number;
  /** ledger.prove: the tree size the asker holds (the consistency proof starts there). */
  fromSize?: number;
}

export interface RequestResult {
  json: unknown;
  model: Float32Array | null;
}

/** A message to the coordinator; the encoder fills in the sender, sequence and version. */
type Send = (env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>) => void;

export async function request(o: RequestOptions, body: RequestBody): Promise<RequestResult> {
  validateClientName(o.name);
  checkTransport(o.coordinatorUrl, o, silentLogger);
  const inbound = new Reassembler(messageLimit(o.maxMessageBytes, DEFAULT_MAX_FRAME_BYTES));
  const out = new FrameEncoder(fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES));
  const ws = connect(o);
  // The TLS channel the Hello is bound to (edge/channel-binding.ts), known once the upgrade is answered.
  const channel: { binding: Uint8Array } = { binding: new Uint8Array(0) };
  ws.once('upgrade', (res) => (channel.binding = channelBinding(res.socket)));
  // A message's frames go out back to back (a job spec of megabytes is cut into fragments).
  const send: Send = (env) => {
    for (const frame of out.encode({ ...env, sender: o.name })) ws.send(frame);
  };
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new CohortError(
              'E_CONFIG_INVALID',
              `no answer from ${o.coordinatorUrl} within ${o.timeoutMs ?? 15_000} ms`,
            ),
          ),
        o.timeoutMs ?? 15_000,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        f();
      };
      ws.on('error', (err) =>
        done(() => reject(new CohortError('E_CONFIG_INVALID', `cannot reach ${o.coordinatorUrl}: ${err.message}`))),
      );
      ws.on('close', (code, reason) => done(() => reject(closedError(code, reason.toString()))));
      ws.on('message', (data) => {
        try {
          const frame = decodeEnvelope(data as Buffer);
          if (frame.sender !== COORDINATOR_SENDER)
            throw new CohortError('E_WIRE_FIELD', 'frame not from the coordinator');
          const env = inbound.accept(frame);
          if (!env) return; // more fragments of this message are due (a model download)
          const result = answer(env, { ...o, binding: channel.binding }, body, out, send);
          if (result) done(() => resolve(result));
        } catch (err) {
          done(() => reject(err));
        }
      });
    });
  } finally {
    ws.removeAllListeners('close');
    ws.on('error', () => undefined);
    ws.close();
  }
}

function connect(o: RequestOptions): WebSocket {
  const tls = o.tls;
  return new WebSocket(o.coordinatorUrl, {
    maxPayload: DEFAULT_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    ...(tls ? { ca: tls.ca, ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) } : {}),
  });
}

/**
 * The coordinator closed first: with a registered code as the reason, that
 * code; otherwise an auth failure. The reason is the coordinator's text, and
 * the message reaches a terminal (cli/main.ts): made printable, as every
 * other text a coordinator sends must be (edge/wire/text-fields.ts).
 */
function closedError(code: number, reason: string): CohortError {
  return new CohortError(
    isErrorCode(reason) ? (reason as never) : 'E_AUTH_FAILED',
    `connection closed (${code} ${printable(reason)})`,
  );
}

/**
 * This side of the exchange, one whole message at a time: a signed Hello for
 * the challenge, the Request once welcomed; the Reply is the result, an Error
 * frame is thrown as its code.
 */
function answer(
  env: Envelope,
  o: RequestOptions & { binding: Uint8Array },
  body: RequestBody,
  out: FrameEncoder,
  send: Send,
): RequestResult | undefined {
  if (env.body === 'challenge') {
    send({ hello: hello(env.challenge!, o) });
  } else if (env.body === 'welcome') {
    out.peerLimits(env.welcome!);
    send({
      jobId: body.jobId ?? '',
      request: {
        id: 1,
        action: body.action,
        jobId: body.jobId ?? '',
        specJson: body.specJson ?? '',
        afterSeq: body.afterSeq ?? 0,
        fromSize: body.fromSize ?? 0,
      },
    });
  } else if (env.body === 'reply') {
    return readReply(env.reply!);
  } else if (env.body === 'error') {
    const code = env.error?.code ?? '';
    throw new CohortError(isErrorCode(code) ? code : 'E_INTERNAL', env.error?.message ?? '');
  }
  return undefined;
}

/** The Hello that answers `c`: the handshake (core/auth/handshake.ts) signed with this identity. */
function hello(
  c: NonNullable<Envelope['challenge']>,
  o: RequestOptions & { binding: Uint8Array },
): NonNullable<EnvelopeInit['hello']> {
  const timestampMs = Date.now();
  const handshakeSignature = signHandshake(
    {
      nonce: c.nonce!,
      coordinatorId: c.coordinatorId ?? '',
      binding: o.binding,
      timestampMs,
      name: o.name,
      publicKey: o.identity.publicKey,
    },
    o.identity.secretKey,
  );
  return {
    name: o.name,
    software: 'cohort-request/0.1.0',
    identityKey: o.identity.publicKey,
    handshakeSignature,
    handshakeTimestampMs: timestampMs,
  };
}

/** The Reply's JSON, and its model (whole float32 values) when it carries one. */
function readReply(r: NonNullable<Envelope['reply']>): RequestResult {
  const bytes = r.model?.data;
  if (bytes && bytes.length % 4 !== 0)
    throw new CohortError('E_WIRE_FIELD', `a model of ${bytes.length} bytes is not float32 values`);
  const model = bytes ? bytesToVector(bytes, bytes.length / 4) : null;
  return { json: JSON.parse(r.json ?? 'null'), model };
}
