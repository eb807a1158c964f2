/**
 * The structural scan before every decode (edge/wire/wire-scan.ts, called by
 * edge/wire/codec.ts scanEnvelope and decodeEnvelope): every message the codec
 * encodes from valid inputs passes it, with the header the decoder reads;
 * the red team's decode-amplification payloads, nesting bombs and
 * non-canonical encodings are refused with a typed code before protobufjs
 * builds anything.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import {
  DEFAULT_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  WIRE_LIMITS,
  decodeEnvelope,
  decodeScanned,
  encodeEnvelope,
  pb,
  peekEnvelope,
  scanEnvelope,
  type EnvelopeInit,
  type ScannedEnvelope,
} from '../../../edge/wire/codec.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../edge/wire/fragments.ts';
import { SCHEMA, WireScanner, schemaDepth, type ScanLimits } from '../../../edge/wire/wire-scan.ts';
import { MAX_CLIENTS } from '../../../core/secagg/params.ts';
import { errorCode } from '../../helpers/errors.ts';
import { sessionKeys } from '../../helpers/session-keys.ts';

afterEach(() => vi.restoreAllMocks());

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) out.push((n & 127) | 128);
  out.push(n);
  return out;
}
/** Field `field` of wire type 2 holding `body`. */
const delimited = (field: number, body: Uint8Array | number[]) =>
  Buffer.concat([Buffer.from([...varint((field << 3) | 2), ...varint(body.length)]), Buffer.from(body)]);
/** The header the red team's payloads carry (version 3, job "x", round 1, sender "h1", seq 2), then `body`. */
const HEADER = Buffer.concat([
  Buffer.from([0x08, PROTOCOL_VERSION]),
  delimited(2, Buffer.from('x')),
  Buffer.from([0x18, 1]),
  delimited(4, Buffer.from('h1')),
  Buffer.from([0x28, 2]),
]);
const withBody = (...body: Uint8Array[]) => Buffer.concat([HEADER, ...body]);
/** `n` empty NamedBytes entries: two bytes each (tag 0x0a, length 0). */
function emptyShares(n: number): Buffer {
  const b = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) b[2 * i] = 0x0a;
  return b;
}
const scanner = (limits: Partial<ScanLimits> = {}) => new WireScanner({ ...WIRE_LIMITS, ...limits });

/** Arbitrary values of every field of a schema type, repeated fields within their caps (at most 3 elements here). */
function arbitraryOf(type: protobuf.Type): fc.Arbitrary<Record<string, unknown>> {
  const scalar = (f: protobuf.Field): fc.Arbitrary<unknown> => {
    if (f.resolvedType instanceof protobuf.Type) return arbitraryOf(f.resolvedType);
    if (f.resolvedType instanceof protobuf.Enum) return fc.constantFrom(...Object.values(f.resolvedType.values));
    switch (f.type) {
      case 'string':
        return fc.string({ maxLength: 12 });
      case 'bytes':
        return fc.uint8Array({ maxLength: 40 });
      case 'bool':
        return fc.boolean();
      case 'double':
        return fc.double();
      case 'float':
        return fc.float();
      case 'uint32':
      case 'fixed32':
        return fc.integer({ min: 0, max: 0xffff_ffff });
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
      case 'uint64':
      case 'int64':
      case 'fixed64':
        return fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
      default:
        throw new Error(`no arbitrary for ${f.type}`);
    }
  };
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of type.fieldsArray) {
    f.resolve();
    if (f.partOf && f.partOf.fieldsArray.length > 1) continue; // a real oneof: one member, below
    const cap = WIRE_LIMITS.repeated[`${type.name}.${f.name}`] ?? WIRE_LIMITS.defaultRepeated;
    plain[f.name] = f.repeated ? fc.array(scalar(f), { maxLength: Math.min(3, cap) }) : scalar(f);
  }
  const oneofs = type.oneofsArray.filter((o) => o.fieldsArray.length > 1);
  const members = oneofs.flatMap((o) => o.fieldsArray).map((f) => scalar(f).map((v) => ({ [f.name]: v })));
  // The Envelope always has a body (the codec refuses one without); a member of any other oneof may be absent.
  const body = members.length ? fc.oneof(...members) : fc.constant({});
  return fc.tuple(fc.record(plain, { requiredKeys: [] }), body).map(([f, b]) => ({ ...f, ...b }));
}
const ENVELOPE = SCHEMA.lookupType('cohort.v1.Envelope');

