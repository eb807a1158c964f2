import { describe, it, expect } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSiteSecret } from '../../client/intake/secret.ts';
import { caught } from '../core/data/fixtures.ts';

describe('site secret file', () => {
  it('is created with mode 0600, read back unchanged, and refused when others can read it or it is short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cohort-secret-'));
    try {
      const p = join(dir, 'site.key');
      const a = loadOrCreateSiteSecret(p);
      expect(a.length).toBe(32);
      expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(loadOrCreateSiteSecret(p)).toEqual(a);
      chmodSync(p, 0o644);
      const open = await caught(() => loadOrCreateSiteSecret(p));
      expect(open.code).toBe('E_INTAKE_SECRET');
      expect(open.message).not.toContain(Buffer.from(a).toString('hex'));
      const short = join(dir, 'short.key');
      writeFileSync(short, 'x'.repeat(16), { mode: 0o600 });
      expect((await caught(() => loadOrCreateSiteSecret(short))).code).toBe('E_INTAKE_SECRET');
      const nowhere = await caught(() => loadOrCreateSiteSecret(join(dir, 'no-such-dir', 'site.key')));
      expect(nowhere.code).toBe('E_INTAKE_SECRET');
      expect(nowhere.message).toMatch(/cannot be created \(ENOENT\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
