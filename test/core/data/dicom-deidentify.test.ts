import { describe, expect, it } from 'vitest';
import { annexERow, keyedUid, resolveBasic, shiftDate } from '../../../core/data/dicom-deidentify.ts';
import { isPart10, part10TransferSyntax } from '../../../core/data/dicom-part10.ts';

describe('dicom-deidentify helpers', () => {
  it('keyedUid: PS3.5 B.2 form, at most 64 characters, keyed and deterministic', () => {
    const k1 = new Uint8Array(32).fill(1);
    const k2 = new Uint8Array(32).fill(2);
    const u = keyedUid(k1, '1.2.3');
    expect(u).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
    expect(u.length).toBeLessThanOrEqual(64);
    expect(BigInt(u.slice(5))).toBeLessThan(2n ** 128n);
    expect(keyedUid(k1, '1.2.3')).toBe(u);
    expect(keyedUid(k2, '1.2.3')).not.toBe(u);
    expect(keyedUid(k1, '1.2.4')).not.toBe(u);
  });

  it('shiftDate: calendar arithmetic across a leap day; anything but a full valid date is undefined', () => {
    expect(shiftDate('20240228', 1)).toBe('20240229');
    expect(shiftDate('20240301', -1)).toBe('20240229');
    expect(shiftDate('20231231', 1)).toBe('20240101');
    expect(shiftDate('20230229', 0)).toBeUndefined();
    expect(shiftDate('2023', 0)).toBeUndefined();
    expect(shiftDate('2023-01-01', 0)).toBeUndefined();
  });

  it('the table: exact tags, repeating groups, compound actions', () => {
    expect(annexERow('00100010')?.[2]).toBe('Z');
    expect(annexERow('00100020')?.[4]).toBe('PatientID');
    expect(annexERow('60023000')?.[4]).toBe('OverlayData');
    expect(annexERow('50021234')?.[2]).toBe('X');
    expect(annexERow('00280010')).toBeUndefined();
    expect(resolveBasic('X/Z')).toBe('Z');
    expect(resolveBasic('X/Z/D')).toBe('D');
    expect(resolveBasic('X/Z/U*')).toBe('U');
  });

  it('part10TransferSyntax: only from a well-formed meta group', () => {
    expect(isPart10(new Uint8Array(100))).toBe(false);
    const b = new Uint8Array(132 + 8 + 20);
    b.set([0x44, 0x49, 0x43, 0x4d], 128);
    b.set([0x02, 0x00, 0x10, 0x00, 0x55, 0x49, 20, 0], 132);
    b.set(new TextEncoder().encode('1.2.840.10008.1.2.1\0'), 140);
    expect(part10TransferSyntax(b)).toBe('1.2.840.10008.1.2.1');
    expect(part10TransferSyntax(b.subarray(0, 150))).toBeUndefined();
  });
});
