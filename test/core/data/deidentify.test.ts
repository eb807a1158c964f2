import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { encodeRow, planColumns } from '../../../core/data/encode.ts';
import { ageBandIndex, alleleCount, zip3 } from '../../../core/data/generalize.ts';
import { hmacSha256, pseudonymizer } from '../../../core/data/pseudonym.ts';
import { prepareDataset } from '../../../core/data/prepare.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';
import { caught, ehrSchema } from './fixtures.ts';
import { CSV_HEADER } from '../../../simulations/synthetic-ehr/csv.ts';

const SECRET = new Uint8Array(32).fill(7);
/** The synthetic EHR's CSV layout, which ehrSchema('csv') describes. */
const HEADER: readonly string[] = CSV_HEADER;
/** The measurements, numeric features under their own names. */
const MEASURED = ['sbp', 'dbp', 'bmi', 'heart_rate', 'total_chol', 'hdl', 'hba1c', 'glucose'];
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Emmy Noether'];

/** A record full of identifiers; `over` replaces cells by column name. */
function record(i: number, over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    mrn: `MRN${100000 + i}`,
    national_id: `${123 + i}-45-6789`,
    name: NAMES[i % 4]!,
    phone: `+1-555-010${i % 10}`,
    email: `patient${i}@example.org`,
    address: `${i} Main Street, Springfield`,
    zip: i % 5 === 0 ? '03601' : `021${String(i % 100).padStart(2, '0')}`,
    birth_date: `${1930 + (i % 60)}-0${1 + (i % 9)}-15`,
    sex: i % 2 ? 'male' : 'female',
    sbp: String(110 + (i % 40)),
    dbp: String(70 + (i % 20)),
    bmi: String(20 + (i % 15)),
    heart_rate: String(60 + (i % 30)),
    total_chol: String(150 + (i % 90)),
    hdl: String(35 + (i % 30)),
    hba1c: String(5 + (i % 4)),
    glucose: String(80 + (i % 60)),
    smoking: ['never', 'former', 'current'][i % 3]!,
    diabetes: String(i % 4 === 0 ? 1 : 0),
    hypertension: String(i % 3 === 0 ? 1 : 0),
    rs10455872: ['A/A', 'A/G', 'G|G', 'AG'][i % 4]!,
    cad: String(i % 2),
  };
  return HEADER.map((h) => over[h] ?? base[h]!);
}

describe('pseudonyms (HMAC-SHA256 under the site secret)', () => {
  it('matches RFC 4231 test cases 2 and 6', () => {
    expect(hmacSha256(Buffer.from('Jefe'), 'what do ya want for nothing?').toString('hex')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    const key = new Uint8Array(131).fill(0xaa);
    expect(pseudonymizer(key).pseudonym('Test Using Larger Than Block-Size Key - Hash Key First')).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });

  it('refuses a short secret (E_INTAKE_SECRET) and keys shifts by secret and pseudonym', async () => {
    expect((await caught(() => pseudonymizer(new Uint8Array(16)))).code).toBe('E_INTAKE_SECRET');
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 3650 }), (id, max) => {
        const k = pseudonymizer(SECRET);
        const s = k.shiftDays(k.pseudonym(id), max);
        return Number.isInteger(s) && Math.abs(s) <= max && s === pseudonymizer(SECRET).shiftDays(k.pseudonym(id), max);
      }),
    );
    const other = pseudonymizer(new Uint8Array(32).fill(8));
    expect(other.pseudonym('MRN1')).not.toBe(pseudonymizer(SECRET).pseudonym('MRN1'));
  });
});

describe('generalisation (45 CFR 164.514(b)(2))', () => {
  it('top-codes every age of 90 and over into one band', () => {
    const bands = [0, 30, 40, 50, 60, 70, 80, 90];
    fc.assert(fc.property(fc.integer({ min: 90, max: 150 }), (age) => ageBandIndex(age, bands) === 7));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 89 }),
        (age) => ageBandIndex(age, bands) < 7 && bands[ageBandIndex(age, bands)]! <= age,
      ),
    );
  });

  it('cuts ZIP codes to 3 digits and the restricted prefixes to 000', () => {
    expect(zip3('02139')).toBe('021');
    expect(zip3('02139-4307')).toBe('021');
    expect(zip3('03601')).toBe('000');
    expect(zip3('89301')).toBe('000');
    expect(zip3('2139')).toBeUndefined();
  });

  it('refuses bands that start above 90 (no top code) in the schema', async () => {
    const s = JSON.parse(
      readFileSync(new URL('../../../simulations/synthetic-ehr/schemas/csv.schema.json', import.meta.url), 'utf8'),
    );
    s.columns[7].bands = [0, 50, 95];
    expect((await caught(() => parseDatasetSchema(s))).message).toContain('"columns.7.bands.2"');
    s.columns[7].bands = [0, 50, 90];
    s.columns[7].asOf = '2025-02-30';
    expect((await caught(() => parseDatasetSchema(s))).message).toContain('"columns.7.asOf"');
  });

  it('reads genotypes as allele counts', () => {
    expect(['A/A', 'A/G', 'G|G', 'ag', 'GA'].map((g) => alleleCount(g, 'G'))).toEqual([0, 1, 2, 1, 1]);
    expect(alleleCount('A/N', 'G')).toBeUndefined();
    expect(alleleCount('rs10455872', 'G')).toBeUndefined();
  });
});

