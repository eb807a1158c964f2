/**
 * SIGINT and SIGTERM stop a long-running command cleanly (close what is
 * open, exit 0 with a 'shutting down' line; docs/deploy/*.service say so)
 * from before anything opens: installed first, so a signal during start-up
 * (a hospital's intake and TensorFlow's loading, the coordinator's ports
 * binding one after another) is not a kill that abandons a database or
 * leaves a port half open. `opened(close)` registers what to close, run last
 * opened first; one registered while they run (the start resumed from an
 * await) runs too, and the exit follows the last with no await between.
 */
import type { Logger } from '../edge/log.ts';

export function stopOnSignal(log: Logger): { opened(close: () => unknown): void } {
  const closers: (() => unknown)[] = [];
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    log.info({ signal }, 'shutting down');
    try {
      for (let close = closers.shift(); close; close = closers.shift()) await close();
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { opened: (close) => void closers.unshift(close) };
}
