/**
 * A TCP link between one client and the coordinator that the chaos harness
 * can degrade: hold all bytes for a while (a stall), add latency to every
 * chunk (a slow link), or cut it. Order is kept in each direction; a cut
 * destroys both sockets, as a dropped NAT mapping or a pulled cable would.
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class FaultyLink {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private stallUntil = 0;
  /** Added to every chunk, both ways. */
  latencyMs = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async listen(): Promise<number> {
    const server = createServer((down) => this.bridge(down));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** Holds every byte, both ways, for `ms` (the connection stays up). */
  stall(ms: number): void {
    this.stallUntil = Date.now() + ms;
  }

  /** Destroys every connection through this link; the client reconnects through it. */
  cut(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private bridge(down: Socket): void {
    const up = createConnection({ port: this.targetPort, host: this.targetHost });
    const pair: [Socket, Socket] = [down, up];
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    for (const s of pair) {
      s.on('error', end);
      s.on('close', end);
    }
    this.forward(down, up);
    this.forward(up, down);
  }

  /** Copies `from` to `to`, each chunk at max(now + latency, end of stall, the previous chunk's time). */
  private forward(from: Socket, to: Socket): void {
    let last = 0;
    from.on('data', (chunk: Buffer) => {
      const now = Date.now();
      const at = Math.max(now + this.latencyMs, this.stallUntil, last);
      last = at;
      if (at <= now) {
        to.write(chunk);
        return;
      }
      from.pause();
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
        from.resume();
      }, at - now);
    });
  }
}
