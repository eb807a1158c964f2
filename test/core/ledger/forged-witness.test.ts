/**
 * A lying coordinator forging a hospital's witness cosignature: it appends a
 * role-grant entry rebinding the hospital's name to a key of its own (as a
 * re-enrolment would), signs a checkpoint over it and "cosigns" it as the
 * hospital with that key. The auditor's fetch took hospital keys from the
 * ledger's own grants, the latest winning, so the forged cosignature counted
 * as the hospital vouching for every spend of its up to that size (review
 * finding). A hospital in the roster the ledger records (quorum-signed by the
 * hospitals) is now checked against its roster key (core/ledger/grants.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkFetched, type FetchedLedger } from '../../../client/ledger-fetch.ts';
import { checkpointBody, cosign, logOrigin, signCheckpoint, witnessName } from '../../../core/ledger/checkpoint.ts';
import { sealEntry } from '../../../core/ledger/index.ts';
import { leafHash, MerkleTree } from '../../../core/ledger/merkle.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { genesisRoster, rosterHash } from '../../../core/roster/index.ts';
import { buildFixture } from './fixture.ts';

describe("a hospital's name rebound to the coordinator's own key", () => {
  it('does not make the coordinator a witness in its place', () => {
    const f = buildFixture();
    const planted = ed25519KeyPair();
    const entries = [...f.entries];
    /** Seals an entry of `kind` after the last one, with the coordinator's key, as the coordinator appends. */
    const append = (kind: 'roster' | 'role-grant', at: number, body: Record<string, unknown>) => {
      const last = entries.at(-1)!;
      const entry = { seq: last.seq + 1, at, kind, jobId: '', round: 0, body, prevHash: last.hash };
      entries.push(sealEntry(entry as unknown as Parameters<typeof sealEntry>[0], f.coordinator.secretKey));
    };
    // The network's roster, signed by its four hospitals, as a secure-aggregation network's ledger records it.
    const version = genesisRoster(
      'fixture',
      [...f.hospitals].map(([name, identity]) => ({ name, identity })),
    ).versions[0]!;
    append('roster', 1_799_999_999_000, {
      network: 'fixture',
      version: 1,
      hash: rosterHash(version.body),
      roster: version,
    });
    // The coordinator's re-enrolment of h1 under a key it holds.
    const publicKey = Buffer.from(planted.publicKey).toString('hex');
    append('role-grant', 1_800_000_000_000, { subject: 'h1', role: 'hospital', granted: true, publicKey });
    const tree = MerkleTree.fromLeafHashes(entries.map((e) => leafHash(e.canonical)));
    const c = { origin: logOrigin(f.coordinator.publicKey), size: tree.size, root: tree.root() };
    const note = signCheckpoint(c, f.coordinator.secretKey, f.coordinator.publicKey);
    const forged = cosign(checkpointBody(c), witnessName('h1'), planted.secretKey, 1_800_000_000);
    const fetched: FetchedLedger = {
      coordinatorKey: Buffer.from(f.coordinator.publicKey).toString('hex'),
      scope: 'all',
      jobId: null,
      afterSeq: 0,
      entries,
      receipts: [],
      proof: {
        fromSize: 0,
        checkpoint: note,
        size: c.size,
        consistency: [],
        cosignatures: [
          {
            witness: 'h1',
            size: c.size,
            timestamp: forged.timestamp,
            signature: Buffer.from(forged.signature).toString('base64'),
          },
        ],
      },
    };
    const check = checkFetched(fetched, fetched.coordinatorKey);
    expect(check.report!.witnessed['h1']).toBeUndefined();
    expect(check.report!.failures.map((x) => x.code)).toEqual(['bad-cosignature']);
  }, 60_000);
});
