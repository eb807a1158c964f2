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
    // The network's roster, signed by its four hospitals, as a secure-aggregation network's ledger records it.
    const chain = genesisRoster(
      'fixture',
      [...f.hospitals].map(([name, identity]) => ({ name, identity })),
    );
    const version = chain.versions[0]!;
    const before = entries.at(-1)!;
    entries.push(
      sealEntry(
        {
          seq: before.seq + 1,
          at: 1_799_999_999_000,
          kind: 'roster',
          jobId: '',
          round: 0,
          body: { network: 'fixture', version: 1, hash: rosterHash(version.body), roster: version },
          prevHash: before.hash,
        },
        f.coordinator.secretKey,
      ),
    );
    const last = entries.at(-1)!;
    entries.push(
      sealEntry(
        {
          seq: last.seq + 1,
          at: 1_800_000_000_000,
          kind: 'role-grant',
          jobId: '',
          round: 0,
          body: {
            subject: 'h1',
            role: 'hospital',
            granted: true,
            publicKey: Buffer.from(planted.publicKey).toString('hex'),
          },
          prevHash: last.hash,
        },
        f.coordinator.secretKey,
      ),
    );
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
