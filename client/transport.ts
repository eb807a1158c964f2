/**
 * The transport rules: wss:// with a pinned certificate or CA (the system's
 * CAs are not trusted for this), or plain ws:// to loopback
 * (core/loopback.ts); plain ws:// to another host only with `insecure`,
 * logged loudly.
 */
import { CohortError } from '../core/errors.ts';
import { isLoopbackHost } from '../core/loopback.ts';
import type { Logger } from '../edge/log.ts';

export function checkTransport(url: string, o: { tls?: { ca: unknown }; insecure?: boolean }, log: Logger): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new CohortError('E_CONFIG_INVALID', `coordinator URL "${url}" is not a URL`);
  }
  if (u.protocol === 'wss:') {
    if (!o.tls?.ca)
      throw new CohortError('E_CONFIG_INVALID', "wss:// needs the coordinator's certificate or CA to pin (--ca)");
    return;
  }
  if (u.protocol !== 'ws:')
    throw new CohortError('E_CONFIG_INVALID', `coordinator URL must be wss:// or ws://, got ${u.protocol}`);
  if (o.tls) throw new CohortError('E_CONFIG_INVALID', 'TLS settings given for a plain ws:// URL: use wss://');
  if (isLoopbackHost(u.hostname)) return;
  if (!o.insecure)
    throw new CohortError(
      'E_CONFIG_INVALID',
      `refusing plain ws:// to ${u.hostname}: use wss:// with --ca, or --insecure on a test network`,
    );
  log.warn(
    { coordinator: u.host },
    'INSECURE: plain ws:// to a non-loopback coordinator: updates and keys travel unencrypted',
  );
}
