/**
 * One authenticated request to a running coordinator, for researchers,
 * auditors and admins (`cohort job ...`): connect, answer the challenge with
 * a signed Hello (core/auth/handshake.ts), send the Request, wait for its
 * Reply or a typed error, close. Same transport rules as the daemon.
 */
import WebSocket from 'ws';
import { CohortError, isErrorCode } from '../core/errors.ts';
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
}

export async function request(
  o: RequestOptions,
  body: RequestBody,
): Promise<{ json: unknown; model: Float32Array | null }> {
  validateClientName(o.name);
  checkTransport(o.coordinatorUrl, o, silentLogger);
  const tls = o.tls;
  const inbound = new Reassembler(messageLimit(o.maxMessageBytes, DEFAULT_MAX_FRAME_BYTES));
  const out = new FrameEncoder(fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES));
  const ws = new WebSocket(o.coordinatorUrl, {
    maxPayload: DEFAULT_MAX_FRAME_BYTES,
    perMessageDeflate: false,
    ...(tls ? { ca: tls.ca, ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) } : {}),
  });
  // A message's frames go out back to back (a job spec of megabytes is cut into fragments).
  const send = (env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>) => {
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
      ws.on('close', (code, reason) =>
        done(() =>
          reject(
            new CohortError(
              isErrorCode(reason.toString()) ? (reason.toString() as never) : 'E_AUTH_FAILED',
              `connection closed (${code} ${reason.toString()})`,
            ),
          ),
        ),
      );
      ws.on('message', (data) => {
        try {
          const frame = decodeEnvelope(data as Buffer);
          if (frame.sender !== COORDINATOR_SENDER)
            throw new CohortError('E_WIRE_FIELD', 'frame not from the coordinator');
          const env = inbound.accept(frame);
          if (!env) return; // more fragments of this message are due (a model download)
          if (env.body === 'challenge') {
            const c = env.challenge!;
            const timestampMs = Date.now();
            const handshakeSignature = signHandshake(
              {
                nonce: c.nonce!,
                coordinatorId: c.coordinatorId ?? '',
                timestampMs,
                name: o.name,
                publicKey: o.identity.publicKey,
              },
              o.identity.secretKey,
            );
            send({
              hello: {
                name: o.name,
                software: 'cohort-request/0.1.0',
                identityKey: o.identity.publicKey,
                handshakeSignature,
                handshakeTimestampMs: timestampMs,
              },
            });
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
              },
            });
          } else if (env.body === 'reply') {
            const r = env.reply!;
            const bytes = r.model?.data;
            if (bytes && bytes.length % 4 !== 0)
              throw new CohortError('E_WIRE_FIELD', `a model of ${bytes.length} bytes is not float32 values`);
            const model = bytes ? bytesToVector(bytes, bytes.length / 4) : null;
            done(() => resolve({ json: JSON.parse(r.json ?? 'null'), model }));
          } else if (env.body === 'error') {
            const code = env.error?.code ?? '';
            done(() => reject(new CohortError(isErrorCode(code) ? code : 'E_INTERNAL', env.error?.message ?? '')));
          }
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
