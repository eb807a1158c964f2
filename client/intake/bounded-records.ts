/**
 * A streaming guard in front of a record parser: passes whole records
 * through and cuts out any record longer than the limit, counting it, so one
 * endless line (a broken export, a binary file, a 1 GB field) costs one
 * rejected record instead of the whole file, and memory stays within one
 * record limit plus one chunk whatever the input size.
 *
 * With `quotes` (CSV, RFC 4180) a newline inside double quotes does not end a
 * record; an escaped quote ("") toggles the state twice, so counting quotes
 * is exact. An oversized record is discarded up to its real end; a quote left
 * open in it makes that end the next newline after the closing quote, as a
 * CSV parser would read it. A quote still open at the end of the input
 * (one stray `"` in an unquoted field) would make everything after it one
 * record; that input is refused (E_DATA_ROW, naming the line) rather than
 * silently cut down to the records before it.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { CohortError } from '../../core/errors.ts';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export interface BoundedRecordsOptions {
  /** Longest record passed on, in bytes (newline excluded). */
  maxRecordBytes: number;
  /** Track double quotes (CSV); false for NDJSON, where a newline always ends a record. */
  quotes: boolean;
}

export class BoundedRecords extends Transform {
  /** Records cut out for exceeding maxRecordBytes. */
  oversized = 0;
  private inQuote = false;
  private discarding = false;
  private recordBytes = 0;
  /** Records ended so far (the current one starts on line records + 1 when records are single lines). */
  private records = 0;
  /** Bytes of the current, unfinished record (at most maxRecordBytes). */
  private pending: Buffer[] = [];

  constructor(private readonly o: BoundedRecordsOptions) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const out: Buffer[] = [];
    const { maxRecordBytes, quotes } = this.o;
    let start = 0;
    let i = 0;
    const n = chunk.length;
    // Next quote and newline at or after i, each searched once per occurrence (-1: none left).
    let nextQuote = quotes ? chunk.indexOf(QUOTE) : -1;
    let nextNewline = chunk.indexOf(NEWLINE);
    while (i < n) {
      if (nextQuote !== -1 && nextQuote < i) nextQuote = chunk.indexOf(QUOTE, i);
      if (nextNewline !== -1 && nextNewline < i) nextNewline = chunk.indexOf(NEWLINE, i);
      // Inside quotes only a quote changes state; outside, the earlier of the two.
      const j = this.inQuote
        ? nextQuote
        : nextQuote !== -1 && (nextNewline === -1 || nextQuote < nextNewline)
          ? nextQuote
          : nextNewline;
      const stop = j === -1 ? n : j;
      if (!this.discarding) {
        this.recordBytes += stop - i;
        if (this.recordBytes > maxRecordBytes) this.startDiscard();
      }
      if (j === -1) break;
      i = j + 1;
      if (chunk[j] === QUOTE) {
        this.inQuote = !this.inQuote;
        if (!this.discarding && ++this.recordBytes > maxRecordBytes) this.startDiscard();
        continue;
      }
      // An unquoted newline: the record ends here.
      if (this.discarding) this.discarding = false;
      else {
        out.push(...this.pending, chunk.subarray(start, i));
        this.pending = [];
      }
      start = i;
      this.recordBytes = 0;
      this.records++;
    }
    if (!this.discarding && start < n) this.pending.push(chunk.subarray(start));
    if (out.length > 0) this.push(out.length === 1 ? out[0] : Buffer.concat(out));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.o.quotes && this.inQuote) {
      this.pending = [];
      done(
        new CohortError(
          'E_DATA_ROW',
          `a double quote opened in record ${this.records + 1} never closes: the rest of the file would be one field; file refused`,
        ),
      );
      return;
    }
    if (!this.discarding && this.pending.length > 0) this.push(Buffer.concat(this.pending));
    this.pending = [];
    done();
  }

  private startDiscard(): void {
    this.discarding = true;
    this.oversized++;
    this.pending = [];
  }
}
