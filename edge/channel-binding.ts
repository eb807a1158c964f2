/**
 * The TLS channel binding a handshake signs (RFC 9266, tls-exporter: 32 bytes
 * exported under the label "EXPORTER-Channel-Binding" with an empty context).
 * Both ends of one TLS connection compute the same bytes, and ends of two
 * different connections different ones: so a Hello signed on one connection
 * cannot be relayed to another coordinator over another (core/auth/handshake.ts).
 * Empty on a plain connection (ws://, loopback or --insecure), which binds nothing.
 */
import { TLSSocket } from 'node:tls';

export const CHANNEL_BINDING_LABEL = 'EXPORTER-Channel-Binding';
export const CHANNEL_BINDING_BYTES = 32;

export function channelBinding(socket: unknown): Uint8Array {
  if (!(socket instanceof TLSSocket)) return new Uint8Array(0);
  return new Uint8Array(socket.exportKeyingMaterial(CHANNEL_BINDING_BYTES, CHANNEL_BINDING_LABEL, Buffer.alloc(0)));
}
