import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { drive, expectedSum, names } from './driver.ts';
import { SecAggClient, SecAggServer, openSession, ed25519KeyPair } from '../../core/secagg/index.ts';

const eq = (a: Uint32Array, b: Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('secure aggregation under bad input: the offender is dropped, honest clients finish', () => {
  it('forged advertise signature', () => {
    const all = names(6);
    const r = drive({
      n: 6, threshold: 3,
      tamper: (from, msg) => ('secaggAdvertise' in msg && from === all[2] ? { secaggAdvertise: { ...msg.secaggAdvertise, signature: randomBytes(64) } } : msg),
    });
    expect(r.rejected).toEqual([{ from: all[2], code: 'E_SECAGG_BAD_SIGNATURE' }]);
    expect(r.server.phase).toBe('done');
    expect(eq(r.server.sum, expectedSum(r.inputs, all.filter((c) => c !== all[2])))).toBe(true);
  });

  it('keys signed by another identity (a client presenting someone else\'s keys)', () => {
    const all = names(5);
    let stolen: Uint8Array | undefined;
    const r = drive({
      n: 5, threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggAdvertise' in msg)) return msg;
        if (from === all[0]) stolen = msg.secaggAdvertise.signature!;
        return from === all[1] ? { secaggAdvertise: { ...msg.secaggAdvertise, signature: stolen! } } : msg;
      },
    });
    expect(r.rejected).toEqual([{ from: all[1], code: 'E_SECAGG_BAD_SIGNATURE' }]);
    expect(r.server.phase).toBe('done');
  });

  it('shares addressed to a client that is not the sender\'s neighbour', () => {
    const all = names(20);
    const r = drive({
      n: 20, degree: 6, threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggShares' in msg) || from !== all[4]) return msg;
        const shares = [...(msg.secaggShares.shares ?? [])];
        shares[0] = { ...shares[0], peer: all[4] }; // to itself: never a neighbour
        return { secaggShares: { shares } };
      },
    });
    expect(r.rejected).toEqual([{ from: all[4], code: 'E_SECAGG_BAD_SHARE' }]);
    expect(r.server.phase).toBe('done');
    expect(eq(r.server.sum, expectedSum(r.inputs, all.filter((c) => c !== all[4])))).toBe(true);
  });

  it('a masked input of the wrong length, and one outside Z_2^k', () => {
    const all = names(6);
    const short = drive({
      n: 6, threshold: 3,
      tamper: (from, msg) => ('secaggMaskedInput' in msg && from === all[3] ? { secaggMaskedInput: { masked: msg.secaggMaskedInput.masked!.subarray(4) } } : msg),
    });
    expect(short.rejected).toEqual([{ from: all[3], code: 'E_UPDATE_LENGTH' }]);
    expect(short.server.phase).toBe('done');
    // It shared its keys, so its pairwise masks are removed with its reconstructed key.
    expect(eq(short.server.sum, expectedSum(short.inputs, all.filter((c) => c !== all[3])))).toBe(true);

    const wide = drive({
      n: 6, threshold: 3, bits: 20,
      tamper: (from, msg) => {
        if (!('secaggMaskedInput' in msg) || from !== all[0]) return msg;
        const bytes = new Uint8Array(msg.secaggMaskedInput.masked!);
        bytes[3] = 0xff; // word 0 >= 2^20
        return { secaggMaskedInput: { masked: bytes } };
      },
    });
    expect(wide.rejected).toEqual([{ from: all[0], code: 'E_UPDATE_RANGE' }]);
    expect(eq(wide.server.sum, expectedSum(wide.inputs, all.slice(1), 20))).toBe(true);
  });

  it('a survivor\'s mask-key share in the unmasking phase', () => {
    const all = names(6);
    const r = drive({
      n: 6, threshold: 3,
      tamper: (from, msg) => {
        if (!('secaggUnmask' in msg) || from !== all[5]) return msg;
        const [first, ...rest] = msg.secaggUnmask.selfMaskShares ?? [];
        return { secaggUnmask: { selfMaskShares: rest, keyShares: [first!] } };
      },
    });
    expect(r.rejected).toEqual([{ from: all[5], code: 'E_SECAGG_BAD_SHARE' }]);
    expect(r.server.phase).toBe('done');
    expect(eq(r.server.sum, expectedSum(r.inputs, all))).toBe(true); // its input was already in
  });

  it('a replayed message from an earlier round, and a duplicated client', () => {
    const participants = names(4);
    const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
    const params = { jobId: 'j', bits: 32, threshold: 2, degree: 3, clip: 10, graphSeed: randomBytes(32), participants, totalExamples: 10, vectorLength: 4 };
    const round3 = openSession({ ...params, round: 3 });
    const round4 = openSession({ ...params, round: 4 });
    const old = new SecAggClient(round3, participants[0]!, ids.get(participants[0]!)!).advertise();
    const server = new SecAggServer(round4, new Map([...ids].map(([p, k]) => [p, k.publicKey])));
    const { rejected } = server.receive(participants[0]!, { secaggAdvertise: old });
    expect(rejected?.code).toBe('E_SECAGG_BAD_SIGNATURE');

    const fresh = new SecAggClient(round4, participants[1]!, ids.get(participants[1]!)!).advertise();
    expect(server.receive(participants[1]!, { secaggAdvertise: fresh }).rejected).toBeNull();
    expect(() => server.receive(participants[1]!, { secaggAdvertise: fresh })).toThrow(expect.objectContaining({ code: 'E_DUPLICATE_UPDATE' }));
    expect(() => server.receive('stranger', { secaggAdvertise: fresh })).toThrow(expect.objectContaining({ code: 'E_NOT_PARTICIPANT' }));
    expect(() => server.receive(participants[2]!, { secaggMaskedInput: { masked: new Uint8Array(16) } })).toThrow(expect.objectContaining({ code: 'E_SECAGG_PROTOCOL' }));
  });

  it('a client refuses a key list whose signatures do not verify', () => {
    const participants = names(3);
    const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
    const s = openSession({ jobId: 'j', round: 1, bits: 32, threshold: 2, degree: 2, clip: 10, graphSeed: randomBytes(32), participants, totalExamples: 10, vectorLength: 4 });
    const clients = participants.map((p) => new SecAggClient(s, p, ids.get(p)!));
    const ads = clients.map((c) => c.advertise());
    const list = participants.map((name, i) => ({ name, ...ads[i], identityKey: ids.get(name)!.publicKey }));
    list[2] = { ...list[2]!, cPk: randomBytes(32) }; // a coordinator substituting a key
    expect(() => clients[0]!.onKeys({ clients: list })).toThrow(expect.objectContaining({ code: 'E_SECAGG_BAD_SIGNATURE' }));
  });
});