describe('every message the codec encodes from valid inputs passes the scan', () => {
  it('for arbitrary envelopes of every body kind: the header the scan reads is the one the decoder reads', () => {
    fc.assert(
      fc.property(arbitraryOf(ENVELOPE), fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), (env, sender) => {
        const bytes = encodeEnvelope({ ...(env as EnvelopeInit), version: PROTOCOL_VERSION, sender });
        const s = scanEnvelope(bytes, Infinity);
        // The decoder itself (the codec's text checks after it refuse many of these random values).
        const d = pb.Envelope.decode(bytes);
        expect(s.header).toEqual({
          version: d.version,
          jobId: d.jobId,
          round: d.round,
          sender: d.sender,
          seq: d.seq,
          body: d.body,
        });
      }),
      { numRuns: 400 },
    );
  });

  it('at every named cap: a list of exactly the cap passes, one more is refused (E_WIRE_COUNT)', () => {
    const shares = (n: number) =>
      encodeEnvelope({
        sender: 'h1',
        seq: 1,
        secaggShares: {
          shares: Array.from({ length: n }, (_, i) => ({ name: `h${i}`, value: new Uint8Array(8) })),
        },
      });
    expect(decodeEnvelope(shares(MAX_CLIENTS), Infinity).secaggShares!.shares!.length).toBe(MAX_CLIENTS);
    expect(errorCode(() => decodeEnvelope(shares(MAX_CLIENTS + 1), Infinity))).toBe('E_WIRE_COUNT');
    const shape = (n: number) =>
      encodeEnvelope({
        sender: 'h1',
        seq: 1,
        update: { delta: { shape: Array.from({ length: n }, () => 0xffff_ffff), data: new Uint8Array(4) } },
      });
    expect(decodeEnvelope(shape(8)).update!.delta!.shape!.length).toBe(8);
    expect(errorCode(() => decodeEnvelope(shape(9)))).toBe('E_WIRE_COUNT');
    const hello = (n: number) =>
      encodeEnvelope({
        sender: 'h1',
        seq: 1,
        hello: { name: 'h1', datasets: [{ schemaId: 's', features: Array.from({ length: n }, (_, i) => `f${i}`) }] },
      });
    expect(decodeEnvelope(hello(100_000)).hello!.datasets![0]!.features!.length).toBe(100_000);
    expect(errorCode(() => decodeEnvelope(hello(100_001)))).toBe('E_WIRE_COUNT');
  });

  it('the largest honest message fits the field bound: the keys of a 10,000-hospital session', () => {
    const names = Array.from({ length: MAX_CLIENTS }, (_, i) => `hospital-${i}`);
    const keys = encodeEnvelope({
      sender: 'coordinator',
      seq: 1,
      secaggKeys: sessionKeys(names),
    });
    expect(decodeEnvelope(keys).secaggKeys!.clients!.length).toBe(MAX_CLIENTS);
  });

  it('names only repeated fields of the schema in its caps, and nests no deeper than its bound', () => {
    expect(schemaDepth()).toBe(2); // Envelope, Hello, DatasetInfo
    expect(schemaDepth()).toBeLessThanOrEqual(WIRE_LIMITS.maxDepth);
    expect(errorCode(() => scanner({ repeated: { 'SecAggShares.share': 1 } }))).toBe('E_INTERNAL');
    expect(errorCode(() => scanner({ repeated: { 'Envelope.sender': 1 } }))).toBe('E_INTERNAL');
    expect(errorCode(() => scanner({ maxFields: 0 }))).toBe('E_CONFIG_INVALID');
  });
});

describe('published encoding facts (protobuf.dev, "Encoding")', () => {
  it('a packed repeated field [3, 270, 86942] is 06 03 8e 02 9e a7 05 after its tag: three elements, counted in its bytes', () => {
    const bytes = pb.Tensor.encode({ shape: [3, 270, 86942] }).finish();
    expect(Buffer.from(bytes).toString('hex')).toBe('0a06038e029ea705');
    const env = withBody(delimited(16, delimited(1, bytes)));
    expect(scanner({ repeated: { 'Tensor.shape': 3 } }).scan(env).body).toBe('update');
    expect(errorCode(() => scanner({ repeated: { 'Tensor.shape': 2 } }).scan(env))).toBe('E_WIRE_COUNT');
  });

  it('150 in a varint field 1 is 08 96 01; groups are wire types 3 and 4, which proto3 does not use', () => {
    // Field 1 of the Envelope is its version: the scan reads it as the decoder does.
    expect(scanner().scan(Buffer.from([0x08, 0x96, 0x01])).version).toBe(150);
    // Field 20 (Error) as a group: start-group tag (20 << 3 | 3) then end-group.
    expect(
      errorCode(() => scanEnvelope(withBody(Buffer.from([...varint((20 << 3) | 3), ...varint((20 << 3) | 4)])))),
    ).toBe('E_WIRE_DECODE');
  });
});

