import { describe, it, expect } from 'vitest';
import { encodeRow, Note, parseDecimal, planColumns } from '../../../core/data/encode.ts';
import { parseDatasetSchema } from '../../../core/data/schema.ts';
import { SMALL_HEADER, caught, smallSchema, smallSchemaInput } from './fixtures.ts';

describe('planColumns', () => {
  it('accepts the declared columns in any order', () => {
    const plan = planColumns(['num', 'chol', 'note', 'cp', 'age'], smallSchema());
    expect(plan.features).toEqual(['age', 'cp_2', 'cp_3', 'chol']);
    const r = encodeRow(['1', '250', 'x', '3', '50'], plan);
    // age 50 and chol 250 are the middles of their declared ranges [20, 80] and [100, 400].
    expect(r).toMatchObject({ ok: true, x: Float64Array.from([0, 0, 1, 0]), y: [1] });
  });

  it('refuses an undeclared column, naming it', async () => {
    const e = await caught(() => planColumns([...SMALL_HEADER, 'ssn'], smallSchema()));
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).toContain('"ssn"');
  });

  it('refuses a missing declared column, even an ignored one', async () => {
    for (const drop of ['chol', 'note']) {
      const e = await caught(() =>
        planColumns(
          SMALL_HEADER.filter((h) => h !== drop),
          smallSchema(),
        ),
      );
      expect(e.code).toBe('E_DATA_COLUMNS');
      expect(e.message).toContain(`"${drop}"`);
    }
  });

  it('refuses a repeated column', async () => {
    expect((await caught(() => planColumns([...SMALL_HEADER, 'age'], smallSchema()))).code).toBe('E_DATA_COLUMNS');
  });

  it('names nothing from a header line that looks like a record', async () => {
    const e = await caught(() => planColumns(['SENTINEL123', '2', 'x', '200', '0'], smallSchema()));
    expect(e.code).toBe('E_DATA_COLUMNS');
    expect(e.message).not.toContain('SENTINEL123');
    const e2 = await caught(() => planColumns([...SMALL_HEADER, '63'], smallSchema()));
    expect(e2.message).not.toContain('63');
    expect(e2.message).toContain('#6');
  });
});

describe('encodeRow', () => {
  const plan = planColumns(SMALL_HEADER, smallSchema());

  it('one-hot encodes with the first category as reference', () => {
    const xs = ['1', '2', '3'].map((cp) => {
      const r = encodeRow(['35', cp, '', '175', '0'], plan);
      return r.ok ? [...r.x] : r.reason;
    });
    expect(xs).toEqual([
      [-0.5, 0, 0, -0.5],
      [-0.5, 1, 0, -0.5],
      [-0.5, 0, 1, -0.5],
    ]);
  });

  it('scales numbers by their declared range, clamping and noting values outside it', () => {
    const at = (age: string, chol: string) => {
      const r = encodeRow([age, '1', '', chol, '0'], plan);
      if (!r.ok) throw new Error(r.reason);
      return { age: r.x[0], chol: r.x[3], notes: [...r.notes] };
    };
    const ageStep = plan.steps.findIndex((s) => s.name === 'age');
    const cholStep = plan.steps.findIndex((s) => s.name === 'chol');
    expect(at('20', '400')).toMatchObject({ age: -1, chol: 1 });
    const outside = at('5', '1000');
    expect(outside).toMatchObject({ age: -1, chol: 1 });
    expect([outside.notes[ageStep], outside.notes[cholStep]]).toEqual([Note.Clamped, Note.Clamped]);
    expect(at('80', '100').notes[ageStep]).toBe(Note.Done);
  });

  it('gives the first failing column as the reason', () => {
    const reason = (cells: string[]) => {
      const r = encodeRow(cells, plan);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(['40', '1', 'x', '180'])).toBe('cells');
    expect(reason(['40', '1', 'x', '180', '0', '9'])).toBe('cells');
    expect(reason(['?', '1', 'x', '180', '0'])).toBe('missing:age');
    expect(reason(['40', '1', 'x', '', '0'])).toBe('missing:chol');
    expect(reason(['abc', '9', 'x', '180', '0'])).toBe('number:age');
    expect(reason(['121', '1', 'x', '180', '0'])).toBe('range:age');
    expect(reason(['40', '4', 'x', '180', '0'])).toBe('category:cp');
    expect(reason(['40', 'one', 'x', '180', '0'])).toBe('category:cp');
    expect(reason(['40', '1', 'x', '180', 'yes'])).toBe('number:num');
    expect(reason(['40', '1', '?', '180', '0'])).toBe('ok');
  });

  it('evaluates each label comparison', () => {
    const y = (op: '>' | '>=' | '==' | '!=', value: number | string, cell: string) => {
      const input = smallSchemaInput();
      const s = parseDatasetSchema({
        ...input,
        columns: input.columns.map((c) => (c.kind === 'label' ? { ...c, positiveWhen: { op, value } } : c)),
      });
      const r = encodeRow(['40', '1', '', '180', cell], planColumns(SMALL_HEADER, s));
      return r.ok ? r.y[0] : r.reason;
    };
    expect([y('>', 0, '0'), y('>', 0, '2'), y('>=', 2, '2'), y('>=', 2, '1.5')]).toEqual([0, 1, 1, 0]);
    expect([y('==', 1, '1.0'), y('!=', 1, '1'), y('==', 'yes', 'yes'), y('!=', 'yes', 'no')]).toEqual([1, 0, 1, 1]);
  });
});

describe('parseDecimal', () => {
  it('accepts plain decimals only', () => {
    expect(['0', '-2.6', '+3', '.5', '5.', '1e3', '63'].map(parseDecimal)).toEqual([0, -2.6, 3, 0.5, 5, 1000, 63]);
    for (const bad of ['', ' ', 'abc', '0x1F', 'Infinity', 'NaN', '1e999', '1,5', '1 2', '--1'])
      expect(parseDecimal(bad), bad).toBeUndefined();
  });
});
