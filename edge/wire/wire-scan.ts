/**
 * A structural scan of an encoded Envelope, run before protobufjs builds any
 * object from it (edge/wire/codec.ts scanEnvelope). In the protobuf wire format
 * (https://protobuf.dev/programming-guides/encoding/) two bytes, a tag and a
 * zero length, are one empty sub-message, and one byte is one element of a
 * packed varint field, so the decoder's work and memory grow with the count
 * of fields, not with the bytes: 68 MiB of empty shares took protobufjs
 * 4.4 s and 1.8 GB of heap (issue 16). The scan walks the tags with
 * protobufjs's own Reader, guided by the schema, building nothing per
 * element, and refuses, before the decode:
 * - a repeated field with more elements in one message than its cap
 *   (`limits.repeated`, else `limits.defaultRepeated`); a packed field's
 *   elements are counted in its bytes, after its length is bounded by the cap;
 * - a singular field present twice, or two fields of one oneof (a second
 *   body): the encoder never writes either, and either would make what the
 *   decoder keeps differ from what was checked;
 * - more than `limits.maxFields` fields in the whole message, and messages
 *   nested deeper than `limits.maxDepth` (E_WIRE_COUNT, E_WIRE_DEPTH);
 * - anything the decoder would not read as the scan did: a known field of
 *   another wire type, a group (proto3 has none; protobufjs would recurse
 *   through nested groups), a truncated field, a varint over 10 bytes
 *   (E_WIRE_DECODE).
 * Unknown fields are skipped, as the decoder skips them, and counted.
 *
 * The schema is the one the static codec is generated from
 * (proto/cohort.proto, read and parsed by protobufjs once, at load): the
 * generated module has no reflection, and a hand-kept table of sub-message
 * fields could drift from the file.
 */
import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { CohortError } from '../../core/errors.ts';

export interface ScanLimits {
  /** Deepest sub-message, the Envelope at depth 0. */
  maxDepth: number;
  /** Fields in the whole message: every tag, and every element of a packed field. */
  maxFields: number;
  /** Elements of a repeated field in one message, unless `repeated` names it. */
  defaultRepeated: number;
  /** Caps of named repeated fields, as "Message.field" (protobufjs's camelCase names). */
  repeated: Readonly<Record<string, number>>;
  /** Bytes of the Envelope's text header fields (job id, sender) the scan reads. */
  maxHeaderTextBytes: number;
}

/** The Envelope's header fields, read without decoding its body; `body` is the oneof member present (null: none). */
export interface WireHeader {
  version: number;
  jobId: string;
  round: number;
  sender: string;
  seq: number;
  body: string | null;
}

const PACKAGE = 'cohort.v1';
const ROOT = 'Envelope';
const HEADER_FIELDS = new Set(['version', 'jobId', 'round', 'sender', 'seq']);

interface FieldInfo {
  /** "Message.field", for errors and caps. */
  name: string;
  short: string;
  /** Index of its counter in the message's counters. */
  slot: number;
  /** The wire type it is written with (2 for sub-messages, strings, bytes). */
  wire: number;
  message: MessageInfo | null;
  /** Repeated numeric field: -1 if not packable, else the bytes of an element (0: a varint). */
  packedBytes: number;
  /** Most occurrences in one message: 1 if singular. */
  cap: number;
  /** Counter slot of its oneof (at most one member present), or -1. */
  oneof: number;
  /** Depth 0 only: read as an Envelope header field. */
  header: boolean;
}

interface MessageInfo {
  name: string;
  /** By field number (dense: the schema's numbers are small). */
  fields: (FieldInfo | undefined)[];
  /** Counters a message of this type needs (one per field, one per oneof). */
  slots: number;
}

function wireTypeOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type) return 2;
  if (field.resolvedType instanceof protobuf.Enum) return 0;
  const basic = (protobuf.types.basic as Record<string, number | undefined>)[field.type];
  if (basic === undefined)
    throw new CohortError('E_INTERNAL', `proto/cohort.proto: no wire type for ${field.fullName} (${field.type})`);
  return basic;
}

function packedBytesOf(field: protobuf.Field): number {
  if (!field.repeated || field.resolvedType instanceof protobuf.Type) return -1;
  const wire =
    field.resolvedType instanceof protobuf.Enum
      ? 0
      : (protobuf.types.packed as Record<string, number | undefined>)[field.type];
  return wire === undefined ? -1 : wire === 0 ? 0 : wire === 1 ? 8 : 4;
}

