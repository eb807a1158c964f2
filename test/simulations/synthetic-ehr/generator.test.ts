import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILES,
  MAX_PATIENTS_PER_SITE,
  csvRow,
  generatePatient,
  generateSite,
  siteProfiles,
  type SiteProfile,
  type SyntheticPatient,
} from '../../../simulations/synthetic-ehr/index.ts';
import { errorCode } from '../../helpers/errors.ts';

const urban = DEFAULT_PROFILES[0]!;
const take = (it: Iterable<SyntheticPatient>) => [...it];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('generateSite', () => {
  it('is deterministic in (seed, site) and differs across seeds and sites', () => {
    const a = JSON.stringify(take(generateSite({ seed: 3, site: 'h1', patients: 50, profile: urban })));
    const b = JSON.stringify(take(generateSite({ seed: 3, site: 'h1', patients: 50, profile: urban })));
    const otherSeed = JSON.stringify(take(generateSite({ seed: 4, site: 'h1', patients: 50, profile: urban })));
    const otherSite = JSON.stringify(take(generateSite({ seed: 3, site: 'h2', patients: 50, profile: urban })));
    expect(a).toBe(b);
    expect(otherSeed).not.toBe(a);
    expect(otherSite).not.toBe(a);
  });

  it('draws patient i the same whether streamed or drawn alone', () => {
    const opts = { seed: 9, site: 'h1', patients: 40, profile: urban };
    const all = take(generateSite(opts));
    for (const i of [0, 17, 39]) expect(generatePatient(opts, i)).toEqual(all[i]);
  });

  it('gives unique MRNs and never-issued (9xx) national ids within a site', () => {
    const ps = take(generateSite({ seed: 1, site: 'h1', patients: 5000, profile: urban }));
    expect(new Set(ps.map((p) => p.mrn)).size).toBe(5000);
    expect(new Set(ps.map((p) => p.nationalId)).size).toBe(5000);
    expect(new Set(ps.map((p) => p.id)).size).toBe(5000);
    for (const p of ps) {
      expect(p.mrn).toMatch(/^\d{8}$/);
      expect(p.nationalId).toMatch(/^9\d\d-\d\d-\d{4}$/);
      expect(p.phone).toMatch(/^\(\d{3}\) 555-01\d\d$/);
      expect(p.email).toMatch(/^[a-z0-9.]+@example\.(org|com|net)$/);
      expect(p.address.postalCode).toMatch(/^\d{5}$/);
    }
    // The name lists' apostrophes, hyphens and accents reach the records.
    const names = ps.map((p) => `${p.given} ${p.family}`).join('|');
    expect(names).toMatch(/'/);
    expect(names).toMatch(/-/);
    expect(names).toMatch(/\P{ASCII}/u);
  });

  it('keeps measurements in time order and inside the extract window', () => {
    for (const p of generateSite({ seed: 2, site: 'h1', patients: 300, profile: DEFAULT_PROFILES[2]! })) {
      const times = p.measurements.map((m) => m.at);
      expect([...times].sort()).toEqual(times);
      for (const t of times) expect(t < '2024-06-30T00:00:00Z' && t > '2018-06-01').toBe(true);
      expect(p.birthDate < '2006-07-01').toBe(true);
    }
  });

  it('refuses bad options with E_CONFIG_INVALID before streaming', () => {
    const ok = { seed: 1, site: 'h1', patients: 10, profile: urban };
    expect(errorCode(() => generateSite({ ...ok, patients: -1 }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generateSite({ ...ok, patients: MAX_PATIENTS_PER_SITE + 1 }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generateSite({ ...ok, site: 'Has Space' }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generateSite({ ...ok, asOf: '2024-13-45' }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generateSite({ ...ok, profile: { ...urban, labelFlip: 0.9 } }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generateSite({ ...ok, profile: { ...urban, states: ['ZZ'] } }))).toBe('E_CONFIG_INVALID');
    expect(errorCode(() => generatePatient(ok, 10))).toBe('E_CONFIG_INVALID');
  });
});

describe('streaming', () => {
  it('is lazy: the first patients of a maximal site come at once', () => {
    const it = generateSite({ seed: 1, site: 'h1', patients: MAX_PATIENTS_PER_SITE, profile: urban })[
      Symbol.iterator
    ]();
    expect(it.next().value?.index).toBe(0);
    expect(it.next().value?.index).toBe(1);
  });

  it('holds no patients: heap after 10^5 streamed patients is what it was after 1,000', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let bytes = 0;
    let heapAt1k = 0;
    let heapAtEnd = 0;
    let i = 0;
    for (const p of generateSite({ seed: 5, site: 'h1', patients: 100_000, profile: urban })) {
      bytes += csvRow(p).length;
      i++;
      // Measured while the stream is still open, so anything it buffered would still be reachable.
      if (i === 1000) {
        gc();
        heapAt1k = process.memoryUsage().heapUsed;
      }
      if (i === 100_000) {
        gc();
        heapAtEnd = process.memoryUsage().heapUsed;
      }
    }
    // 10^5 patients are ~150 bytes each as CSV alone and several KB as objects; holding them would add hundreds of MB.
    expect(bytes).toBeGreaterThan(100_000 * 100);
    expect(heapAtEnd - heapAt1k).toBeLessThan(8 * 2 ** 20);
  });
});

describe('site profiles (non-IID)', () => {
  const N = 3000;
  const stats = (profile: SiteProfile, site: string) => {
    const ps = take(generateSite({ seed: 11, site, patients: N, profile }));
    const recorded = ps.map((p) => p.conditions.some((c) => c.kind === 'cad'));
    return {
      age: mean(ps.map((p) => p.truth.age)),
      prevalence: mean(recorded.map(Number)),
      flipped: mean(ps.map((p, i) => Number(recorded[i] !== p.truth.cad))),
      gFreq: mean(ps.map((p) => p.truth.gAlleles)) / 2,
    };
  };

  it('differ measurably in age mix, CAD prevalence and label noise, as their profiles say', () => {
    const s = DEFAULT_PROFILES.map((p, k) => ({ profile: p, ...stats(p, `h${k + 1}`) }));
    for (const x of s) {
      expect(Math.abs(x.age - x.profile.age.mean)).toBeLessThan(1.5);
      expect(Math.abs(x.flipped - x.profile.labelFlip)).toBeLessThan(0.015);
      expect(Math.abs(x.gFreq - x.profile.gAlleleFreq)).toBeLessThan(0.015);
    }
    const byName = Object.fromEntries(s.map((x) => [x.profile.name, x]));
    const ages = s.map((x) => x.age).sort((a, b) => a - b);
    for (let i = 1; i < ages.length; i++) expect(ages[i]! - ages[i - 1]!).toBeGreaterThan(3);
    // Prevalence ranks: referral centre > rural > urban > suburban, each clearly apart.
    const order = ['cardiac-referral', 'rural-community', 'urban-teaching', 'suburban-clinic'].map(
      (n) => byName[n]!.prevalence,
    );
    for (let i = 1; i < order.length; i++) expect(order[i - 1]! - order[i]!).toBeGreaterThan(0.025);
  });

  it('siteProfiles(n) starts with the defaults, then jittered copies, deterministically', () => {
    const a = siteProfiles(10, 3);
    expect(a.slice(0, 4)).toEqual(DEFAULT_PROFILES);
    expect(new Set(a.map((p) => p.name)).size).toBe(10);
    expect(a[4]!.name).toBe('urban-teaching-2');
    expect(a[4]!.cadIntercept).not.toBe(DEFAULT_PROFILES[0]!.cadIntercept);
    expect(siteProfiles(10, 3)).toEqual(a);
    expect(siteProfiles(10, 4)[4]).not.toEqual(a[4]);
    expect(errorCode(() => siteProfiles(0, 1))).toBe('E_CONFIG_INVALID');
  });
});
