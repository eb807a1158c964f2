/**
 * Bearer-token files (`ledger serve --token-file`, `coordinator start
 * --metrics-token-file`), read as ssh reads a private key: a regular file
 * only its owner may access (edge/capped-file.ts), holding one token strong
 * enough by core/auth/token.ts. Anything else is E_TOKEN_FILE naming the
 * file and the reason, never the token.
 */
import { requireStrongToken } from '../core/auth/token.ts';
import { fileText, readCappedFile } from '../edge/capped-file.ts';

/** A token file holds one line; anything much larger is not one. */
export const MAX_TOKEN_FILE_BYTES = 4096;

export function readTokenFile(path: string, what: string): string {
  const raw = readCappedFile(path, { maxBytes: MAX_TOKEN_FILE_BYTES, what, code: 'E_TOKEN_FILE', private: true });
  const token = fileText(raw).trim();
  raw.fill(0);
  requireStrongToken(token, `${what} ${path}: the token`, 'E_TOKEN_FILE');
  return token;
}
