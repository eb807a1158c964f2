import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { drive, expectedSum, names, sameWords } from './driver.ts';
import { SecAggClient, SecAggServer, openSession, ed25519KeyPair } from '../../../core/secagg/index.ts';

describe('secure aggregation under bad input: the offender is dropped, honest clients finish', () => {
  it('forged advertise signature', () => {
    const all = names(6);
    const r = drive({
      n: 6,
      threshold: 3,
      tamper: (from, msg) =>
        'secaggAdvertise' in msg && from === all[2]
          ? { secaggAdvertise: { ...msg.secaggAdvertise, signature: randomBytes(64) } }
          : msg,
    });
    expect(r.rejected).toEqual([{ from: all[2], code: 'E_SECAGG_BAD_SIGNATURE' }]);
    expect(r.server.phase).toBe('done');
    expect(
      sameWords(
        r.server.sum,
        expectedSum(
          r.inputs,
          all.filter((c) => c !== all[2]),
        ),
      ),
    ).toBe(true);
  });

  it("keys signed by another identity (a client presenting someone else's keys)", () => {
    const all = names(5);
    let stolen: Uint8Array | undefined;
    const r = drive({
      n: 5,
      threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggAdvertise' in msg)) return msg;
        if (from === all[0]) stolen = msg.secaggAdvertise.signature!;
        return from === all[1] ? { secaggAdvertise: { ...msg.secaggAdvertise, signature: stolen! } } : msg;
      },
    });
    expect(r.rejected).toEqual([{ from: all[1], code: 'E_SECAGG_BAD_SIGNATURE' }]);
    expect(r.server.phase).toBe('done');
  });

  it("shares addressed to a client that is not the sender's neighbour", () => {
    const all = names(20);
    const r = drive({
      n: 20,
      degree: 6,
      threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggShares' in msg) || from !== all[4]) return msg;
        const shares = [...(msg.secaggShares.shares ?? [])];
        shares[0] = { ...shares[0], peer: all[4] }; // to itself: never a neighbour
        return { secaggShares: { shares } };
      },
    });
    expect(r.rejected).toEqual([{ from: all[4], code: 'E_SECAGG_BAD_SHARE' }]);
    expect(r.server.phase).toBe('done');
    expect(
      sameWords(
        r.server.sum,
        expectedSum(
          r.inputs,
          all.filter((c) => c !== all[4]),
        ),
      ),
    ).toBe(true);
  });

  it('a masked input of the wrong length, and one outside Z_2^k', () => {
    const all = names(6);
    const short = drive({
      n: 6,
      threshold: 3,
      tamper: (from, msg) =>
        'secaggMaskedInput' in msg && from === all[3]
          ? { secaggMaskedInput: { masked: msg.secaggMaskedInput.masked!.subarray(4) } }
          : msg,
    });
    expect(short.rejected).toEqual([{ from: all[3], code: 'E_UPDATE_LENGTH' }]);
    expect(short.server.phase).toBe('done');
    // It shared its keys, so its pairwise masks are removed with its reconstructed key.
    expect(
      sameWords(
        short.server.sum,
        expectedSum(
          short.inputs,
          all.filter((c) => c !== all[3]),
        ),
      ),
    ).toBe(true);

    const wide = drive({
      n: 6,
      threshold: 3,
      bits: 20,
      tamper: (from, msg) => {
        if (!('secaggMaskedInput' in msg) || from !== all[0]) return msg;
        const bytes = new Uint8Array(msg.secaggMaskedInput.masked!);
        bytes[3] = 0xff; // word 0 >= 2^20
        return { secaggMaskedInput: { masked: bytes } };
      },
    });
    expect(wide.rejected).toEqual([{ from: all[0], code: 'E_UPDATE_RANGE' }]);
    expect(sameWords(wide.server.sum, expectedSum(wide.inputs, all.slice(1), 20))).toBe(true);
  });

  it("a survivor's mask-key share in the unmasking phase", () => {
    const all = names(6);
    const r = drive({
      n: 6,
      threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggUnmask' in msg) || from !== all[5]) return msg;
        const [first, ...rest] = msg.secaggUnmask.selfMaskShares ?? [];
        return { secaggUnmask: { selfMaskShares: rest, keyShares: [first!] } };
      },
    });
    expect(r.rejected).toEqual([{ from: all[5], code: 'E_SECAGG_BAD_SHARE' }]);
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, all))).toBe(true); // its input was already in
  });

  it('a replayed advertisement from another round or another attempt, and a duplicated client', () => {
    const participants = names(4);
    const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
    const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
    const params = {
      jobId: 'j',
      bits: 32,
      threshold: 3,
      degree: 3,
      clip: 10,
      participants,
      totalExamples: 10,
      vectorLength: 4,
      rosterHash: new Uint8Array(32),
    };
    const round4 = openSession({ ...params, round: 4, attempt: 1 });
    const server = new SecAggServer(round4, roster);
    for (const other of [
      openSession({ ...params, round: 3, attempt: 1 }),
      openSession({ ...params, round: 4, attempt: 2 }),
    ]) {
      const old = new SecAggClient(other, participants[0]!, ids.get(participants[0]!)!, roster).advertise();
      const s2 = new SecAggServer(round4, roster);
      expect(s2.receive(participants[0]!, { secaggAdvertise: old }).rejected?.code).toBe('E_SECAGG_BAD_SIGNATURE');
    }

    const fresh = new SecAggClient(round4, participants[1]!, ids.get(participants[1]!)!, roster).advertise();
    expect(server.receive(participants[1]!, { secaggAdvertise: fresh }).rejected).toBeNull();
    expect(() => server.receive(participants[1]!, { secaggAdvertise: fresh })).toThrow(
      expect.objectContaining({ code: 'E_DUPLICATE_UPDATE' }),
    );
    expect(() => server.receive('stranger', { secaggAdvertise: fresh })).toThrow(
      expect.objectContaining({ code: 'E_NOT_PARTICIPANT' }),
    );
    expect(() => server.receive(participants[2]!, { secaggMaskedInput: { masked: new Uint8Array(16) } })).toThrow(
      expect.objectContaining({ code: 'E_SECAGG_PROTOCOL' }),
    );
  });

  it('a participant outside the roster cannot be put into a session, nor a roster key differing from the identity', () => {
    const participants = names(3);
    const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
    const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
    const s = openSession({
      jobId: 'j',
      round: 1,
      attempt: 1,
      bits: 32,
      threshold: 3,
      degree: 2,
      clip: 10,
      participants,
      totalExamples: 10,
      vectorLength: 4,
      rosterHash: new Uint8Array(32),
    });
    const partial = new Map([...roster].slice(0, 2));
    expect(() => new SecAggClient(s, participants[0]!, ids.get(participants[0]!)!, partial)).toThrow(
      expect.objectContaining({ code: 'E_ROSTER_NOT_MEMBER' }),
    );
    expect(() => new SecAggServer(s, partial)).toThrow(expect.objectContaining({ code: 'E_ROSTER_NOT_MEMBER' }));
    expect(() => new SecAggClient(s, participants[0]!, ed25519KeyPair(), roster)).toThrow(
      expect.objectContaining({ code: 'E_ROSTER_NOT_MEMBER' }),
    );
  });
});

