import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ERRORS, CohortError, asCohortError, httpStatusOf, isErrorCode } from '../../core/errors.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'generated' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** The HTTP servers: the auditors' ledger endpoint and the dashboard. */
const HTTP_SERVERS = ['coordinator/ledger-http.ts', 'coordinator/dashboard/server.ts'];

/** Each server and the coordinator modules it imports, directly or not: the code that runs inside a request. */
function httpModules(): string[] {
  const seen = new Set<string>();
  const stack = [...HTTP_SERVERS];
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/from '(\.[^']+\.ts)'/g)) {
      const p = normalize(join(dirname(f), m[1]!));
      if (p.startsWith('coordinator/')) stack.push(p);
    }
  }
  return [...seen];
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

  it('gives an HTTP status to every code an HTTP server can send, and the servers take it from there', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      const http = (e as { http?: number }).http;
      if (http !== undefined) expect(http >= 400 && http < 600, code).toBe(true);
    }
    const modules = httpModules();
    expect(modules).toContain('coordinator/ledger-reader.ts');
    const sent = new Set<string>(['E_INTERNAL']);
    for (const f of modules) for (const m of readFileSync(f, 'utf8').matchAll(/'(E_[A-Z0-9_]+)'/g)) sent.add(m[1]!);
    expect(sent.size).toBeGreaterThan(8);
    const without = [...sent].filter((c) => !isErrorCode(c) || (ERRORS[c] as { http?: number }).http === undefined);
    expect(without).toEqual([]);
    // No server keeps its own statuses: an error's status is written only through httpStatusOf.
    for (const f of HTTP_SERVERS)
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/\b(?:send|json)\(\s*res,\s*[45]\d\d\b/);
    expect(httpStatusOf('E_UNAUTHORIZED')).toBe(401);
    expect(httpStatusOf('E_HTTP_URL_TOO_LONG')).toBe(414);
    expect(httpStatusOf('E_STORE')).toBe(503);
    expect(httpStatusOf('E_SECAGG_BAD_SHARE')).toBe(500);
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
