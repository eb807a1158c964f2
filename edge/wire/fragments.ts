/**
 * Messages larger than one frame (proto/cohort.proto `Fragment`): the sender
 * cuts a message's encoded Envelope into pieces sent in order, with no other
 * frame between them; the receiver puts them back together within its
 * message limit and decodes the whole. The frame limit (ws `maxPayload`)
 * then stays independent of the model size, and a large message arrives as
 * many small frames, between which the event loop serves other connections.
 *
 * Receiving is strict, so a peer cannot make us hold more than the message
 * limit, nor more than one partial message: one message in flight per
 * connection; fragments in order (index 0, 1, ...) with the same
 * message id, count and total; the total within the limit; every fragment
 * but the last of the first one's length (at least MIN_FRAGMENT_BYTES), the
 * last the rest, so the lengths add up exactly and the count follows from
 * them; no other frame until the message is whole; no fragment inside a
 * fragmented message. The first fragment must show the message's header and
 * body tag, so a receiver can hold each body kind to its own limit before
 * the rest arrives (ReassemblyOptions.limitOf), and a message must be whole
 * by its deadline (deadlineMs). Any violation is E_WIRE_FRAGMENT
 * (E_WIRE_TOO_LARGE for an oversize total), both of which close the
 * connection. The whole is scanned (edge/wire/wire-scan.ts) before it is decoded.
 *
 * Sequence numbers: each fragment frame takes the next one, and the inner
 * message carries its first fragment's (the receiver checks it), so the
 * per-connection sequence check of every frame still holds.
 */
import { CohortError } from '../../core/errors.ts';
import { MAX_PARAMS } from '../../core/model/spec.ts';
import { EXTRA_WORDS } from '../../core/secagg/index.ts';
import { paddedLength } from '../../core/secagg/rotation.ts';
import {
  decodeScanned,
  encodeEnvelope,
  peekEnvelope,
  scanEnvelope,
  type BodyKind,
  type Envelope,
  type EnvelopeHeader,
  type EnvelopeInit,
  type ScannedEnvelope,
} from './codec.ts';

/**
 * Largest message reassembled by default: the largest vector any body can
 * carry for a model the job spec allows (MAX_PARAMS = 10^7), plus room for
 * the rest of the envelope. Vectors travel at 4 bytes a coordinate:
 * - float32 weights and deltas (RoundConfig, Update, Reply.model):
 *   4 · 10^7 bytes;
 * - a masked input (SecAggMaskedInput, uint32 words of Z_2^bits, bits ≤ 32):
 *   4 · (10^7 + EXTRA_WORDS) without hospital-level DP, and with it
 *   4 · paddedLength(10^7) = 4 · 2^24 = 64 MiB, the update being padded to a
 *   power of two for the DDG rotation (core/secagg/rotation.ts). The largest.
 * The 4 MiB of headroom holds what else a message with a vector carries: a
 * round config's participant list (at most 10,000 roster members of names
 * up to 128 characters: about 1.3 MB) or a masked input's rejected list.
 * Total: 68 MiB. Messages without a vector are bounded by their own field
 * limits (edge/wire/codec.ts) far below it.
 */
export const DEFAULT_MAX_MESSAGE_BYTES =
  Math.max(4 * MAX_PARAMS, 4 * (MAX_PARAMS + EXTRA_WORDS), 4 * paddedLength(MAX_PARAMS)) + 4 * 1024 * 1024;
/**
 * The bodies a hospital sends that carry a model-sized vector (an update's
 * delta, a masked input): the only ones that may exceed one frame. Every
 * other body a client sends is bounded far below it: a share list of a
 * 10,000-hospital session is a few megabytes.
 */
export const HOSPITAL_VECTOR_BODIES: ReadonlySet<BodyKind> = new Set<BodyKind>(['update', 'secaggMaskedInput']);

/** A fragmented message's deadline is never shorter than this (ms). */
export const DEFAULT_MESSAGE_TIMEOUT_MS = 30_000;
/** The slowest sender a deadline allows for: 256 KiB (2 Mbit) a second. */
export const DEFAULT_MIN_BYTES_PER_SECOND = 256 * 1024;

