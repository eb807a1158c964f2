import WebSocket from 'ws';
import {
  decodeEnvelope,
  encodeEnvelope,
  pb,
  PROTOCOL_VERSION,
  type Envelope,
  type EnvelopeInit,
} from '../../edge/wire/codec.ts';

/** A hand-driven WebSocket peer for feeding a coordinator arbitrary frames. */
export class RawClient {
  readonly frames: Envelope[] = [];
  closeCode: number | null = null;
  /** Pings received from the coordinator's heartbeat (ws answers each with a pong unless `autoPong: false`). */
  pings = 0;
  private seq = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly ws: WebSocket,
    readonly name: string,
  ) {
    ws.on('message', (data) => {
      this.frames.push(decodeEnvelope(data as Buffer));
      this.wake();
    });
    ws.on('ping', () => {
      this.pings++;
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static async connect(port: number, name: string, opts: WebSocket.ClientOptions = {}): Promise<RawClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, opts);
    // Listen before the socket opens: the coordinator's Challenge is its first frame.
    const client = new RawClient(ws, name);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(env: Omit<EnvelopeInit, 'version'>): void {
    this.ws.send(encodeEnvelope({ sender: this.name, seq: ++this.seq, ...env }));
  }

  /** `env` encoded by protobuf alone, as a hostile peer writes it: encodeEnvelope would make its free text printable. */
  sendUncleaned(env: Omit<EnvelopeInit, 'version'>): void {
    this.ws.send(
      pb.Envelope.encode({ version: PROTOCOL_VERSION, sender: this.name, seq: ++this.seq, ...env }).finish(),
    );
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  async hello(datasetFeatures: string[] = []): Promise<void> {
    this.send({
      hello: { name: this.name, software: 'raw', datasets: [{ schemaId: 's', features: datasetFeatures, label: 'y' }] },
    });
    await this.waitFor((e) => e.body === 'welcome');
  }

  /** Resolves with the first frame (seen or future) matching `pred`; rejects if the socket closes first. */
  waitFor(pred: (e: Envelope) => boolean, timeoutMs = 10_000): Promise<Envelope> {
    return this.when(
      () => {
        const hit = this.frames.find(pred);
        if (hit) return hit;
        if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) before the expected frame`);
        return undefined;
      },
      timeoutMs,
      'a frame',
    );
  }

  /** Resolves with the close code once the socket has closed. */
  waitClosed(timeoutMs = 10_000): Promise<number> {
    return this.when(() => this.closeCode ?? undefined, timeoutMs, 'close');
  }

  /** Resolves once `n` pings from the coordinator have arrived in all; rejects if the socket closes first. */
  waitPings(n: number, timeoutMs = 10_000): Promise<number> {
    return this.when(
      () => {
        if (this.pings >= n) return this.pings;
        if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) after ${this.pings} of ${n} pings`);
        return undefined;
      },
      timeoutMs,
      `${n} pings`,
    );
  }

  errorCodes(): string[] {
    return this.frames.filter((f) => f.body === 'error').map((f) => f.error!.code!);
  }

  close(): void {
    this.ws.close();
  }

  /**
   * Re-checks `check` at each frame, ping or close (it returns a value when
   * done, throws to fail); the timeout is a bound on a hung test, not a wait.
   */
  private when<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter = () => {
        let v: T | undefined;
        try {
          v = check();
        } catch (e) {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          return reject(e as Error);
        }
        if (v === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(v);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      waiter();
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
