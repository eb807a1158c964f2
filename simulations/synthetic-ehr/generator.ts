/**
 * Seeded synthetic patients for one site, as a lazy stream. Pure: no clock,
 * no disk; every patient is drawn from its own generator seeded by (seed,
 * site, index), so the stream holds no state between patients, memory stays
 * flat however many are drawn, and patient i is the same whatever was drawn
 * before it.
 */
import { z } from 'zod';
import { CohortError } from '../../core/errors.ts';
import { formatIssues } from '../../core/parse-issues.ts';
import { deriveSeed, seededRng, type SeededRng } from '../../core/rng.ts';
import { MEASURES, NOISE_CONDITIONS, type Genotype, type MeasureKey, type Smoking } from './codes.ts';
import {
  AREA_CODES,
  FAMILY,
  FEMALE_GIVEN,
  MALE_GIVEN,
  PLACES,
  STREET_NAMES,
  STREET_SUFFIXES,
  UNIT_PREFIXES,
  type Place,
} from './names.ts';
import { siteNameSchema, siteProfileSchema, type SiteProfile } from './profiles.ts';
import { fhirBase, type ConditionRecord, type Measurement, type Sex, type SyntheticPatient } from './record.ts';
import { cadLogit, sigmoid } from './risk.ts';

/** Most patients one site may have; MRNs and national ids are unique below 10^8. */
export const MAX_PATIENTS_PER_SITE = 10_000_000;
/** The day the records are extracted: ages and dates count back from it, so output never depends on the clock. */
export const DEFAULT_AS_OF = '2024-06-30';
/** Encounters fall within this many years before the extract date. */
const HISTORY_YEARS = 6;

const DAY_MS = 86_400_000;
const YEAR_MS = 365.2425 * DAY_MS;

export interface GenerateSiteOptions {
  seed: number;
  /** Site name: lower-case letters, digits, hyphens. Part of every identifier system URL. */
  site: string;
  patients: number;
  profile: SiteProfile;
  /** Extract date (YYYY-MM-DD); default DEFAULT_AS_OF. */
  asOf?: string;
}

/** Seeds are 32-bit (core/rng.ts), signed or not. */
export const seedSchema = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 32 - 1);

const optionsSchema = z
  .object({
    seed: seedSchema,
    site: siteNameSchema,
    patients: z.number().int().min(0).max(MAX_PATIENTS_PER_SITE),
    profile: siteProfileSchema,
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'a calendar date')
      .optional(),
  })
  .strict();

/** Validates eagerly, then returns a lazy stream of `patients` patients. */
export function generateSite(options: GenerateSiteOptions): Iterable<SyntheticPatient> {
  const ctx = siteContext(options);
  return {
    *[Symbol.iterator]() {
      for (let i = 0; i < ctx.patients; i++) yield drawPatient(ctx, i);
    },
  };
}

/** Patient `index` of the site, without drawing the ones before it. */
export function generatePatient(options: GenerateSiteOptions, index: number): SyntheticPatient {
  const ctx = siteContext(options);
  if (!Number.isInteger(index) || index < 0 || index >= ctx.patients)
    throw new CohortError('E_CONFIG_INVALID', `"index" expected an integer in [0, ${ctx.patients}), got ${index}`);
  return drawPatient(ctx, index);
}

interface SiteContext {
  seed: number;
  site: string;
  patients: number;
  profile: SiteProfile;
  asOfMs: number;
  places: readonly Place[];
  mrnOffsets: [number, number];
  ssnOffsets: [number, number];
}

function siteContext(options: GenerateSiteOptions): SiteContext {
  const r = optionsSchema.safeParse(options);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `synthetic site: ${formatIssues(r.error)}`);
  const { seed, site, patients, profile } = r.data;
  const places = PLACES.filter((p) => profile.states.includes(p.state));
  if (places.length === 0)
    throw new CohortError('E_CONFIG_INVALID', "synthetic site: no embedded place in the profile's states");
  return {
    seed,
    site,
    patients,
    profile,
    places,
    asOfMs: Date.parse(`${r.data.asOf ?? DEFAULT_AS_OF}T00:00:00Z`),
    mrnOffsets: [deriveSeed(seed, site, 'mrn', 0) % ID_SPACE, deriveSeed(seed, site, 'mrn', 1) % ID_SPACE],
    ssnOffsets: [deriveSeed(seed, site, 'ssn', 0) % ID_SPACE, deriveSeed(seed, site, 'ssn', 1) % ID_SPACE],
  };
}

