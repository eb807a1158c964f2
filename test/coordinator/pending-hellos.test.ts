/**
 * Connections waiting for their Hello are counted (coordinator/pending-hellos.ts):
 * each may hold up to the largest Hello (about 1 MB) until the Hello timeout
 * before anyone is authenticated, so a stranger opening connections without
 * end held the coordinator's memory without bound (review: 200 connections,
 * 201 MB). Past the per-address or the overall cap a connection is refused
 * as it opens, closed 1013 with E_RATE_LIMIT as its reason; a connection that
 * closes, or whose Hello is admitted, no longer counts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { Coordinator } from '../../coordinator/coordinator.ts';
import { PendingHellos } from '../../coordinator/pending-hellos.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A WebSocket that never sends a Hello, and how the coordinator answers it: its first message (a challenge), or the close it was refused with. */
function stranger(port: number): { ws: WebSocket; answer: Promise<'challenged' | { code: number; reason: string }> } {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  cleanups.push(() => ws.terminate());
  ws.on('error', () => undefined);
  // Listening from the start: the challenge may come in the same read as the upgrade's answer.
  const answer = new Promise<'challenged' | { code: number; reason: string }>((resolve) => {
    ws.once('message', () => resolve('challenged'));
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return { ws, answer };
}
const answer = (port: number) => stranger(port).answer;

describe('connections waiting for their Hello', () => {
  it('past the per-address cap a new one is refused as it opens (1013, E_RATE_LIMIT); one closing frees its place', async () => {
    const coordinator = new Coordinator({ dbPath: ':memory:', port: 0, maxPendingHellosPerAddress: 2 });
    cleanups.push(() => coordinator.close());
    const port = await coordinator.listen();
    const first = stranger(port);
    expect(await first.answer).toBe('challenged');
    expect(await answer(port)).toBe('challenged');
    expect(await answer(port)).toEqual({ code: 1013, reason: 'E_RATE_LIMIT' });
    first.ws.close();
    await vi.waitFor(async () => expect(await answer(port)).toBe('challenged'));
  });

  it('counts per address and in all; the release is counted once', () => {
    const p = new PendingHellos(3, 2);
    const a1 = p.admit('a')!;
    const a2 = p.admit('a')!;
    expect(p.admit('a')).toBeNull();
    const b1 = p.admit('b')!;
    expect(p.admit('c')).toBeNull(); // 3 in all
    a1();
    a1();
    expect(p.waiting()).toBe(2);
    expect(p.waiting('a')).toBe(1);
    expect(p.admit('c')).not.toBeNull();
    a2();
    b1();
    expect(p.waiting('a')).toBe(0);
    expect(p.waiting('b')).toBe(0);
  });
});
