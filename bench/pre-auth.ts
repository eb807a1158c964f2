/**
 * Issue 16, finding 7: the coordinator's CPU time to refuse one 15.8 MB frame
 * sent before the handshake (a Hello listing 200,000 feature names), now
 * (larger than MAX_HELLO_BYTES: refused unread) beside the coordinator of
 * BASELINE_COMMIT (decoded in full, then refused), in the same run. Each
 * coordinator runs in a process of its own (pre-auth-server.ts) and reports
 * its own CPU time, so the client's encoding and sending are not counted; the
 * same number of connections sending a 4-byte frame is measured as a control
 * and subtracted, so the figure is the large frame's cost alone (receiving
 * and unmasking its bytes included: ws does that before any check). The
 * baseline is that commit's code, not a model of it: `git archive` extracts
 * its coordinator/, core/, proto/ and client/ into bench/.baseline-<commit>/
 * (gitignored; inside the repository so that its imports resolve to this
 * checkout's node_modules).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { MAX_HELLO_BYTES } from '../edge/wire/codec.ts';
import { oversizedHello } from '../test/helpers/oversized-hello.ts';

/** The commit before issue 16's fixes: it decoded any frame up to the 16 MiB frame limit before the handshake. */
export const BASELINE_COMMIT = 'fd8f54b';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = fileURLToPath(new URL('./pre-auth-server.ts', import.meta.url));
/** Frames of each kind per measurement. */
const FRAMES = 10;

export interface PreAuthResult {
  frameBytes: number;
  maxHelloBytes: number;
  frames: number;
  /** CPU ms of the coordinator per large frame, the control's subtracted. */
  nowMs: number;
  baselineMs: number;
  /** CPU ms per control connection (a 4-byte frame), for context. */
  controlNowMs: number;
  controlBaselineMs: number;
  ratio: number;
}

export async function benchPreAuth(): Promise<PreAuthResult> {
  const baseline = extractBaseline();
  const frame = oversizedHello();
  const control = new Uint8Array([0xff, 0xff, 0xff, 0x01]);
  const now = await measure(ROOT, frame, control);
  const before = await measure(baseline, frame, control);
  return {
    frameBytes: frame.length,
    maxHelloBytes: MAX_HELLO_BYTES,
    frames: FRAMES,
    nowMs: now.frameMs,
    baselineMs: before.frameMs,
    controlNowMs: now.controlMs,
    controlBaselineMs: before.controlMs,
    ratio: before.frameMs / Math.max(now.frameMs, 1e-3),
  };
}

export function formatPreAuth(r: PreAuthResult): string[] {
  return [
    `CPU to refuse one ${(r.frameBytes / 1e6).toFixed(1)} MB frame before the handshake (coordinator process, ${r.frames} frames, control subtracted):`,
    `  now (refused unread above ${r.maxHelloBytes} bytes): ${r.nowMs.toFixed(1)} ms; baseline ${BASELINE_COMMIT} (decoded, then refused): ${r.baselineMs.toFixed(1)} ms; ratio baseline / now = ${r.ratio.toFixed(1)}`,
    `  control (a connection sending a 4-byte frame): now ${r.controlNowMs.toFixed(2)} ms, baseline ${r.controlBaselineMs.toFixed(2)} ms`,
  ];
}

async function measure(
  root: string,
  frame: Uint8Array,
  control: Uint8Array,
): Promise<{ frameMs: number; controlMs: number }> {
  const child = fork(SERVER, [root], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = (await reply(child)) as { port: number };
    const cpu = async () => {
      child.send('cpu');
      return ((await reply(child)) as { cpuMs: number }).cpuMs;
    };
    const run = async (bytes: Uint8Array) => {
      const start = await cpu();
      for (let i = 0; i < FRAMES; i++) await refused(port, bytes);
      return (await cpu()) - start;
    };
    await refused(port, control); // warm: neither is measured cold
    await refused(port, frame);
    const controlMs = await run(control);
    const frameMs = await run(frame);
    return { frameMs: (frameMs - controlMs) / FRAMES, controlMs: controlMs / FRAMES };
  } finally {
    child.send('stop');
  }
}

/** Connects, sends `bytes` once the challenge is in, and resolves when the coordinator closes the connection. */
function refused(port: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.once('message', () => ws.send(bytes));
    ws.once('close', () => resolve());
    ws.once('error', reject);
  });
}

function reply(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`coordinator process exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}

/** bench/.baseline-<commit>/, extracted once with git archive. */
function extractBaseline(): string {
  const dir = join(ROOT, 'bench', `.baseline-${BASELINE_COMMIT}`);
  if (existsSync(join(dir, 'coordinator', 'coordinator.ts'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const tar = execFileSync(
      'git',
      ['-C', ROOT, 'archive', '--format=tar', BASELINE_COMMIT, 'coordinator', 'core', 'proto', 'client'],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
