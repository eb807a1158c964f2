import WebSocket from 'ws';
import { decodeEnvelope, encodeEnvelope, type Envelope, type EnvelopeInit } from '../../edge/wire/codec.ts';

/** A hand-driven WebSocket peer for feeding a coordinator arbitrary frames. */
export class RawClient {
  readonly frames: Envelope[] = [];
  closeCode: number | null = null;
  private seq = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly name: string,
  ) {
    ws.on('message', (data) => {
      this.frames.push(decodeEnvelope(data as Buffer));
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

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  async hello(datasetFeatures: string[] = []): Promise<void> {
    this.send({
      hello: { name: this.name, software: 'raw', datasets: [{ schemaId: 's', features: datasetFeatures, label: 'y' }] },
    });
    await this.waitFor((e) => e.body === 'welcome');
  }

  /** Resolves with the first frame (seen or future) matching `pred`. */
  async waitFor(pred: (e: Envelope) => boolean, timeoutMs = 10_000): Promise<Envelope> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      if (this.closeCode !== null) throw new Error(`closed (${this.closeCode}) before the expected frame`);
      if (Date.now() > deadline) throw new Error('timed out waiting for a frame');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  async waitClosed(timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error('timed out waiting for close');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.closeCode;
  }

  errorCodes(): string[] {
    return this.frames.filter((f) => f.body === 'error').map((f) => f.error!.code!);
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
