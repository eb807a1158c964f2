/**
 * Control frames against the coordinator: ws answers a ping with a pong
 * before any of our code runs, and outside every rate limit. A peer (here a
 * stranger before its Hello) that floods pings and never reads its socket
 * must not make the coordinator queue a pong per ping: ws's cap on pending
 * automatic pongs (maxPendingAutoPongs) terminates it. A regression guard on
 * that dependency's behaviour, which nothing of ours replaces.
 */
import { describe, expect, it } from 'vitest';
import { frameHeader, rawCoordinatorPerTest } from '../helpers/raw-socket.ts';

const t = rawCoordinatorPerTest();

describe('ping flood', () => {
  it('does not queue a pong per ping for a peer that never reads: it is cut off', async () => {
    const total = 200_000; // 26 MB of pings; an honest peer sends none
    const { s, ws } = await t.stranger();
    let seen = 0;
    let bufferedAtEnd = -1;
    const done = new Promise<void>((resolve) => {
      ws.on('ping', () => {
        seen++;
        if (seen === total || ws.readyState !== ws.OPEN) {
          bufferedAtEnd = ws.bufferedAmount;
          resolve();
        }
      });
      ws.on('close', () => resolve());
    });
    const one = Buffer.concat([frameHeader(0x9, 125), Buffer.alloc(125, 0x61)]);
    const chunk = Buffer.concat(Array.from({ length: 1000 }, () => one));
    for (let i = 0; i < total / 1000; i++) s.write(chunk);
    await done;
    expect(ws.readyState).not.toBe(ws.OPEN);
    expect(seen).toBeLessThan(total);
    expect(bufferedAtEnd).toBeLessThan(1024 * 1024);
  });
});
