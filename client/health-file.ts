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
import { rmSync } from 'node:fs';
import { CohortError } from '../core/errors.ts';
import { writeAtomically } from '../edge/atomic-file.ts';

/** What the file follows: the daemon's connection events. */
export interface ConnectionEvents {
  on(event: 'connected', f: () => void): unknown;
  on(event: 'disconnected', f: () => void): unknown;
}

/** How often the file is rewritten while nothing changes: a probe calls it stale after a few of these. */
const HEALTH_FILE_EVERY_MS = 10_000;

/** Keeps `path` current for `daemon`; returns the function that stops and removes it. */
export function keepHealthFile(
  daemon: ConnectionEvents,
  path: string,
  o: { everyMs?: number; now?: () => number } = {},
): () => void {
  const now = o.now ?? Date.now;
  let status: 'connected' | 'connecting' = 'connecting';
  const write = () => writeAtomically(path, `${JSON.stringify({ status, at: now() })}\n`);
  // Later failures (a full disk, a removed folder) skip that write: a stale file is what tells the probe,
  // and a health file must never be what stops the daemon.
  const rewrite = () => {
    try {
      write();
    } catch {
      /* the next change or tick tries again */
    }
  };
  daemon.on('connected', () => {
    status = 'connected';
    rewrite();
  });
  daemon.on('disconnected', () => {
    status = 'connecting';
    rewrite();
  });
  // The first write is the check of the flag: a path that cannot be written is refused before the daemon starts.
  try {
    write();
  } catch (err) {
    const why = (err as { cause?: NodeJS.ErrnoException }).cause?.code ?? 'error';
    throw new CohortError('E_CONFIG_INVALID', `--health-file ${path} cannot be written (${why})`, { cause: err });
  }
  const timer = setInterval(rewrite, o.everyMs ?? HEALTH_FILE_EVERY_MS);
  // The file must never be what keeps the process alive.
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(path, { force: true });
  };
}
