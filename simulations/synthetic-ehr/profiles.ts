/**
 * Site profiles: what makes one synthetic hospital's population differ from
 * another's (age mix, region, smoking, CAD prevalence through the risk
 * model's intercept, missing measurements, label noise). Four distinct
 * defaults, data in profiles.json; `siteProfiles(n, seed)` gives n by cycling
 * them with seeded jitter.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { CohortError } from '../../core/errors.ts';
import { formatIssues } from '../../core/parse-issues.ts';
import { deriveSeed, seededRng } from '../../core/rng.ts';
import { AREA_CODES } from './names.ts';

/** Most hospitals `siteProfiles` hands out. */
export const MAX_SITES = 1000;

const probability = z.number().min(0).max(1);

/** Site and profile names: they go into URLs and directory names. */
export const siteNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens');

export const siteProfileSchema = z
  .object({
    name: siteNameSchema,
    /** Adult ages, normal then clipped to [18, 95]. */
    age: z.object({ mean: z.number().min(18).max(95), sd: z.number().min(0).max(40) }).strict(),
    femaleShare: probability,
    /** Prior smoking mix; the rest never smoked. */
    smoking: z
      .object({ current: probability, former: probability })
      .strict()
      .refine((s) => s.current + s.former <= 1, 'current + former must be <= 1'),
    /** Added to the CAD risk model's log-odds: moves prevalence, keeps the covariate effects. */
    cadIntercept: z.number().min(-10).max(5),
    /** Probability that the recorded CAD label is the opposite of the true one. */
    labelFlip: z.number().min(0).max(0.5),
    /** Frequency of the rs10455872 G allele (about 0.07 in Europeans, lower elsewhere). */
    gAlleleFreq: z.number().min(0).max(0.5),
    /** Shifts mean BMI (kg/m2). */
    bmiShift: z.number().min(-10).max(10),
    /** Probability that a planned measurement is not taken; labs are missed more often than vitals. */
    missingVital: probability,
    missingLab: probability,
    /** Probability that no genotype was ever recorded. */
    missingGenotype: probability,
    /** Encounters per patient, uniformly in [min, max]. */
    visits: z
      .object({ min: z.number().int().min(1).max(20), max: z.number().int().min(1).max(20) })
      .strict()
      .refine((v) => v.min <= v.max, 'min must be <= max'),
    /** US states (two letters) the patients live in. */
    states: z
      .array(z.string().refine((s) => s in AREA_CODES, 'a state of the embedded place list'))
      .min(1)
      .max(60),
  })
  .strict();

export type SiteProfile = z.infer<typeof siteProfileSchema>;

export function parseSiteProfile(value: unknown): SiteProfile {
  const r = siteProfileSchema.safeParse(value);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `site profile: ${formatIssues(r.error)}`);
  return r.data;
}

/** profiles.json: each default a site profile with a `note` on the kind of hospital it stands for. */
const defaultsSchema = z.array(z.object({ note: z.string(), profile: siteProfileSchema }).strict()).min(1);

/**
 * The four defaults, read from profiles.json beside this module (the build
 * copies it beside the compiled one) and validated as any profile is, so a
 * bad edit to the data fails here, naming the file, rather than mid-run.
 */
export function loadDefaultProfiles(file: URL = new URL('./profiles.json', import.meta.url)): readonly SiteProfile[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CohortError('E_CONFIG_INVALID', `profiles.json: cannot be read as JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  const r = defaultsSchema.safeParse(json);
  if (!r.success) throw new CohortError('E_CONFIG_INVALID', `profiles.json: ${formatIssues(r.error)}`);
  return r.data.map((d) => d.profile);
}

export const DEFAULT_PROFILES = loadDefaultProfiles();

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * n profiles for `--hospitals n`: the defaults in order, then the defaults
 * again with seeded jitter on age, prevalence, label noise and allele
 * frequency, named `<default>-<k>`. Deterministic in (n, seed).
 */
export function siteProfiles(n: number, seed: number): SiteProfile[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SITES)
    throw new CohortError('E_CONFIG_INVALID', `"hospitals" expected an integer in [1, ${MAX_SITES}], got ${n}`);
  const out: SiteProfile[] = [];
  for (let i = 0; i < n; i++) {
    const base = DEFAULT_PROFILES[i % DEFAULT_PROFILES.length]!;
    const round = Math.floor(i / DEFAULT_PROFILES.length);
    if (round === 0) {
      out.push(base);
      continue;
    }
    const rng = seededRng(deriveSeed(seed, 'site-profile', i));
    const jitter = (half: number) => (rng.float() * 2 - 1) * half;
    out.push({
      ...base,
      name: `${base.name}-${round + 1}`,
      age: { mean: clamp(base.age.mean + jitter(5), 25, 80), sd: base.age.sd },
      cadIntercept: base.cadIntercept + jitter(0.4),
      labelFlip: clamp(base.labelFlip + jitter(0.03), 0, 0.5),
      gAlleleFreq: clamp(base.gAlleleFreq + jitter(0.02), 0, 0.5),
    });
  }
  return out;
}
