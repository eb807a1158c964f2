/**
 * verifyLedger on a synthetic ledger written with the real sealing and
 * accounting code (fixture.ts): it passes untouched, and each tampering
 * fails with its own code, naming the first bad entry.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import {
  canonicalJson,
  entryHash,
  sealEntry,
  verifyLedger,
  VERIFY_CODES,
  type VerifyInput,
  type VerifyReport,
} from '../../../core/ledger/index.ts';
import { ledgerSign } from '../../../core/ledger/ed25519.ts';
import { clearSpendCache, spendCacheStats } from '../../../core/ledger/spend.ts';
import {
  type LedgerEntry,
  type LedgerHead,
  type Receipt,
  type RoundBody,
  type SealedEntry,
} from '../../../core/ledger/types.ts';
import type { Mechanism } from '../../../core/privacy/spend.ts';
import { ed25519KeyPair } from '../../../core/secagg/index.ts';
import { errorCode } from '../../helpers/errors.ts';
import { buildFixture, hospitalCopy, HOSPITALS, recordSpec, rewriteLedger, type Fixture } from './fixture.ts';
import { checkFetched, type FetchedLedger } from '../../../client/ledger-fetch.ts';
import { checkpointBody, cosign, logOrigin, signCheckpoint, witnessName } from '../../../core/ledger/checkpoint.ts';
import { leafHash, MerkleTree } from '../../../core/ledger/merkle.ts';
import { genesisRoster, rosterHash } from '../../../core/roster/index.ts';
import { roundMechanism } from '../../../core/job/privacy.ts';

let f: Fixture;
let head: LedgerHead;

beforeAll(() => {
  f = buildFixture();
  const last = f.entries.at(-1)!;
  head = { seq: last.seq, hash: last.hash, signature: last.signature, coordinatorKey: hex(f.coordinator.publicKey) };
}, 60_000);

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const parse = (e: SealedEntry) => JSON.parse(e.canonical) as LedgerEntry;

function input(over: Partial<VerifyInput> = {}): VerifyInput {
  return {
    entries: f.entries,
    coordinatorKey: f.coordinator.publicKey,
    receipts: f.receipts,
    hospitalKeys: f.hospitalKeys,
    ...over,
  };
}

function hospitalLedgers(entries = f.entries) {
  return HOSPITALS.map((h) => ({
    hospital: h,
    entries: hospitalCopy({ ...f, entries }, h),
    receipts: f.receipts.filter((r) => r.hospital === h),
    charges: f.charges.get(h)!,
  }));
}

/** The report's first failure, asserting the report failed. */
function first(r: VerifyReport) {
  expect(r.ok).toBe(false);
  return r.failures[0]!;
}

/** Seals without sealEntry's checks, as a forger (or a buggy writer) could. */
function forceSeal(entry: unknown, secretKey: Uint8Array, canonical = canonicalJson(entry)): SealedEntry {
  const hash = entryHash(canonical);
  const signature = hex(ledgerSign(secretKey, new TextEncoder().encode(`cohort/ledger/v1\n${hash}`)));
  return { seq: (entry as LedgerEntry).seq, canonical, hash, signature };
}

/** The entries with row `i` replaced. */
const replaced = (i: number, row: SealedEntry) => f.entries.map((e, j) => (j === i ? row : e));
const indexOf = (seq: number) => f.entries.findIndex((e) => e.seq === seq);

/** The whole ledger re-sealed with `secretKey` after `edit`, every spend recomputed (fixture.ts rewriteLedger). */
const rewrite = (secretKey: Uint8Array, edit?: (e: LedgerEntry) => void) => rewriteLedger(f, secretKey, edit);

