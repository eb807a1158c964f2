/** The daemon's health file (client/health-file.ts): status on connection events, rewritten on its interval, removed on stop. */
import { describe, it, expect, afterEach, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepHealthFile } from '../../client/health-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-health-file-'));
const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as { status: string; at: number };

afterEach(() => {
  vi.useRealTimers();
});

describe('client health file', () => {
  it('says connecting, then connected, then connecting again as the connection changes', () => {
    const path = join(dir, 'status.json');
    const daemon = new EventEmitter();
    const stop = keepHealthFile(daemon, path, { now: () => 7 });
    expect(read(path)).toEqual({ status: 'connecting', at: 7 });
    daemon.emit('connected');
    expect(read(path)).toEqual({ status: 'connected', at: 7 });
    daemon.emit('disconnected', { code: 1006, reason: '' });
    expect(read(path).status).toBe('connecting');
    stop();
    expect(existsSync(path)).toBe(false);
  });

  it('is rewritten every interval while nothing changes, so its age shows the loop turning', () => {
    vi.useFakeTimers();
    let t = 0;
    const path = join(dir, 'beat.json');
    const stop = keepHealthFile(new EventEmitter(), path, { everyMs: 1000, now: () => t });
    t = 2500;
    vi.advanceTimersByTime(1000);
    expect(read(path).at).toBe(2500);
    stop();
    t = 9000;
    vi.advanceTimersByTime(5000);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path it cannot write, typed, before the daemon starts; a later failed write never throws', () => {
    expect(() => keepHealthFile(new EventEmitter(), join(dir, 'no-such-folder', 'h.json'))).toThrow(
      expect.objectContaining({ code: 'E_CONFIG_INVALID' }),
    );
    vi.useFakeTimers();
    const sub = mkdtempSync(join(dir, 'gone-'));
    const daemon = new EventEmitter();
    const stop = keepHealthFile(daemon, join(sub, 'h.json'), { everyMs: 1000 });
    rmSync(sub, { recursive: true });
    // The folder is gone: the tick and the next connection change skip their writes instead of crashing the daemon.
    expect(() => vi.advanceTimersByTime(1000)).not.toThrow();
    expect(() => daemon.emit('connected')).not.toThrow();
    stop();
  });
});
