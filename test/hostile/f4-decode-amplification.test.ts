/**
 * Issue 16, findings 4 and 7, decode amplification (found by the red team
 * after the first fixes): protobufjs builds an object for every two bytes of
 * empty sub-messages, so an enrolled hospital's 68 MiB message of 35.7 M
 * empty shares froze the coordinator for 4.4 s (+1.8 GB) for one message
 * token; an auditor's 16 MiB frames of empty shares were decoded before
 * their role was checked (1 s each, connection kept); a half-sent message
 * was held forever. Against a real coordinator with enrolment, now:
 * - a hospital's fragmented message may exceed one frame only for a body
 *   that carries a vector, found from its first fragment's header: the
 *   68 MiB share list is refused there (E_WIRE_TOO_LARGE), never decoded;
 * - every message is scanned before it is decoded (edge/wire/wire-scan.ts): an
 *   update whose shape is 66 M packed zeros is refused whole but undecoded
 *   (E_WIRE_COUNT);
 * - a researcher's or auditor's frames are capped at the largest request:
 *   the 16 MiB frame is refused unread (E_WIRE_TOO_LARGE); a hospital's
 *   frame kind from them is refused by its scanned header (E_FORBIDDEN,
 *   connection kept, as finding 5 records it), undecoded;
 * - a fragmented message not whole by its deadline is refused
 *   (E_WIRE_FRAGMENT), its connection closed and its bytes freed;
 * and an honest hospital is answered throughout.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Coordinator } from '../../coordinator/coordinator.ts';
import type { Identity } from '../../core/secagg/index.ts';
import {
  DEFAULT_MAX_FRAME_BYTES,
  MAX_SPEC_JSON_CHARS,
  PROTOCOL_VERSION,
  encodeEnvelope,
  maxRequestBytes,
  pb,
} from '../../edge/wire/codec.ts';
import {
  DEFAULT_FRAGMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAGMENT_HEADER_BYTES,
  Reassembler,
} from '../../edge/wire/fragments.ts';
import { SYNTH_FEATURES } from '../../simulations/synthetic.ts';
import { signedClient } from '../helpers/signed-client.ts';
import type { RawClient } from '../helpers/raw-client.ts';
import { errorCode } from '../helpers/errors.ts';
import { enrolledCoordinator } from '../helpers/enroll.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-f4-amp-'));
let coordinator: Coordinator;
let port: number;
let ids: Record<string, Identity>;
const clients: RawClient[] = [];
/** The honest hospital, asking for its ledger between the attacks. */
let honest: RawClient;

beforeAll(async () => {
  ({ coordinator, port, ids } = await enrolledCoordinator({
    dbPath: join(dir, 'c.db'),
    people: { h1: 'hospital', h2: 'hospital', h3: 'hospital', honest: 'hospital', aud: 'auditor', rita: 'researcher' },
  }));
  honest = await connect('honest');
});
afterEach(() => vi.restoreAllMocks());
afterAll(async () => {
  for (const c of clients) c.close();
  await coordinator.close();
});

async function connect(name: string, p = port): Promise<RawClient> {
  const hello =
    name.startsWith('h') || name === 'honest'
      ? { datasets: [{ schemaId: 'synthetic-v1', features: SYNTH_FEATURES, label: 'y' }] }
      : {};
  const r = await signedClient(p, name, ids[name]!, { hello });
  clients.push(r);
  return r;
}

let requestId = 0;
/** The honest hospital asks for its ledger page and is answered. */
async function honestIsAnswered(): Promise<void> {
  const id = ++requestId;
  honest.send({ request: { id, action: 'ledger.read' } });
  const answer = await honest.waitFor((e) => (e.body === 'reply' && e.reply!.id === id) || e.body === 'error', 30_000);
  expect(answer.body).toBe('reply');
  expect(honest.closeCode).toBeNull();
}

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) out.push((n & 127) | 128);
  out.push(n);
  return out;
}
const delimited = (field: number, body: Uint8Array) =>
  Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(body.length)]), body]);
