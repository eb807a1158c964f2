import type WebSocket from 'ws';
import { signHandshake } from '../../core/auth/handshake.ts';
import type { Identity } from '../../core/secagg/index.ts';
import type { Envelope, EnvelopeInit } from '../../edge/wire/codec.ts';
import { RawClient } from './raw-client.ts';

export interface HelloOptions {
  /** The key the Hello presents (default: the signer's). */
  presented?: Uint8Array;
  timestampMs?: number;
  /** Fields of the Hello to set or override (datasets, software, ...). */
  hello?: NonNullable<EnvelopeInit['hello']>;
  /** Called with the socket before the Hello goes out, e.g. to record raw frames. */
  beforeHello?: (ws: WebSocket) => void;
}

/** A plain (ws://) connection's channel binding: none (edge/channel-binding.ts). */
const PLAIN = new Uint8Array(0);

/** The Hello for `name` that answers `challenge`, signed by `signer` (core/auth/handshake.ts), for a client that sends its own frames. */
export function signedHello(
  challenge: NonNullable<Envelope['challenge']>,
  name: string,
  signer: Identity,
  o: HelloOptions = {},
): NonNullable<EnvelopeInit['hello']> {
  const presented = o.presented ?? signer.publicKey;
  const timestampMs = o.timestampMs ?? Date.now();
  const handshakeSignature = signHandshake(
    {
      nonce: challenge.nonce!,
      coordinatorId: challenge.coordinatorId ?? '',
      binding: PLAIN,
      timestampMs,
      name,
      publicKey: presented,
    },
    signer.secretKey,
  );
  return {
    name,
    software: 'raw',
    identityKey: presented,
    handshakeSignature,
    handshakeTimestampMs: timestampMs,
    ...o.hello,
  };
}

/**
 * A raw connection that answers the coordinator's challenge with a Hello
 * signed by `signer` for `name`; returned once the Hello is sent, whatever
 * the answer.
 */
export async function sendSignedHello(
  port: number,
  name: string,
  signer: Identity,
  o: HelloOptions = {},
): Promise<RawClient> {
  const r = await RawClient.connect(port, name);
  const c = (await r.waitFor((e) => e.body === 'challenge')).challenge!;
  const hello = signedHello(c, name, signer, o);
  o.beforeHello?.(r.ws);
  r.send({ hello });
  return r;
}

/** An authenticated raw connection: the signed Hello answered with a Welcome. */
export async function signedClient(
  port: number,
  name: string,
  signer: Identity,
  o: HelloOptions = {},
): Promise<RawClient> {
  const r = await sendSignedHello(port, name, signer, o);
  await r.waitFor((e) => e.body === 'welcome');
  return r;
}
