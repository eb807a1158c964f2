/**
 * edge/wire/fragments.ts: any message cut into fragments comes back byte for
 * byte; any tampering with the stream is a typed error; no stream makes the
 * receiver hold more than its message limit.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeEnvelope, encodeEnvelope, pb, type Envelope } from '../../../edge/wire/codec.ts';
import {
  DEFAULT_FRAGMENT_BYTES,
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAGMENT_HEADER_BYTES,
  FrameEncoder,
  MIN_FRAGMENT_BYTES,
  Reassembler,
  fragmentBytesFor,
  messageLimit,
} from '../../../edge/wire/fragments.ts';
import { CohortError } from '../../../core/errors.ts';
import { MAX_PARAMS } from '../../../core/model/spec.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../../../edge/wire/codec.ts';
import { errorCode } from '../../helpers/errors.ts';

const LIMIT = 1 << 20;

/** The CohortError code `fn` throws, or 'none'. */
const code = (fn: () => unknown): string => errorCode(fn) ?? 'none';

/** A message of about `n` bytes: an update whose delta carries them. */
function message(n: number, fill = 7): Parameters<FrameEncoder['encode']>[0] {
  return {
    sender: 'h1',
    jobId: 'job-1',
    round: 3,
    update: { delta: { shape: [n >> 2], data: new Uint8Array(n).fill(fill) }, numExamples: 5 },
  };
}

const frames = (bytes: Uint8Array[]): Envelope[] => bytes.map((b) => decodeEnvelope(b));

/** Feeds frames in order; returns the whole messages that came out. */
function feed(r: Reassembler, fs: Envelope[]): Envelope[] {
  const out: Envelope[] = [];
  for (const f of fs) {
    const m = r.accept(f);
    if (m) out.push(m);
  }
  return out;
}

/** A fragment frame with some fields replaced (every frame re-encoded, so it is what a peer could send). */
function refragment(
  f: Envelope,
  patch: Partial<{
    messageId: number;
    index: number;
    count: number;
    totalBytes: number;
    data: Uint8Array;
    seq: number;
    sender: string;
  }>,
): Envelope {
  const g = f.fragment!;
  return decodeEnvelope(
    encodeEnvelope({
      sender: patch.sender ?? f.sender,
      seq: patch.seq ?? f.seq,
      fragment: {
        messageId: patch.messageId ?? g.messageId,
        index: patch.index ?? g.index,
        count: patch.count ?? g.count,
        totalBytes: patch.totalBytes ?? g.totalBytes,
        data: patch.data ?? g.data,
      },
    }),
  );
}

describe('message limit', () => {
  it('is derived from the largest model the spec allows: a hospital-level DP masked input of 2^24 words, plus 4 MiB', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(4 * 2 ** 24 + 4 * 1024 * 1024);
    // Every body with a vector of MAX_PARAMS coordinates fits, with its envelope.
    const weights = encodeEnvelope({
      sender: 'coordinator',
      seq: 1,
      jobId: 'x'.repeat(128),
      round: 1,
      roundConfig: { weights: { shape: [MAX_PARAMS], data: new Uint8Array(4 * MAX_PARAMS) }, train: true },
    });
    expect(weights.length).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBeGreaterThan(DEFAULT_MAX_FRAME_BYTES);
    expect(messageLimit(undefined, DEFAULT_MAX_FRAME_BYTES)).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(code(() => messageLimit(1000, DEFAULT_MAX_FRAME_BYTES))).toBe('E_CONFIG_INVALID');
    expect(code(() => messageLimit(2 ** 32, DEFAULT_MAX_FRAME_BYTES))).toBe('E_CONFIG_INVALID');
  });

  it('fragments fit the frame limit, and a frame limit too small for one is refused', () => {
    expect(fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES)).toBe(DEFAULT_FRAGMENT_BYTES);
    expect(fragmentBytesFor(64 * 1024)).toBe(64 * 1024 - FRAGMENT_HEADER_BYTES);
    expect(code(() => fragmentBytesFor(MIN_FRAGMENT_BYTES))).toBe('E_CONFIG_INVALID');
    expect(code(() => fragmentBytesFor(DEFAULT_MAX_FRAME_BYTES, 100))).toBe('E_CONFIG_INVALID');
    expect(code(() => new FrameEncoder(100))).toBe('E_CONFIG_INVALID');
    // The header allowance covers the largest header a fragment can have.
    const header = encodeEnvelope({
      sender: 'x'.repeat(128),
      seq: 0xffff_ffff,
      fragment: {
        messageId: 0xffff_ffff,
        index: 0xffff_ffff,
        count: 0xffff_ffff,
        totalBytes: 0xffff_ffff,
        data: new Uint8Array(DEFAULT_FRAGMENT_BYTES),
      },
    });
    expect(header.length - DEFAULT_FRAGMENT_BYTES).toBeLessThan(FRAGMENT_HEADER_BYTES);
  });
});