/**
 * How long a fragmented message of `totalBytes` may take to arrive: at least
 * `minMs`, else as long as it takes at `minBytesPerSecond`. E_CONFIG_INVALID
 * unless both are positive and finite.
 */
export function messageDeadline(minMs: number, minBytesPerSecond: number): (totalBytes: number) => number {
  if (!(minMs > 0) || !Number.isFinite(minMs))
    throw new CohortError('E_CONFIG_INVALID', `"messageTimeoutMs" expected a finite number > 0, got ${minMs}`);
  if (!(minBytesPerSecond > 0) || !Number.isFinite(minBytesPerSecond)) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"minBytesPerSecond" expected a finite number > 0, got ${minBytesPerSecond}`,
    );
  }
  return (totalBytes) => Math.max(minMs, (1000 * totalBytes) / minBytesPerSecond);
}

/** Payload of one fragment by default (1 MiB): far under the 16 MiB frame limit, and a small slice of event-loop time to decode. */
export const DEFAULT_FRAGMENT_BYTES = 1024 * 1024;
/**
 * Smallest payload of a fragment but the last: bounds the frames one message
 * can take (68 MiB in fragments of 16 KiB is 4,352 frames) and so the work a
 * peer buys with the one rate-limit token a whole message costs.
 */
export const MIN_FRAGMENT_BYTES = 16 * 1024;
/** Room left in a frame for a fragment envelope's own fields (version, sender of ≤ 128 characters, seq, the four numbers): under 200 bytes. */
export const FRAGMENT_HEADER_BYTES = 1024;

/** The fragment payload for frames of at most `maxFrameBytes`: `wanted`, or less to fit. E_CONFIG_INVALID if no fragment of MIN_FRAGMENT_BYTES fits. */
export function fragmentBytesFor(maxFrameBytes: number, wanted = DEFAULT_FRAGMENT_BYTES): number {
  if (!Number.isSafeInteger(wanted) || wanted < MIN_FRAGMENT_BYTES) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"fragmentBytes" expected an integer >= ${MIN_FRAGMENT_BYTES}, got ${wanted}`,
    );
  }
  const fits = maxFrameBytes - FRAGMENT_HEADER_BYTES;
  if (!Number.isSafeInteger(maxFrameBytes) || fits < MIN_FRAGMENT_BYTES) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"maxFrameBytes" expected an integer >= ${MIN_FRAGMENT_BYTES + FRAGMENT_HEADER_BYTES} (a fragment must fit in a frame), got ${maxFrameBytes}`,
    );
  }
  return Math.min(wanted, fits);
}

/** A message limit as an option: an integer of at least one frame. */
export function messageLimit(maxMessageBytes: number | undefined, maxFrameBytes: number): number {
  const limit = maxMessageBytes ?? Math.max(DEFAULT_MAX_MESSAGE_BYTES, maxFrameBytes);
  // total_bytes is a uint32 on the wire.
  if (!Number.isSafeInteger(limit) || limit < maxFrameBytes || limit > 0xffff_ffff) {
    throw new CohortError(
      'E_CONFIG_INVALID',
      `"maxMessageBytes" expected an integer in [maxFrameBytes (${maxFrameBytes}), 2^32 - 1], got ${limit}`,
    );
  }
  return limit;
}

export type OutgoingEnvelope = Omit<EnvelopeInit, 'seq' | 'version'> & { sender: string };

/**
 * One connection's sending side: numbers frames and cuts messages larger
 * than a fragment into Fragment frames.
 */
export class FrameEncoder {
  private seq = 0;
  private messageId = 0;
  /** The receiver's message limit, once it is known (Welcome.max_message_bytes): larger messages are refused here. */
  private peerLimit = Infinity;

  /** `fragmentBytes`: from fragmentBytesFor, so a fragment fits the frames this side sends. */
  constructor(private fragmentBytes: number = DEFAULT_FRAGMENT_BYTES) {
    if (!Number.isSafeInteger(fragmentBytes) || fragmentBytes < MIN_FRAGMENT_BYTES) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `"fragmentBytes" expected an integer >= ${MIN_FRAGMENT_BYTES}, got ${fragmentBytes}`,
      );
    }
  }

  /** The sequence number of the last frame encoded (0: none yet). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Adopts the receiver's announced limits (its Welcome): fragments that fit
   * its frames, no message over its message limit. Zero or too small values
   * are ignored: they would only stop this side from sending.
   */
  peerLimits(l: { maxFrameBytes?: number | null; maxMessageBytes?: number | null }): void {
    const frame = l.maxFrameBytes ?? 0;
    if (frame >= MIN_FRAGMENT_BYTES + FRAGMENT_HEADER_BYTES)
      this.fragmentBytes = fragmentBytesFor(frame, this.fragmentBytes);
    const message = l.maxMessageBytes ?? 0;
    if (message > 0) this.peerLimit = message;
  }

  /**
   * The frames of one message, each numbered; E_WIRE_TOO_LARGE (no number
   * used) if it exceeds the receiver's limit. A Hello always goes whole: a
   * receiver takes no fragment before the handshake.
   */
  encode(env: OutgoingEnvelope): Uint8Array[] {
    const first = this.seq + 1;
    const whole = encodeEnvelope({ ...env, seq: first });
    if (whole.length > this.peerLimit) {
      throw new CohortError(
        'E_WIRE_TOO_LARGE',
        `a message of ${whole.length} bytes exceeds the receiver's limit of ${this.peerLimit}`,
      );
    }
    if (whole.length <= this.fragmentBytes || env.hello) {
      this.seq = first;
      return [whole];
    }
    const size = this.fragmentBytes;
    const count = Math.ceil(whole.length / size);
    const messageId = ++this.messageId;
    const frames: Uint8Array[] = [];
    for (let index = 0; index < count; index++) {
      const data = whole.subarray(index * size, Math.min(whole.length, (index + 1) * size));
      frames.push(
        encodeEnvelope({
          sender: env.sender,
          seq: first + index,
          fragment: { messageId, index, count, totalBytes: whole.length, data },
        }),
      );
    }
    this.seq = first + count - 1;
    return frames;
  }
}