describe("the red team's payloads are refused before the decode", () => {
  const spy = () => vi.spyOn(pb.Envelope, 'decode');

  it("a hospital's 68 MiB message of 35.7 M empty shares: E_WIRE_COUNT, no decode", () => {
    const n = Math.floor((DEFAULT_MAX_MESSAGE_BYTES - 64) / 2);
    const bytes = withBody(delimited(32, emptyShares(n)));
    expect(bytes.length).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_BYTES);
    const decode = spy();
    expect(errorCode(() => decodeEnvelope(bytes, DEFAULT_MAX_MESSAGE_BYTES))).toBe('E_WIRE_COUNT');
    expect(decode).not.toHaveBeenCalled();
  });

  it('an update whose tensor shape is 66 M packed zero varints: E_WIRE_COUNT, no decode', () => {
    const shape = delimited(1, Buffer.alloc(66_000_000));
    const bytes = withBody(delimited(16, delimited(1, shape)));
    const decode = spy();
    expect(errorCode(() => decodeEnvelope(bytes, DEFAULT_MAX_MESSAGE_BYTES))).toBe('E_WIRE_COUNT');
    expect(decode).not.toHaveBeenCalled();
  });

  it("an auditor's 16 MiB frame of 8.4 M empty shares: E_WIRE_COUNT, no decode", () => {
    const bytes = withBody(delimited(32, emptyShares(Math.floor((DEFAULT_MAX_FRAME_BYTES - 64) / 2))));
    const decode = spy();
    expect(errorCode(() => decodeEnvelope(bytes))).toBe('E_WIRE_COUNT');
    expect(decode).not.toHaveBeenCalled();
  });

  it('unknown fields, each skipped as the decoder skips it, count towards the field bound', () => {
    // The header's five fields and the body: 6; then unknown varint fields (field 99: a two-byte tag and a zero).
    const unknown = (n: number) => Buffer.concat(Array.from({ length: n }, () => Buffer.from([...varint(99 << 3), 0])));
    expect(scanEnvelope(withBody(delimited(20, []), unknown(WIRE_LIMITS.maxFields - 6)), Infinity).header.body).toBe(
      'error',
    );
    expect(
      errorCode(() => scanEnvelope(withBody(delimited(20, []), unknown(WIRE_LIMITS.maxFields - 5)), Infinity)),
    ).toBe('E_WIRE_COUNT');
  });
});

