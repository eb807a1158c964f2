/**
 * The identities a mutual-TLS client certificate names, for binding it to the
 * enrolled identity that authenticates on the connection: the subject's CN
 * and every DNS name of its subjectAltName (Node's `getPeerCertificate()`
 * form). Only values that are valid client names count, compared exactly: a
 * wildcard or an entry with other characters names no identity.
 */
import { isIdentityName } from './name.ts';

export interface PeerCertificateNames {
  subject?: { CN?: string | string[] } | null;
  /** "DNS:a, DNS:b, IP Address:10.0.0.1": Node's rendering of the extension. */
  subjectaltname?: string;
}

export function certificateNames(cert: PeerCertificateNames | null | undefined): string[] {
  if (!cert) return [];
  const cn = cert.subject?.CN;
  const names = cn === undefined ? [] : Array.isArray(cn) ? [...cn] : [cn];
  for (const entry of (cert.subjectaltname ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) names.push(entry.slice(4));
  }
  return [...new Set(names.filter(isIdentityName))];
}
