/** edge/keys.ts: the hospital's Ed25519 identity key file. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519KeyPair, sign, verify } from '../../core/secagg/crypto.ts';
import { readIdentityKey, writeIdentityKey, MAX_IDENTITY_FILE_BYTES } from '../../edge/keys.ts';
import { toHex } from '../core/secagg/crypto-util.ts';
import { refusal } from '../helpers/refusal.ts';

const posix = process.platform !== 'win32';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cohort-keys-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` as a key file by hand, owner-only unless told otherwise. */
const handWritten = (content: string, mode = 0o600): string => {
  const path = join(dir, `hand-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, content, { mode });
  chmodSync(path, mode); // defeat the umask, so the test controls the mode exactly
  return path;
};

describe('identity key file', () => {
  it('round-trips a fresh identity through a 0600 file in the documented format', () => {
    const path = join(dir, 'identity.json');
    const written = writeIdentityKey(path);
    if (posix) expect(statSync(path).mode & 0o777).toBe(0o600);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    expect(json).toEqual({
      kind: 'cohort-ed25519',
      secretKey: toHex(written.secretKey),
      publicKey: toHex(written.publicKey),
    });
    const read = readIdentityKey(path);
    expect(read.secretKey).toEqual(written.secretKey);
    expect(read.publicKey).toEqual(written.publicKey);
    const msg = Uint8Array.of(1, 2, 3);
    expect(verify(written.publicKey, msg, sign(read.secretKey, msg))).toBe(true);
  });

  it('writes a given identity', () => {
    const id = ed25519KeyPair();
    const path = join(dir, 'given.json');
    expect(writeIdentityKey(path, id)).toBe(id);
    expect(readIdentityKey(path).publicKey).toEqual(id.publicKey);
  });

  it('refuses to overwrite an existing file, leaving it intact', () => {
    const path = join(dir, 'identity.json');
    writeIdentityKey(path);
    const before = readFileSync(path, 'utf8');
    expect(refusal(() => writeIdentityKey(path)).code).toBe('E_CONFIG_INVALID');
    expect(readFileSync(path, 'utf8')).toBe(before);
    const other = handWritten('not a key');
    expect(refusal(() => writeIdentityKey(other)).code).toBe('E_CONFIG_INVALID');
    expect(readFileSync(other, 'utf8')).toBe('not a key');
  });

  it('refuses a public key that does not belong to the secret key, on read and on write', () => {
    const a = ed25519KeyPair();
    const b = ed25519KeyPair();
    const path = handWritten(
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: toHex(a.secretKey), publicKey: toHex(b.publicKey) }),
    );
    const e = refusal(() => readIdentityKey(path));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).not.toContain(toHex(a.secretKey));
    expect(
      refusal(() => writeIdentityKey(join(dir, 'mixed.json'), { secretKey: a.secretKey, publicKey: b.publicKey })).code,
    ).toBe('E_CONFIG_INVALID');
  });

  // Windows has no POSIX mode bits (edge/capped-file.ts skips the check there): the same files are read.
  it('refuses a key file readable by group or others (on Windows, which has no mode bits, reads it)', () => {
    const id = ed25519KeyPair();
    const content = JSON.stringify({
      kind: 'cohort-ed25519',
      secretKey: toHex(id.secretKey),
      publicKey: toHex(id.publicKey),
    });
    for (const mode of [0o640, 0o604, 0o660, 0o644]) {
      const file = handWritten(content, mode);
      if (posix) expect(refusal(() => readIdentityKey(file)).code).toBe('E_CONFIG_INVALID');
      else expect(readIdentityKey(file).publicKey).toEqual(id.publicKey);
    }
    expect(readIdentityKey(handWritten(content, 0o400)).publicKey).toEqual(id.publicKey);
  });

  it('refuses malformed files without echoing their content', () => {
    const id = ed25519KeyPair();
    const sk = toHex(id.secretKey);
    const pk = toHex(id.publicKey);
    const bad = [
      '',
      'not json',
      `{"kind":"cohort-ed25519","secretKey":"${sk}"`,
      JSON.stringify([sk, pk]),
      JSON.stringify({ kind: 'cohort-x25519', secretKey: sk, publicKey: pk }),
      JSON.stringify({ secretKey: sk, publicKey: pk }),
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: sk.slice(2), publicKey: pk }),
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: `${sk}00`, publicKey: pk }),
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: `${sk.slice(2)}zz`, publicKey: pk }),
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: sk, publicKey: 42 }),
      JSON.stringify({ kind: 'cohort-ed25519', secretKey: sk, publicKey: pk, extra: 1 }),
      JSON.stringify({
        kind: 'cohort-ed25519',
        secretKey: sk,
        publicKey: pk,
        pad: 'x'.repeat(MAX_IDENTITY_FILE_BYTES),
      }),
    ];
    for (const content of bad) {
      const e = refusal(() => readIdentityKey(handWritten(content)));
      expect(e.code, content.slice(0, 40)).toBe('E_CONFIG_INVALID');
      expect(e.message).not.toContain(sk.slice(4, 60));
    }
  });

  it('refuses a missing file or a directory', () => {
    expect(refusal(() => readIdentityKey(join(dir, 'absent.json'))).code).toBe('E_CONFIG_INVALID');
    const sub = join(dir, 'sub');
    mkdirSync(sub, { mode: 0o700 });
    expect(refusal(() => readIdentityKey(sub)).code).toBe('E_CONFIG_INVALID');
    expect(refusal(() => writeIdentityKey(join(dir, 'no', 'such', 'dir.json'))).code).toBe('E_CONFIG_INVALID');
  });
});