describe('nesting bombs and non-canonical encodings', () => {
  it('100,000 nested groups: E_WIRE_DECODE at the first (protobufjs would recurse into them)', () => {
    // Start-group tags of an unknown field (99), 100,000 deep: at the top level, and inside the error body.
    const bomb = Buffer.concat(Array.from({ length: 100_000 }, () => Buffer.from(varint((99 << 3) | 3))));
    expect(errorCode(() => scanEnvelope(withBody(delimited(20, []), bomb)))).toBe('E_WIRE_DECODE');
    expect(errorCode(() => scanEnvelope(withBody(delimited(20, bomb))))).toBe('E_WIRE_DECODE');
  });

  it('sub-messages nested past the bound: E_WIRE_DEPTH (the schema is 2 deep; a bound of 1 refuses a layer)', () => {
    const hello = encodeEnvelope({ sender: 'h', seq: 1, hello: { name: 'h', datasets: [{ features: ['a'] }] } });
    expect(scanner({ maxDepth: 2 }).scan(hello).body).toBe('hello');
    expect(errorCode(() => scanner({ maxDepth: 1 }).scan(hello))).toBe('E_WIRE_DEPTH');
    // Unknown length-delimited fields are skipped whole, as the decoder skips them: however deep their bytes nest, nothing is parsed.
    let blob: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 1000; i++) blob = delimited(1, blob);
    expect(decodeEnvelope(withBody(delimited(20, []), delimited(99, blob))).body).toBe('error');
  });

  it('refuses a singular field twice, two bodies, another wire type for a known field, a truncated field, an over-long varint, field number 0', () => {
    const error = delimited(20, []);
    expect(errorCode(() => scanEnvelope(Buffer.concat([HEADER, Buffer.from([0x18, 2]), error])))).toBe('E_WIRE_COUNT'); // round twice
    expect(errorCode(() => scanEnvelope(withBody(error, delimited(16, []))))).toBe('E_WIRE_COUNT'); // an error and an update
    expect(errorCode(() => scanEnvelope(withBody(delimited(16, [0x10, 1, 0x10, 2]))))).toBe('E_WIRE_COUNT'); // update.numExamples twice
    expect(errorCode(() => scanEnvelope(withBody(Buffer.from([...varint(16 << 3), 0]))))).toBe('E_WIRE_DECODE'); // update as a varint
    expect(errorCode(() => scanEnvelope(withBody(Buffer.from([...varint((20 << 3) | 2), 5]))))).toBe('E_WIRE_DECODE'); // 5 bytes announced, none sent
    expect(
      errorCode(() => scanEnvelope(withBody(error, Buffer.from([...varint(99 << 3), ...Array(11).fill(0xff), 1])))),
    ).toBe('E_WIRE_DECODE');
    expect(errorCode(() => scanEnvelope(withBody(error, Buffer.from([0x00, 0x00]))))).toBe('E_WIRE_DECODE');
    // A sub-message longer than its parent.
    expect(
      errorCode(() =>
        scanEnvelope(withBody(Buffer.from([...varint((16 << 3) | 2), 4, ...varint((1 << 3) | 2), 50, 0, 0]))),
      ),
    ).toBe('E_WIRE_DECODE');
  });

  it('checks the header before any decode: version, a body, names; and decodes only what it scanned', () => {
    const spy = vi.spyOn(pb.Envelope, 'decode');
    expect(errorCode(() => scanEnvelope(encodeEnvelope({ version: 2, sender: 'a', seq: 1, error: {} })))).toBe(
      'E_WIRE_VERSION',
    );
    expect(errorCode(() => scanEnvelope(encodeEnvelope({ sender: 'a', seq: 1 })))).toBe('E_WIRE_FIELD');
    expect(errorCode(() => scanEnvelope(encodeEnvelope({ sender: 'a b', seq: 1, error: {} })))).toBe('E_WIRE_FIELD');
    expect(
      errorCode(() => scanEnvelope(encodeEnvelope({ sender: 'a', jobId: 'j'.repeat(385), seq: 1, error: {} }))),
    ).toBe('E_WIRE_FIELD');
    expect(spy).not.toHaveBeenCalled();
    // Invalid UTF-8 in the job id: refused, as the decoder would refuse it.
    const odd = Buffer.concat([
      Buffer.from([0x08, PROTOCOL_VERSION]),
      delimited(2, Buffer.from([0xff, 0xfe, 0x41, 0xc3])),
      delimited(4, Buffer.from('a')),
      Buffer.from([0x28, 1]),
      delimited(20, []),
    ]);
    expect(errorCode(() => scanEnvelope(odd))).toBe('E_WIRE_DECODE');
    expect(spy).not.toHaveBeenCalled();
    expect(() => pb.Envelope.decode(odd)).toThrow();
    spy.mockClear();
    const forged = {
      bytes: encodeEnvelope({ sender: 'a', seq: 1, error: {} }),
      header: scanEnvelope(encodeEnvelope({ sender: 'a', seq: 1, error: {} })).header,
    } as ScannedEnvelope;
    expect(errorCode(() => decodeScanned(forged))).toBe('E_INTERNAL');
  });
});

describe('peekEnvelope: the header of a message from its first bytes', () => {
  it('reads the header and body kind of a prefix that reaches the body tag; null before it', () => {
    const whole = encodeEnvelope({
      sender: 'h1',
      seq: 7,
      jobId: 'job',
      round: 3,
      update: { delta: { shape: [1e6], data: new Uint8Array(4e6) } },
    });
    const h = peekEnvelope(whole.subarray(0, 64));
    expect(h).toEqual({ version: PROTOCOL_VERSION, jobId: 'job', round: 3, sender: 'h1', seq: 7, body: 'update' });
    expect(peekEnvelope(whole.subarray(0, 10))).toBeNull();
    expect(errorCode(() => peekEnvelope(encodeEnvelope({ version: 9, sender: 'h1', seq: 1, error: {} })))).toBe(
      'E_WIRE_VERSION',
    );
  });
});