/** The schema's message types as scan tables, each field's cap applied. E_INTERNAL if a cap names no repeated field. */
function compile(root: protobuf.Root, limits: ScanLimits): MessageInfo {
  const infos = new Map<protobuf.Type, MessageInfo>();
  const named = new Set<string>();
  const infoOf = (type: protobuf.Type): MessageInfo => {
    const known = infos.get(type);
    if (known) return known;
    const info: MessageInfo = { name: type.name, fields: [], slots: 0 };
    infos.set(type, info);
    const oneofSlots = new Map<protobuf.OneOf, number>();
    for (const o of type.oneofsArray) oneofSlots.set(o, info.slots++);
    for (const f of type.fieldsArray) {
      f.resolve();
      const name = `${type.name}.${f.name}`;
      const cap = f.repeated ? (limits.repeated[name] ?? limits.defaultRepeated) : 1;
      if (f.repeated && name in limits.repeated) named.add(name);
      info.fields[f.id] = {
        name,
        short: f.name,
        slot: info.slots++,
        wire: wireTypeOf(f),
        message: null,
        packedBytes: packedBytesOf(f),
        cap,
        oneof: f.partOf ? oneofSlots.get(f.partOf)! : -1,
        header: type.name === ROOT && HEADER_FIELDS.has(f.name),
      };
    }
    for (const f of type.fieldsArray) {
      if (f.resolvedType instanceof protobuf.Type) info.fields[f.id]!.message = infoOf(f.resolvedType);
    }
    return info;
  };
  const top = infoOf(root.lookupType(`${PACKAGE}.${ROOT}`));
  const stray = Object.keys(limits.repeated).filter((n) => !named.has(n));
  if (stray.length)
    throw new CohortError('E_INTERNAL', `wire caps name no repeated field of proto/cohort.proto: ${stray.join(', ')}`);
  return top;
}

/** proto/cohort.proto, parsed once: the source the static codec (proto/generated/) is generated from. */
export const SCHEMA: protobuf.Root = (() => {
  const root = protobuf.parse(readFileSync(new URL('../../proto/cohort.proto', import.meta.url), 'utf8')).root;
  root.resolveAll();
  return root;
})();

/** Deepest nesting of sub-messages in the schema (the Envelope at 0); the schema has no recursive type. */
export function schemaDepth(
  type: protobuf.Type = SCHEMA.lookupType(`${PACKAGE}.${ROOT}`),
  seen: readonly protobuf.Type[] = [],
): number {
  if (seen.includes(type)) throw new CohortError('E_INTERNAL', `proto/cohort.proto: ${type.name} is recursive`);
  let deepest = 0;
  for (const f of type.fieldsArray) {
    if (f.resolvedType instanceof protobuf.Type)
      deepest = Math.max(deepest, 1 + schemaDepth(f.resolvedType, [...seen, type]));
  }
  return deepest;
}

const decodeError = (why: string) => new CohortError('E_WIRE_DECODE', `not a valid Envelope: ${why}`);

/** A scanner for one set of limits: its tables built once, its counters reused by every scan. */
export class WireScanner {
  private readonly root: MessageInfo;
  /** One row of counters per depth, sized for the widest message: nothing is allocated per element. */
  private readonly counters: Uint32Array[];
  private fields = 0;

