/**
 * Checkpoints and cosignatures (core/ledger/checkpoint.ts) against published
 * C2SP signed notes: Go's sumdb note tests, a real sum.golang.org tree note,
 * a sigsum log's checkpoints as a witness received them, and real
 * cosignature/v1 signatures from a sigsum proof with its witnesses' keys;
 * then attack tests on notes cohort signs itself.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  MAX_NOTE_CHARS,
  MAX_NOTE_SIGNATURES,
  checkpointBody,
  cosign,
  cosignatureLine,
  cosignatureOf,
  hospitalOfWitness,
  keyId,
  logOrigin,
  openCheckpoint,
  parseCheckpointBody,
  parseNote,
  signCheckpoint,
  verifyCosignature,
  witnessName,
  type Checkpoint,
  type Cosignature,
  type NoteSignature,
} from '../../../core/ledger/checkpoint.ts';
import { ledgerPublicKey, ledgerSign, ledgerVerify } from '../../../core/ledger/ed25519.ts';
import { leafHash } from '../../../core/ledger/merkle.ts';
import { errorCode } from '../../helpers/errors.ts';
import { hex, toHex } from '../secagg/crypto-util.ts';

const utf8 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf8'));
const b64 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'base64'));
const sha256hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A C2SP verifier key "name+hash+base64(type || key)": its parts. */
function vkey(text: string): { name: string; hash: string; type: number; key: Uint8Array } {
  // The base64 key material may itself contain '+': split at the first two only.
  const [name, hash] = text.split('+', 2) as [string, string];
  const raw = b64(text.slice(name.length + hash.length + 2));
  return { name, hash, type: raw[0]!, key: raw.subarray(1) };
}

// ---------------------------------------------------------------------------
// Published vectors
// ---------------------------------------------------------------------------

// golang/mod sumdb/note/note_test.go (TestNewVerifier, TestSign, TestOpen).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const NOTE_TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

// transparency-dev/formats log/note_test.go (TestSumDBNoteParsing): a real sum.golang.org tree note.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_NOTE =
  'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n' +
  '\u2014 sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n';

