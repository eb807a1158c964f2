import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseOrThrow } from '../../core/parse-issues.ts';
import { jobSpecFromWire } from '../../edge/wire/codec.ts';
import { isPrintable } from '../../core/printable.ts';
import { refusal } from '../helpers/refusal.ts';

describe('parseOrThrow', () => {
  it('names each bad field path with its problem, in one line', () => {
    const schema = z.strictObject({ a: z.number(), b: z.object({ c: z.string() }) });
    const e = refusal(() => parseOrThrow(schema, { a: 'x', b: { c: 1 } }, 'E_CONFIG_INVALID', 'config: '));
    expect(e.code).toBe('E_CONFIG_INVALID');
    expect(e.message).toMatch(/^config: "a": .+; "b\.c": .+$/);
  });

  it("quotes a peer's unknown key with its control and format characters made spaces (a reviewer's case)", () => {
    const e = refusal(() => jobSpecFromWire('{"name":"x","evil\\u202egnp.exe\\u001b[31m":1}'));
    expect(e.code).toBe('E_JOB_SPEC');
    expect(e.message).toContain('evil gnp.exe [31m');
    expect(isPrintable(e.message)).toBe(true);
  });
});
