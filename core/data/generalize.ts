/**
 * Generalisation of quasi-identifiers, after HIPAA's Safe Harbor method,
 * 45 CFR 164.514(b)(2)(i): (B) ZIP codes to their first three digits, "000"
 * where the three-digit area holds 20,000 people or fewer; (C) dates to the
 * year, ages over 89 aggregated into one "90 or older" category.
 */

/**
 * Three-digit ZIP prefixes whose areas had 20,000 or fewer people (2000
 * Census), which Safe Harbor requires to be reported as "000": the 17
 * prefixes in HHS OCR's "Guidance Regarding Methods for De-identification of
 * PHI" (2012), "When can ZIP codes be included in de-identified information?".
 */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set([
  '036',
  '059',
  '063',
  '102',
  '203',
  '556',
  '692',
  '790',
  '821',
  '823',
  '830',
  '831',
  '878',
  '879',
  '884',
  '890',
  '893',
]);

/** "12345" or "12345-6789" -> "123" (or "000" for a restricted prefix); anything else -> undefined. */
export function zip3(cell: string): string | undefined {
  const m = /^(\d{3})\d{2}(?:-?\d{4})?$/.exec(cell);
  if (!m) return undefined;
  return RESTRICTED_ZIP3.has(m[1]!) ? '000' : m[1]!;
}

/** Index of the band holding `age` (bands are ascending lower edges from 0; the last is open). */
export function ageBandIndex(age: number, bands: readonly number[]): number {
  let i = 0;
  while (i + 1 < bands.length && age >= bands[i + 1]!) i++;
  return i;
}

/** A representative age for band i: its midpoint; the open top band is its lower edge plus half the band below's width. */
export function ageBandMidpoint(i: number, bands: readonly number[]): number {
  if (i + 1 < bands.length) return (bands[i]! + bands[i + 1]! - 1) / 2;
  const below = i > 0 ? bands[i]! - bands[i - 1]! : 10;
  return bands[i]! + below / 2;
}

export interface CalendarDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * A FHIR date or dateTime's calendar date: YYYY, YYYY-MM, YYYY-MM-DD, or a
 * dateTime (the time part is dropped). A missing month or day reads as 1.
 */
export function parseDate(cell: string): CalendarDate | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(cell);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

/** Whole years from `birth` to `on` (negative if born after). */
export function ageOn(birth: CalendarDate, on: CalendarDate): number {
  const before = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return on.year - birth.year - (before ? 1 : 0);
}

/** Shifts a date by whole days; returns "YYYY-MM-DD" and the fractional year (for model input). */
export function shiftDate(d: CalendarDate, days: number): { iso: string; year: number } {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  const y = t.getUTCFullYear();
  const start = Date.UTC(y, 0, 1);
  const fraction = (t.getTime() - start) / (Date.UTC(y + 1, 0, 1) - start);
  return { iso: t.toISOString().slice(0, 10), year: y + fraction };
}

/**
 * Copies of `allele` in a diploid genotype written "A/G", "A|G" (phased) or
 * "AG" (two single-base alleles); undefined if the cell is not a genotype.
 */
export function alleleCount(cell: string, allele: string): 0 | 1 | 2 | undefined {
  const g = cell.toUpperCase();
  let pair: string[];
  const m = /^([ACGT]+)[/|]([ACGT]+)$/.exec(g);
  if (m) pair = [m[1]!, m[2]!];
  else if (/^[ACGT]{2}$/.test(g)) pair = [g[0]!, g[1]!];
  else return undefined;
  return ((pair[0] === allele ? 1 : 0) + (pair[1] === allele ? 1 : 0)) as 0 | 1 | 2;
}