/**
 * MRNs and national ids are a bijection of the index on [0, 10^8), so they
 * are unique within a site: an affine map (its step coprime with 10), the
 * digits reversed, and a second affine map, so consecutive patients' ids
 * show no common difference. index * step stays below 2^53.
 */
const ID_SPACE = 100_000_000;
const ID_STEPS = [7_368_787, 6_700_417] as const;
function permuteId(index: number, offsets: readonly [number, number]): string {
  const first = String((index * ID_STEPS[0] + offsets[0]) % ID_SPACE).padStart(8, '0');
  const reversed = Number([...first].reverse().join(''));
  return String((reversed * ID_STEPS[1] + offsets[1]) % ID_SPACE).padStart(8, '0');
}

function drawPatient(ctx: SiteContext, index: number): SyntheticPatient {
  const { profile } = ctx;
  const d = drawer(seededRng(deriveSeed(ctx.seed, ctx.site, 'patient', index)));
  // The draws run in a fixed order (identity, physiology, encounters, conditions, contact): a site is reproducible from its seed.
  const id = uuid(d.rng);
  const sex = drawSex(d.rng, profile.femaleShare);
  const age = clamp(d.normal(profile.age.mean, profile.age.sd), 18, 95);
  const birthDate = isoDate(ctx.asOfMs - age * YEAR_MS);
  const p = drawPhysiology(d, profile, age, sex === 'male');
  const { measurements, smoking, genotype } = drawEncounters(d, ctx, p);
  const conditions = drawConditions(d, ctx.asOfMs, age, p);
  const { given, family, place, line, local } = drawContact(d, ctx, sex);

  return {
    site: ctx.site,
    index,
    id,
    mrn: permuteId(index, ctx.mrnOffsets),
    mrnSystem: `${fhirBase(ctx.site)}/sid/mrn`,
    nationalId: formatNationalId(permuteId(index, ctx.ssnOffsets)),
    given,
    family,
    sex,
    birthDate,
    // 555-0100..0199 are reserved for fiction (NANP); example.* domains by RFC 2606.
    phone: `(${d.pick(AREA_CODES[place.state]!)}) 555-01${String(d.rng.int(0, 99)).padStart(2, '0')}`,
    email: `${local}@${d.pick(['example.org', 'example.com', 'example.net'])}`,
    address: {
      line,
      city: place.city,
      state: place.state,
      postalCode: `${place.zip3}${String(d.rng.int(0, 99)).padStart(2, '0')}`,
    },
    measurements,
    smoking,
    genotype,
    conditions,
    truth: { age, cadProbability: p.cadProbability, cad: p.cad, gAlleles: p.gAlleles },
  };
}