describe('robust unmasking: a bad share or ciphertext identifies its sender and does not stop honest clients', () => {
  it('a revealer that passes a share at another x is refused and blamed; the sum is still right', () => {
    const all = names(7);
    const r = drive({
      n: 7,
      threshold: 4,
      tamper: (from, msg) => {
        if (!('secaggUnmask' in msg) || from !== all[3]) return msg;
        const shares = (msg.secaggUnmask.selfMaskShares ?? []).map((x) => {
          const share = Uint8Array.from(x.share!);
          share[0] = share[0]! === 1 ? 2 : 1; // claim another holder's x
          return { ...x, share };
        });
        return { secaggUnmask: { ...msg.secaggUnmask, selfMaskShares: shares } };
      },
    });
    expect(r.rejected).toEqual([{ from: all[3], code: 'E_SECAGG_BAD_SHARE' }]);
    expect(r.server.blamed.has(all[3]!)).toBe(true);
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, all))).toBe(true);
  });

  it('a revealer that sends a wrong share at its own x is outvoted by the spare shares; nobody is blamed', () => {
    const all = names(9);
    const r = drive({
      n: 9,
      threshold: 5,
      tamper: (from, msg) => {
        if (!('secaggUnmask' in msg) || from !== all[0]) return msg;
        const shares = (msg.secaggUnmask.selfMaskShares ?? []).map((x) => {
          const share = Uint8Array.from(x.share!);
          share[2] = (share[2]! + 1) & 0xff; // a wrong y, still well formed, at its own x
          share[4] = 0;
          return { ...x, share };
        });
        return { secaggUnmask: { ...msg.secaggUnmask, selfMaskShares: shares } };
      },
    });
    expect(r.rejected).toEqual([]);
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, all))).toBe(true);
    // Its revealer's lie, or a wrong share dealt to it: the coordinator cannot tell, so blames neither.
    expect([...r.server.blamed.keys()]).toEqual([]);
  });

  it('a sharer whose ciphertext does not open: the recipient reports it and carries on', () => {
    const all = names(7);
    const r = drive({
      n: 7,
      threshold: 4,
      tamper: (from, msg) => {
        if (!('secaggShares' in msg) || from !== all[1]) return msg;
        const shares = (msg.secaggShares.shares ?? []).map((e) =>
          e.peer === all[5] ? { ...e, ciphertext: randomBytes(e.ciphertext!.length) } : e,
        );
        return { secaggShares: { shares } };
      },
    });
    expect(r.refused.size).toBe(0);
    expect(r.server.phase).toBe('done');
    expect(sameWords(r.server.sum, expectedSum(r.inputs, all))).toBe(true);
    expect([...(r.server.complaints.get(all[1]!) ?? [])]).toEqual([all[5]]);
    const masked = r.received.find(({ from, msg }) => from === all[5] && 'secaggMaskedInput' in msg)!.msg as {
      secaggMaskedInput: { rejected?: string[] };
    };
    expect(masked.secaggMaskedInput.rejected).toEqual([all[1]]);
  });

  it('a sharer whose ciphertexts no neighbour can open: more complaints than C blame it, and no sum is released', () => {
    const all = names(6);
    const r = drive({
      n: 6,
      threshold: 4,
      corrupt: 1,
      // all[2] sends garbage to everyone: no holder can open its shares, so its self mask cannot be removed.
      tamper: (from, msg) => {
        if (!('secaggShares' in msg) || from !== all[2]) return msg;
        return {
          secaggShares: {
            shares: (msg.secaggShares.shares ?? []).map((e) => ({
              ...e,
              ciphertext: randomBytes(e.ciphertext!.length),
            })),
          },
        };
      },
    });
    expect(r.server.phase).toBe('failed');
    expect(r.server.blamed.has(all[2]!)).toBe(true);
    expect(() => r.server.sum).toThrow();
    expect(r.refused.size).toBe(0); // honest clients never abandoned the session
  });
});
