/**
 * A FHIR Bundle read from JSON tokens (stream-json's tokenizer), one entry
 * at a time: each element of the top-level `entry` array is built into a
 * value and handed out as soon as it closes, so memory is one entry, never
 * the Bundle. An entry whose JSON text passes `maxEntryBytes` stops being
 * built at that point (its remaining tokens are only counted through) and is
 * one oversized entry. `resourceType` and `type` may come before or after
 * `entry` in the text (JSON objects are unordered, RFC 8259 §4): while they
 * are unknown the entries are skipped and `deferred` is set, so the caller
 * can read the file again knowing them (fhir-bundle-file.ts).
 *
 * The tokenizer must run with keys and numbers packed, strings streamed
 * (BUNDLE_PARSER_OPTIONS): a string of any length then arrives in chunks that
 * an oversized entry drops instead of holding.
 */
import type { Token } from 'stream-json/core/parser.js';

/** What a Bundle says of itself at its top level (either may be missing). */
export interface BundleHead {
  resourceType?: string;
  type?: string;
}

/** For the entries, given the head read so far: hand them out, skip them, or wait (head not known yet). */
export type EntryDecision = 'read' | 'skip' | 'wait';

export interface BundleTokensOptions {
  maxEntryBytes: number;
  decide(head: BundleHead): EntryDecision;
  onEntry(entry: unknown): void;
}

/** Keys and numbers packed (bounded by maxPackedLength), strings streamed in chunks. */
export const BUNDLE_PARSER_OPTIONS = {
  packKeys: true,
  streamKeys: false,
  packNumbers: true,
  streamNumbers: false,
  packStrings: false,
  streamStrings: true,
} as const;

/** Longest `resourceType` / `type` kept whole: FHIR codes are short; a longer one is no Bundle type. */
const MAX_HEAD_STRING = 64;

export class BundleTokens {
  readonly head: BundleHead = {};
  /** Entries handed to onEntry. */
  entries = 0;
  /** Entries dropped for passing maxEntryBytes. */
  oversized = 0;
  /** An entry array was skipped because the head was not known when it started. */
  deferred = false;
  /** The top-level value closed (false: the text was cut short). */
  complete = false;
  /** decide() said 'skip': nothing more in this file is read. */
  refused = false;
  private depth = 0;
  private key: string | null = null;
  private headString: string | null = null;
  /** Inside the top-level `entry` array (depth 2): whether its elements are built. */
  private entryArray: 'read' | 'skip' | null = null;
  private element: EntryBuilder | null = null;

  constructor(private readonly o: BundleTokensOptions) {}

  feed(tokens: readonly Token[]): void {
    for (const t of tokens) this.token(t);
  }

  private token(t: Token): void {
    if (this.element) return this.elementToken(this.element, t);
    if (this.entryArray && this.depth === 2) {
      if (t.name === 'endArray') {
        this.entryArray = null;
        this.depth = 1;
        return;
      }
      this.element = new EntryBuilder(this.o.maxEntryBytes, this.entryArray === 'read');
      return this.elementToken(this.element, t);
    }
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        if (this.depth === 1 && this.key === 'entry' && t.name === 'startArray') this.startEntries();
        this.depth++;
        return;
      case 'endObject':
      case 'endArray':
        if (--this.depth === 0) this.complete = true;
        return;
      case 'keyValue':
        if (this.depth === 1) this.key = t.value;
        return;
      case 'startString':
        if (this.depth === 1 && (this.key === 'resourceType' || this.key === 'type')) this.headString = '';
        return;
      case 'stringChunk':
        if (this.headString !== null && this.headString.length <= MAX_HEAD_STRING) this.headString += t.value;
        return;
      case 'endString':
        // A value too long to be a FHIR code is kept cut short: still present, so never taken for a missing type.
        if (this.headString !== null)
          this.head[this.key as 'resourceType' | 'type'] = this.headString.slice(0, MAX_HEAD_STRING + 1);
        this.headString = null;
        if (this.o.decide(this.head) === 'skip') this.refused = true;
        return;
      default:
        return;
    }
  }

  private startEntries(): void {
    const d = this.o.decide(this.head);
    if (d === 'wait') this.deferred = true;
    this.entryArray = d === 'read' ? 'read' : 'skip';
  }

  private elementToken(e: EntryBuilder, t: Token): void {
    e.token(t);
    if (!e.done) return;
    this.element = null;
    if (e.oversized) this.oversized++;
    else if (this.entryArray === 'read') {
      this.entries++;
      this.o.onEntry(e.value);
    }
  }
}

type Container = unknown[] | Record<string, unknown>;

/**
 * A copy of `s` that holds no reference to the text it was cut from. The
 * tokenizer's strings are slices of its input chunk, and V8 keeps a slice
 * (13 characters or more) as a pointer into its parent: one id or date kept
 * by the table would pin a whole chunk, and a patient's few kept values
 * would hold the file's text in memory. Concatenating then slicing makes V8
 * flatten into a new string of the value's own length.
 */
function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** One JSON value built from tokens, as JSON.parse would build it, up to a size. */
class EntryBuilder {
  done = false;
  oversized = false;
  value: unknown;
  private bytes = 0;
  private depth = 0;
  private readonly stack: Container[] = [];
  private readonly keys: (string | null)[] = [];
  private key: string | null = null;
  private text = '';

  constructor(
    private readonly maxBytes: number,
    private build: boolean,
  ) {}

  token(t: Token): void {
    // One byte a token stands in for the punctuation; string and key text counted in full.
    this.bytes++;
    switch (t.name) {
      case 'startObject':
      case 'startArray':
        this.depth++;
        if (this.build) this.open(t.name === 'startObject' ? {} : []);
        break;
      case 'endObject':
      case 'endArray':
        this.depth--;
        if (this.build) this.close();
        break;
      case 'keyValue':
        this.bytes += t.value.length;
        this.key = t.value;
        break;
      case 'startString':
        this.text = '';
        break;
      case 'stringChunk':
        this.bytes += t.value.length;
        if (this.build) this.text += t.value;
        break;
      case 'endString':
        this.put(detached(this.text));
        this.text = '';
        break;
      case 'numberValue':
        this.bytes += t.value.length;
        this.put(Number(t.value));
        break;
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        this.put(t.value);
        break;
      default:
        break;
    }
    if (this.depth === 0 && t.name !== 'startString' && t.name !== 'stringChunk' && t.name !== 'keyValue')
      this.done = true;
    if (this.build && this.bytes > this.maxBytes) {
      // Drop what was built; count through the rest of the entry without keeping it.
      this.build = false;
      this.oversized = true;
      this.stack.length = 0;
      this.keys.length = 0;
      this.text = '';
    }
  }

  private open(c: Container): void {
    this.stack.push(c);
    this.keys.push(this.key);
    this.key = null;
  }

  private close(): void {
    const c = this.stack.pop()!;
    this.key = this.keys.pop() ?? null;
    this.put(c);
  }

  private put(v: unknown): void {
    if (!this.build) return;
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) this.value = v;
    else if (Array.isArray(top)) top.push(v);
    // As JSON.parse: "__proto__" becomes an own property, never the prototype.
    else if (this.key === '__proto__')
      Object.defineProperty(top, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    else top[this.key!] = v;
  }
}
