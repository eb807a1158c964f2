/** Dashboard login codes and sessions: single use, expiry, tables bounded per identity. */
import { describe, it, expect } from 'vitest';
import {
  DashboardSessions,
  LOGIN_CODE_TTL_MS,
  MAX_CODES_PER_IDENTITY,
  MAX_LOGIN_CODES,
  MAX_SESSIONS_PER_IDENTITY,
  SESSION_TTL_MS,
} from '../../../coordinator/dashboard/sessions.ts';

describe('DashboardSessions', () => {
  it('a code is redeemed once for a session bound to the identity and role, which ends after SESSION_TTL_MS', () => {
    const s = new DashboardSessions();
    const { code, expiresAt } = s.issueCode('rita', 'researcher', 1000);
    expect(expiresAt).toBe(1000 + LOGIN_CODE_TTL_MS);
    const session = s.redeem(code, 2000)!;
    expect(session).toMatchObject({ name: 'rita', role: 'researcher', expiresAt: 2000 + SESSION_TTL_MS });
    expect(session.token).not.toBe(code);
    expect(s.redeem(code, 2000)).toBeNull();
    expect(s.session(session.token, 2000 + SESSION_TTL_MS - 1)).toMatchObject({ name: 'rita' });
    expect(s.session(session.token, 2000 + SESSION_TTL_MS)).toBeNull();
  });

  it('an expired code is refused; logout and revocation end sessions', () => {
    const s = new DashboardSessions();
    expect(s.redeem(s.issueCode('aud', 'auditor', 0).code, LOGIN_CODE_TTL_MS)).toBeNull();
    const a = s.redeem(s.issueCode('aud', 'auditor', 0).code, 1)!;
    const b = s.redeem(s.issueCode('aud', 'auditor', 0).code, 1)!;
    const c = s.redeem(s.issueCode('ada', 'admin', 0).code, 1)!;
    s.end(a.token);
    expect(s.session(a.token, 2)).toBeNull();
    s.endAllOf('aud');
    expect(s.session(b.token, 2)).toBeNull();
    expect(s.session(c.token, 2)).not.toBeNull();
  });

  it("caps codes and sessions per identity: an identity over its cap loses its own oldest, never another identity's", () => {
    const s = new DashboardSessions();
    const aud = s.redeem(s.issueCode('aud', 'auditor', 0).code, 1)!;
    const audCode = s.issueCode('aud', 'auditor', 0).code;
    const codes = Array.from({ length: MAX_CODES_PER_IDENTITY + 1 }, () => s.issueCode('rita', 'researcher', 0).code);
    expect(s.redeem(codes[0]!, 1)).toBeNull(); // rita's oldest code made way for her ninth
    const tokens = Array.from(
      { length: 3 * MAX_SESSIONS_PER_IDENTITY },
      () => s.redeem(s.issueCode('rita', 'researcher', 0).code, 1)!.token,
    );
    expect(tokens.filter((t) => s.session(t, 2) !== null)).toEqual(tokens.slice(-MAX_SESSIONS_PER_IDENTITY));
    expect(s.sessionsOf('rita', 2)).toBe(MAX_SESSIONS_PER_IDENTITY);
    expect(s.session(aud.token, 2)).toMatchObject({ name: 'aud' });
    expect(s.redeem(audCode, 2)).toMatchObject({ name: 'aud' });
  });

  it("peek names a code's identity without using it up", () => {
    const s = new DashboardSessions();
    const { code } = s.issueCode('rita', 'researcher', 0);
    expect(s.peek(code, 1)).toMatchObject({ name: 'rita', role: 'researcher' });
    expect(s.redeem(code, 1)).not.toBeNull();
    expect(s.peek(code, 1)).toBeNull();
    expect(s.peek(s.issueCode('rita', 'researcher', 0).code, LOGIN_CODE_TTL_MS)).toBeNull();
  });

  it('past the global backstop new codes are refused (E_HTTP_BUSY) and nobody is logged out', () => {
    const s = new DashboardSessions();
    const aud = s.redeem(s.issueCode('aud', 'auditor', 0).code, 1)!;
    let refused: unknown = null;
    for (let i = 0; i < MAX_LOGIN_CODES / MAX_CODES_PER_IDENTITY + 1 && !refused; i++) {
      try {
        for (let j = 0; j < MAX_CODES_PER_IDENTITY; j++) s.issueCode(`r${i}`, 'researcher', 0);
      } catch (err) {
        refused = err;
      }
    }
    expect(refused).toMatchObject({ code: 'E_HTTP_BUSY' });
    expect(s.session(aud.token, 2)).toMatchObject({ name: 'aud' });
  });
});
