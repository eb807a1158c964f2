/**
 * The hospital daemon's health file (`client start --health-file`): the
 * daemon listens on no port, so a container's HEALTHCHECK or a monitoring
 * agent reads a file instead. It holds {"status": "connected" | "connecting",
 * "at": <ms>} and is rewritten on every connection change and every
 * `everyMs` from this event loop, so a fresh file means the process runs and
 * its loop turns; `connected` says the coordinator is reachable (readiness).
 * Nothing else is in it: it may sit on a volume other tools read. Written
 * beside itself and renamed, so a reader never sees half a file; removed
 * when the daemon stops.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** What the file follows: the daemon's connection events. */
export interface ConnectionEvents {
  on(event: 'connected', f: () => void): unknown;
  on(event: 'disconnected', f: () => void): unknown;
}

/** How often the file is rewritten while nothing changes: a probe calls it stale after a few of these. */
export const HEALTH_FILE_EVERY_MS = 10_000;

/** Keeps `path` current for `daemon`; returns the function that stops and removes it. */
export function keepHealthFile(
  daemon: ConnectionEvents,
  path: string,
  o: { everyMs?: number; now?: () => number } = {},
): () => void {
  const now = o.now ?? Date.now;
  let status: 'connected' | 'connecting' = 'connecting';
  const write = () => {
    writeFileSync(`${path}.tmp`, `${JSON.stringify({ status, at: now() })}\n`);
    renameSync(`${path}.tmp`, path);
  };
  daemon.on('connected', () => {
    status = 'connected';
    write();
  });
  daemon.on('disconnected', () => {
    status = 'connecting';
    write();
  });
  write();
  const timer = setInterval(write, o.everyMs ?? HEALTH_FILE_EVERY_MS);
  // The file must never be what keeps the process alive.
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(path, { force: true });
  };
}
