/** A progress line for a command that waits on a coordinator (`job submit`): seen on a terminal, absent from pipes. */

/** The part of a stream the line needs: stderr, or a test's stand-in. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Runs `work`; while it runs, `message` stands on `stream` if that is a terminal, and is erased (carriage return,
 * erase line) when the work ends, either way. Not on a pipe or a file: scripts read one JSON document on stdout and,
 * on a failure, one `cohort: E_…` line on stderr (test/helpers/cli.ts expectFailure), which a progress line would
 * break.
 */
export async function withProgressLine<T>(
  message: string,
  work: () => Promise<T>,
  stream: ProgressStream = process.stderr,
): Promise<T> {
  if (stream.isTTY !== true) return work();
  stream.write(`${message}…`);
  try {
    return await work();
  } finally {
    stream.write('\r\x1b[K');
  }
}
