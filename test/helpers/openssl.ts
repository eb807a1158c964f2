/** Throwaway P-256 certificates, valid for a day, made with the openssl command for TLS tests. */
import { execFileSync } from 'node:child_process';

/** openssl req's arguments for a fresh, unencrypted P-256 key. */
export const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed certificate for CN `cn` and its key, as PEM files; `addext` e.g. 'subjectAltName=IP:127.0.0.1'. */
export function selfSignedCert(o: { key: string; cert: string; cn: string; addext?: string }): void {
  const ext = o.addext ? ['-addext', o.addext] : [];
  execFileSync(
    'openssl',
    ['req', '-x509', ...NEW_P256_KEY, '-keyout', o.key, '-out', o.cert, '-days', '1', '-subj', `/CN=${o.cn}`, ...ext],
    { stdio: 'pipe' },
  );
}