describe('verifyLedger on an untouched ledger', () => {
  it('passes, recomputing every epsilon from scratch, and reports the head', () => {
    // A cold memo: the recomputation really runs the accountants again.
    clearSpendCache();
    const r = verifyLedger(input({ head }));
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.entries).toBe(f.entries.length);
    expect(r.head).toEqual(head);
    expect(r.receiptsVerified).toBe(f.receipts.length);
    const spends = f.entries
      .map(parse)
      .filter((e) => e.kind === 'round')
      .reduce((n, e) => n + (e.body as RoundBody).spends.length, 0);
    expect(r.spendsRecomputed).toBe(spends);
    expect(spendCacheStats().evaluations).toBeGreaterThan(0);
    // The spend h2 never receipted is a note, not a failure.
    expect(r.notes.join('\n')).toContain(`${f.unreceipted.seq}/${f.unreceipted.hospital}`);
  }, 60_000);

  it("passes against every hospital's copy and charges; charges no released sum records are notes", () => {
    const r = verifyLedger(input({ head, hospitalLedgers: hospitalLedgers() }));
    expect(r.failures).toEqual([]);
    // h4 trained in rounds 5 and 12 of the record-level job, then dropped out of the sum.
    expect(r.notes.find((n) => n.startsWith('h4:'))).toMatch(
      /charged locally but not in any released sum.*job-record round 5, job job-record round 12/,
    );
  });

  it('skips only the epsilon check with recompute: false', () => {
    const r = verifyLedger(input({ recompute: false }));
    expect(r.ok).toBe(true);
    expect(r.spendsRecomputed).toBe(0);
  });

  it("an empty ledger is valid and has no head; a malformed coordinator key is the caller's error", () => {
    expect(verifyLedger(input({ entries: [], receipts: [] }))).toMatchObject({ ok: true, entries: 0, head: null });
    expect(errorCode(() => verifyLedger(input({ coordinatorKey: new Uint8Array(31) })))).toBe('E_LEDGER_KEY');
  });
});

