/**
 * Which hosts are loopback, for the rule every listener and client shares:
 * plain (unencrypted) ws:// or http:// is allowed without a flag only there,
 * where nothing crosses a network. Loopback is 127.0.0.0/8 (any address of
 * it, as RFC 1122 §3.2.1.3 reserves the whole block), ::1 (also as a URL
 * writes it, [::1]) and the name localhost. Nothing else counts, not even a
 * name that resolves to loopback: the check must not depend on DNS.
 */
import { isIPv4 } from 'node:net';

/** Whether `host` (an address to bind, or a URL's hostname) is loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || (isIPv4(h) && h.startsWith('127.'));
}
