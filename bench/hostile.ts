/**
 * Hospital frame latency under a hostile researcher (issue 16, finding 1).
 * A coordinator in its own process (bench/hostile-coordinator.ts; enrolment
 * required, default submission limits and quotas) serves an enrolled
 * hospital that sends a `ledger.read` request (a frame the coordinator reads,
 * checks, answers from its database) and a WebSocket ping every 40 ms, on a
 * fixed schedule whatever the answers (so a stall is counted, not skipped).
 * Round trips are timed at the client, from send to reply or pong. Three
 * phases in one run: idle, during a hostile researcher's submission loop
 * (distinct specs of the finding, 3,000 rounds at ε ≈ 99.5 and q = 0.5, each
 * about 50 s of noise calibration, sent back to back as each is answered),
 * and idle again. The baseline is the idle coordinator of the same run.
 * HOSTILE_PHASE_MS sets each phase's length (default 30 s).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ed25519KeyPair, type Identity } from '../core/secagg/index.ts';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../edge/wire/codec.ts';
import { signedHello } from '../test/helpers/signed-client.ts';
import { SYNTH_FEATURES, syntheticJob } from '../simulations/synthetic.ts';

const PROBE_EVERY_MS = 40;
/** The daemon's and the coordinator's heartbeat interval: an answer later than this is one a hospital would count as missed. */
const HEARTBEAT_MS = 15_000;

/** An enrolled identity's connection past the signed handshake, with request/reply and ping/pong round trips timed. */
class Session {
  private seq = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, (e: Envelope) => void>();
  private readonly pongs = new Map<string, () => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly name: string,
  ) {
    ws.on('message', (data) => {
      const env = decodeEnvelope(data as Buffer);
      const id =
        env.body === 'reply'
          ? env.reply!.id!
          : env.body === 'error'
            ? Number(/^request (\d+):/.exec(env.error?.message ?? '')?.[1] ?? -1)
            : -1;
      this.waiting.get(id)?.(env);
      this.waiting.delete(id);
    });
    ws.on('pong', (data) => {
      this.pongs.get(data.toString())?.();
      this.pongs.delete(data.toString());
    });
  }

  static connect(
    port: number,
    name: string,
    id: Identity,
    datasets: { schemaId: string; features: string[]; label: string }[] = [],
  ): Promise<Session> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      ws.on('error', reject);
      const onHandshake = (data: WebSocket.RawData) => {
        const env = decodeEnvelope(data as Buffer);
        if (env.body === 'challenge') {
          const hello = signedHello(env.challenge!, name, id, { hello: { software: 'bench-hostile', datasets } });
          ws.send(encodeEnvelope({ sender: name, seq: 1, hello }));
        } else if (env.body === 'welcome') {
          ws.off('message', onHandshake);
          const s = new Session(ws, name);
          s.seq = 1;
          resolve(s);
        } else if (env.body === 'error') {
          reject(new Error(`${name}: ${env.error?.code} ${env.error?.message}`));
        }
      };
      ws.on('message', onHandshake);
    });
  }

  /** Sends a request; resolves with its reply or error frame. */
  request(r: { action: string; specJson?: string }): Promise<Envelope> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.ws.send(encodeEnvelope({ sender: this.name, seq: ++this.seq, request: { id, ...r } }));
    });
  }

  ping(tag: string): Promise<void> {
    return new Promise((resolve) => {
      this.pongs.set(tag, resolve);
      this.ws.ping(tag);
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

interface Latencies {
  /** Round trips answered, ms. */
  answered: number[];
  /** Sent and still unanswered when the phase's grace period ended. */
  lost: number;
}

/** Probes the hospital's round trips every PROBE_EVERY_MS for `ms`, then waits for stragglers (up to two heartbeats). */
async function probe(hospital: Session, ms: number): Promise<{ request: Latencies; ping: Latencies }> {
  const request: number[] = [];
  const ping: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; performance.now() - start < ms; i++) {
    const due = start + i * PROBE_EVERY_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    pending.push(hospital.request({ action: 'ledger.read' }).then(() => void request.push(performance.now() - sent)));
    pending.push(hospital.ping(`p${i}`).then(() => void ping.push(performance.now() - sent)));
  }
  const sent = pending.length / 2;
  await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS))]);
  return {
    request: { answered: request, lost: sent - request.length },
    ping: { answered: ping, lost: sent - ping.length },
  };
}

/** The finding's spec, made distinct by its ε: 3,000 rounds, q = 0.5, the noise to calibrate by PLD (about 50 s on a 2-core machine). */
const costly = (i: number) =>
  JSON.stringify(
    syntheticJob({
      name: `freeze-${i}`,
      rounds: 3000,
      secureAggregation: { enabled: false },
      privacy: { unit: 'record', epsilon: 99.5 - i / 1000, delta: 1e-5, clip: 1, samplingRate: 0.5 },
    }),
  );

