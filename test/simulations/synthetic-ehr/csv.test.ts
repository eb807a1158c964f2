import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  CSV_HEADER_LINE,
  DEFAULT_PROFILES,
  csvField,
  csvLine,
  csvRow,
  csvValues,
  generateSite,
} from '../../../simulations/synthetic-ehr/index.ts';

const HEADER =
  'mrn,national_id,name,phone,email,address,zip,birth_date,sex,sbp,dbp,bmi,heart_rate,total_chol,hdl,hba1c,glucose,smoking,diabetes,hypertension,rs10455872,cad';
const tricky = fc.string({
  unit: fc.constantFrom(',', '"', '\n', '\r', ' ', "'", '-', 'a', 'Z', '\u00e9', '\t', '\u{1F600}'),
});
const field = fc.oneof(tricky, fc.string({ unit: 'grapheme' }));

describe('CSV', () => {
  it('round-trips any fields through csv-parse', () => {
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = rows.map(csvLine).join('');
        expect(parse(text, { skip_empty_lines: false })).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves plain fields unquoted and quotes those that need it', () => {
    expect(csvField("O'Brien-Smith")).toBe("O'Brien-Smith");
    expect(csvField('12 Main St, Boston, MA 02101')).toBe('"12 Main St, Boston, MA 02101"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
  });

  it('has exactly the agreed header, and generated rows parse back to their values', () => {
    expect(CSV_HEADER_LINE).toBe(`${HEADER}\n`);
    const ps = [...generateSite({ seed: 4, site: 'h1', patients: 1000, profile: DEFAULT_PROFILES[1]! })];
    const text = CSV_HEADER_LINE + ps.map(csvRow).join('');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!).join(',')).toBe(HEADER);
    expect(rows).toHaveLength(1000);
    rows.forEach((row, i) => expect(CSV_HEADER.map((c) => row[c])).toEqual(csvValues(ps[i]!)));
    for (const row of rows) {
      expect(row.name).toBe(row.name!.trim());
      expect(row.address).toMatch(/, [A-Z]{2} \d{5}$/);
      expect(['never', 'former', 'current', '']).toContain(row.smoking);
      for (const c of ['diabetes', 'hypertension', 'cad']) expect(['0', '1']).toContain(row[c]);
      expect(['A/A', 'A/G', 'G/G', '']).toContain(row.rs10455872);
    }
    // Missing measurements are empty cells, and some exist at this site.
    expect(rows.some((r) => r.total_chol === '')).toBe(true);
  });

  it('takes the latest measurement of each code', () => {
    const ps = [...generateSite({ seed: 4, site: 'h1', patients: 300, profile: DEFAULT_PROFILES[2]! })];
    const p = ps.find((q) => new Set(q.measurements.filter((m) => m.key === 'sbp').map((m) => m.value)).size > 1)!;
    const sbps = p.measurements.filter((m) => m.key === 'sbp');
    const values = csvValues(p);
    expect(values[CSV_HEADER.indexOf('sbp')]).toBe(String(sbps.at(-1)!.value));
    expect(values[CSV_HEADER.indexOf('smoking')]).toBe(p.smoking.at(-1)?.status ?? '');
  });
});
