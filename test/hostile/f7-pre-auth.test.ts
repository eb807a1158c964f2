/**
 * Issue 16, finding 7 (before the handshake) and finding 8's first item. A
 * 15.8 MB Hello was decoded in full before its sender was authenticated
 * (about 0.4 s of coordinator time each); now no frame larger than the
 * largest Hello the codec accepts (MAX_HELLO_BYTES, about 1 MB: edge/wire/codec.ts
 * bounds a Hello's datasets and feature names) is read before the handshake.
 * And a stranger could tell enrolled, revoked and online names apart by the
 * handshake's errors; now every refused Hello gets the same bytes, and a
 * name's being online is checked only after the handshake.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { ed25519KeyPair, type Identity } from '../../core/secagg/index.ts';
import { MAX_CLOCK_SKEW_MS } from '../../core/auth/handshake.ts';
import {
  MAX_HELLO_BYTES,
  MAX_HELLO_DATASETS,
  MAX_HELLO_FEATURE_BYTES,
  MAX_NAME_LENGTH,
  decodeEnvelope,
  encodeEnvelope,
  pb,
  type EnvelopeInit,
} from '../../edge/wire/codec.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { sendSignedHello, signedClient, type HelloOptions } from '../helpers/signed-client.ts';
import { errorCode } from '../helpers/errors.ts';
import { oversizedHello } from '../helpers/oversized-hello.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f7-'));
let coordinator: Coordinator;
let port: number;
const ids: Record<string, Identity> = {};
const clients: RawClient[] = [];

beforeAll(async () => {
  coordinator = new Coordinator({ dbPath: join(dir, 'c.db'), port: 0, requireEnrolment: true });
  port = await coordinator.listen();
  for (const name of ['alice', 'bob', 'carl', 'b'.repeat(MAX_NAME_LENGTH)]) {
    ids[name] = ed25519KeyPair();
    coordinator.enroll(name, 'hospital', ids[name]!.publicKey);
  }
  coordinator.revoke('carl');
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await coordinator.close();
});

/** A 128-character name of 3-byte characters: the most bytes a text field of the codec may take. */
const WIDE = '\u20ac'.repeat(MAX_NAME_LENGTH);
/** Feature names taking exactly `bytes` of the Hello's feature budget (UTF-8 bytes plus 3 each). */
function featuresOf(bytes: number): string[] {
  const out: string[] = [];
  let left = bytes;
  for (; left >= Buffer.byteLength(WIDE) + 3 + 4; left -= Buffer.byteLength(WIDE) + 3) out.push(WIDE);
  while (left > 0) {
    let take = Math.min(left, MAX_NAME_LENGTH + 3);
    if (left - take > 0 && left - take < 4) take = left - 4;
    out.push('a'.repeat(take - 3));
    left -= take;
  }
  return out;
}
const budgetOf = (features: string[]) => features.reduce((n, f) => n + Buffer.byteLength(f) + 3, 0);
const datasets = (features: string[], count = MAX_HELLO_DATASETS) =>
  Array.from({ length: count }, (_, i) => ({ schemaId: WIDE, label: WIDE, features: i === 0 ? features : [] }));

