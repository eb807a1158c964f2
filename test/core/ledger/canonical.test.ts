/**
 * canonicalJson against RFC 8785 (JSON Canonicalization Scheme). Vectors are
 * from the RFC's own source, xmlv3/rfc8785.xml in github.com/cyberphone/
 * ietf-json-canon (the RFC 8785 authors' repository):
 * - Appendix B, "Number Serialization Samples" (Table 1): IEEE 754 bits →
 *   JSON text, including the NaN and Infinity rows that must be refused.
 * - §3.2.3, the property-sorting test data and its expected value order.
 * - §3.2.2's sample object, its canonical text (§3.2.3) and its UTF-8 bytes (§3.2.4).
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, MAX_CANONICAL_DEPTH } from '../../../core/ledger/canonical.ts';
import { errorCode } from '../../helpers/errors.ts';

const fromBits = (hex: string) => Buffer.from(hex, 'hex').readDoubleBE(0);

// RFC 8785 Appendix B, Table 1 (IEEE 754 hex, JSON representation, comment).
const APPENDIX_B: [string, string, string][] = [
  ['0000000000000000', '0', 'Zero'],
  ['8000000000000000', '0', 'Minus zero'],
  ['0000000000000001', '5e-324', 'Min pos number'],
  ['8000000000000001', '-5e-324', 'Min neg number'],
  ['7fefffffffffffff', '1.7976931348623157e+308', 'Max pos number'],
  ['ffefffffffffffff', '-1.7976931348623157e+308', 'Max neg number'],
  ['4340000000000000', '9007199254740992', 'Max pos int (1)'],
  ['c340000000000000', '-9007199254740992', 'Max neg int (1)'],
  ['4430000000000000', '295147905179352830000', '~2**68 (2)'],
  ['44b52d02c7e14af5', '9.999999999999997e+22', ''],
  ['44b52d02c7e14af6', '1e+23', ''],
  ['44b52d02c7e14af7', '1.0000000000000001e+23', ''],
  ['444b1ae4d6e2ef4e', '999999999999999700000', ''],
  ['444b1ae4d6e2ef4f', '999999999999999900000', ''],
  ['444b1ae4d6e2ef50', '1e+21', ''],
  ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7', ''],
  ['3eb0c6f7a0b5ed8d', '0.000001', ''],
  ['41b3de4355555553', '333333333.3333332', ''],
  ['41b3de4355555554', '333333333.33333325', ''],
  ['41b3de4355555555', '333333333.3333333', ''],
  ['41b3de4355555556', '333333333.3333334', ''],
  ['41b3de4355555557', '333333333.33333343', ''],
  ['becbf647612f3696', '-0.0000033333333333333333', ''],
  ['43143ff3c1cb0959', '1424953923781206.2', 'Round to even (4)'],
];
// The table's rows with no JSON representation: note (3), "Values out of range are not permitted in JSON".
const APPENDIX_B_REFUSED: [string, string][] = [
  ['7fffffffffffffff', 'NaN'],
  ['7ff0000000000000', 'Infinity'],
];

describe('canonicalJson: RFC 8785 Appendix B number serialization', () => {
  it.each(APPENDIX_B)('%s → %s %s', (bits, json) => {
    expect(canonicalJson(fromBits(bits))).toBe(json);
    expect(canonicalJson([fromBits(bits)])).toBe(`[${json}]`);
  });

  it.each(APPENDIX_B_REFUSED)('%s (%s) is refused with E_LEDGER_ENCODING', (bits) => {
    expect(errorCode(() => canonicalJson(fromBits(bits)))).toBe('E_LEDGER_ENCODING');
    expect(errorCode(() => canonicalJson({ x: fromBits(bits) }))).toBe('E_LEDGER_ENCODING');
  });

  it('refuses -Infinity too', () => {
    expect(errorCode(() => canonicalJson(-Infinity))).toBe('E_LEDGER_ENCODING');
  });
});

describe('canonicalJson: RFC 8785 §3.2 examples', () => {
  it('§3.2.3 sorts property names by UTF-16 code units', () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as Record<string, string>;
    // Read the order from the text: a parsed object would list the integer-like key "1" first again.
    const textOrder = [...canonicalJson(input).matchAll(/:"([^"]+)"/g)].map((m) => m[1]);
    expect(textOrder).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('§3.2.2 sample: canonical text (§3.2.3) and its UTF-8 bytes (§3.2.4)', () => {
    const input = JSON.parse(String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`) as unknown;
    const text = canonicalJson(input);
    expect(text).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
    const bytes = `
      7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72
      75 65 2c 66 61 6c 73 65 5d 2c 22 6e 75 6d 62 65 72 73 22 3a
      5b 33 33 33 33 33 33 33 33 33 2e 33 33 33 33 33 33 33 2c 31
      65 2b 33 30 2c 34 2e 35 2c 30 2e 30 30 32 2c 31 65 2d 32 37
      5d 2c 22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30
      30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d`.replace(/\s+/g, '');
    expect(Buffer.from(text, 'utf8').toString('hex')).toBe(bytes);
  });

  it('escapes exactly as §3.2.2.2 says: short forms for \\b \\t \\n \\f \\r, lowercase \\u00hh for other controls, nothing else', () => {
    expect(canonicalJson('\b\t\n\f\r')).toBe(String.raw`"\b\t\n\f\r"`);
    expect(canonicalJson('\u0000\u001f\u000b')).toBe(String.raw`"\u0000\u001f\u000b"`);
    expect(canonicalJson('a"b\\c/d\u007f\u2028\u{1f600}é')).toBe('"a\\"b\\\\c/d\u007f\u2028\u{1f600}é"');
  });
});

describe('canonicalJson: the JSON subset', () => {
  it('writes literals, nested containers and empty ones without whitespace', () => {
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: {}, e: [], f: false, g: '' })).toBe(
      '{"a":{},"b":[1,{"c":true,"d":null}],"e":[],"f":false,"g":""}',
    );
    expect(canonicalJson(Object.assign(Object.create(null) as object, { z: 1, y: 2 }))).toBe('{"y":2,"z":1}');
  });

  it('refuses values with no JSON form (E_LEDGER_ENCODING)', () => {
    class Point {
      x = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const refused: unknown[] = [
      undefined,
      { a: undefined },
      [undefined],
      NaN,
      { n: NaN },
      () => 1,
      { f: () => 1 },
      Symbol('s'),
      10n,
      new Uint8Array(2),
      new Float32Array(1),
      new Date(0),
      new Map(),
      new Set(),
      new Point(),
      [1, , 3], // eslint-disable-line no-sparse-arrays
      { [Symbol('k')]: 1 },
      '\ud800',
      'a\udc00b',
      { '\udfff': 1 },
      ['x\ud83d'],
      cyclic,
    ];
    for (const v of refused)
      expect(
        errorCode(() => canonicalJson(v)),
        String(typeof v),
      ).toBe('E_LEDGER_ENCODING');
  });

  it(`accepts ${MAX_CANONICAL_DEPTH} levels of nesting and refuses one more`, () => {
    const nest = (n: number): unknown => (n === 0 ? 0 : n % 2 ? [nest(n - 1)] : { a: nest(n - 1) });
    expect(JSON.parse(canonicalJson(nest(MAX_CANONICAL_DEPTH)))).toEqual(nest(MAX_CANONICAL_DEPTH));
    expect(errorCode(() => canonicalJson(nest(MAX_CANONICAL_DEPTH + 1)))).toBe('E_LEDGER_ENCODING');
  });

  it('is the JSON of its value: parses back equal, is a fixed point, and ignores member order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = canonicalJson(v);
        const back = JSON.parse(text) as unknown;
        expect(canonicalJson(back)).toBe(text);
        // JSON cannot tell -0 from 0; everything else survives exactly.
        expect(back).toEqual(JSON.parse(JSON.stringify(v)));
        expect(canonicalJson(reverseKeys(v))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  return v;
}