/**
 * What a receiver may add to the message limit, both optional:
 * - `limitOf`: the limit of a message of this header's kind (a role's and a
 *   body's), applied at the first fragment, from the header it carries: a
 *   message of a kind that must be small is refused before the rest is held.
 * - `deadlineMs`: how long a message of `totalBytes` may take to arrive, from
 *   its first fragment; a later fragment, or expire() past it, refuses it.
 */
export interface ReassemblyOptions {
  limitOf?: (header: EnvelopeHeader) => number;
  deadlineMs?: (totalBytes: number) => number;
}

interface InFlight {
  messageId: number;
  count: number;
  totalBytes: number;
  /** Payload of every fragment but the last. */
  size: number;
  next: number;
  sender: string;
  firstSeq: number;
  /** Its body kind, from the first fragment's header, and the limit that kind allows. */
  body: BodyKind;
  limit: number;
  /** When it must be whole (ms, the clock accept() is given). */
  deadline: number;
  chunks: Uint8Array[];
  held: number;
}

/**
 * One connection's receiving side: passes whole frames through and puts
 * fragmented messages back together. Holds at most the bytes received of the
 * message in flight, never more than `maxMessageBytes` (and, for the moment
 * its last fragment is joined to the rest, a second copy of it), and for no
 * longer than its deadline. A first fragment must carry its message's
 * header and body tag (every encoder writes them first, and a first fragment
 * is at least MIN_FRAGMENT_BYTES), which are checked at once: the sequence
 * number and sender against the fragment's, no fragment inside, and the
 * total against `limitOf` for the body kind.
 */
export class Reassembler {
  private current: InFlight | null = null;

