/**
 * A roster's issues are made printable where they are written
 * (parseRosterChain), not only where the CLI prints them: a roster file, a
 * coordinator's relayed roster or a ledger entry's roster can carry an
 * unknown key holding terminal escapes, newlines or bidi overrides, and the
 * refusal is logged by the coordinator and the hospitals (log injection).
 * Each issue is also cut short, so a long key does not make a long log line.
 */
import { describe, it, expect } from 'vitest';
import { isPrintable } from '../../../core/printable.ts';
import { genesisRoster, parseRosterChain, verifyRosterChain } from '../../../core/roster/index.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { refusal } from '../../helpers/refusal.ts';

/** A forged log line after a screen clear, a bell-ended title change and a bidi override. */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\n{"level":50,"msg":"budget reset"}\r\u202e';

describe('roster issue text', () => {
  const chain = genesisRoster('eu-net', [{ name: 'ams', identity: ed25519KeyPair() }]);

  it('is printable, one line, wherever the hostile key sits (chain, version, body, member)', () => {
    const v = chain.versions[0]!;
    const m = v.body.members[0]!;
    const hostile = [
      { ...chain, [HOSTILE]: 1 },
      { versions: [{ ...v, [HOSTILE]: 1 }] },
      { versions: [{ ...v, body: { ...v.body, [HOSTILE]: 1 } }] },
      { versions: [{ ...v, body: { ...v.body, members: [{ ...m, [HOSTILE]: 1 }] } }] },
    ];
    for (const input of hostile) {
      for (const check of [parseRosterChain, verifyRosterChain]) {
        const err = refusal(() => check(input));
        expect(err.code).toBe('E_ROSTER_INVALID');
        expect(err.message).toMatch(/Unrecognized key/);
        expect(isPrintable(err.message), JSON.stringify(err.message)).toBe(true);
      }
    }
  });

  it('is bounded: a key of a megabyte is not quoted whole', () => {
    const err = refusal(() => parseRosterChain({ ...chain, ['k'.repeat(1 << 20)]: 1, ['j'.repeat(1 << 20)]: 2 }));
    expect(err.code).toBe('E_ROSTER_INVALID');
    expect(err.message.length).toBeLessThan(2000);
  });
});