describe('column classes through the pipeline', () => {
  const schema = ehrSchema('csv');

  it('drops identifiers, pseudonymises, generalises, derives genotype features', () => {
    const plan = planColumns(HEADER, schema);
    expect(plan.features).toEqual([
      'birth_date',
      'sex_male',
      ...MEASURED,
      'smoking_former',
      'smoking_current',
      'diabetes',
      'hypertension',
      'rs10455872',
    ]);
    const keys = pseudonymizer(SECRET);
    const r = encodeRow(record(1, { birth_date: '1920-06-01', rs10455872: 'G/G' }), plan, keys);
    const s = encodeRow(record(2, { birth_date: '1901-06-01', rs10455872: 'A/A', zip: '03601' }), plan, keys);
    if (!r.ok || !s.ok) throw new Error('rows should encode');
    // Ages 104 and 123 on 2025-01-01 are both "90+": one value, the top band's midpoint, which tops the
    // scale the bands declare (midpoints 14.5 to 95) and so encodes as 1.
    expect(r.x[0]).toBe(1);
    expect(s.x[0]).toBe(1);
    // 0-2 copies of G map onto -1, 0, 1.
    expect(r.x[14]).toBe(1);
    expect(s.x[14]).toBe(-1);
    // Sex is a declared quasi-identifier of the schema: its category joins the class.
    expect(r.quasi.split('\u0000')).toEqual(['021', '90+', 'male']);
    expect(s.quasi.split('\u0000')).toEqual(['000', '90+', 'female']);
  });

  it('needs the site secret when the schema has a pseudonym', async () => {
    expect((await caught(() => prepareDataset(HEADER, [record(1)], schema))).code).toBe('E_INTAKE_SECRET');
  });

  it('counts each class, rejects bad values by typed reason, keeps the rest, and no identifier survives', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => record(i));
    rows.push(record(60, { sbp: '400' })); // range:sbp
    rows.push(record(61, { dbp: 'eighty' })); // number:dbp
    rows.push(record(62, { rs10455872: 'A/X' })); // genotype:rs10455872
    rows.push(record(63, { birth_date: '1950-02-30' })); // date:birth_date
    rows.push(record(64, { zip: 'SW1A 1AA' })); // zip:zip
    rows.push(record(65, { mrn: '' })); // missing:mrn
    rows.push(record(66, { bmi: 'NA', name: '' })); // kept, bmi imputed
    rows.push(record(67).slice(0, 5)); // cells
    const d = await prepareDataset(HEADER, rows, schema, { secret: SECRET });
    expect(d.report.rowsRead).toBe(68);
    expect(d.report.rowsUsed).toBe(61);
    expect(d.report.rowsDropped).toEqual({
      cells: 1,
      'date:birth_date': 1,
      'genotype:rs10455872': 1,
      'missing:mrn': 1,
      'number:dbp': 1,
      'range:sbp': 1,
      'zip:zip': 1,
    });
    const col = (n: string) => d.report.columns.find((c) => c.name === n)!;
    expect(col('name')).toMatchObject({ kind: 'identifier', action: 'dropped', values: 60, missing: 1 });
    expect(col('mrn')).toMatchObject({ kind: 'pseudonym', values: 61 });
    expect(col('zip')).toMatchObject({ kind: 'quasi', values: 61 - 12, special: 12 });
    expect(col('bmi')).toMatchObject({ values: 60, special: 1 });
    expect(d.report.kAnonymity!.columns).toEqual(['zip', 'birth_date', 'sex']);
    expect(d.report.kAnonymity!.k).toBeGreaterThanOrEqual(1);
    expect(d.report.kAnonymity!.smallest[0]).toBe(d.report.kAnonymity!.k);
    expect(Number.isNaN(Math.max(...d.train.x))).toBe(false);
    const out = JSON.stringify({ ...d, train: [...d.train.x], test: [...d.test.x] });
    for (const r of rows)
      for (const h of ['mrn', 'national_id', 'name', 'phone', 'email', 'address', 'birth_date']) {
        const v = r[HEADER.indexOf(h)];
        if (v) expect(out).not.toContain(v);
      }
    expect(out).not.toContain(pseudonymizer(SECRET).pseudonym('MRN100001'));
  });

  it('refuses an undeclared column by name, never by value', async () => {
    const e = await caught(() =>
      prepareDataset([...HEADER, 'ssn'], [[...record(1), '078-05-1120']], schema, { secret: SECRET }),
    );
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).toContain('"ssn"');
    expect(e.message).not.toContain('078-05-1120');
  });
});
