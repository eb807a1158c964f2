/**
 * A coordinator played by the test over a real socket: it opens each
 * connection with a Challenge (not checked: no enrolment), answers the Hello
 * with a Welcome listing `liveJobs` (and `ledgerKey`, when given) and whatever
 * `onHello` sends, records every frame the daemon sends and hands each to
 * `onFrame`. For tests of what a daemon does when the coordinator replays,
 * lies or deviates.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import {
  COORDINATOR_SENDER,
  decodeEnvelope,
  encodeEnvelope,
  type Envelope,
  type EnvelopeInit,
} from '../../edge/wire/codec.ts';

export type Send = (env: Omit<EnvelopeInit, 'sender' | 'seq' | 'version'>) => void;

export interface FakeCoordinator {
  url: string;
  /** Every frame the daemon sent, in order. */
  got: Envelope[];
  /** The jobs each Welcome lists as live (a daemon ends its part in any other it holds); change it between connections to lie. */
  liveJobs: string[];
  send: Send;
  close(): Promise<void>;
}

export interface FakeCoordinatorOptions {
  /** The ledger key each Welcome carries (default: none). */
  ledgerKey?: Uint8Array;
  /** Sees every frame the daemon sends, once recorded (a Hello once it has its Welcome): to answer requests. */
  onFrame?: (env: Envelope, send: Send) => void;
}

export async function fakeCoordinator(
  onHello: (send: Send) => void,
  liveJobs: string[] = [],
  o: FakeCoordinatorOptions = {},
): Promise<FakeCoordinator> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => wss.once('listening', r));
  const got: Envelope[] = [];
  let peer: WebSocket | null = null;
  let seq = 0;
  const fake = { liveJobs };
  const send: Send = (env) => peer?.send(encodeEnvelope({ ...env, sender: COORDINATOR_SENDER, seq: ++seq }));
  wss.on('connection', (ws) => {
    peer = ws;
    ws.on('message', (data) => {
      const env = decodeEnvelope(data as Buffer);
      got.push(env);
      if (env.body === 'hello') {
        const ledgerKey = o.ledgerKey ? { ledgerKey: o.ledgerKey } : {};
        send({ welcome: { coordinatorId: 'fake', maxFrameBytes: 1 << 20, liveJobs: fake.liveJobs, ...ledgerKey } });
        onHello(send);
      }
      o.onFrame?.(env, send);
    });
    send({ challenge: { nonce: new Uint8Array(32), coordinatorId: 'fake', timestampMs: Date.now() } });
  });
  const port = (wss.address() as { port: number }).port;
  return Object.assign(fake, {
    url: `ws://127.0.0.1:${port}`,
    got,
    send,
    close: () => new Promise<void>((r) => wss.close(() => r())),
  });
}