// golang/mod sumdb/tlog/note_test.go (TestFormatTree): the root line is RecordHash("hello world").
const TLOG_TREE = { size: 123456789012, root: 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=' };

// C2SP/C2SP tlog-checkpoint.md and tlog-cosignature.md: the example checkpoint, its
// witness cosignature line and the message that line's signature covers (keys not published).
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const SPEC_NOTE =
  SPEC_BODY +
  '\n\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
  '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
const SPEC_COSIGNED_MESSAGE = 'cosignature/v1\ntime 1679315147\n' + SPEC_BODY;

// transparency-dev/formats note/note_cosigv1_test.go (TestCosignatureTimestamp): a cosignature's bytes and time.
const FORMATS_COSIG = {
  base64: 'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
  time: 1727964367,
};

// FiloSottile/torchwood internal/witness/witness_test.go (TestRace): a sigsum log's key and
// three checkpoints it signed, as a witness received them.
const SIGSUM_LOG_KEY = 'ffdc2d4d98e4124d3feaf788c0c2f9abfd796083d1f0495437f302ec79cf100f';
const SIGSUM_ORIGIN = 'sigsum.org/v1/tree/4d6d8825a6bb689d459628312889dfbb0bcd41b5211d9e1ce768b0ff0309e562';
const SIGSUM_CHECKPOINTS = [
  {
    size: 1,
    root: 'KgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    sig: 'UgIom7fPZTqpxWWhyjWduBvTvGVqsokMbqTArsQilegKoFBJQjUFAmQ0+YeSPM3wfUQMFSzVnnNuWRTYrajXpNUbIQY=',
  },
  {
    size: 3,
    root: 'RcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0=',
    sig: 'UgIom2VbtIcdFbwFAy1n7s6IkAxIY6J/GQOTuZF2ORV39d75cbAj2aQYwyJre36kezNobZs4SUUdrcawfAB8WVrx6go=',
  },
  {
    size: 5,
    root: 'QrtXrQZCCvpIgsSmOsah7HdICzMLLyDfxToMql9WTjY=',
    sig: 'UgIomw/EOJmWi0i1FQsOj+etB7F8IccFam/jgd6wzRns4QPVmyEZtdvl1U2KEmLOZ/ASRcWJi0tW90dJWAShei7sDww=',
  },
];
const sigsumNote = (c: (typeof SIGSUM_CHECKPOINTS)[number]): string =>
  `${SIGSUM_ORIGIN}\n${c.size}\n${c.root}\n\n\u2014 ${SIGSUM_ORIGIN} ${c.sig}\n`;

// florolf/sigsum-breakglass README.md: a sigsum proof (log key, tree head, log signature)
// with two cosignature/v1 cosignatures and the policy naming the witnesses' public keys.
// A sigsum log's origin is "sigsum.org/v1/tree/" + hex SHA-256 of its key.
const BREAKGLASS = {
  logKey: '7e55283748388e2fa565346516d848ef1195cad5c83816a4b6e24344cfc717e9',
  logKeyHash: '415e81ad656a4d1bd36f8f8d07703ed2bf0d00bf9e1a7e5c1f3fa2f1a90e7e61',
  size: 1,
  root: '12594afb57e40a283bd03afac74641a032065cd59e098278920f55dae9d6f505',
  logSignature:
    '69e5d513350061558350726bb8208e4801ca2a0e04599bf325a00a3566001818d64ceff441814911ea9e9a8920dab43848fc2cbb5aed01a51fd149c55c005501',
  witnesses: {
    cosigner1: '0356a86448e731c962782b30563d9d5c807f7956c4c361cf48ac75c6bd7fce0f',
    cosigner2: '364ced2caf85261de3c91170f137c0bf8688fda3293372d66f02d6b7f4bab79c',
    cosigner3: 'ce80e6540b37b34c3b15a574ad82e1ebb5b7cae54f5335fb9fa960f5b89dd660',
  },
  cosignatures: [
    {
      keyHash: 'f5762bab89791fd55deb53fa2faec246ef03f2d823ba276237612cb6ec55969a',
      witness: 'cosigner1',
      timestamp: 1771286008,
      signature:
        '39d88fc30e8a1df0df5c7b339fffbe1e1f34f1f3b67885db4ef47248f4f90dd77fe070ecefb8e9eba0a2d63781a05b2a7e18b96dfc9577478f2e4dc01e7f1005',
    },
    {
      keyHash: '500dacf19d1b689f7bf2641283bdda2e37b568d12a420145eaa095743c6a7eb2',
      witness: 'cosigner2',
      timestamp: 1771286014,
      signature:
        'abf47128ba667057037124abf1c620ed912c2e1ac8921739094ec8ee19f1483f8132eb9f660a4000493ea8ee7502f13bb836486c45c5869d50015e169b49030f',
    },
  ],
} as const;
const breakglassOrigin = `sigsum.org/v1/tree/${BREAKGLASS.logKeyHash}`;
const breakglassBody = checkpointBody({ origin: breakglassOrigin, size: BREAKGLASS.size, root: hex(BREAKGLASS.root) });

// Our own keys (RFC 8032 §7.1 TEST 1 and TEST 2 seeds).
const LOG_SECRET = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const OTHER_SECRET = hex('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');
const LOG_PUBLIC = ledgerPublicKey(LOG_SECRET);
const OTHER_PUBLIC = ledgerPublicKey(OTHER_SECRET);
const ORIGIN = logOrigin(LOG_PUBLIC);
const CHECKPOINT: Checkpoint = { origin: ORIGIN, size: 42, root: Uint8Array.from(leafHash('root')) };

/** Signs `body` as a note under `name` by hand, so malformed bodies can be signed too. */
function signRaw(body: string, name: string, secret: Uint8Array, publicKey: Uint8Array): string {
  const payload = Buffer.concat([keyId(name, 0x01, publicKey), ledgerSign(secret, utf8(body))]);
  return `${body}\n\u2014 ${name} ${payload.toString('base64')}\n`;
}

const noThrow = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    throw new Error(`threw ${String(e)}`, { cause: e });
  }
};

/** Each of `notes` fails to parse as a note, with E_LEDGER_CHECKPOINT (a failure names the note). */
function expectUnparsable(notes: readonly string[]): void {
  for (const n of notes)
    expect(
      errorCode(() => parseNote(n)),
      JSON.stringify(n),
    ).toBe('E_LEDGER_CHECKPOINT');
}

// ---------------------------------------------------------------------------