  constructor(
    readonly maxMessageBytes: number,
    private readonly opts: ReassemblyOptions = {},
  ) {
    if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `"maxMessageBytes" expected a positive integer, got ${maxMessageBytes}`,
      );
    }
  }

  /** A fragmented message is under way: the next frame must be its next fragment. */
  get inFlight(): boolean {
    return this.current !== null;
  }

  /** Payload bytes held for the message in flight. */
  get heldBytes(): number {
    return this.current?.held ?? 0;
  }

  /** When the message in flight must be whole (null: none, or no deadline). */
  get deadline(): number | null {
    const d = this.current?.deadline;
    return d === undefined || d === Infinity ? null : d;
  }

  /**
   * Takes one decoded frame: returns it if it is a message of its own, the
   * decoded whole message if it was that message's last fragment, null if
   * more fragments are due. Throws E_WIRE_FRAGMENT or E_WIRE_TOO_LARGE (and
   * what decodeEnvelope throws for the whole) and forgets the message.
   */
  accept(frame: Envelope, now = Date.now()): Envelope | null {
    if (frame.body !== 'fragment') return this.passThrough(frame);
    const whole = this.guarded(() => this.take(frame, now));
    return whole && decodeScanned(whole);
  }

  /**
   * As accept(), for a receiver that checks a message's header before it
   * pays for decoding it: takes a scanned frame, returns a scanned whole
   * message (edge/wire/codec.ts scanEnvelope), or null.
   */
  collect(frame: ScannedEnvelope, now = Date.now()): ScannedEnvelope | null {
    if (frame.header.body !== 'fragment') return this.passThrough(frame);
    // A fragment frame is small and of a fixed shape: decoding it costs next to nothing.
    return this.guarded(() => this.take(decodeScanned(frame), now));
  }

  /** If the message in flight is past its deadline at `now`: forgets it (its bytes freed) and returns the refusal. */
  expire(now: number): CohortError | null {
    const cur = this.current;
    if (!cur || now < cur.deadline) return null;
    this.current = null;
    return new CohortError(
      'E_WIRE_FRAGMENT',
      `message ${cur.messageId} (${cur.totalBytes} bytes) not complete by its deadline: ${cur.held} bytes arrived`,
    );
  }

  /** Forgets the message in flight (the connection closed). */
  abandon(): void {
    this.current = null;
  }

  private passThrough<T extends { body?: string | null } | ScannedEnvelope>(frame: T): T {
    const cur = this.current;
    if (cur) {
      const body = 'header' in frame ? frame.header.body : frame.body;
      this.current = null;
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `a "${body}" frame inside fragmented message ${cur.messageId} (fragment ${cur.next} of ${cur.count} due)`,
      );
    }
    return frame;
  }

  private guarded<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      this.current = null;
      throw err;
    }
  }

  private take(frame: Envelope, now: number): ScannedEnvelope | null {
    const f = fragmentOf(frame);
    const cur = this.current;
    if (!cur) {
      this.current = this.first(frame, f, now);
      return null;
    }
    if (!this.append(cur, frame, f, now)) return null;
    this.current = null;
    return assemble(cur);
  }

  /** Checks a message's first fragment against the limits and its own header; the message it starts. */
  private first(frame: Envelope, f: FragmentFields, now: number): InFlight {
    const { messageId, index, count, totalBytes, data } = f;
    if (index !== 0)
      throw new CohortError('E_WIRE_FRAGMENT', `fragment ${index} of message ${messageId} without its first`);
    if (totalBytes > this.maxMessageBytes)
      throw new CohortError(
        'E_WIRE_TOO_LARGE',
        `a message of ${totalBytes} bytes exceeds the limit of ${this.maxMessageBytes}`,
      );
    if (data.length < MIN_FRAGMENT_BYTES)
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `a first fragment of ${data.length} bytes (at least ${MIN_FRAGMENT_BYTES})`,
      );
    if (count < 2 || count !== Math.ceil(totalBytes / data.length)) {
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `${count} fragments of ${data.length} bytes cannot hold ${totalBytes} bytes (nor can a message of one fragment)`,
      );
    }
    const header = peekEnvelope(data);
    if (!header)
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `the first fragment of message ${messageId} does not hold its header and body tag`,
      );
    if (header.body === 'fragment')
      throw new CohortError('E_WIRE_FRAGMENT', `message ${messageId} is itself a fragment`);
    sameSeqAndSender(messageId, header, frame);
    const limit = Math.min(this.maxMessageBytes, this.opts.limitOf?.(header) ?? Infinity);
    if (totalBytes > limit)
      throw new CohortError(
        'E_WIRE_TOO_LARGE',
        `a "${header.body}" message of ${totalBytes} bytes exceeds the limit of ${limit} for its kind`,
      );
    const deadline = now + (this.opts.deadlineMs?.(totalBytes) ?? Infinity);
    return {
      messageId,
      count,
      totalBytes,
      size: data.length,
      next: 1,
      sender: frame.sender,
      firstSeq: frame.seq,
      body: header.body,
      limit,
      deadline,
      chunks: [data.slice()],
      held: data.length,
    };
  }

  /** Adds a later fragment to the message in flight; whether it was the last. */
  private append(cur: InFlight, frame: Envelope, f: FragmentFields, now: number): boolean {
    const { messageId, index, count, totalBytes, data } = f;
    if (now >= cur.deadline) throw this.expire(now)!;
    if (
      messageId !== cur.messageId ||
      count !== cur.count ||
      totalBytes !== cur.totalBytes ||
      frame.sender !== cur.sender
    ) {
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `fragment of message ${messageId} (${count} fragments, ${totalBytes} bytes) inside message ${cur.messageId} (${cur.count}, ${cur.totalBytes})`,
      );
    }
    if (index !== cur.next)
      throw new CohortError('E_WIRE_FRAGMENT', `fragment ${index} of message ${messageId} where ${cur.next} is due`);
    const last = index === cur.count - 1;
    const want = last ? cur.totalBytes - cur.size * (cur.count - 1) : cur.size;
    if (data.length !== want)
      throw new CohortError(
        'E_WIRE_FRAGMENT',
        `fragment ${index} of message ${messageId} carries ${data.length} bytes, not ${want}`,
      );
    // A copy: the frame's buffer may be a slice of a larger socket read.
    cur.chunks.push(data.slice());
    cur.held += data.length;
    cur.next++;
    return last;
  }
}

