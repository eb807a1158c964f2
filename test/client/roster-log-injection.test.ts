/**
 * A lying coordinator relays a roster whose unknown key holds terminal
 * escapes and a forged JSON log line: the hospital refuses it (E_ROSTER_INVALID)
 * and logs the refusal, and the logged text is one printable line.
 */
import { describe, it, expect } from 'vitest';
import { RosterHolder } from '../../client/roster-holder.ts';
import { isPrintable } from '../../core/printable.ts';
import { genesisRoster } from '../../core/roster/index.ts';
import { ed25519KeyPair } from '../../core/secagg/index.ts';
import type { Logger } from '../../edge/log.ts';

describe('a hostile roster from the coordinator', () => {
  it("reaches the hospital's log as printable text", () => {
    const id = ed25519KeyPair();
    const chain = genesisRoster('eu-net', [{ name: 'ams', identity: id }]);
    const logged: { obj: unknown; msg: string }[] = [];
    const log = {
      warn: (obj: unknown, msg: string) => logged.push({ obj, msg }),
      info: () => {},
      child: () => log,
    } as unknown as Logger;
    const holder = new RosterHolder('ams', id.publicKey, log, chain);
    const forged = '\u001b[1A\u001b[2K\n{"level":30,"msg":"roster updated","version":99}\r';
    holder.offered(JSON.stringify({ ...chain, [forged]: 1 }));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.obj).toEqual({ code: 'E_ROSTER_INVALID' });
    expect(logged[0]!.msg).toMatch(/^roster from the coordinator refused: roster: .*Unrecognized key/);
    expect(isPrintable(logged[0]!.msg), JSON.stringify(logged[0]!.msg)).toBe(true);
    expect(holder.head?.version).toBe(1);
  });
});