describe('signed note: golang.org/x/mod sumdb/note vectors', () => {
  it('derives the published key hash of PeterNeumann and EnochRoot (alg 0x01)', () => {
    for (const text of [PETER_VKEY, ENOCH_VKEY]) {
      const k = vkey(text);
      expect(k.type).toBe(0x01);
      expect(k.key.length).toBe(32);
      expect(toHex(keyId(k.name, 0x01, k.key))).toBe(k.hash);
      // The key hash commits to the algorithm and the name.
      expect(toHex(keyId(k.name, 0x04, k.key))).not.toBe(k.hash);
      expect(toHex(keyId(`${k.name}x`, 0x01, k.key))).not.toBe(k.hash);
    }
  });

  it('parses the published note and its signatures verify over the note text', () => {
    const { body, signatures } = parseNote(`${NOTE_TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    expect(body).toBe(NOTE_TEXT);
    expect(signatures.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    for (const [s, text] of [
      [signatures[0]!, PETER_VKEY],
      [signatures[1]!, ENOCH_VKEY],
    ] as const) {
      const k = vkey(text);
      expect(toHex(s.bytes.subarray(0, 4))).toBe(k.hash);
      expect(ledgerVerify(k.key, utf8(body), s.bytes.subarray(4))).toBe(true);
      expect(ledgerVerify(k.key, utf8(body.replace('answer', 'Answer')), s.bytes.subarray(4))).toBe(false);
    }
    // Peter's signature is not Enoch's.
    expect(ledgerVerify(vkey(ENOCH_VKEY).key, utf8(body), signatures[0]!.bytes.subarray(4))).toBe(false);
  });

  it('refuses the malformed notes TestOpen refuses, with E_LEDGER_CHECKPOINT', () => {
    const bad = [
      NOTE_TEXT,
      NOTE_TEXT + '\n',
      NOTE_TEXT + '\n' + PETER_SIG.slice(0, -1),
      '\x01' + NOTE_TEXT + '\n' + PETER_SIG,
      NOTE_TEXT +
        '\n' +
        '\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
      NOTE_TEXT + '\n' + PETER_SIG + 'Unexpected line.\n',
    ];
    expectUnparsable(bad);
  });
});

describe('checkpoint body: published tree notes', () => {
  it('verifies a real sum.golang.org tree note, whose origin cohort refuses to open (it has spaces)', () => {
    const k = vkey(SUMDB_VKEY);
    expect(toHex(keyId(k.name, 0x01, k.key))).toBe(k.hash);
    const { body, signatures } = parseNote(SUMDB_NOTE);
    expect(signatures[0]!.name).toBe('sum.golang.org');
    expect(toHex(signatures[0]!.bytes.subarray(0, 4))).toBe(k.hash);
    expect(ledgerVerify(k.key, utf8(body), signatures[0]!.bytes.subarray(4))).toBe(true);
    // C2SP only RECOMMENDS origins without spaces; cohort writes and reads only such origins.
    expect(errorCode(() => parseCheckpointBody(body))).toBe('E_LEDGER_CHECKPOINT');
    expect(openCheckpoint(SUMDB_NOTE, 'go.sum database tree', k.key)).toBeNull();
  });

  it('formats the size and root lines as Go tlog.FormatTree does', () => {
    expect(Buffer.from(leafHash('hello world')).toString('base64')).toBe(TLOG_TREE.root);
    const body = checkpointBody({ origin: 'example.com/log', size: TLOG_TREE.size, root: leafHash('hello world') });
    expect(body).toBe(`example.com/log\n${TLOG_TREE.size}\n${TLOG_TREE.root}\n`);
    expect(parseCheckpointBody(body)).toEqual({
      origin: 'example.com/log',
      size: TLOG_TREE.size,
      root: b64(TLOG_TREE.root),
    });
  });

  it('parses the C2SP tlog-checkpoint example body and formats it back byte for byte', () => {
    const c = parseCheckpointBody(SPEC_BODY);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(Buffer.from(c.root).toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(checkpointBody(c)).toBe(SPEC_BODY);
    expect(parseNote(SPEC_NOTE).body).toBe(SPEC_BODY);
  });

  it('refuses what transparency-dev/formats log/checkpoint_test.go refuses, and extension lines and short roots', () => {
    const root = 'dGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==';
    const bad = [
      'Head\n9944\n',
      `\n9944\n${root}\n`,
      'Log\n123\nYmFuYW5hcw==',
      `Log\nbananas\n${root}\n`,
      `Log\n-34\n${root}\n`,
      `Log\n3438945738945739845734895735\n${root}\n`,
      "Log\n123\nThisIsn'tBase64\n",
      // Accepted by formats, refused by cohort: roots that are not 32 bytes, extension lines.
      'Log\n123\nYmFuYW5hcw==\n',
      `Log\n9944\n${root}\n`,
      `Log\n1\n${TLOG_TREE.root}\nHere's some associated data.\n`,
      `Log\n1\n${TLOG_TREE.root}\n\n\n\n`,
      // Leading zeros, a sign, spaces, CRLF, an origin with '+' or a space, non-canonical base64.
      `Log\n01\n${TLOG_TREE.root}\n`,
      `Log\n+1\n${TLOG_TREE.root}\n`,
      `Log\n 1\n${TLOG_TREE.root}\n`,
      `Log\r\n1\r\n${TLOG_TREE.root}\r\n`,
      `a+b\n1\n${TLOG_TREE.root}\n`,
      `a b\n1\n${TLOG_TREE.root}\n`,
      `Log\n1\n${TLOG_TREE.root.replace('0=', '1=')}\n`,
      `Log\n1\n${TLOG_TREE.root.slice(0, -1)}\n`,
      `Log\n9007199254740992\n${TLOG_TREE.root}\n`,
    ];
    for (const body of bad)
      expect(
        errorCode(() => parseCheckpointBody(body)),
        JSON.stringify(body),
      ).toBe('E_LEDGER_CHECKPOINT');
    expect(parseCheckpointBody(`Log\n0\n${TLOG_TREE.root}\n`).size).toBe(0);
    expect(parseCheckpointBody(`Log\n9007199254740991\n${TLOG_TREE.root}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('opens the checkpoints a sigsum log signed (FiloSottile/torchwood witness_test.go)', () => {
    const key = hex(SIGSUM_LOG_KEY);
    // A sigsum origin names the SHA-256 of the log key; the note's key ID is C2SP's Ed25519 one.
    expect(SIGSUM_ORIGIN).toBe(`sigsum.org/v1/tree/${sha256hex(key)}`);
    expect(toHex(keyId(SIGSUM_ORIGIN, 0x01, key))).toBe(toHex(b64(SIGSUM_CHECKPOINTS[0]!.sig).subarray(0, 4)));
    for (const [i, c] of SIGSUM_CHECKPOINTS.entries()) {
      const otherRoot = SIGSUM_CHECKPOINTS[(i + 1) % SIGSUM_CHECKPOINTS.length]!.root;
      const opened = openCheckpoint(sigsumNote(c), SIGSUM_ORIGIN, key);
      expect(opened).toEqual({ origin: SIGSUM_ORIGIN, size: c.size, root: b64(c.root) });
      // Another size or root under the same signature, another origin or another key: refused.
      expect(openCheckpoint(sigsumNote({ ...c, size: c.size + 1 }), SIGSUM_ORIGIN, key)).toBeNull();
      expect(openCheckpoint(sigsumNote({ ...c, root: otherRoot }), SIGSUM_ORIGIN, key)).toBeNull();
      expect(openCheckpoint(sigsumNote(c), `${SIGSUM_ORIGIN}0`, key)).toBeNull();
      expect(openCheckpoint(sigsumNote(c), SIGSUM_ORIGIN, hex(BREAKGLASS.logKey))).toBeNull();
    }
    // One checkpoint's signature does not open another's body.
    const [a, b] = SIGSUM_CHECKPOINTS;
    expect(openCheckpoint(sigsumNote({ ...a!, sig: b!.sig }), SIGSUM_ORIGIN, key)).toBeNull();
  });
});

describe('cosignature/v1: published cosignatures and the spec layout', () => {
  it('verifies the two witnesses’ cosignatures of a real sigsum tree head (florolf/sigsum-breakglass)', () => {
    const logKey = hex(BREAKGLASS.logKey);
    expect(sha256hex(logKey)).toBe(BREAKGLASS.logKeyHash);
    // The log's own signature is an Ed25519 note signature over the same checkpoint body.
    expect(ledgerVerify(logKey, utf8(breakglassBody), hex(BREAKGLASS.logSignature))).toBe(true);
    const note = `${breakglassBody}\n\u2014 ${breakglassOrigin} ${Buffer.concat([keyId(breakglassOrigin, 1, logKey), hex(BREAKGLASS.logSignature)]).toString('base64')}\n`;
    expect(openCheckpoint(note, breakglassOrigin, logKey)?.size).toBe(1);

    for (const c of BREAKGLASS.cosignatures) {
      const pub = hex(BREAKGLASS.witnesses[c.witness]);
      expect(sha256hex(pub)).toBe(c.keyHash);
      const cosig: Cosignature = { name: c.witness, timestamp: c.timestamp, signature: hex(c.signature) };
      expect(verifyCosignature(breakglassBody, cosig, pub)).toBe(true);
      // Another time, another body, another witness's key, a flipped bit: refused.
      expect(verifyCosignature(breakglassBody, { ...cosig, timestamp: c.timestamp + 1 }, pub)).toBe(false);
      expect(verifyCosignature(breakglassBody.replace('\n1\n', '\n2\n'), cosig, pub)).toBe(false);
      expect(verifyCosignature(breakglassBody, cosig, hex(BREAKGLASS.witnesses.cosigner3))).toBe(false);
      const flipped = Uint8Array.from(cosig.signature);
      flipped[10]! ^= 1;
      expect(verifyCosignature(breakglassBody, { ...cosig, signature: flipped }, pub)).toBe(false);
      // As a note line: key ID || time || signature, read back by cosignatureOf.
      const line = parseNote(`${breakglassBody}\n${cosignatureLine(cosig, pub)}`).signatures[0]!;
      expect(line.bytes.length).toBe(76);
      expect(toHex(line.bytes.subarray(0, 4))).toBe(toHex(keyId(c.witness, 0x04, pub)));
      expect(cosignatureOf(line, pub)).toEqual(cosig);
      expect(cosignatureOf(line, hex(BREAKGLASS.witnesses.cosigner3))).toBeNull();
    }
  });

  it('lays out the signed message and the line as C2SP tlog-cosignature.md shows', () => {
    // The spec's example line: key ID (4) || time (8, big-endian) || Ed25519 signature (64).
    const line = parseNote(SPEC_NOTE).signatures[1]!;
    expect(line.name).toBe('witness.example.com/w1');
    expect(line.bytes.length).toBe(4 + 8 + 64);
    expect(Buffer.from(line.bytes).readBigUInt64BE(4)).toBe(1679315147n); // the spec's "time 1679315147"
    // transparency-dev/formats' vector: the same layout, its time read back.
    const formats = b64(FORMATS_COSIG.base64);
    expect(formats.length).toBe(76);
    expect(Number(Buffer.from(formats).readBigUInt64BE(4))).toBe(FORMATS_COSIG.time);
    // Our cosignature of the spec's body at the spec's time signs exactly the spec's message.
    const cosig = cosign(SPEC_BODY, 'witness.example.com/w1', OTHER_SECRET, 1679315147);
    expect(ledgerVerify(OTHER_PUBLIC, utf8(SPEC_COSIGNED_MESSAGE), cosig.signature)).toBe(true);
    const ours = parseNote(`${SPEC_BODY}\n${cosignatureLine(cosig, OTHER_PUBLIC)}`).signatures[0]!;
    expect(toHex(ours.bytes.subarray(4, 12))).toBe(toHex(line.bytes.subarray(4, 12)));
    expect(toHex(ours.bytes.subarray(0, 4))).toBe(
      createHash('sha256')
        .update(Buffer.concat([utf8('witness.example.com/w1\n'), Uint8Array.of(0x04), OTHER_PUBLIC]))
        .digest('hex')
        .slice(0, 8),
    );
  });
});

describe('checkpoint: our own notes, and attacks on them', () => {
  const note = signCheckpoint(CHECKPOINT, LOG_SECRET, LOG_PUBLIC);
  const sigLine = note.slice(note.indexOf('\n\n') + 2);

  it('signs a note that opens under the log key and origin, and only under them', () => {
    expect(ORIGIN).toBe(`cohort.ledger/${toHex(LOG_PUBLIC)}`);
    expect(note.startsWith(checkpointBody(CHECKPOINT) + '\n\u2014 ' + ORIGIN + ' ')).toBe(true);
    expect(openCheckpoint(note, ORIGIN, LOG_PUBLIC)).toEqual(CHECKPOINT);
    expect(openCheckpoint(note, ORIGIN, OTHER_PUBLIC)).toBeNull();
    expect(openCheckpoint(note, logOrigin(OTHER_PUBLIC), LOG_PUBLIC)).toBeNull();
    // Another key signing our origin, or our key signing another origin: refused.
    expect(openCheckpoint(signCheckpoint(CHECKPOINT, OTHER_SECRET, OTHER_PUBLIC), ORIGIN, LOG_PUBLIC)).toBeNull();
    const elsewhere = signCheckpoint({ ...CHECKPOINT, origin: logOrigin(OTHER_PUBLIC) }, LOG_SECRET, LOG_PUBLIC);
    expect(openCheckpoint(elsewhere, ORIGIN, LOG_PUBLIC)).toBeNull();
    // A valid signature by our key under a name other than the origin: refused.
    expect(
      openCheckpoint(signRaw(checkpointBody(CHECKPOINT), 'cohort.other', LOG_SECRET, LOG_PUBLIC), ORIGIN, LOG_PUBLIC),
    ).toBeNull();
  });

  it('refuses a note whose size or root was edited after signing', () => {
    const bigger = note.replace('\n42\n', '\n43\n');
    expect(bigger).not.toBe(note);
    expect(openCheckpoint(bigger, ORIGIN, LOG_PUBLIC)).toBeNull();
    const otherRoot = note.replace(
      Buffer.from(CHECKPOINT.root).toString('base64'),
      Buffer.from(leafHash('other')).toString('base64'),
    );
    expect(otherRoot).not.toBe(note);
    expect(openCheckpoint(otherRoot, ORIGIN, LOG_PUBLIC)).toBeNull();
  });

  it('refuses garbled, non-canonical and CRLF signature lines, extension lines and control characters', () => {
    const body = checkpointBody(CHECKPOINT);
    const sig = sigLine.slice(`\u2014 ${ORIGIN} `.length, -1);
    const raw = b64(sig);
    const garbled = Uint8Array.from(raw);
    garbled[20]! ^= 0x40;
    const nonCanonical = sig.slice(0, -2) + String.fromCharCode(sig.charCodeAt(sig.length - 2) + 1) + '=';
    expect(b64(nonCanonical)).toEqual(raw); // decodes to the same bytes; only the encoding differs
    const unparsable = [
      `${body}\n\u2014 ${ORIGIN} ${nonCanonical}\n`,
      `${body}\n\u2014 ${ORIGIN} ${sig.replace(/=$/, '')}\n`,
      note.replaceAll('\n', '\r\n'),
      note.slice(0, -1) + '\r\n',
      `${body}\r\n${sigLine}`,
      note.slice(0, -1),
      `${body}${sigLine}`,
      `${body}\n- ${ORIGIN} ${sig}\n`,
      `${body}\n\u2014 ${ORIGIN}  ${sig}\n`,
      `${body}\n\u2014 ${ORIGIN} ${sig} extra\n`,
      note + 'trailing\n',
      `\x01${note}`,
      note.replace('\n42', '\t42'),
    ];
    const bad = [
      ...unparsable,
      `${body}\n\u2014 ${ORIGIN} ${Buffer.from(garbled).toString('base64')}\n`,
      `${body}\n\u2014 ${ORIGIN} ${Buffer.from(raw.subarray(0, 67)).toString('base64')}\n`,
      // Extension lines, correctly signed: cohort writes none and reads none.
      signRaw(`${body}extension\n`, ORIGIN, LOG_SECRET, LOG_PUBLIC),
      // A control character in a signed body.
      signRaw(body.replace('\n42', '\x0742'), ORIGIN, LOG_SECRET, LOG_PUBLIC),
      signRaw(`\x01${body}`, `\x01${ORIGIN}`, LOG_SECRET, LOG_PUBLIC),
    ];
    for (const n of bad)
      expect(
        noThrow(() => openCheckpoint(n, ORIGIN, LOG_PUBLIC)),
        JSON.stringify(n),
      ).toBeNull();
    expectUnparsable(unparsable);
  });

  it('refuses a note with a second, failing signature line by the log key (C2SP signed-note: SHOULD reject)', () => {
    const body = checkpointBody(CHECKPOINT);
    const raw = b64(sigLine.slice(`\u2014 ${ORIGIN} `.length, -1));
    const garbled = Uint8Array.from(raw);
    garbled[40]! ^= 1;
    const bad = `\u2014 ${ORIGIN} ${Buffer.from(garbled).toString('base64')}\n`;
    expect(openCheckpoint(`${body}\n${sigLine}${bad}`, ORIGIN, LOG_PUBLIC)).toBeNull();
    expect(openCheckpoint(`${body}\n${bad}${sigLine}`, ORIGIN, LOG_PUBLIC)).toBeNull();
    // The same valid line twice is still the log's one signature (as Go's note.Open accepts it).
    expect(openCheckpoint(`${body}\n${sigLine}${sigLine}`, ORIGIN, LOG_PUBLIC)).toEqual(CHECKPOINT);
    // Lines of unknown keys are ignored, even under the log's name (another key ID) or with a bad signature.
    const stranger = signRaw(body, ORIGIN, OTHER_SECRET, OTHER_PUBLIC).slice(body.length + 1);
    const witness = cosignatureLine(cosign(body, witnessName('St Mary'), OTHER_SECRET, 1), OTHER_PUBLIC);
    expect(openCheckpoint(`${body}\n${stranger}${sigLine}${witness}`, ORIGIN, LOG_PUBLIC)).toEqual(CHECKPOINT);
  });

  it('refuses an over-long note and one with too many signature lines', () => {
    const witness = cosignatureLine(cosign(checkpointBody(CHECKPOINT), 'w', OTHER_SECRET, 1), OTHER_PUBLIC);
    const many = note + witness.repeat(MAX_NOTE_SIGNATURES);
    expect(many.length).toBeGreaterThan(MAX_NOTE_CHARS);
    expect(openCheckpoint(many, ORIGIN, LOG_PUBLIC)).toBeNull();
    expect(errorCode(() => parseNote(many))).toBe('E_LEDGER_CHECKPOINT');
    const tooMany = note + '\u2014 w AAAAAAAA\n'.repeat(MAX_NOTE_SIGNATURES);
    expect(tooMany.length).toBeLessThan(MAX_NOTE_CHARS);
    expect(errorCode(() => parseNote(tooMany))).toBe('E_LEDGER_CHECKPOINT');
    expect(openCheckpoint(tooMany, ORIGIN, LOG_PUBLIC)).toBeNull();
    const padded = signRaw(
      `${ORIGIN}\n42\n${Buffer.from(CHECKPOINT.root).toString('base64')}\n${'x'.repeat(MAX_NOTE_CHARS)}\n`,
      ORIGIN,
      LOG_SECRET,
      LOG_PUBLIC,
    );
    expect(openCheckpoint(padded, ORIGIN, LOG_PUBLIC)).toBeNull();
    // Just under the limit, with cosignature lines after the log's, the note still opens.
    const fits = note + witness.repeat(Math.floor((MAX_NOTE_CHARS - note.length) / witness.length));
    expect(openCheckpoint(fits, ORIGIN, LOG_PUBLIC)).toEqual(CHECKPOINT);
  });

  it('never throws on garbage notes, origins or keys', () => {
    const garbage: unknown[] = [
      null,
      undefined,
      5,
      {},
      [],
      [...LOG_PUBLIC],
      'x'.repeat(32),
      new Uint8Array(31),
      LOG_PUBLIC.buffer,
    ];
    for (const g of garbage) {
      expect(noThrow(() => openCheckpoint(g as string, ORIGIN, LOG_PUBLIC))).toBeNull();
      expect(noThrow(() => openCheckpoint(note, g as string, LOG_PUBLIC))).toBeNull();
      expect(noThrow(() => openCheckpoint(note, ORIGIN, g as Uint8Array))).toBeNull();
      const cosig = cosign(checkpointBody(CHECKPOINT), 'w', OTHER_SECRET, 7);
      expect(noThrow(() => verifyCosignature(checkpointBody(CHECKPOINT), g as Cosignature, OTHER_PUBLIC))).toBe(false);
      expect(noThrow(() => verifyCosignature(checkpointBody(CHECKPOINT), cosig, g as Uint8Array))).toBe(false);
      expect(noThrow(() => verifyCosignature(g as string, cosig, OTHER_PUBLIC))).toBe(false);
      expect(
        noThrow(() =>
          verifyCosignature(checkpointBody(CHECKPOINT), { ...cosig, timestamp: g as number }, OTHER_PUBLIC),
        ),
      ).toBe(false);
      expect(
        noThrow(() =>
          verifyCosignature(checkpointBody(CHECKPOINT), { ...cosig, signature: g as Uint8Array }, OTHER_PUBLIC),
        ),
      ).toBe(false);
      const line = parseNote(`${checkpointBody(CHECKPOINT)}\n${cosignatureLine(cosig, OTHER_PUBLIC)}`).signatures[0]!;
      expect(noThrow(() => cosignatureOf(line, g as Uint8Array))).toBeNull();
      expect(noThrow(() => cosignatureOf(g as NoteSignature, OTHER_PUBLIC))).toBeNull();
      expect(noThrow(() => cosignatureOf({ ...line, bytes: g as Uint8Array }, OTHER_PUBLIC))).toBeNull();
    }
  });

  it('refuses any single-character change to a signed note (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 2 ** 40 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.nat(),
        fc.integer({ min: 0x20, max: 0x7e }),
        (size, root, at, code) => {
          const c: Checkpoint = { origin: ORIGIN, size, root };
          const n = signCheckpoint(c, LOG_SECRET, LOG_PUBLIC);
          expect(openCheckpoint(n, ORIGIN, LOG_PUBLIC)).toEqual(c);
          const i = at % n.length;
          const ch = String.fromCharCode(code);
          fc.pre(n[i] !== ch);
          expect(openCheckpoint(n.slice(0, i) + ch + n.slice(i + 1), ORIGIN, LOG_PUBLIC)).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('cosignature: our own, and attacks on them', () => {
  const body = checkpointBody(CHECKPOINT);
  const name = witnessName('St Mary');

  it('verifies only over the body and time it signed, under the witness key', () => {
    const cosig = cosign(body, name, OTHER_SECRET, 1_700_000_000);
    expect(cosig).toMatchObject({ name, timestamp: 1_700_000_000 });
    expect(verifyCosignature(body, cosig, OTHER_PUBLIC)).toBe(true);
    expect(verifyCosignature(body, cosig, LOG_PUBLIC)).toBe(false);
    expect(verifyCosignature(body, { ...cosig, timestamp: 1_700_000_001 }, OTHER_PUBLIC)).toBe(false);
    expect(verifyCosignature(checkpointBody({ ...CHECKPOINT, size: 43 }), cosig, OTHER_PUBLIC)).toBe(false);
    expect(verifyCosignature(checkpointBody({ ...CHECKPOINT, root: leafHash('x') }), cosig, OTHER_PUBLIC)).toBe(false);
    // A cosignature is not a note signature of the body, nor the reverse (domain separation).
    expect(ledgerVerify(OTHER_PUBLIC, utf8(body), cosig.signature)).toBe(false);
    const noteSig = ledgerSign(OTHER_SECRET, utf8(body));
    expect(verifyCosignature(body, { ...cosig, signature: noteSig }, OTHER_PUBLIC)).toBe(false);
  });

  it('reads a line back only with the witness’s key ID, 76 bytes and a safe time', () => {
    const cosig = cosign(body, name, OTHER_SECRET, 2 ** 40);
    const line = parseNote(`${body}\n${cosignatureLine(cosig, OTHER_PUBLIC)}`).signatures[0]!;
    expect(cosignatureOf(line, OTHER_PUBLIC)).toEqual(cosig);
    expect(cosignatureOf(line, LOG_PUBLIC)).toBeNull();
    expect(cosignatureOf({ ...line, name: witnessName('St Anne') }, OTHER_PUBLIC)).toBeNull();
    // An Ed25519 note signature (type 0x01) by the same key and name is not a cosignature (type 0x04).
    const asNoteSig = {
      name,
      bytes: Uint8Array.from(Buffer.concat([keyId(name, 0x01, OTHER_PUBLIC), new Uint8Array(72)])),
    };
    expect(cosignatureOf(asNoteSig, OTHER_PUBLIC)).toBeNull();
    expect(cosignatureOf({ ...line, bytes: line.bytes.subarray(0, 75) }, OTHER_PUBLIC)).toBeNull();
    expect(cosignatureOf({ ...line, bytes: Uint8Array.from([...line.bytes, 0]) }, OTHER_PUBLIC)).toBeNull();
    const late = Uint8Array.from(line.bytes);
    Buffer.from(late.buffer).writeBigUInt64BE(2n ** 63n - 1n, 4);
    expect(cosignatureOf({ ...line, bytes: late }, OTHER_PUBLIC)).toBeNull();
  });

  it('refuses to cosign what is not a checkpoint body, under a bad name or at a bad time', () => {
    expect(errorCode(() => cosign(NOTE_TEXT, name, OTHER_SECRET, 1))).toBe('E_LEDGER_CHECKPOINT');
    expect(errorCode(() => cosign(`${body}ext\n`, name, OTHER_SECRET, 1))).toBe('E_LEDGER_CHECKPOINT');
    for (const bad of ['', 'a b', 'a+b'])
      expect(errorCode(() => cosign(body, bad, OTHER_SECRET, 1))).toBe('E_LEDGER_CHECKPOINT');
    for (const t of [-1, 1.5, NaN, 2 ** 53])
      expect(errorCode(() => cosign(body, name, OTHER_SECRET, t))).toBe('E_LEDGER_CHECKPOINT');
  });

  it('names every hospital as a distinct, valid witness key name (property)', () => {
    expect(witnessName('St Mary+1')).toBe('cohort.witness/St%20Mary%2B1');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        const line = cosignatureLine(cosign(body, witnessName(a), OTHER_SECRET, 3), OTHER_PUBLIC);
        const parsed = parseNote(`${body}\n${line}`).signatures[0]!;
        expect(parsed.name).toBe(witnessName(a));
        expect(cosignatureOf(parsed, OTHER_PUBLIC)?.timestamp).toBe(3);
        if (a !== b) expect(witnessName(a)).not.toBe(witnessName(b));
        expect(hospitalOfWitness(witnessName(a))).toBe(a);
      }),
      { numRuns: 200 },
    );
    // Only witnessName's own spelling names a hospital: another prefix, a raw or lower-case escape, a bad escape.
    for (const other of ['cohort.ledger/ab', 'cohort.witness/St Mary', 'cohort.witness/a%2b', 'cohort.witness/%ZZ'])
      expect(hospitalOfWitness(other)).toBeNull();
  });

  it('refuses a checkpoint body it cannot format', () => {
    for (const c of [
      { ...CHECKPOINT, origin: '' },
      { ...CHECKPOINT, origin: 'a b' },
      { ...CHECKPOINT, size: -1 },
      { ...CHECKPOINT, size: 1.5 },
      { ...CHECKPOINT, root: new Uint8Array(31) },
    ])
      expect(errorCode(() => checkpointBody(c))).toBe('E_LEDGER_CHECKPOINT');
  });
});