/** Submits distinct costly specs back to back, each as soon as the last is answered, until `stop()`; returns each answer's code and time. */
function hostileLoop(researcher: Session): { stop: () => Promise<{ code: string; ms: number }[]> } {
  let running = true;
  const outcomes: { code: string; ms: number }[] = [];
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      const answer = await researcher.request({ action: 'job.submit', specJson: costly(i) });
      outcomes.push({
        code: answer.body === 'reply' ? 'accepted' : (answer.error?.code ?? '?'),
        ms: performance.now() - t,
      });
    }
  })();
  return {
    stop: async () => {
      running = false;
      await Promise.race([loop, new Promise((r) => setTimeout(r, 2 * HEARTBEAT_MS))]);
      return outcomes;
    },
  };
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function summary(l: Latencies) {
  return {
    n: l.answered.length,
    lost: l.lost,
    p50: percentile(l.answered, 0.5),
    p99: percentile(l.answered, 0.99),
    max: Math.max(...l.answered),
    overHeartbeat: l.answered.filter((x) => x > HEARTBEAT_MS).length + l.lost,
  };
}

/** The hostile coordinator in its own process, with the one hospital and the one researcher enrolled. */
function startCoordinator(hospitalKey: Uint8Array, researcherKey: Uint8Array) {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bench-hostile-'));
  const enrol = join(dir, 'enrol.json');
  writeFileSync(
    enrol,
    JSON.stringify([
      { name: 'h1', role: 'hospital', publicKeyHex: Buffer.from(hospitalKey).toString('hex') },
      { name: 'mallory', role: 'researcher', publicKeyHex: Buffer.from(researcherKey).toString('hex') },
    ]),
  );
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./hostile-coordinator.ts', import.meta.url).pathname,
      '--db',
      join(dir, 'c.db'),
      '--enrol',
      enrol,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

/** The port the coordinator prints once it listens; rejects if it exits first. */
function announcedPort(child: ReturnType<typeof startCoordinator>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the coordinator exited (${code})`)));
  });
}

export async function benchHostile(phaseMs = Number(process.env.HOSTILE_PHASE_MS ?? 30_000)) {
  const hospitalId = ed25519KeyPair();
  const researcherId = ed25519KeyPair();
  const child = startCoordinator(hospitalId.publicKey, researcherId.publicKey);
  try {
    const port = await announcedPort(child);
    const hospital = await Session.connect(port, 'h1', hospitalId, [
      { schemaId: 'synthetic-v1', features: SYNTH_FEATURES, label: 'y' },
    ]);
    const researcher = await Session.connect(port, 'mallory', researcherId);
    await probe(hospital, 2_000); // warm both ends; not recorded
    const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
    const loadAtStart = load();
    const idle = await probe(hospital, phaseMs);
    const attack = hostileLoop(researcher);
    const hostile = await probe(hospital, phaseMs);
    const submissions = await attack.stop();
    const after = await probe(hospital, phaseMs);
    hospital.close();
    researcher.close();
    const phases = {
      idle: { request: summary(idle.request), ping: summary(idle.ping) },
      hostile: { request: summary(hostile.request), ping: summary(hostile.ping) },
      idleAfter: { request: summary(after.request), ping: summary(after.ping) },
    };
    return {
      phaseMs,
      probeEveryMs: PROBE_EVERY_MS,
      loadAtStart,
      loadAtEnd: load(),
      ...phases,
      ratio: {
        request: {
          p50: phases.hostile.request.p50 / phases.idle.request.p50,
          p99: phases.hostile.request.p99 / phases.idle.request.p99,
        },
        ping: {
          p50: phases.hostile.ping.p50 / phases.idle.ping.p50,
          p99: phases.hostile.ping.p99 / phases.idle.ping.p99,
        },
      },
      submissions,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

export function formatHostile(r: Awaited<ReturnType<typeof benchHostile>>): string[] {
  const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(1)} s` : `${x.toFixed(1)} ms`);
  const row = (s: ReturnType<typeof summary>) =>
    `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (${s.n} answered, ${s.lost} unanswered)`;
  const codes = r.submissions.reduce<Record<string, number>>(
    (acc, s) => ({ ...acc, [s.code]: (acc[s.code] ?? 0) + 1 }),
    {},
  );
  return [
    `hospital frame latency during a hostile submission loop (coordinator in its own process; a ledger.read request and a ping every ${r.probeEveryMs} ms; ${r.phaseMs / 1000} s a phase; ${r.loadAtStart} at the start, ${r.loadAtEnd} at the end)`,
    `  request -> reply: idle ${row(r.idle.request)}`,
    `                    hostile ${row(r.hostile.request)}`,
    `                    idle again ${row(r.idleAfter.request)}`,
    `    ratio hostile / idle: p50 ${r.ratio.request.p50.toFixed(2)}, p99 ${r.ratio.request.p99.toFixed(2)}`,
    `  ping -> pong:     idle ${row(r.idle.ping)}`,
    `                    hostile ${row(r.hostile.ping)}`,
    `                    idle again ${row(r.idleAfter.ping)}`,
    `    ratio hostile / idle: p50 ${r.ratio.ping.p50.toFixed(2)}, p99 ${r.ratio.ping.p99.toFixed(2)}`,
    `  hostile loop: ${r.submissions.length} distinct 3,000-round specs submitted back to back: ${Object.entries(codes)
      .map(([c, n]) => `${n} ${c}`)
      .join(', ')}; each answered after ${r.submissions.map((s) => ms(s.ms)).join(', ')}`,
    `  hospital round trips over one heartbeat (${HEARTBEAT_MS / 1000} s) or unanswered while hostile: ${r.hostile.request.overHeartbeat} requests, ${r.hostile.ping.overHeartbeat} pings`,
  ];
}
