/**
 * The timing and server plumbing that secagg.ts and secagg-baseline.ts share:
 * a wall-and-CPU stopwatch, the server run on its own stopwatch with the
 * measured client's messages kept in order, and the figures both report.
 */

/**
 * Collects garbage when node runs with --expose-gc, so memory figures show
 * what is retained; twice, because external buffers are released by
 * finalizers that the first collection only schedules.
 */
export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
};

export const names = (n: number) => Array.from({ length: n }, (_, i) => `c${String(i).padStart(4, '0')}`);

/** Wall and CPU milliseconds. */
export interface Times {
  wallMs: number;
  cpuMs: number;
}

/**
 * Sums the wall and CPU time of the calls it runs. CPU time is the process's
 * (process.cpuUsage: all its threads, GC helpers included, ~1 µs a reading):
 * unlike wall time it leaves out the time other processes held the core, so
 * on a shared machine two runs minutes apart stay comparable by it.
 */
export class Stopwatch implements Times {
  wallMs = 0;
  cpuMs = 0;

  time<T>(fn: () => T): T {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      this.wallMs += performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      this.cpuMs += (cpu.user + cpu.system) / 1000;
    }
  }

  read(): Times {
    return { wallMs: this.wallMs, cpuMs: this.cpuMs };
  }
}

/** b − a, field by field. */
export const since = (a: Times, b: Times): Times => ({ wallMs: b.wallMs - a.wallMs, cpuMs: b.cpuMs - a.cpuMs });

/** What the harness needs of a SecAggServer: this code's, or the baseline's (bench/secagg-baseline.ts). */
export interface HarnessServer<M, B> {
  receive(from: string, msg: M): { out: { to: string; body: B }[]; rejected: unknown };
  drop(client: string): { to: string; body: B }[];
  readonly phase: string;
  readonly failure: string | null;
}

/**
 * One measured round: runs `server` on its own stopwatch and keeps, in order,
 * what it sends the measured client (the real messages, not rebuilt by the
 * harness; `next(kind)` takes the next one, which must be a `kind`); times
 * the measured client's calls on another (`timed`); and reads both as the
 * protocol's figures (`times`).
 */
export function roundHarness<M, B extends object>(server: HarnessServer<M, B>, measured: string, label: string) {
  const clock = new Stopwatch();
  const clientClock = new Stopwatch();
  const inbox: B[] = [];
  const route = (out: { to: string; body: B }[]) => {
    for (const o of out) if (o.to === measured) inbox.push(o.body);
  };
  return {
    clock,
    clientClock,
    timed: <T>(fn: () => T): T => clientClock.time(fn),
    toServer(from: string, msg: M): void {
      const { out, rejected } = clock.time(() => server.receive(from, msg));
      if (rejected) throw rejected;
      route(out);
    },
    dropOut(client: string): void {
      route(clock.time(() => server.drop(client)));
    },
    next(kind: string): unknown {
      const body = (inbox.shift() as Record<string, unknown> | undefined)?.[kind];
      if (!body)
        throw new Error(`${label}: expected ${kind} from the server (phase ${server.phase}: ${server.failure})`);
      return body;
    },
    /** The figures, the server's unmasking counted from `unmaskStart` and the client's setup up to `clientSetup`. */
    times(p: { degree: number; threshold: number }, unmaskStart: Times, clientSetup: Times): ProtocolTimes {
      return protocolTimes(p, {
        server: clock,
        serverUnmask: since(unmaskStart, clock.read()),
        client: clientClock,
        clientSetup,
      });
    },
  };
}

/** The figures secagg-baseline.ts also gives for the previous protocol: what new / previous compares. */
export const PROTOCOL_FIGURES = ['serverTotalMs', 'serverUnmaskMs', 'clientTotalMs', 'clientSetupMs'] as const;
export type ProtocolFigure = (typeof PROTOCOL_FIGURES)[number];
export type ProtocolTimes = Record<ProtocolFigure, number> & {
  degree: number;
  threshold: number;
  /** The same figures in CPU time (Stopwatch). */
  cpu: Record<ProtocolFigure, number>;
};

/** The clocks of one run, read as the figures both protocols report. */
function protocolTimes(
  p: { degree: number; threshold: number },
  clocks: { server: Times; serverUnmask: Times; client: Times; clientSetup: Times },
): ProtocolTimes {
  const { server, serverUnmask, client, clientSetup } = clocks;
  return {
    degree: p.degree,
    threshold: p.threshold,
    serverTotalMs: server.wallMs,
    serverUnmaskMs: serverUnmask.wallMs,
    clientTotalMs: client.wallMs,
    clientSetupMs: clientSetup.wallMs,
    cpu: {
      serverTotalMs: server.cpuMs,
      serverUnmaskMs: serverUnmask.cpuMs,
      clientTotalMs: client.cpuMs,
      clientSetupMs: clientSetup.cpuMs,
    },
  };
}
