/**
 * The flat CSV view of a synthetic patient: one row, the latest value of
 * each measurement, conditions as 0/1, empty cells for what was never
 * recorded. Quoting follows RFC 4180.
 */
import { MEASURES, type ConditionKind, type MeasureKey } from './codes.ts';
import { addressText, fullName, type SyntheticPatient } from './record.ts';

export const CSV_HEADER = [
  'mrn',
  'national_id',
  'name',
  'phone',
  'email',
  'address',
  'zip',
  'birth_date',
  'sex',
  'sbp',
  'dbp',
  'bmi',
  'heart_rate',
  'total_chol',
  'hdl',
  'hba1c',
  'glucose',
  'smoking',
  'diabetes',
  'hypertension',
  'rs10455872',
  'cad',
] as const;

export type CsvColumn = (typeof CSV_HEADER)[number];

/**
 * One field, quoted when it holds a comma, a double quote, CR or LF, or
 * starts or ends with a space (which some readers trim); quotes inside are
 * doubled (RFC 4180 §2.5-2.7).
 */
export function csvField(value: string): string {
  return /[",\r\n]|^ | $/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, LF-terminated. */
export const csvLine = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\n`;

export const CSV_HEADER_LINE = csvLine(CSV_HEADER);

/** The row's values, in CSV_HEADER order, before quoting. */
export function csvValues(p: SyntheticPatient): string[] {
  // Measurements are in time order, so the last one seen per code is the latest.
  const latest = new Map<MeasureKey, number>();
  for (const m of p.measurements) latest.set(m.key, m.value);
  const cell = (k: MeasureKey) => {
    const v = latest.get(k);
    return v === undefined ? '' : v.toFixed(MEASURES[k].decimals);
  };
  const has = (kind: ConditionKind) => (p.conditions.some((c) => c.kind === kind) ? '1' : '0');
  const row: Record<CsvColumn, string> = {
    mrn: p.mrn,
    national_id: p.nationalId,
    name: fullName(p),
    phone: p.phone,
    email: p.email,
    address: addressText(p.address),
    zip: p.address.postalCode,
    birth_date: p.birthDate,
    sex: p.sex,
    sbp: cell('sbp'),
    dbp: cell('dbp'),
    bmi: cell('bmi'),
    heart_rate: cell('heart_rate'),
    total_chol: cell('total_chol'),
    hdl: cell('hdl'),
    hba1c: cell('hba1c'),
    glucose: cell('glucose'),
    smoking: p.smoking.at(-1)?.status ?? '',
    diabetes: has('diabetes'),
    hypertension: has('hypertension'),
    rs10455872: p.genotype?.value ?? '',
    cad: has('cad'),
  };
  return CSV_HEADER.map((c) => row[c]);
}

export const csvRow = (p: SyntheticPatient) => csvLine(csvValues(p));