describe('the frame limit before the handshake', () => {
  it('refuses a 15.8 MB Hello before decoding it: E_WIRE_TOO_LARGE, closed', async () => {
    const frame = oversizedHello();
    expect(frame.length).toBeGreaterThan(15_800_000);
    const decode = vi.spyOn(pb.Envelope, 'decode');
    const r = await RawClient.connect(port, 'mallory');
    clients.push(r);
    await r.waitFor((e) => e.body === 'challenge');
    r.sendRaw(frame);
    expect(await r.waitClosed()).toBe(1009);
    expect(r.errorCodes()).toEqual(['E_WIRE_TOO_LARGE']);
    // The coordinator never handed the frame to the protobuf decoder (the client's own decodes are of small frames).
    expect(decode.mock.calls.filter(([bytes]) => (bytes as Uint8Array).length > MAX_HELLO_BYTES)).toEqual([]);
  });

  it('is the largest Hello the codec accepts: one that large is decoded, one feature byte more is refused', () => {
    const features = featuresOf(MAX_HELLO_FEATURE_BYTES);
    expect(budgetOf(features)).toBe(MAX_HELLO_FEATURE_BYTES);
    const largest = (hello: Partial<NonNullable<EnvelopeInit['hello']>>) =>
      encodeEnvelope({
        sender: 'n'.repeat(MAX_NAME_LENGTH),
        seq: 0xffff_ffff,
        jobId: WIDE,
        round: 0xffff_ffff,
        hello: {
          name: WIDE,
          software: WIDE,
          identityKey: new Uint8Array(32),
          handshakeSignature: new Uint8Array(64),
          handshakeTimestampMs: Number.MAX_SAFE_INTEGER,
          datasets: datasets(features),
          ...hello,
        },
      });
    const frame = largest({});
    expect(frame.length).toBeLessThanOrEqual(MAX_HELLO_BYTES);
    expect(frame.length).toBeGreaterThan(MAX_HELLO_BYTES - 64); // the bound is tight, not a guess
    expect(decodeEnvelope(frame, MAX_HELLO_BYTES).hello!.datasets!.length).toBe(MAX_HELLO_DATASETS);
    expect(
      errorCode(() => decodeEnvelope(largest({ datasets: datasets(featuresOf(MAX_HELLO_FEATURE_BYTES + 1)) }))),
    ).toBe('E_WIRE_FIELD');
    // One dataset too many is refused by the structural scan, before the decode (edge/wire/wire-scan.ts).
    expect(errorCode(() => decodeEnvelope(largest({ datasets: datasets([], MAX_HELLO_DATASETS + 1) })))).toBe(
      'E_WIRE_COUNT',
    );
  });

  it('lets an enrolled hospital with the largest Hello in', async () => {
    const name = 'b'.repeat(MAX_NAME_LENGTH);
    const hello = { datasets: datasets(featuresOf(MAX_HELLO_FEATURE_BYTES)) };
    const r = await signedClient(port, name, ids[name]!, { hello });
    clients.push(r);
    expect(r.errorCodes()).toEqual([]);
  });
});

describe('errors before authentication', () => {
  /** What a peer sees after its Hello: the raw frames, the close code and reason. */
  async function outcome(
    name: string,
    signer: Identity,
    o: HelloOptions = {},
  ): Promise<{ frames: string[]; close: string }> {
    const frames: string[] = [];
    let close = '';
    const beforeHello = (ws: WebSocket) => {
      ws.on('message', (data) => frames.push(Buffer.from(data as Buffer).toString('hex')));
      ws.on('close', (code, reason) => (close = `${code} ${reason.toString()}`));
    };
    const r = await sendSignedHello(port, name, signer, { ...o, beforeHello });
    clients.push(r);
    await r.waitClosed();
    return { frames, close };
  }

  it('are the same bytes for an unknown, revoked, online or offline name, another key, a forged or stale signature, a malformed key', async () => {
    const alice = await signedClient(port, 'alice', ids['alice']!);
    clients.push(alice);
    const mallory = ed25519KeyPair();
    const tries = {
      unknown: await outcome('zed', mallory),
      revoked: await outcome('carl', ids['carl']!),
      'offline, another key': await outcome('bob', mallory),
      'online, another key': await outcome('alice', mallory),
      'forged signature': await outcome('bob', mallory, { presented: ids['bob']!.publicKey }),
      'stale signature': await outcome('bob', ids['bob']!, { timestampMs: Date.now() - MAX_CLOCK_SKEW_MS - 60_000 }),
      'malformed key': await outcome('bob', ids['bob']!, { hello: { identityKey: new Uint8Array(31) } }),
    };
    const first = tries.unknown;
    expect(first.frames.length).toBe(1);
    expect(pb.Envelope.decode(Buffer.from(first.frames[0]!, 'hex')).error!.code).toBe('E_AUTH_FAILED');
    expect(first.close).toBe('1008 E_AUTH_FAILED');
    for (const [what, t] of Object.entries(tries)) expect(t, what).toEqual(first);
    expect(alice.closeCode).toBeNull();
  });

  it('tells a name is online only to the holder of its key: its second connection is refused (E_DUPLICATE_NAME), the first stays', async () => {
    const first = await signedClient(port, 'bob', ids['bob']!);
    clients.push(first);
    const second = await sendSignedHello(port, 'bob', ids['bob']!);
    clients.push(second);
    expect(await second.waitClosed()).toBe(1008);
    expect(second.errorCodes()).toEqual(['E_DUPLICATE_NAME']);
    expect(first.closeCode).toBeNull();
  });
});
