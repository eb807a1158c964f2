import { describe, it, expect } from 'vitest';
import { randomBytes } from 'node:crypto';
import { drive, expectedSum, names, sameWords, type DriveOptions, type DriveResult } from './driver.ts';
import {
  SecAggClient,
  SecAggServer,
  openSession,
  ed25519KeyPair,
  type ClientMessage,
} from '../../../core/secagg/index.ts';
import type { NamedBytes } from '../../../core/secagg/messages.ts';

/**
 * One client rewrites its own messages; the server rejects it with `code`,
 * drops it, and finishes with the honest clients. An offender dropped before
 * its masked input arrived is not in the sum (its pairwise masks are removed
 * with its reconstructed key); one dropped while unmasking already is.
 */
interface Offence {
  name: string;
  options: Omit<DriveOptions, 'tamper'>;
  offender: number;
  code: string;
  counted?: boolean;
  rewrite: (msg: ClientMessage, all: string[]) => ClientMessage;
}

const OFFENCES: Offence[] = [
  {
    name: 'forged advertise signature',
    options: { n: 6, threshold: 3 },
    offender: 2,
    code: 'E_SECAGG_BAD_SIGNATURE',
    rewrite: (msg) =>
      'secaggAdvertise' in msg ? { secaggAdvertise: { ...msg.secaggAdvertise, signature: randomBytes(64) } } : msg,
  },
  {
    name: "shares addressed to a client that is not the sender's neighbour",
    options: { n: 20, degree: 6, threshold: 3 },
    offender: 4,
    code: 'E_SECAGG_BAD_SHARE',
    rewrite: (msg, all) => {
      if (!('secaggShares' in msg)) return msg;
      const shares = [...(msg.secaggShares.shares ?? [])];
      shares[0] = { ...shares[0], name: all[4] }; // to itself: never a neighbour
      return { secaggShares: { shares } };
    },
  },
  {
    name: 'a masked input of the wrong length',
    options: { n: 6, threshold: 3 },
    offender: 3,
    code: 'E_UPDATE_LENGTH',
    rewrite: (msg) =>
      'secaggMaskedInput' in msg ? { secaggMaskedInput: { masked: msg.secaggMaskedInput.masked!.subarray(4) } } : msg,
  },
  {
    name: 'a masked input outside Z_2^k',
    options: { n: 6, threshold: 3, bits: 20 },
    offender: 0,
    code: 'E_UPDATE_RANGE',
    rewrite: (msg) => {
      if (!('secaggMaskedInput' in msg)) return msg;
      const bytes = new Uint8Array(msg.secaggMaskedInput.masked!);
      bytes[3] = 0xff; // word 0 >= 2^20
      return { secaggMaskedInput: { masked: bytes } };
    },
  },
  {
    name: "a survivor's mask-key share in the unmasking phase",
    options: { n: 6, threshold: 3 },
    offender: 5,
    code: 'E_SECAGG_BAD_SHARE',
    counted: true,
    rewrite: (msg) => {
      if (!('secaggUnmask' in msg)) return msg;
      const [first, ...rest] = msg.secaggUnmask.selfMaskShares ?? [];
      return { secaggUnmask: { selfMaskShares: rest, keyShares: [first!] } };
    },
  },
];

/** `n` participants with identity keys on one roster, and their session at a round and attempt (threshold 3). */
function network(n: number) {
  const participants = names(n);
  const ids = new Map(participants.map((p) => [p, ed25519KeyPair()]));
  const roster = new Map([...ids].map(([p, k]) => [p, k.publicKey]));
  const sessionAt = (round: number, attempt: number) =>
    openSession({
      jobId: 'j',
      round,
      attempt,
      bits: 32,
      threshold: 3,
      degree: n - 1,
      clip: 10,
      participants,
      totalExamples: 10,
      vectorLength: 4,
      rosterHash: new Uint8Array(32),
    });
  return { participants, ids, roster, sessionAt };
}

/** The session finished, and its sum is exactly the inputs of `who`. */
function expectSumOf(r: DriveResult, who: readonly string[], bits?: number): void {
  expect(r.server.phase).toBe('done');
  expect(sameWords(r.server.sum, expectedSum(r.inputs, who, bits))).toBe(true);
}

/** A tamper under which `revealer` alters each self-mask share it reveals while unmasking. */
function editRevealedShares(revealer: string, edit: (share: Uint8Array) => void): DriveOptions['tamper'] {
  return (from, msg) => {
    if (!('secaggUnmask' in msg) || from !== revealer) return msg;
    const selfMaskShares = (msg.secaggUnmask.selfMaskShares ?? []).map((x) => {
      const share = Uint8Array.from(x.value!);
      edit(share);
      return { ...x, value: share };
    });
    return { secaggUnmask: { ...msg.secaggUnmask, selfMaskShares } };
  };
}