/** An Envelope from `sender` numbered `seq`, for job "x" round 1, whose body is field `field` holding `body` (encoded by hand: no encoder writes these). */
function envelope(sender: string, seq: number, field: number, body: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from([0x08, PROTOCOL_VERSION, 0x12, 1, 0x78, 0x18, 1]),
    delimited(4, Buffer.from(sender)),
    Buffer.from([0x28, ...varint(seq)]),
    delimited(field, body),
  ]);
}
/** `n` empty NamedBytes entries (0x0a 0x00 each): a SecAggShares body. */
function emptyShares(n: number): Buffer {
  const b = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) b[2 * i] = 0x0a;
  return b;
}
/** Sends `whole` (numbered `seq`) as 1 MiB fragments numbered from `seq`, as FrameEncoder would; returns the next sequence number. */
function sendFragments(
  r: RawClient,
  sender: string,
  seq: number,
  whole: Uint8Array,
  upTo = Infinity,
  size = DEFAULT_FRAGMENT_BYTES,
): number {
  const count = Math.ceil(whole.length / size);
  for (let index = 0; index < Math.min(count, upTo); index++) {
    r.sendRaw(
      encodeEnvelope({
        sender,
        seq: seq + index,
        fragment: {
          messageId: 1,
          index,
          count,
          totalBytes: whole.length,
          data: whole.subarray(index * size, Math.min(whole.length, (index + 1) * size)),
        },
      }),
    );
  }
  return seq + count;
}
/** The sizes of the buffers handed to the protobuf decoder larger than one fragment frame: a whole message decoded. */
const wholeDecodes = (decode: { mock: { calls: unknown[][] } }) =>
  decode.mock.calls
    .map(([b]) => (b as Uint8Array).length)
    .filter((n) => n > DEFAULT_FRAGMENT_BYTES + FRAGMENT_HEADER_BYTES);

/**
 * `c` sends with `send`; the coordinator closes it (1009) after the error
 * codes `codes`, never having handed the protobuf decoder a buffer of `bytes`
 * (by default: any buffer larger than a fragment frame, a whole message); and
 * the honest hospital is answered after.
 */
async function expectRefusedUndecoded(
  c: RawClient,
  send: () => void,
  codes: string[],
  o: { bytes?: number; timeoutMs?: number } = {},
): Promise<void> {
  const decode = vi.spyOn(pb.Envelope, 'decode');
  send();
  expect(await c.waitClosed(o.timeoutMs ?? 30_000)).toBe(1009);
  expect(c.errorCodes()).toEqual(codes);
  const sizes = decode.mock.calls.map(([b]) => (b as Uint8Array).length);
  expect(o.bytes === undefined ? wholeDecodes(decode) : sizes.filter((n) => n === o.bytes)).toEqual([]);
  await honestIsAnswered();
}

describe("a hospital's message of millions of empty sub-messages", () => {
  it('68 MiB of empty shares in fragments is refused at its first fragment (E_WIRE_TOO_LARGE: a share list may not exceed a frame), never decoded; the honest hospital is answered', async () => {
    const h1 = await connect('h1');
    const whole = envelope('h1', 2, 32, emptyShares(Math.floor((DEFAULT_MAX_MESSAGE_BYTES - 64) / 2)));
    expect(whole.length).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
    await expectRefusedUndecoded(h1, () => sendFragments(h1, 'h1', 2, whole), ['E_WIRE_TOO_LARGE']);
  }, 60_000);

  it('an update whose tensor shape is 66 M packed zeros arrives whole (an update may fill the message limit) and is refused by its scan (E_WIRE_COUNT), never decoded', async () => {
    const h2 = await connect('h2');
    const whole = envelope('h2', 2, 16, delimited(1, delimited(1, Buffer.alloc(66_000_000))));
    await expectRefusedUndecoded(h2, () => sendFragments(h2, 'h2', 2, whole), ['E_WIRE_COUNT'], { timeoutMs: 60_000 });
  }, 90_000);

  it('a whole 16 MiB frame of empty shares is refused by its scan (E_WIRE_COUNT), never decoded', async () => {
    const h3 = await connect('h3');
    const frame = envelope('h3', 2, 32, emptyShares(Math.floor((DEFAULT_MAX_FRAME_BYTES - 64) / 2)));
    expect(frame.length).toBeLessThanOrEqual(DEFAULT_MAX_FRAME_BYTES);
    await expectRefusedUndecoded(h3, () => h3.sendRaw(frame), ['E_WIRE_COUNT'], { bytes: frame.length });
  }, 60_000);
});