  constructor(private readonly limits: ScanLimits) {
    for (const [what, v] of Object.entries({
      maxDepth: limits.maxDepth,
      maxFields: limits.maxFields,
      defaultRepeated: limits.defaultRepeated,
      maxHeaderTextBytes: limits.maxHeaderTextBytes,
    })) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new CohortError('E_CONFIG_INVALID', `"${what}" expected a positive integer, got ${v}`);
    }
    this.root = compile(SCHEMA, limits);
    let widest = 0;
    const seen = new Set<MessageInfo>();
    const visit = (m: MessageInfo) => {
      if (seen.has(m)) return;
      seen.add(m);
      widest = Math.max(widest, m.slots);
      for (const f of m.fields) if (f?.message) visit(f.message);
    };
    visit(this.root);
    this.counters = Array.from({ length: limits.maxDepth + 1 }, () => new Uint32Array(widest));
  }

  /**
   * Scans a whole encoded Envelope: its header and body kind, or a typed
   * refusal (E_WIRE_DECODE, E_WIRE_COUNT, E_WIRE_DEPTH, E_WIRE_FIELD for an
   * over-long header text) before anything is decoded.
   */
  scan(bytes: Uint8Array): WireHeader {
    const header: WireHeader = { version: 0, jobId: '', round: 0, sender: '', seq: 0, body: null };
    this.fields = 0;
    const reader = protobuf.Reader.create(bytes);
    try {
      this.message(reader, bytes.length, this.root, 0, header, false);
    } catch (err) {
      throw err instanceof CohortError ? err : decodeError((err as Error).message);
    }
    return header;
  }

  /**
   * The header of a message of which only `prefix` has arrived (a first
   * fragment): its top-level fields up to the body's tag, without reading the
   * body. Null if the prefix ends first, or does not parse.
   */
  peek(prefix: Uint8Array): WireHeader | null {
    const header: WireHeader = { version: 0, jobId: '', round: 0, sender: '', seq: 0, body: null };
    this.fields = 0;
    try {
      this.message(protobuf.Reader.create(prefix), prefix.length, this.root, 0, header, true);
    } catch (err) {
      // A read past the prefix (RangeError from the Reader): the rest has not arrived.
      if (err instanceof CohortError) throw err;
      return null;
    }
    return header.body === null ? null : header;
  }

  /** Walks one message of `type` ending at `end`. With `peek`, stops at the Envelope's body tag. */
  private message(
    reader: protobuf.Reader,
    end: number,
    type: MessageInfo,
    depth: number,
    header: WireHeader,
    peek: boolean,
  ): void {
    const counts = this.counters[depth]!;
    counts.fill(0, 0, type.slots);
    const outer = reader.len;
    // As the generated decoder does: reads past the end of this message fail (RangeError).
    reader.len = end;
    while (reader.pos < end) {
      const tag = reader.tag();
      const number = tag >>> 3;
      const wire = tag & 7;
      if (number === 0) throw decodeError('field number 0');
      if (++this.fields > this.limits.maxFields)
        throw new CohortError('E_WIRE_COUNT', `more than ${this.limits.maxFields} fields in one message`);
      const f = type.fields[number];
      if (!f) {
        this.skip(reader, wire);
        continue;
      }
      if (f.packedBytes >= 0 && wire === 2) {
        this.packed(reader, f, counts);
        continue;
      }
      if (wire !== f.wire) throw decodeError(`${f.name} has wire type ${wire}, not ${f.wire}`);
      if (++counts[f.slot]! > f.cap) {
        throw new CohortError(
          'E_WIRE_COUNT',
          f.cap === 1 ? `${f.name} appears more than once` : `${f.name} has more than ${f.cap} elements`,
        );
      }
      if (f.oneof >= 0 && ++counts[f.oneof]! > 1)
        throw new CohortError('E_WIRE_COUNT', `${f.name}: more than one field of its oneof`);
      if (depth === 0 && f.oneof >= 0) {
        header.body = f.short;
        if (peek) return;
      }
      if (depth === 0 && f.header) {
        this.headerField(reader, f, header);
      } else if (f.message) {
        if (depth + 1 > this.limits.maxDepth)
          throw new CohortError('E_WIRE_DEPTH', `${f.name} nested deeper than ${this.limits.maxDepth}`);
        const length = reader.size();
        const inner = reader.pos + length;
        if (inner > end) throw decodeError(`${f.name} runs past its message`);
        this.message(reader, inner, f.message, depth + 1, header, false);
      } else {
        this.skip(reader, wire);
      }
    }
    if (reader.pos !== end) throw decodeError(`${type.name} runs past its end`);
    reader.len = outer;
  }

  /** A packed repeated field: its length bounded by its cap before its elements are counted. */
  private packed(reader: protobuf.Reader, f: FieldInfo, counts: Uint32Array): void {
    const length = reader.size();
    const start = reader.pos;
    const most = f.cap * (f.packedBytes === 0 ? 10 : f.packedBytes);
    if (length > most)
      throw new CohortError('E_WIRE_COUNT', `${f.name} has more than ${f.cap} elements (${length} bytes packed)`);
    reader.skip(length);
    let n = 0;
    if (f.packedBytes === 0) {
      const buf = reader.buf;
      for (let i = start; i < start + length; i++) if (buf[i]! < 128) n++;
    } else {
      n = Math.ceil(length / f.packedBytes);
    }
    counts[f.slot]! += n;
    this.fields += n;
    if (counts[f.slot]! > f.cap) throw new CohortError('E_WIRE_COUNT', `${f.name} has more than ${f.cap} elements`);
    if (this.fields > this.limits.maxFields)
      throw new CohortError('E_WIRE_COUNT', `more than ${this.limits.maxFields} fields in one message`);
  }

  private headerField(reader: protobuf.Reader, f: FieldInfo, header: WireHeader): void {
    if (f.wire === 0) {
      // Read as the decoder reads it.
      (header as unknown as Record<string, number>)[f.short] = reader.uint32();
      return;
    }
    const start = reader.pos;
    const length = reader.size();
    if (length > this.limits.maxHeaderTextBytes)
      throw new CohortError('E_WIRE_FIELD', `"${f.short}" longer than ${this.limits.maxHeaderTextBytes} bytes`);
    // Read again as the decoder reads it: proto3 strings must be valid UTF-8.
    reader.pos = start;
    (header as unknown as Record<string, string>)[f.short] = reader.stringVerify();
  }

  /** Skips a scalar, string, bytes or unknown field; groups are refused. */
  private skip(reader: protobuf.Reader, wire: number): void {
    switch (wire) {
      case 0: {
        const start = reader.pos;
        reader.skip();
        if (reader.pos - start > 10) throw decodeError('a varint of more than 10 bytes');
        return;
      }
      case 1:
        reader.skip(8);
        return;
      case 2:
        reader.skip(reader.size());
        return;
      case 5:
        reader.skip(4);
        return;
      case 3:
      case 4:
        throw decodeError('a group (wire type 3 or 4), which proto3 does not use');
      default:
        throw decodeError(`wire type ${wire}`);
    }
  }
}