/** A tamper under which `sharer` rewrites each encrypted share it sends. */
function editSentShares(sharer: string, edit: (e: NamedBytes) => NamedBytes): DriveOptions['tamper'] {
  return (from, msg) =>
    'secaggShares' in msg && from === sharer
      ? { secaggShares: { shares: (msg.secaggShares.shares ?? []).map(edit) } }
      : msg;
}

/** The share with its ciphertext replaced by random bytes of the same length: nobody can open it. */
const garbled = (e: NamedBytes): NamedBytes => ({ ...e, value: randomBytes(e.value!.length) });

describe('secure aggregation under bad input: the offender is dropped, honest clients finish', () => {
  for (const { name, options, offender, code, counted, rewrite } of OFFENCES) {
    it(name, () => {
      const all = names(options.n);
      const r = drive({ ...options, tamper: (from, msg) => (from === all[offender] ? rewrite(msg, all) : msg) });
      expect(r.rejected).toEqual([{ from: all[offender], code }]);
      expectSumOf(r, counted ? all : all.filter((c) => c !== all[offender]), options.bits);
    });
  }

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

  it('a replayed advertisement from another round or another attempt, and a duplicated client', () => {
    const { participants, ids, roster, sessionAt } = network(4);
    const round4 = sessionAt(4, 1);
    const server = new SecAggServer(round4, roster);
    for (const other of [sessionAt(3, 1), sessionAt(4, 2)]) {
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
    const { participants, ids, roster, sessionAt } = network(3);
    const s = sessionAt(1, 1);
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
  const revealerLies = [
    {
      name: 'a revealer that passes a share at another x is refused and blamed; the sum is still right',
      n: 7,
      threshold: 4,
      revealer: 3,
      edit: (share: Uint8Array) => {
        share[0] = share[0]! === 1 ? 2 : 1; // claim another holder's x
      },
      blamed: true,
    },
    {
      // Its revealer's lie, or a wrong share dealt to it: the coordinator cannot tell, so blames neither.
      name: 'a revealer that sends a wrong share at its own x is outvoted by the spare shares; nobody is blamed',
      n: 9,
      threshold: 5,
      revealer: 0,
      edit: (share: Uint8Array) => {
        share[2] = (share[2]! + 1) & 0xff; // a wrong y, still well formed, at its own x
        share[4] = 0;
      },
      blamed: false,
    },
  ];
  for (const { name, n, threshold, revealer, edit, blamed } of revealerLies) {
    it(name, () => {
      const all = names(n);
      const r = drive({ n, threshold, tamper: editRevealedShares(all[revealer]!, edit) });
      expect(r.rejected).toEqual(blamed ? [{ from: all[revealer], code: 'E_SECAGG_BAD_SHARE' }] : []);
      expect([...r.server.blamed.keys()]).toEqual(blamed ? [all[revealer]] : []);
      expectSumOf(r, all);
    });
  }

  it('a sharer whose ciphertext does not open: the recipient reports it and carries on', () => {
    const all = names(7);
    const r = drive({
      n: 7,
      threshold: 4,
      tamper: editSentShares(all[1]!, (e) => (e.name === all[5] ? garbled(e) : e)),
    });
    expect(r.refused.size).toBe(0);
    expectSumOf(r, all);
    expect([...(r.server.complaints.get(all[1]!) ?? [])]).toEqual([all[5]]);
    const masked = r.received.find(({ from, msg }) => from === all[5] && 'secaggMaskedInput' in msg)!.msg as {
      secaggMaskedInput: { rejected?: string[] };
    };
    expect(masked.secaggMaskedInput.rejected).toEqual([all[1]]);
  });

  it('a sharer whose ciphertexts no neighbour can open: more complaints than C blame it, and no sum is released', () => {
    const all = names(6);
    // all[2] sends garbage to everyone: no holder can open its shares, so its self mask cannot be removed.
    const r = drive({ n: 6, threshold: 4, corrupt: 1, tamper: editSentShares(all[2]!, garbled) });
    expect(r.server.phase).toBe('failed');
    expect(r.server.blamed.has(all[2]!)).toBe(true);
    expect(() => r.server.sum).toThrow();
    expect(r.refused.size).toBe(0); // honest clients never abandoned the session
  });
});
