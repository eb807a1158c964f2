import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ERRORS, CohortError, asCohortError, isErrorCode } from '../../core/errors.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('error registry', () => {
  it('documents every code and gives a valid WebSocket close code where it closes', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^E_[A-Z0-9_]+$/);
      expect(e.doc.length, code).toBeGreaterThan(10);
      if (e.close !== undefined) expect(e.close >= 1000 && e.close < 5000, code).toBe(true);
    }
  });

  it('every E_* code used in the source is registered', () => {
    const used = new Set<string>();
    for (const dir of ['core', 'coordinator', 'client', 'proto', 'simulations']) {
      for (const f of sources(dir))
        for (const m of readFileSync(f, 'utf8').matchAll(/'(E_[A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used].filter((c) => !isErrorCode(c));
    expect(unknown).toEqual([]);
  });

  it('wraps foreign errors as E_INTERNAL without exposing their message', () => {
    const e = asCohortError(new Error('secret path /var/records.csv'));
    expect(e.code).toBe('E_INTERNAL');
    expect(e.message).not.toContain('records');
    const own = new CohortError('E_UNKNOWN_JOB');
    expect(asCohortError(own)).toBe(own);
    expect(own.closeCode).toBeUndefined();
    expect(new CohortError('E_WIRE_DECODE').closeCode).toBe(1007);
  });
});
