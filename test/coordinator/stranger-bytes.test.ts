/**
 * What a stranger can make the coordinator hold before its handshake. Its
 * frames are refused past maxHelloBytes (about 1 MB) when they are whole, but
 * ws buffers a frame until it is whole, up to maxPayload (maxFrameBytes,
 * 16 MiB by default): a stranger that announces a 16 MiB frame and sends all
 * of it but the last byte is held at 16 MiB a connection until its Hello
 * times out, and closing it (a close handshake the stranger never answers)
 * leaves it held 30 s more.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_HELLO_BYTES, MAX_HELLO_FEATURE_BYTES } from '../../edge/wire/codec.ts';
import { RawClient } from '../helpers/raw-client.ts';
import { frameHeader, rawCoordinatorPerTest } from '../helpers/raw-socket.ts';

const t = rawCoordinatorPerTest();

describe('a stranger before its Hello', () => {
  it('is cut off once it has sent more than the largest Hello, whole frame or not', async () => {
    const announced = 16 * 1024 * 1024 - 64; // within maxFrameBytes: ws takes it
    const sent = announced - 1; // never whole, so no 'message' ever reaches the frame checks
    const { s, ws } = await t.stranger();
    const raw = (ws as unknown as { _socket: Socket })._socket;
    let received = 0;
    const done = new Promise<'all-held' | 'closed'>((resolve) => {
      raw.on('data', (b: Buffer) => {
        received += b.length;
        if (received >= sent + 14) resolve('all-held');
      });
      ws.on('close', () => resolve('closed'));
    });
    s.write(frameHeader(0x2, announced));
    const chunk = Buffer.alloc(1024 * 1024, 0x0a);
    for (let left = sent; left > 0; left -= chunk.length) s.write(chunk.subarray(0, Math.min(left, chunk.length)));
    expect(await done).toBe('closed');
    // Within a socket read of the bound.
    expect(received).toBeLessThan(MAX_HELLO_BYTES + 256 * 1024);
  });

  it('still takes the largest Hello an honest daemon sends, across many socket reads', async () => {
    // 14,900 names of 64 characters: 998,300 bytes on the wire, just within MAX_HELLO_FEATURE_BYTES.
    const features = Array.from({ length: 14_900 }, (_, i) => `f${String(i).padStart(63, '0')}`);
    expect(features.length * 67).toBeLessThanOrEqual(MAX_HELLO_FEATURE_BYTES);
    const r = await RawClient.connect(t.port, 'big');
    try {
      await r.hello(features);
      expect(r.frames.map((f) => f.body)).toEqual(['challenge', 'welcome']);
    } finally {
      r.close();
    }
  });
});
