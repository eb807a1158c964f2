import type { EnvelopeInit } from '../../edge/wire/codec.ts';

/**
 * The coordinator's key list for a session of `names`: every client's two
 * keys, signature and commitments, and every reveal, at their real sizes
 * (zero bytes). For `MAX_CLIENTS` hospitals it is the largest honest message,
 * which the wire scan's field bounds must admit (test/edge/wire/wire-scan)
 * and whose scan bench/wire-scan.ts times.
 */
export function sessionKeys(names: readonly string[]): NonNullable<EnvelopeInit['secaggKeys']> {
  return {
    clients: names.map((name) => ({
      name,
      cPk: new Uint8Array(32),
      sPk: new Uint8Array(32),
      signature: new Uint8Array(64),
      seedCommit: new Uint8Array(32),
      maskCommit: new Uint8Array(32),
    })),
    reveals: names.map((name) => ({ name, value: new Uint8Array(32) })),
  };
}