describe('splitting and reassembling', () => {
  it('a message of one fragment or less goes whole; a Hello always does', () => {
    const enc = new FrameEncoder(MIN_FRAGMENT_BYTES);
    const out = enc.encode(message(100));
    expect(out).toHaveLength(1);
    expect(decodeEnvelope(out[0]!).body).toBe('update');
    const hello = enc.encode({
      sender: 'h1',
      hello: {
        name: 'h1',
        datasets: [{ schemaId: 's', features: Array.from({ length: 2000 }, (_, i) => `feature-${i}`), label: 'y' }],
      },
    });
    expect(hello).toHaveLength(1);
    expect(hello[0]!.length).toBeGreaterThan(MIN_FRAGMENT_BYTES);
    expect(enc.lastSeq).toBe(2);
  });

  it('any message splits into numbered fragments and reassembles to the same bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: MIN_FRAGMENT_BYTES, max: 70_000 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 5 }),
        (n, size, fill, before) => {
          const enc = new FrameEncoder(size);
          for (let i = 0; i < before; i++) enc.encode(message(10));
          const msg = message(n, fill);
          const out = enc.encode(msg);
          const fs = frames(out);
          // Consecutive sequence numbers after the ones used before.
          expect(fs.map((f) => f.seq)).toEqual(fs.map((_, i) => before + 1 + i));
          expect(enc.lastSeq).toBe(before + fs.length);
          const r = new Reassembler(LIMIT);
          const got = feed(r, fs);
          expect(got).toHaveLength(1);
          expect(r.inFlight).toBe(false);
          expect(r.heldBytes).toBe(0);
          // The same bytes as the message encoded whole, with its first frame's sequence number.
          // (Buffer.equals: vitest's deep equality walks a byte array element by element.)
          expect(
            Buffer.from(pb.Envelope.encode(got[0]!).finish()).equals(encodeEnvelope({ ...msg, seq: before + 1 })),
          ).toBe(true);
          expect(Buffer.from(got[0]!.update!.delta!.data!).equals(Buffer.alloc(n, fill))).toBe(true);
          if (fs.length > 1)
            expect(fs.every((f) => f.body === 'fragment' && f.fragment!.data!.length <= size)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('messages follow one another, each reassembled, with frames between them', () => {
    const enc = new FrameEncoder(MIN_FRAGMENT_BYTES);
    const r = new Reassembler(LIMIT);
    const got = feed(
      r,
      frames([...enc.encode(message(50_000, 1)), ...enc.encode(message(10, 2)), ...enc.encode(message(40_000, 3))]),
    );
    expect(got.map((e) => e.update!.delta!.data![0])).toEqual([1, 2, 3]);
    expect(got.map((e) => e.seq)).toEqual([1, 5, 6]);
  });

  it("the sender refuses a message over the receiver's announced limit, and fits its fragments to the receiver's frames", () => {
    const enc = new FrameEncoder();
    enc.peerLimits({ maxFrameBytes: 64 * 1024, maxMessageBytes: 200_000 });
    expect(code(() => enc.encode(message(300_000)))).toBe('E_WIRE_TOO_LARGE');
    expect(enc.lastSeq).toBe(0);
    const out = enc.encode(message(150_000));
    expect(Math.max(...out.map((f) => f.length))).toBeLessThanOrEqual(64 * 1024);
    // Values that would stop all sending are ignored.
    enc.peerLimits({ maxFrameBytes: 10, maxMessageBytes: 0 });
    expect(enc.encode(message(150_000)).length).toBe(out.length);
  });
});

type Tamper = 'reorder' | 'duplicate' | 'drop' | 'total' | 'count' | 'id' | 'length' | 'interleave' | 'sender' | 'seq';
const TAMPERS: Tamper[] = [
  'reorder',
  'duplicate',
  'drop',
  'total',
  'count',
  'id',
  'length',
  'interleave',
  'sender',
  'seq',
];

/** `fs` (at least 3 fragments) with one tampering at fragment `at` (1 ≤ at < fs.length). */
function tamper(fs: Envelope[], how: Tamper, at: number): Envelope[] {
  const g = fs[at]!.fragment!;
  const out = [...fs];
  switch (how) {
    case 'reorder':
      [out[at - 1], out[at]] = [out[at]!, out[at - 1]!];
      break;
    case 'duplicate':
      out.splice(at, 0, fs[at - 1]!);
      break;
    // A missing fragment shows at the next frame: here the next message's.
    case 'drop':
      out.splice(at, 1);
      out.push(decodeEnvelope(encodeEnvelope({ ...message(10), seq: 1000 })));
      break;
    case 'total':
      out[at] = refragment(fs[at]!, { totalBytes: g.totalBytes! + 1 });
      break;
    case 'count':
      out[at] = refragment(fs[at]!, { count: g.count! + 1 });
      break;
    case 'id':
      out[at] = refragment(fs[at]!, { messageId: g.messageId! + 1 });
      break;
    case 'length':
      out[at] = refragment(fs[at]!, { data: new Uint8Array(g.data!.length + 1) });
      break;
    case 'interleave':
      out.splice(at, 0, decodeEnvelope(encodeEnvelope({ sender: 'h1', seq: 1, joinJob: { weight: 1 } })));
      break;
    case 'sender':
      out[at] = refragment(fs[at]!, { sender: 'h2' });
      break;
    // The inner message must carry its first fragment's sequence number.
    case 'seq':
      for (let i = 0; i < out.length; i++) out[i] = refragment(fs[i]!, { seq: fs[i]!.seq + 1 });
      break;
  }
  return out;
}

describe('a tampered stream', () => {
  it('any reordering, duplicate, gap, changed total, count, id, length or sender, or frame in between is a typed error, and nothing is held after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3 * MIN_FRAGMENT_BYTES + 1, max: 150_000 }),
        fc.constantFrom(...TAMPERS),
        fc.nat(),
        (n, how, pick) => {
          const fs = frames(new FrameEncoder(MIN_FRAGMENT_BYTES).encode(message(n)));
          const at = 1 + (pick % (fs.length - 1));
          const r = new Reassembler(LIMIT);
          const c = code(() => feed(r, tamper(fs, how, at)));
          expect(['E_WIRE_FRAGMENT', 'E_WIRE_SEQ'], `${how} at ${at} of ${fs.length}`).toContain(c);
          expect(r.inFlight).toBe(false);
          expect(r.heldBytes).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a declared total over the limit is refused at the first fragment', () => {
    const fs = frames(new FrameEncoder(MIN_FRAGMENT_BYTES).encode(message(100_000)));
    const r = new Reassembler(99_000);
    expect(code(() => r.accept(fs[0]!))).toBe('E_WIRE_TOO_LARGE');
    expect(r.heldBytes).toBe(0);
  });

  it('a first fragment that is not the first, too small, or of a count its lengths cannot make is refused', () => {
    const fs = frames(new FrameEncoder(MIN_FRAGMENT_BYTES).encode(message(100_000)));
    const r = new Reassembler(LIMIT);
    expect(code(() => r.accept(fs[1]!))).toBe('E_WIRE_FRAGMENT');
    expect(code(() => r.accept(refragment(fs[0]!, { data: new Uint8Array(MIN_FRAGMENT_BYTES - 1) })))).toBe(
      'E_WIRE_FRAGMENT',
    );
    expect(code(() => r.accept(refragment(fs[0]!, { count: 1 })))).toBe('E_WIRE_FRAGMENT');
    expect(code(() => r.accept(refragment(fs[0]!, { count: 1000 })))).toBe('E_WIRE_FRAGMENT');
    expect(code(() => r.accept(refragment(fs[0]!, { totalBytes: 0, count: 0 })))).toBe('E_WIRE_FRAGMENT');
  });

  it('a fragmented message that is itself a fragment (nested) is refused', () => {
    // A fragment frame too large for one fragment, so it goes in fragments itself.
    const nested = {
      sender: 'h1',
      fragment: {
        messageId: 9,
        index: 0,
        count: 2,
        totalBytes: 2 * MIN_FRAGMENT_BYTES + 2,
        data: new Uint8Array(MIN_FRAGMENT_BYTES + 1),
      },
    };
    const fs = frames(new FrameEncoder(MIN_FRAGMENT_BYTES).encode(nested));
    expect(fs.length).toBeGreaterThan(1);
    expect(code(() => feed(new Reassembler(LIMIT), fs))).toBe('E_WIRE_FRAGMENT');
  });

  it('whatever frames a peer sends, the receiver holds at most its limit, and every refusal is typed', () => {
    const limit = 100_000;
    const arbFrame = fc.record({
      messageId: fc.integer({ min: 0, max: 3 }),
      index: fc.integer({ min: 0, max: 8 }),
      count: fc.integer({ min: 0, max: 8 }),
      totalBytes: fc.oneof(fc.integer({ min: 0, max: 2 * limit }), fc.constant(limit)),
      size: fc.oneof(fc.integer({ min: 0, max: 40_000 }), fc.constant(MIN_FRAGMENT_BYTES)),
    });
    fc.assert(
      fc.property(fc.array(arbFrame, { maxLength: 30 }), (specs) => {
        const r = new Reassembler(limit);
        let seq = 0;
        for (const s of specs) {
          const f = decodeEnvelope(
            encodeEnvelope({
              sender: 'h1',
              seq: ++seq,
              fragment: {
                messageId: s.messageId,
                index: s.index,
                count: s.count,
                totalBytes: s.totalBytes,
                data: new Uint8Array(s.size),
              },
            }),
          );
          try {
            r.accept(f);
          } catch (e) {
            expect(e).toBeInstanceOf(CohortError);
          }
          expect(r.heldBytes).toBeLessThanOrEqual(limit);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the header of the first fragment, the limit of its kind, the deadline', () => {
  const fs = () => frames(new FrameEncoder(MIN_FRAGMENT_BYTES).encode(message(100_000)));

  it("a kind's limit (limitOf, from the first fragment's header) refuses the message there, nothing held", () => {
    const kinds: string[] = [];
    const r = new Reassembler(LIMIT, {
      limitOf: (h) => (kinds.push(`${h.body} ${h.sender} ${h.jobId} ${h.round}`), 50_000),
    });
    expect(code(() => r.accept(fs()[0]!))).toBe('E_WIRE_TOO_LARGE');
    expect(kinds).toEqual(['update h1 job-1 3']);
    expect([r.inFlight, r.heldBytes]).toEqual([false, 0]);
    const ok = new Reassembler(LIMIT, { limitOf: () => 100_100 });
    expect(feed(ok, fs()).map((e) => e.body)).toEqual(['update']);
  });

  it('a first fragment that does not show the header and body tag, or whose header disagrees with it, is refused', () => {
    const [first] = fs();
    expect(
      code(() =>
        new Reassembler(LIMIT).accept(
          refragment(first!, { data: new Uint8Array(first!.fragment!.data!.length).fill(0xaa) }),
        ),
      ),
    ).toBe('E_WIRE_FRAGMENT');
    expect(code(() => new Reassembler(LIMIT).accept(refragment(first!, { seq: first!.seq + 1 })))).toBe('E_WIRE_SEQ');
    expect(code(() => new Reassembler(LIMIT).accept(refragment(first!, { sender: 'h2' })))).toBe('E_WIRE_FIELD');
  });

  it('a message not whole by its deadline: a late fragment is refused, and expire() frees it', () => {
    const r = new Reassembler(LIMIT, { deadlineMs: (total) => total / 1000 });
    const [a, b, c] = fs();
    expect(r.accept(a!, 0)).toBeNull();
    expect(r.deadline).toBe(a!.fragment!.totalBytes! / 1000);
    expect(r.accept(b!, 50)).toBeNull();
    expect(r.expire(99)).toBeNull();
    expect(code(() => r.accept(c!, 101))).toBe('E_WIRE_FRAGMENT');
    expect([r.inFlight, r.heldBytes, r.deadline]).toEqual([false, 0, null]);
    const s = new Reassembler(LIMIT, { deadlineMs: () => 10 });
    s.accept(a!, 0);
    expect(s.heldBytes).toBeGreaterThan(0);
    expect(s.expire(10)!.code).toBe('E_WIRE_FRAGMENT');
    expect([s.inFlight, s.heldBytes]).toEqual([false, 0]);
  });
});

describe('wire form', () => {
  it('Fragment is Envelope body 25 and Welcome carries the message limit', () => {
    const env = decodeEnvelope(
      encodeEnvelope({
        sender: 'c',
        seq: 1,
        welcome: { coordinatorId: 'c', maxFrameBytes: 1, maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES },
      }),
    );
    expect(env.welcome!.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    const frag = decodeEnvelope(
      encodeEnvelope({
        sender: 'c',
        seq: 1,
        fragment: { messageId: 1, index: 0, count: 2, totalBytes: 3, data: new Uint8Array([1, 2]) },
      }),
    );
    expect(frag.body).toBe('fragment');
    // Field 25 of the Envelope, wire type 2: tag byte (25 << 3 | 2) = 0xca, 0x01 as a varint.
    expect(Buffer.from(encodeEnvelope({ fragment: {} })).includes(Buffer.from([0xca, 0x01]))).toBe(true);
  });
});