describe('verifyLedger on a tampered ledger names the first bad entry', () => {
  const target = () => f.rounds.record[5]!; // the record-level job's 6th round

  it('an epsilon changed in the text: hash-mismatch (and the recomputation disagrees too)', () => {
    const i = indexOf(target());
    const row = f.entries[i]!;
    const text = row.canonical.replace(/"cumulativeEpsilon":[0-9.e+-]+/, '"cumulativeEpsilon":0.001');
    expect(text).not.toBe(row.canonical);
    const r = verifyLedger(input({ entries: replaced(i, { ...row, canonical: text }) }));
    expect(first(r)).toMatchObject({ seq: target(), code: 'hash-mismatch' });
    expect(r.failures.map((x) => [x.seq, x.code])).toEqual(
      expect.arrayContaining([
        [target(), 'epsilon-mismatch'],
        [target() + 1, 'prev-hash-mismatch'],
      ]),
    );
  });

  it('an epsilon changed and re-hashed but not re-signed: bad-signature', () => {
    const i = indexOf(target());
    const row = f.entries[i]!;
    const text = row.canonical.replace(/"epsilon":[0-9.e+-]+/, '"epsilon":0.001');
    const r = verifyLedger(input({ entries: replaced(i, { ...row, canonical: text, hash: entryHash(text) }) }));
    expect(first(r)).toMatchObject({ seq: target(), code: 'bad-signature' });
  });

  it('an epsilon changed and re-sealed with a different key: bad-signature', () => {
    const i = indexOf(target());
    const e = parse(f.entries[i]!);
    (e.body as RoundBody).spends[0]!.epsilon = 0.001;
    const r = verifyLedger(input({ entries: replaced(i, sealEntry(e, ed25519KeyPair().secretKey)) }));
    expect(first(r)).toMatchObject({ seq: target(), code: 'bad-signature' });
    expect(r.failures.some((x) => x.code === 'epsilon-mismatch' && x.seq === target())).toBe(true);
  });

  it('the coordinator itself rewriting a figure and re-sealing the rest of the chain: epsilon-mismatch', () => {
    const entries = rewrite(f.coordinator.secretKey);
    const i = indexOf(target());
    const e = parse(entries[i]!);
    (e.body as RoundBody).spends[1]!.cumulativeEpsilon /= 2;
    const resealed = [...entries.slice(0, i), sealEntry(e, f.coordinator.secretKey)];
    for (const row of entries.slice(i + 1))
      resealed.push(sealEntry({ ...parse(row), prevHash: resealed.at(-1)!.hash }, f.coordinator.secretKey));
    const r = verifyLedger(input({ entries: resealed, receipts: [] }));
    expect(first(r)).toMatchObject({ seq: target(), code: 'epsilon-mismatch' });
    expect(r.failures).toHaveLength(1);
  });

  it("the coordinator charging a cheaper mechanism, with consistent figures and chain: the job spec and the hospitals' copies catch it", () => {
    const cheaper = rewrite(f.coordinator.secretKey, (e) => {
      if (e.seq < target() || e.kind !== 'round' || e.jobId !== 'job-record') return;
      const b = e.body as RoundBody;
      b.noiseMultiplier = 4;
      b.spends[0]!.mechanism = { kind: 'sampled-gaussian', q: b.samplingRate!, sigma: 4, steps: b.stepsPerRound! };
    });
    const alone = verifyLedger(input({ entries: cheaper, receipts: [] }));
    expect(first(alone)).toMatchObject({ seq: target(), code: 'mechanism-mismatch' });
    const audited = verifyLedger(input({ entries: cheaper, receipts: [], hospitalLedgers: hospitalLedgers() }));
    expect(audited.failures.map((x) => [x.seq, x.code])).toEqual(
      expect.arrayContaining([
        [target(), 'hospital-disagrees'],
        [target(), 'hospital-uncharged'],
      ]),
    );
  }, 60_000);

  it('a middle entry deleted: seq-gap names it', () => {
    const seq = target();
    const r = verifyLedger(input({ entries: f.entries.filter((e) => e.seq !== seq) }));
    expect(first(r)).toMatchObject({ seq, code: 'seq-gap' });
    // Its receipts now name an entry the ledger lacks, and the next entry's link is broken.
    expect(r.failures.map((x) => [x.seq, x.code])).toEqual(
      expect.arrayContaining([
        [seq, 'receipt-unknown-entry'],
        [seq + 1, 'prev-hash-mismatch'],
      ]),
    );
  });

  it("the tail truncated (with its receipts): passes alone, fails against the saved head or the hospitals' copies", () => {
    const kept = f.entries.slice(0, -3);
    const cut = f.entries.at(-3)!.seq;
    const receipts = f.receipts.filter((r) => r.seq < cut);
    expect(verifyLedger(input({ entries: kept, receipts })).ok).toBe(true);
    expect(first(verifyLedger(input({ entries: kept, receipts, head })))).toMatchObject({
      seq: head.seq,
      code: 'head-missing',
    });
    // The last round entry was cut: every hospital in it still holds its copy.
    expect(first(verifyLedger(input({ entries: kept, receipts, hospitalLedgers: hospitalLedgers() })))).toMatchObject({
      seq: cut,
      code: 'hospital-disagrees',
    });
  });

  it('the tail truncated but its receipts left behind: receipt-unknown-entry, even without a head', () => {
    const cut = f.entries.at(-3)!.seq;
    expect(first(verifyLedger(input({ entries: f.entries.slice(0, -3) })))).toMatchObject({
      seq: cut,
      code: 'receipt-unknown-entry',
    });
  });

  it('two entries stored in swapped order: seq-order at the first', () => {
    const i = indexOf(target());
    const swapped = [...f.entries];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
    expect(first(verifyLedger(input({ entries: swapped })))).toMatchObject({ seq: target(), code: 'seq-order' });
  });

  it("two entries' contents swapped between their rows: seq-mismatch at the first", () => {
    const i = indexOf(target());
    const [a, b] = [f.entries[i]!, f.entries[i + 1]!];
    const swapped = f.entries.map((e, j) => (j === i ? { ...b, seq: a.seq } : j === i + 1 ? { ...a, seq: b.seq } : e));
    expect(first(verifyLedger(input({ entries: swapped })))).toMatchObject({ seq: target(), code: 'seq-mismatch' });
  });

  it('a row stored twice: duplicate-seq', () => {
    const i = indexOf(target());
    const doubled = [...f.entries.slice(0, i + 1), f.entries[i]!, ...f.entries.slice(i + 1)];
    expect(first(verifyLedger(input({ entries: doubled })))).toMatchObject({ seq: target(), code: 'duplicate-seq' });
  });

  it('a receipt moved to another entry, or swapped between hospitals: bad-receipt there', () => {
    const [a, b] = [f.rounds.record[2]!, f.rounds.record[3]!];
    const moved = f.receipts
      .filter((r) => !(r.seq === b && r.hospital === 'h1'))
      .map((r) => (r.seq === a && r.hospital === 'h1' ? { ...r, seq: b } : r));
    expect(first(verifyLedger(input({ receipts: moved })))).toMatchObject({ seq: b, code: 'bad-receipt' });
    const sig = (h: string) => f.receipts.find((r) => r.seq === a && r.hospital === h)!.signature;
    const swapped = f.receipts.map((r): Receipt =>
      r.seq !== a
        ? r
        : r.hospital === 'h1'
          ? { ...r, signature: sig('h2') }
          : r.hospital === 'h2'
            ? { ...r, signature: sig('h1') }
            : r,
    );
    expect(first(verifyLedger(input({ receipts: swapped })))).toMatchObject({ seq: a, code: 'bad-receipt' });
  });

  it('a receipt from a hospital the entry does not charge, or from an unknown hospital', () => {
    const dropped = f.rounds.record[4]!; // round 5: h4 is not in the sum
    const stray = { ...f.receipts.find((r) => r.seq === dropped)!, hospital: 'h4' };
    expect(first(verifyLedger(input({ receipts: [...f.receipts, stray] })))).toMatchObject({
      seq: dropped,
      code: 'receipt-not-a-spender',
    });
    // No key for h3: neither the caller's nor a grant in the ledger (re-sealed with h3's grant naming another).
    const keys = new Map(f.hospitalKeys);
    keys.delete('h3');
    const attacker = ed25519KeyPair();
    const entries = rewrite(attacker.secretKey, (e) => {
      const b = e.body as { subject?: string };
      if (e.kind === 'role-grant' && b.subject === 'h3') b.subject = 'h9';
    });
    const r = verifyLedger(input({ entries, coordinatorKey: attacker.publicKey, hospitalKeys: keys }));
    expect(r.failures.find((x) => x.code === 'receipt-unknown-hospital')).toMatchObject({
      seq: f.receipts.find((x) => x.hospital === 'h3')!.seq,
    });
  });

  it('verified under another coordinator key: bad-signature at entry 1', () => {
    expect(first(verifyLedger(input({ coordinatorKey: ed25519KeyPair().publicKey })))).toMatchObject({
      seq: 1,
      code: 'bad-signature',
    });
  });

  it("history rewritten consistently under the attacker's own key: self-consistent, caught by the saved head and by the hospitals", () => {
    const attacker = ed25519KeyPair();
    // Hospital h1 is erased from the round it was least expected to be checked in, and every later figure recomputed.
    const entries = rewrite(attacker.secretKey, (e) => {
      if (e.seq !== target()) return;
      const b = e.body as RoundBody;
      b.survivors = b.survivors.filter((s) => s !== 'h1');
    });
    const own = verifyLedger(input({ entries, receipts: [], coordinatorKey: attacker.publicKey }));
    expect(own.failures).toEqual([]);
    // The auditor pinned the real key with the head: the very first entry fails.
    const pinned = verifyLedger(input({ entries, receipts: [], head }));
    expect(first(pinned)).toMatchObject({ seq: 1, code: 'bad-signature' });
    expect(pinned.failures.some((x) => x.code === 'head-mismatch' && x.seq === head.seq)).toBe(true);
    // Even verified under the attacker's key, the saved head does not match.
    expect(
      first(verifyLedger(input({ entries, receipts: [], coordinatorKey: attacker.publicKey, head }))),
    ).toMatchObject({ seq: head.seq, code: 'head-mismatch' });
    // And each hospital's copy disagrees from the first entry it holds.
    const h1 = verifyLedger(
      input({
        entries,
        receipts: [],
        coordinatorKey: attacker.publicKey,
        hospitalLedgers: hospitalLedgers().filter((h) => h.hospital === 'h1'),
      }),
    );
    expect(first(h1)).toMatchObject({ seq: f.rounds.record[0], code: 'hospital-disagrees' });
  }, 60_000);

  it('a text that is valid JSON but not canonical, re-sealed: not-canonical', () => {
    const i = indexOf(target());
    const e = parse(f.entries[i]!);
    const r = verifyLedger(
      input({ entries: replaced(i, forceSeal(e, f.coordinator.secretKey, JSON.stringify(e, null, 1))) }),
    );
    expect(first(r)).toMatchObject({ seq: target(), code: 'not-canonical' });
  });

  it('a malformed body, re-sealed by the coordinator key: bad-body', () => {
    const i = indexOf(target());
    const e = parse(f.entries[i]!);
    (e.body as RoundBody).survivors.push('intruder');
    expect(first(verifyLedger(input({ entries: replaced(i, forceSeal(e, f.coordinator.secretKey)) })))).toMatchObject({
      seq: target(),
      code: 'bad-body',
    });
    const odd = { ...parse(f.entries[0]!), kind: 'coffee-break' };
    expect(first(verifyLedger(input({ entries: replaced(0, forceSeal(odd, f.coordinator.secretKey)) })))).toMatchObject(
      { seq: 1, code: 'bad-body' },
    );
  });

  it('a job spec changed under its recorded hash: spec-hash-mismatch', () => {
    const i = f.entries.findIndex((e) => parse(e).kind === 'job-created');
    const e = parse(f.entries[i]!);
    (e.body as { spec: { rounds: number } }).spec.rounds = 2000;
    expect(first(verifyLedger(input({ entries: replaced(i, forceSeal(e, f.coordinator.secretKey)) })))).toMatchObject({
      seq: f.entries[i]!.seq,
      code: 'spec-hash-mismatch',
    });
  });

  it("a hospital's copy edited, an entry it holds that the coordinator lacks, or a spend it never charged", () => {
    const seq = target();
    const ledgers = hospitalLedgers();
    const h2 = ledgers.find((h) => h.hospital === 'h2')!;
    const edited = h2.entries.map((e) =>
      e.seq === seq ? { ...e, canonical: e.canonical.replace('"h2"', '"h2" ') } : e,
    );
    const r1 = verifyLedger(input({ hospitalLedgers: [{ ...h2, entries: edited }] }));
    expect(first(r1)).toMatchObject({ seq, code: 'hospital-disagrees' });
    expect(first(r1).message).toMatch(/not sealed by the coordinator key/);
    const uncharged = { ...h2, charges: h2.charges.filter((c) => !(c.jobId === 'job-record' && c.round === 6)) };
    expect(first(verifyLedger(input({ hospitalLedgers: [uncharged] })))).toMatchObject({
      seq,
      code: 'hospital-uncharged',
    });
    const otherMechanism = {
      ...h2,
      charges: h2.charges.map((c) =>
        c.round === 6 && c.jobId === 'job-record' ? { ...c, mechanism: { ...c.mechanism, sigma: 9 } as Mechanism } : c,
      ),
    };
    expect(first(verifyLedger(input({ hospitalLedgers: [otherMechanism] })))).toMatchObject({
      seq,
      code: 'hospital-uncharged',
    });
  });

  it('every failure code is one of VERIFY_CODES', () => {
    expect(new Set(VERIFY_CODES).size).toBe(VERIFY_CODES.length);
    for (const c of VERIFY_CODES) expect(c).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('verifyLedger on garbage', () => {
  it('reports failures and never throws, whatever the rows, receipts, charges and head hold', () => {
    const junk = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const row = fc.record({
      seq: fc.oneof(fc.integer({ min: -2, max: 40 }), junk),
      canonical: fc.oneof(fc.constantFrom(...f.entries.map((e) => e.canonical)), junk),
      hash: junk,
      signature: junk,
    });
    const receipt = fc.record({
      seq: fc.oneof(fc.integer({ min: 0, max: 40 }), junk),
      hospital: fc.oneof(fc.constantFrom(...HOSPITALS), junk),
      signature: junk,
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 8 }),
        fc.array(receipt, { maxLength: 4 }),
        fc.array(fc.record({ jobId: junk, round: junk, mechanism: junk }), { maxLength: 3 }),
        junk,
        (rows, receipts, charges, h) => {
          const r = verifyLedger(
            input({
              entries: [...f.entries.slice(0, 3), ...rows] as SealedEntry[],
              receipts: receipts as Receipt[],
              recompute: false,
              head: { seq: h, hash: h, signature: h, coordinatorKey: h } as unknown as LedgerHead,
              hospitalLedgers: [
                {
                  hospital: 'h1',
                  entries: rows as SealedEntry[],
                  receipts: receipts as Receipt[],
                  charges: charges as never,
                },
              ],
            }),
          );
          expect(typeof r.ok).toBe('boolean');
          for (const x of r.failures) expect(VERIFY_CODES).toContain(x.code);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('verifyLedger on values String() cannot convert', () => {
  it('names them without throwing (a fast-check counterexample: a head of { toString: {} })', () => {
    const odd = JSON.parse('{"toString":{}}') as unknown;
    const r = verifyLedger(
      input({
        entries: [
          ...f.entries.slice(0, 3),
          { seq: odd, canonical: odd, hash: odd, signature: odd } as unknown as SealedEntry,
        ],
        recompute: false,
        receipts: [
          { seq: odd, hospital: odd, signature: odd } as unknown as Receipt,
          { seq: 1, hospital: odd, signature: '' } as unknown as Receipt,
        ],
        head: { seq: odd, hash: odd, signature: odd, coordinatorKey: odd } as unknown as LedgerHead,
        hospitalLedgers: [
          {
            hospital: 'h1',
            entries: [{ seq: odd } as unknown as SealedEntry],
            receipts: [{ seq: odd, hospital: 'h1', signature: '' } as unknown as Receipt],
            charges: [],
          },
        ],
      }),
    );
    expect(r.ok).toBe(false);
    expect(r.failures.map((x) => x.code)).toEqual(expect.arrayContaining(['head-missing', 'receipt-unknown-entry']));
  });

  it('names a charge whose round is such a value (a CI counterexample: round { toString: null })', () => {
    const round = JSON.parse('{"toString":null}') as unknown;
    const r = verifyLedger(
      input({
        recompute: false,
        hospitalLedgers: [
          { hospital: 'h1', entries: [], receipts: [], charges: [{ jobId: 0, round, mechanism: [] }] as never },
        ],
      }),
    );
    expect(r.notes.join('\n')).toContain('job 0 round (object)');
  });
});

describe('verifyLedger detects any single-byte change to any entry', () => {
  it('changing one UTF-8 byte of one canonical text fails at that entry', () => {
    // Without recomputation: a changed digit in a mechanism would send the
    // accountants (100+ ms each) down new paths, and the hash catches it first anyway.
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, where, delta) => {
        const i = which % f.entries.length;
        const row = f.entries[i]!;
        const bytes = Buffer.from(row.canonical, 'utf8');
        const at = where % bytes.length;
        bytes[at] = (bytes[at]! + delta) & 0xff;
        const text = bytes.toString('utf8');
        fc.pre(text !== row.canonical);
        const r = verifyLedger(input({ entries: replaced(i, { ...row, canonical: text }), recompute: false }));
        expect(r.ok).toBe(false);
        expect(r.failures[0]!.seq).toBe(row.seq);
      }),
      { numRuns: 300 },
    );
  });
});

describe('verifyLedger from a checkpoint: only the rows after it', () => {
  /** The checkpoint of the first `n` rows (their receipts only), as an auditor would have kept it. */
  const checkpointAt = (n: number) => {
    const seqs = new Set(f.entries.slice(0, n).map((e) => e.seq));
    const r = verifyLedger(
      input({ entries: f.entries.slice(0, n), receipts: f.receipts.filter((x) => seqs.has(x.seq)) }),
    );
    expect(r.ok).toBe(true);
    return r.checkpoint!;
  };
  const rest = (n: number) => {
    const seqs = new Set(f.entries.slice(n).map((e) => e.seq));
    return { entries: f.entries.slice(n), receipts: f.receipts.filter((x) => seqs.has(x.seq)) };
  };

  it('at any split, prefix then suffix verify like the whole: same receipts, every spend recomputed, the same final checkpoint', () => {
    const whole = verifyLedger(input());
    fc.assert(
      fc.property(fc.integer({ min: 1, max: f.entries.length - 1 }), (n) => {
        const prefix = verifyLedger(
          input({
            entries: f.entries.slice(0, n),
            receipts: rest(0).receipts.filter((x) => x.seq <= f.entries[n - 1]!.seq),
          }),
        );
        const suffix = verifyLedger(input({ ...rest(n), from: prefix.checkpoint! }));
        expect(suffix.ok).toBe(true);
        expect(prefix.receiptsVerified + suffix.receiptsVerified).toBe(whole.receiptsVerified);
        expect(prefix.spendsRecomputed + suffix.spendsRecomputed).toBe(whole.spendsRecomputed);
        expect(suffix.checkpoint).toEqual(whole.checkpoint);
        // A checkpoint is JSON: what an auditor stores is what it reads back.
        expect(JSON.parse(JSON.stringify(suffix.checkpoint))).toEqual(suffix.checkpoint);
      }),
      { numRuns: 8 },
    );
  });

  it('a run-length history stays small: one run per hospital and job', () => {
    const cp = checkpointAt(f.entries.length);
    for (const byHospital of Object.values(cp.prior))
      for (const runs of Object.values(byHospital)) expect(runs.length).toBe(1);
  });

  it('a suffix that does not continue the checkpoint, a tampered suffix, another key: failures at the suffix', () => {
    const n = indexOf(f.rounds.record[3]!);
    const cp = checkpointAt(n);
    const { entries, receipts } = rest(n);
    // Starting one row late: a gap right after the checkpoint.
    expect(first(verifyLedger(input({ entries: entries.slice(1), receipts: [], from: cp })))).toMatchObject({
      seq: cp.seq + 1,
      code: 'seq-gap',
    });
    // A suffix of another history (entry 1 differs, the rest re-sealed by the coordinator): it does not chain to the checkpoint.
    const other = rewrite(f.coordinator.secretKey, (e) => {
      if (e.seq === 1) e.at += 1;
    }).slice(n);
    expect(first(verifyLedger(input({ entries: other, receipts: [], from: cp })))).toMatchObject({
      seq: cp.seq + 1,
      code: 'prev-hash-mismatch',
    });
    // The suffix's first round entry with a halved cumulative epsilon, re-sealed by the coordinator: its history
    // before the checkpoint comes from the checkpoint, and the recomputation disagrees.
    const e = parse(entries[0]!);
    (e.body as RoundBody).spends[0]!.cumulativeEpsilon /= 2;
    const forged = [sealEntry(e, f.coordinator.secretKey), ...entries.slice(1)];
    expect(
      verifyLedger(input({ entries: forged, receipts: [], from: cp })).failures.map((x) => [x.seq, x.code]),
    ).toContainEqual([cp.seq + 1, 'epsilon-mismatch']);
    expect(
      first(verifyLedger(input({ entries, receipts, from: cp, coordinatorKey: ed25519KeyPair().publicKey }))).code,
    ).toMatch(/head-mismatch|bad-signature/);
  });
});

/*
 * A lying coordinator dropping a round's spend from the ledger by recording
 * that round as one without differential privacy (unit "none", no spends),
 * in a job whose recorded spec has a privacy guarantee, with every later
 * figure of the job recomputed over the shortened history and the chain
 * sealed again under its own key. The round entry is well formed on its own
 * (a no-DP job's rounds look like this), so only the job's recorded spec can
 * show that its round charges nothing although the spec applies a mechanism:
 * without that check the auditor's verification passes, and every hospital's
 * recorded cumulative ε is understated by that round. Likewise a training
 * round relabelled as a round past the job's last (charged the evaluation's
 * cheap release instead of DP-SGD's steps).
 */

describe('a DP round recorded as a round without DP', () => {
  it("is mechanism-mismatch at that round: the job's spec applies a mechanism it does not charge", () => {
    const target = f.rounds.record[9]!;
    const entries = rewrite(f.coordinator.secretKey, (e) => {
      if (e.seq !== target) return;
      const b = e.body as RoundBody;
      Object.assign(b, { unit: 'none', delta: 0, accountant: 'rdp', clip: null, noiseMultiplier: null });
      Object.assign(b, { samplingRate: null, stepsPerRound: null, spends: [] });
    });
    const alone = verifyLedger(input({ entries, receipts: [] }));
    expect(alone.ok).toBe(false);
    expect(alone.failures[0]).toMatchObject({ seq: target, code: 'mechanism-mismatch' });
    // The hospitals' copies, as the coordinator showed them, do not save it either way: the spec must.
    const audited = verifyLedger(
      input({
        entries,
        receipts: [],
        hospitalLedgers: HOSPITALS.map((h) => ({
          hospital: h,
          entries: hospitalCopy({ ...f, entries }, h),
          receipts: [],
          charges: f.charges.get(h)!,
        })),
      }),
    );
    expect(audited.failures.map((x) => [x.seq, x.code])).toContainEqual([target, 'mechanism-mismatch']);
  }, 60_000);

  it('stays valid in a job whose recorded spec has no privacy guarantee (the honest no-DP round)', () => {
    const spec = JSON.parse(JSON.stringify(recordSpec())) as Record<string, unknown>;
    delete spec['privacy'];
    const entries = [...f.entries];
    const append = (kind: LedgerEntry['kind'], round: number, body: unknown) =>
      entries.push(
        sealEntry(
          {
            seq: entries.length + 1,
            at: 1_800_000_000_000,
            kind,
            jobId: 'job-plain',
            round,
            body,
            prevHash: entries.at(-1)!.hash,
          } as LedgerEntry,
          f.coordinator.secretKey,
        ),
      );
    append('job-created', 0, { specHash: entryHash(canonicalJson(spec)), spec, modelHash: 'a'.repeat(64) });
    const none = { unit: 'none', delta: 0, accountant: 'rdp', clip: null, noiseMultiplier: null, samplingRate: null };
    append('round', 1, {
      ...none,
      stepsPerRound: null,
      bits: null,
      participants: ['h1', 'h2'],
      survivors: ['h1', 'h2'],
      modelHash: 'b'.repeat(64),
      spends: [],
    });
    const r = verifyLedger(input({ entries }));
    expect(r.failures).toEqual([]);
  }, 60_000);
});

describe("a training round relabelled past the job's last round", () => {
  it("is mechanism-mismatch: a DP job's rounds run to rounds + 1 (its evaluation), and no further", () => {
    const spec = recordSpec();
    const target = f.rounds.record[9]!;
    const evaluation = roundMechanism(spec, spec.rounds + 1);
    if (evaluation.kind !== 'discrete-gaussian') throw new Error('the fixture job releases its evaluation');
    // Charged as a second "evaluation" (round rounds + 10): the cheap counts' release instead of DP-SGD's steps.
    const entries = rewrite(f.coordinator.secretKey, (e) => {
      if (e.seq !== target) return;
      e.round = spec.rounds + 10;
      const b = e.body as RoundBody;
      Object.assign(b, { samplingRate: 1, noiseMultiplier: evaluation.sigma, stepsPerRound: evaluation.steps });
      for (const s of b.spends) s.mechanism = evaluation;
    });
    const r = verifyLedger(input({ entries, receipts: [] }));
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ seq: target, code: 'mechanism-mismatch' });
  }, 60_000);
});

/*
 * A lying coordinator forging a hospital's witness cosignature: it appends a
 * role-grant entry rebinding the hospital's name to a key of its own (as a
 * re-enrolment would), signs a checkpoint over it and "cosigns" it as the
 * hospital with that key. The auditor's fetch took hospital keys from the
 * ledger's own grants, the latest winning, so the forged cosignature counted
 * as the hospital vouching for every spend of its up to that size (review
 * finding). A hospital in the roster the ledger records (quorum-signed by the
 * hospitals) is now checked against its roster key (core/ledger/grants.ts).
 */
describe("a hospital's name rebound to the coordinator's own key", () => {
  it('does not make the coordinator a witness in its place', () => {
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
