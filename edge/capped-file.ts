/**
 * The one way a file a user names is read whole (job specs, policies,
 * schemas, rosters, keys, tokens, FHIR Bundles): opened without blocking,
 * refused unless it is a regular file, and read with a hard cap. The size
 * st_size reports is only a hint: a file may grow between stat and read, and
 * a device (/dev/zero) or a FIFO reports 0 and never ends, so the read itself
 * stops at maxBytes + 1 and refuses the file. Secrets can also be refused
 * when group or others may access them (checked on the open descriptor, so
 * the file cannot be swapped between check and read). Refusals carry the
 * caller's code and name the file, never its bytes.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { CohortError, type ErrorCode } from '../core/errors.ts';

export interface CappedReadOptions {
  /** Largest file accepted, in bytes. */
  maxBytes: number;
  /** What the file is, for messages ("job spec", "roster file"). */
  what: string;
  /** The code of every refusal. */
  code: ErrorCode;
  /** Refuse a file that group or others can access (POSIX), as ssh does with private keys. */
  private?: boolean;
}

/** UTF-8 that drops one leading byte-order mark (TextDecoder's default: ignoreBOM false). */
const UTF8 = new TextDecoder('utf-8');

/**
 * The text of a file a user names (JSON configuration, job specs, policies,
 * rosters, keys, tokens, intake schemas, audit states, witness notes): UTF-8 less one leading byte-order mark (EF BB BF),
 * which Windows editors write and JSON.parse refuses. The one place such
 * files are decoded. Stripping it changes no meaning: none of these files is
 * signed or hashed as bytes (a roster's signatures cover its parsed body, a
 * signed note's its text).
 */
export function fileText(bytes: Uint8Array): string {
  return UTF8.decode(bytes);
}

// O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not a regular file).
const FLAGS = process.platform === 'win32' ? constants.O_RDONLY : constants.O_RDONLY | constants.O_NONBLOCK;

/** Reads `path` whole under `o` (see the module comment); throws CohortError(o.code) otherwise. */
export function readCappedFile(path: string, o: CappedReadOptions): Buffer {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch (err) {
    throw cannotOpen(path, o, err);
  }
  try {
    const loop = readLoop(firstSize(fstatSync(fd), path, o), path, o);
    let step = loop.next();
    while (!step.done) {
      const { buf, at } = step.value;
      step = loop.next(readSync(fd, buf, at, buf.length - at, null));
    }
    return step.value;
  } finally {
    closeSync(fd);
  }
}

/** readCappedFile without blocking the event loop while reading (large inputs: FHIR Bundles). */
export async function readCappedFileAsync(path: string, o: CappedReadOptions): Promise<Buffer> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, FLAGS);
  } catch (err) {
    throw cannotOpen(path, o, err);
  }
  try {
    const loop = readLoop(firstSize(await fh.stat(), path, o), path, o);
    let step = loop.next();
    while (!step.done) {
      const { buf, at } = step.value;
      step = loop.next((await fh.read(buf, at, buf.length - at, null)).bytesRead);
    }
    return step.value;
  } finally {
    await fh.close();
  }
}

/**
 * The read loop of both readers, once: it yields where the next read goes
 * (into `buf` from `at` to its end), is sent how many bytes that read gave,
 * and returns the file's bytes once a read gives none. Past the cap it
 * throws (tooLarge); a file that outgrows its buffer gets another chunk.
 */
function* readLoop(
  first: number,
  path: string,
  o: CappedReadOptions,
): Generator<{ buf: Buffer; at: number }, Buffer, number> {
  let buf: Buffer = Buffer.alloc(first);
  const chunks: Buffer[] = [buf];
  let at = 0;
  let total = 0;
  for (;;) {
    const n = yield { buf, at };
    if (n === 0) return joined(chunks, total);
    at += n;
    total += n;
    if (total > o.maxBytes) return tooLarge(chunks, path, o);
    if (at === buf.length) {
      chunks.push((buf = nextChunk(total, o)));
      at = 0;
    }
  }
}

/** Checks the open file and sizes the first buffer: its reported size plus one byte to see it end, within the cap. */
function firstSize(st: Stats, path: string, o: CappedReadOptions): number {
  if (!st.isFile()) throw new CohortError(o.code, `${o.what} ${path}: not a regular file`);
  if (o.private && process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new CohortError(
      o.code,
      `${o.what} ${path}: accessible by group or others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600`,
    );
  }
  if (st.size > o.maxBytes) throw new CohortError(o.code, `${o.what} ${path}: larger than ${o.maxBytes} bytes`);
  return st.size + 1;
}

/** A file that outgrew its reported size: read on in chunks of at most 1 MiB, up to one byte past the cap. */
function nextChunk(total: number, o: CappedReadOptions): Buffer {
  return Buffer.alloc(Math.min(1 << 20, o.maxBytes + 1 - total));
}

function cannotOpen(path: string, o: CappedReadOptions, err: unknown): CohortError {
  return new CohortError(
    o.code,
    `cannot open the ${o.what} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    { cause: err },
  );
}

function tooLarge(chunks: Buffer[], path: string, o: CappedReadOptions): never {
  for (const c of chunks) c.fill(0);
  throw new CohortError(o.code, `${o.what} ${path}: larger than ${o.maxBytes} bytes`);
}

function joined(chunks: Buffer[], total: number): Buffer {
  if (chunks.length === 1) return chunks[0]!.subarray(0, total);
  const out = Buffer.concat(chunks, total);
  for (const c of chunks) c.fill(0);
  return out;
}