describe("an auditor's frames", () => {
  it('are capped at the largest request: a 16 MiB frame of empty shares is refused unread (E_WIRE_TOO_LARGE, closed)', async () => {
    const aud = await connect('aud');
    const limit = aud.frames.find((e) => e.body === 'welcome')!.welcome!;
    // Told in its Welcome: a request of the wire's spec limit, far below a hospital's.
    expect(limit.maxMessageBytes).toBe(maxRequestBytes(MAX_SPEC_JSON_CHARS));
    expect(limit.maxFrameBytes).toBe(maxRequestBytes(MAX_SPEC_JSON_CHARS));
    const frame = envelope('aud', 2, 32, emptyShares(Math.floor((DEFAULT_MAX_FRAME_BYTES - 64) / 2)));
    await expectRefusedUndecoded(aud, () => aud.sendRaw(frame), ['E_WIRE_TOO_LARGE'], { bytes: frame.length });
  }, 60_000);

  it("of a hospital's kind are refused by their scanned header, undecoded (E_FORBIDDEN, the connection kept); within the cap, empty shares by their scan (E_WIRE_COUNT)", async () => {
    const aud = await connect('aud');
    // 10,000 shares (the most a share list may hold) of a 40-byte ciphertext each: a well-formed frame of a kind an auditor may not send.
    const shares = pb.SecAggShares.encode({
      shares: Array.from({ length: 10_000 }, (_, i) => ({ name: `h${i}`, value: new Uint8Array(40) })),
    }).finish();
    const forbidden = envelope('aud', 2, 32, shares);
    const decode = vi.spyOn(pb.Envelope, 'decode');
    aud.sendRaw(forbidden);
    await aud.waitFor((e) => e.body === 'error');
    expect(aud.errorCodes()).toEqual(['E_FORBIDDEN']);
    expect(decode.mock.calls.filter(([b]) => (b as Uint8Array).length === forbidden.length)).toEqual([]);
    expect(aud.closeCode).toBeNull();
    // Just under the auditor's frame cap, empty shares: refused by the scan, closed.
    const empty = envelope('aud', 3, 32, emptyShares(Math.floor((maxRequestBytes(MAX_SPEC_JSON_CHARS) - 64) / 2)));
    await expectRefusedUndecoded(aud, () => aud.sendRaw(empty), ['E_FORBIDDEN', 'E_WIRE_COUNT'], {
      bytes: empty.length,
    });
  }, 60_000);
});

describe('a fragmented message in flight', () => {
  it('has a deadline of valid options only (E_CONFIG_INVALID)', () => {
    for (const bad of [
      { messageTimeoutMs: 0 },
      { minBytesPerSecond: 0 },
      { minBytesPerSecond: Infinity },
      { messageTimeoutMs: Number.NaN },
    ]) {
      expect(
        errorCode(() => new Coordinator({ dbPath: ':memory:', ...bad })),
        JSON.stringify(bad),
      ).toBe('E_CONFIG_INVALID');
    }
  });

  it('not whole by its deadline is refused (E_WIRE_FRAGMENT), its connection closed and its bytes freed; an honest hospital on the same coordinator is answered', async () => {
    const short = new Coordinator({
      dbPath: ':memory:',
      port: 0,
      requireEnrolment: true,
      messageTimeoutMs: 300,
      minBytesPerSecond: 1e12,
    });
    const shortPort = await short.listen();
    try {
      for (const name of ['h1', 'honest']) short.enroll(name, 'hospital', ids[name]!.publicKey);
      const h1 = await connect('h1', shortPort);
      const other = await connect('honest', shortPort);
      const held: Reassembler[] = [];
      const collect = Reassembler.prototype.collect;
      vi.spyOn(Reassembler.prototype, 'collect').mockImplementation(function (
        this: Reassembler,
        ...args: Parameters<Reassembler['collect']>
      ) {
        const out = collect.apply(this, args);
        if (this.inFlight && !held.includes(this)) held.push(this);
        return out;
      });
      // Two of the three fragments of an update, then nothing.
      const whole = encodeEnvelope({
        sender: 'h1',
        seq: 2,
        jobId: 'x',
        round: 1,
        update: { delta: { shape: [3 * 16_384], data: new Uint8Array(4 * 3 * 16_384) }, numExamples: 1 },
      });
      sendFragments(h1, 'h1', 2, whole, 2, 64 * 1024);
      expect(await h1.waitClosed(30_000)).toBe(1002);
      expect(h1.errorCodes()).toEqual(['E_WIRE_FRAGMENT']);
      expect(held.length).toBe(1);
      expect([held[0]!.inFlight, held[0]!.heldBytes]).toEqual([false, 0]);
      other.send({ request: { id: 1, action: 'ledger.read' } });
      expect((await other.waitFor((e) => e.body === 'reply' || e.body === 'error')).body).toBe('reply');
    } finally {
      await short.close();
    }
  }, 60_000);
});