/** One patient's random source and the draws built on it. */
interface Drawer {
  rng: SeededRng;
  normal(mean: number, sd: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

function drawer(rng: SeededRng): Drawer {
  return {
    rng,
    normal: (mean, sd) => mean + sd * gaussian(rng),
    pick: (xs) => xs[rng.int(0, xs.length - 1)]!,
    chance: (p) => rng.float() < p,
  };
}

/** A patient's latent physiology and true label. */
interface Physiology {
  smokingStatus: Smoking;
  bmi: number;
  diabetes: boolean;
  sbp: number;
  dbp: number;
  hypertension: boolean;
  heartRate: number;
  totalChol: number;
  hdl: number;
  hba1c: number;
  glucoseMean: number;
  gAlleles: 0 | 1 | 2;
  cadProbability: number;
  cad: boolean;
  cadRecorded: boolean;
}

/** Latent physiology, Framingham-era correlations (age and BMI raise pressure, lipids and glycaemia). */
function drawPhysiology(d: Drawer, profile: SiteProfile, age: number, male: boolean): Physiology {
  const { normal, chance } = d;
  const u = d.rng.float();
  const smokingStatus: Smoking =
    u < profile.smoking.current ? 'current' : u < profile.smoking.current + profile.smoking.former ? 'former' : 'never';
  const bmi = clamp(normal(27 + profile.bmiShift + 0.04 * (age - 45), 4.8), 16, 60);
  const diabetes = chance(sigmoid(-3.3 + 0.05 * (age - 50) + 0.13 * (bmi - 27)));
  const sbp = clamp(normal(118 + 0.55 * (age - 45) + 0.7 * (bmi - 27) + (male ? 4 : 0), 13), 88, 215);
  const dbp = Math.min(clamp(normal(76 + 0.12 * (age - 45) + 0.35 * (sbp - 125), 7), 48, 128), sbp - 20);
  const hypertension = sbp >= 140 || dbp >= 90 ? chance(0.85) : chance(0.08);
  const heartRate = clamp(normal(72 + (smokingStatus === 'current' ? 4 : 0), 10), 48, 125);
  const totalChol = clamp(normal(190 + 0.5 * (age - 45) - (male ? 3 : 0), 36), 115, 340);
  const hdl = Math.min(
    clamp(normal(male ? 47 : 58, 12) - 0.6 * (bmi - 27) - (smokingStatus === 'current' ? 3 : 0), 22, 105),
    totalChol - 40,
  );
  const hba1c = diabetes
    ? clamp(normal(7.4, 1.2), 6.0, 13.5)
    : clamp(normal(5.4 + 0.01 * (age - 45) + 0.02 * (bmi - 27), 0.35), 4.2, 6.4);
  // ADAG: estimated average glucose = 28.7 x HbA1c - 46.7 (Nathan et al., Diabetes Care 2008).
  const glucoseMean = 28.7 * hba1c - 46.7;
  const q = profile.gAlleleFreq;
  const gAlleles = ((chance(q) ? 1 : 0) + (chance(q) ? 1 : 0)) as 0 | 1 | 2;

  const cadProbability = sigmoid(
    cadLogit({ age, male, sbp, totalChol, hdl, smoking: smokingStatus, diabetes, bmi, gAlleles }, profile.cadIntercept),
  );
  const cad = chance(cadProbability);
  const cadRecorded = chance(profile.labelFlip) ? !cad : cad;
  return {
    ...{ smokingStatus, bmi, diabetes, sbp, dbp, hypertension, heartRate, totalChol, hdl, hba1c, glucoseMean },
    ...{ gAlleles, cadProbability, cad, cadRecorded },
  };
}

/** Encounters: vitals nearly always, lipid and glycaemic panels when ordered. */
function drawEncounters(d: Drawer, ctx: SiteContext, p: Physiology) {
  const { profile } = ctx;
  const { normal, chance } = d;
  const visitCount = d.rng.int(profile.visits.min, profile.visits.max);
  const visits: number[] = [];
  for (let v = 0; v < visitCount; v++) {
    const day = Math.floor((ctx.asOfMs - d.rng.float() * HISTORY_YEARS * YEAR_MS) / DAY_MS) * DAY_MS;
    visits.push(day + d.rng.int(7 * 60, 18 * 60 + 59) * 60_000);
  }
  visits.sort((a, b) => a - b);
  const latent: Record<MeasureKey, [mean: number, sd: number]> = {
    sbp: [p.sbp, 8],
    dbp: [p.dbp, 5],
    bmi: [p.bmi, 0.5],
    heart_rate: [p.heartRate, 7],
    total_chol: [p.totalChol, 12],
    hdl: [p.hdl, 4],
    hba1c: [p.hba1c, 0.2],
    glucose: [p.glucoseMean, 14],
  };
  const measurements: Measurement[] = [];
  const smoking: SyntheticPatient['smoking'] = [];
  const measure = (key: MeasureKey, at: string) => {
    const [mean, sd] = latent[key];
    const { range, decimals } = MEASURES[key];
    measurements.push({ key, at, value: roundTo(clamp(normal(mean, sd), range[0], range[1]), decimals) });
  };
  for (const t of visits) {
    const at = isoDateTime(t);
    if (!chance(profile.missingVital)) {
      measure('sbp', at);
      measure('dbp', at);
    }
    if (!chance(profile.missingVital)) measure('heart_rate', at);
    if (!chance(profile.missingVital)) measure('bmi', at);
    if (!chance(profile.missingLab)) {
      measure('total_chol', at);
      measure('hdl', at);
    }
    if (!chance(profile.missingLab)) {
      measure('hba1c', at);
      measure('glucose', at);
    }
    if (chance(0.6)) smoking.push({ status: p.smokingStatus, at });
  }
  const genotype = chance(profile.missingGenotype)
    ? null
    : { value: GENOTYPES[p.gAlleles]!, at: isoDateTime(d.pick(visits)) };
  return { measurements, smoking, genotype };
}

/** The recorded conditions: the modelled ones (CAD as recorded, with its label noise) and unrelated noise. */
function drawConditions(d: Drawer, asOfMs: number, age: number, p: Physiology): ConditionRecord[] {
  const onsetBefore = (yearsBack: number) => isoDate(asOfMs - d.rng.float() * Math.min(yearsBack, age - 18) * YEAR_MS);
  const conditions: ConditionRecord[] = [];
  if (p.diabetes) conditions.push({ kind: 'diabetes', onset: onsetBefore(15) });
  if (p.hypertension) conditions.push({ kind: 'hypertension', onset: onsetBefore(20) });
  if (p.cadRecorded) conditions.push({ kind: 'cad', onset: onsetBefore(10) });
  for (const { kind, prevalence } of NOISE_CONDITIONS)
    if (d.chance(prevalence)) conditions.push({ kind, onset: onsetBefore(30) });
  return conditions;
}

/** Name, place, street address and the local part of an e-mail address. */
function drawContact(d: Drawer, ctx: SiteContext, sex: Sex) {
  const { pick, chance, rng } = d;
  const given = pick(
    sex === 'female' ? FEMALE_GIVEN : sex === 'male' ? MALE_GIVEN : chance(0.5) ? FEMALE_GIVEN : MALE_GIVEN,
  );
  const family = drawFamily(rng, pick);
  const place = pick(ctx.places);
  const line = [`${rng.int(1, 9899)} ${pick(STREET_NAMES)} ${pick(STREET_SUFFIXES)}`];
  if (chance(0.2)) line.push(`${pick(UNIT_PREFIXES)} ${rng.int(1, 40)}${chance(0.3) ? 'ABCD'[rng.int(0, 3)] : ''}`);
  const local = `${foldAscii(given) || 'patient'}.${foldAscii(family) || 'x'}${chance(0.5) ? rng.int(1, 99) : ''}`;
  return { given, family, place, line, local };
}

const GENOTYPES: readonly Genotype[] = ['A/A', 'A/G', 'G/G'];

function drawSex(rng: SeededRng, femaleShare: number): Sex {
  const u = rng.float();
  if (u < 0.004) return 'other';
  if (u < 0.006) return 'unknown';
  return rng.float() < femaleShare ? 'female' : 'male';
}

/** About one family name in 16 is double-barrelled. */
function drawFamily(rng: SeededRng, pick: <T>(xs: readonly T[]) => T): string {
  const first = pick(FAMILY);
  if (rng.float() >= 1 / 16 || /[ -]/.test(first)) return first;
  const second = pick(FAMILY);
  return /[ -]/.test(second) || second === first ? first : `${first}-${second}`;
}

/** 9AA-GG-SSSS: the 900-999 area was never issued as an SSN. */
const formatNationalId = (digits: string) => `9${digits.slice(0, 2)}-${digits.slice(2, 4)}-${digits.slice(4, 8)}`;

const foldAscii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();

/** A random (version 4) UUID from the seeded generator. */
function uuid(rng: SeededRng): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += rng.int(0, 0xffffffff).toString(16).padStart(8, '0');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Standard normal by Box-Muller (1 - u keeps the logarithm finite). */
function gaussian(rng: SeededRng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.float())) * Math.cos(2 * Math.PI * rng.float());
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const roundTo = (x: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
};
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoDateTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
