import { fileText, readCappedFileAsync, type CappedReadOptions } from '../../edge/capped-file.ts';
import { CohortError } from '../../core/errors.ts';

/**
 * A JSON file, read within `o.maxBytes` (edge/capped-file.ts). Unreadable
 * JSON is CohortError(o.code) naming the path only: JSON.parse's message
 * quotes the text around the fault, which in a data file (or a CSV passed by
 * mistake for a schema) is a patient's record.
 */
export async function readJsonFile(path: string, o: CappedReadOptions): Promise<unknown> {
  const text = fileText(await readCappedFileAsync(path, o));
  try {
    return JSON.parse(text);
  } catch {
    throw new CohortError(o.code, `${path}: not valid JSON`);
  }
}
