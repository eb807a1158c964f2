/** Throwaway P-256 certificates, valid for a day, made with the openssl command for TLS tests. */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** openssl req's arguments for a fresh, unencrypted P-256 key. */
export const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** The extensions of a server certificate for 127.0.0.1, and of a client certificate (openssl x509 -extfile). */
export const SERVER_EXT = 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n';
export const CLIENT_EXT = 'extendedKeyUsage=clientAuth\n';

const openssl = (...args: string[][]) => execFileSync('openssl', args.flat(), { stdio: 'pipe' });
const DAY = ['-days', '1'];

/** A self-signed certificate for CN `cn` and its key, as PEM files; `addext` e.g. 'subjectAltName=IP:127.0.0.1'. */
export function selfSignedCert(o: { key: string; cert: string; cn: string; addext?: string }): void {
  const ext = o.addext ? ['-addext', o.addext] : [];
  openssl(['req', '-x509'], NEW_P256_KEY, ['-keyout', o.key, '-out', o.cert, '-subj', `/CN=${o.cn}`], DAY, ext);
}

/**
 * A folder of PEM files: `ca(name)` makes a self-signed CA as `<name>.crt`/`<name>.key`;
 * `issue(ca, file, cn, ext)` makes `<file>.crt`/`<file>.key` for subject CN `cn`, signed by `ca`,
 * with the extensions `ext` (SERVER_EXT, CLIENT_EXT, or lines of its own).
 */
export function certificateFolder(dir: string) {
  const f = (x: string) => join(dir, x);
  return {
    ca(name: string): void {
      selfSignedCert({ key: f(`${name}.key`), cert: f(`${name}.crt`), cn: name });
    },
    issue(ca: string, file: string, cn: string, ext: string): void {
      const csr = f(`${file}.csr`);
      const extfile = f(`${file}.ext`);
      openssl(['req', '-new'], NEW_P256_KEY, ['-keyout', f(`${file}.key`), '-out', csr, '-subj', `/CN=${cn}`]);
      writeFileSync(extfile, ext);
      const signer = ['-CA', f(`${ca}.crt`), '-CAkey', f(`${ca}.key`), '-CAcreateserial'];
      openssl(['x509', '-req', '-in', csr], signer, DAY, ['-out', f(`${file}.crt`), '-extfile', extfile]);
    },
  };
}