/** A fragment frame's fields, absent ones as protobuf's defaults. */
interface FragmentFields {
  messageId: number;
  index: number;
  count: number;
  totalBytes: number;
  data: Uint8Array;
}

function fragmentOf(frame: Envelope): FragmentFields {
  const f = frame.fragment!;
  return {
    messageId: f.messageId ?? 0,
    index: f.index ?? 0,
    count: f.count ?? 0,
    totalBytes: f.totalBytes ?? 0,
    data: f.data ?? new Uint8Array(0),
  };
}

/** A message's header carries the sequence and sender of its first fragment (the header as peeked, or as assembled). */
function sameSeqAndSender(
  messageId: number,
  header: { seq: number; sender: string },
  first: { seq: number; sender: string },
): void {
  if (header.seq !== first.seq)
    throw new CohortError(
      'E_WIRE_SEQ',
      `message ${messageId} carries sequence ${header.seq}, its first fragment ${first.seq}`,
    );
  if (header.sender !== first.sender)
    throw new CohortError(
      'E_WIRE_FIELD',
      `message ${messageId} is from "${header.sender}", its fragments from "${first.sender}"`,
    );
}

/** The whole message of a complete InFlight, scanned, and checked to be the kind, sequence and sender its first fragment said. */
function assemble(cur: InFlight): ScannedEnvelope {
  const messageId = cur.messageId;
  // Scanned, not decoded: the caller decodes it (decodeScanned) once it has checked the header.
  const whole = scanEnvelope(Buffer.concat(cur.chunks, cur.totalBytes), cur.limit);
  const h = whole.header;
  // The whole's first body tag is the one the first fragment showed, and the scan refuses a second: the same kind.
  if (h.body !== cur.body)
    throw new CohortError(
      'E_WIRE_FRAGMENT',
      `message ${messageId} is a "${h.body}", its first fragment said "${cur.body}"`,
    );
  sameSeqAndSender(messageId, h, { seq: cur.firstSeq, sender: cur.sender });
  return whole;
}
