/** Dashboard login codes and sessions: single use, expiry, bounded tables. */
import { describe, it, expect } from 'vitest';
import { DashboardSessions, LOGIN_CODE_TTL_MS, MAX_LOGIN_CODES, MAX_SESSIONS, SESSION_TTL_MS } from '../../../coordinator/dashboard/sessions.ts';

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

  it('holds at most MAX_LOGIN_CODES codes and MAX_SESSIONS sessions, dropping the oldest', () => {
    const s = new DashboardSessions();
    const codes = Array.from({ length: MAX_LOGIN_CODES + 1 }, () => s.issueCode('rita', 'researcher', 0).code);
    expect(s.redeem(codes[0]!, 1)).toBeNull();
    expect(s.redeem(codes[1]!, 1)).not.toBeNull();
    const tokens = Array.from({ length: MAX_SESSIONS }, () => s.redeem(s.issueCode('rita', 'researcher', 0).code, 1)!.token);
    expect(s.session(tokens[0]!, 2)).not.toBeNull();
    expect(s.session(tokens.at(-1)!, 2)).not.toBeNull();
    // The session redeemed from codes[1] was the oldest and was dropped for the last one.
    expect(tokens.filter((t) => s.session(t, 2) !== null)).toHaveLength(MAX_SESSIONS);
  });
});
