import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { CohortError } from '../../../core/errors.ts';
import { IDENTIFIER_KINDS, writeSyntheticHospitals } from '../../../simulations/synthetic-ehr/index.ts';

const root = mkdtempSync(join(tmpdir(), 'cohort-ehr-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under dir, by relative path, as bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

describe('writeSyntheticHospitals', () => {
  const opts = { hospitals: 2, patientsPerHospital: 120, seed: 13 };

  it('lays out one directory per hospital with CSV, Bundle and NDJSON, all describing the same patients', async () => {
    const dir = join(root, 'layout');
    const r = await writeSyntheticHospitals({ dir, ...opts });
    expect(r.hospitals.map((h) => [h.name, h.profile])).toEqual([
      ['hospital-1', 'urban-teaching'],
      ['hospital-2', 'rural-community'],
    ]);
    for (const h of r.hospitals) {
      expect(h.files).toEqual({
        csv: join(dir, h.name, 'patients.csv'),
        bundle: join(dir, h.name, 'bundle.json'),
        ndjson: {
          Patient: join(dir, h.name, 'ndjson', 'Patient.ndjson'),
          Observation: join(dir, h.name, 'ndjson', 'Observation.ndjson'),
          Condition: join(dir, h.name, 'ndjson', 'Condition.ndjson'),
        },
      });
      const csv = parse(readFileSync(h.files.csv!), { columns: true }) as Record<string, string>[];
      expect(csv).toHaveLength(120);
      const nd = Object.values(h.files.ndjson!).flatMap((p) =>
        lines(p).map((l) => JSON.parse(l) as { resourceType: string; id: string }),
      );
      expect(lines(h.files.ndjson!.Patient)).toHaveLength(120);
      const bundle = JSON.parse(readFileSync(h.files.bundle!, 'utf8')) as {
        resourceType: string;
        type: string;
        entry: { fullUrl: string; resource: { resourceType: string; id: string; subject?: { reference: string } } }[];
      };
      expect(bundle.resourceType).toBe('Bundle');
      expect(bundle.type).toBe('collection');
      expect(bundle.entry).toHaveLength(nd.length);
      expect(new Set(bundle.entry.map((e) => `${e.resource.resourceType}/${e.resource.id}`))).toEqual(
        new Set(nd.map((x) => `${x.resourceType}/${x.id}`)),
      );
      // Relative references resolve against the entries' base to an entry of this Bundle.
      const fullUrls = new Set(bundle.entry.map((e) => e.fullUrl));
      const base = `https://${h.name}.example.org/fhir`;
      for (const e of bundle.entry) {
        expect(e.fullUrl).toBe(`${base}/${e.resource.resourceType}/${e.resource.id}`);
        if (e.resource.subject) expect(fullUrls.has(`${base}/${e.resource.subject.reference}`)).toBe(true);
      }
      // The CSV's patients are the NDJSON's: same MRNs.
      const mrns = lines(h.files.ndjson!.Patient).map(
        (l) => (JSON.parse(l) as { identifier: { value: string }[] }).identifier[0]!.value,
      );
      expect(mrns).toEqual(csv.map((row) => row.mrn));
    }
  });

  it('lists every identifying value it wrote, and each one is in the files', async () => {
    const dir = join(root, 'identifiers');
    const [h] = (await writeSyntheticHospitals({ dir, ...opts, hospitals: 1 })).hospitals;
    const ids = h!.identifiers!;
    expect(Object.keys(ids).sort()).toEqual([...IDENTIFIER_KINDS].sort());
    expect(ids.mrns.size).toBe(120);
    expect(ids.nationalIds.size).toBe(120);
    const csv = parse(readFileSync(h!.files.csv!), { columns: true }) as Record<string, string>[];
    const listed = new Set(Object.values(ids).flatMap((s) => [...s]));
    for (const row of csv)
      for (const c of ['mrn', 'national_id', 'name', 'phone', 'email', 'address', 'zip', 'birth_date'])
        expect(listed.has(row[c]!), c).toBe(true);
    const patients = readFileSync(h!.files.ndjson!.Patient, 'utf8');
    const csvText = readFileSync(h!.files.csv!, 'utf8');
    for (const kind of IDENTIFIER_KINDS) {
      for (const v of ids[kind]) {
        expect(patients.includes(JSON.stringify(v).slice(1, -1)), `${kind} in Patient.ndjson`).toBe(true);
        if (kind !== 'resourceIds')
          expect(csvText.includes(v) || csvText.includes(v.replaceAll('"', '""')), `${kind} in CSV`).toBe(true);
      }
    }
  });

  it('writes byte-identical files for the same seed, and different ones for another seed', async () => {
    await writeSyntheticHospitals({ dir: join(root, 'a'), ...opts });
    await writeSyntheticHospitals({ dir: join(root, 'b'), ...opts });
    await writeSyntheticHospitals({ dir: join(root, 'c'), ...opts, seed: 14 });
    const a = snapshot(join(root, 'a'));
    const b = snapshot(join(root, 'b'));
    const c = snapshot(join(root, 'c'));
    expect(a.size).toBe(10);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) {
      expect(v.equals(b.get(k)!), k).toBe(true);
      expect(v.equals(c.get(k)!), k).toBe(false);
    }
    expect(a.get(join('hospital-1', 'patients.csv'))!.equals(a.get(join('hospital-2', 'patients.csv'))!)).toBe(false);
  });

  it('writes only the formats asked for, and can skip collecting identifiers', async () => {
    const dir = join(root, 'csv-only');
    const [h] = (
      await writeSyntheticHospitals({ dir, ...opts, hospitals: 1, formats: ['csv'], collectIdentifiers: false })
    ).hospitals;
    expect(h!.identifiers).toBeUndefined();
    expect(Object.keys(h!.files)).toEqual(['csv']);
    expect(readdirSync(join(dir, 'hospital-1'))).toEqual(['patients.csv']);
    expect(existsSync(join(dir, 'hospital-1', 'bundle.json'))).toBe(false);
  });

  it('refuses bad options with E_CONFIG_INVALID and writes nothing', async () => {
    const dir = join(root, 'refused');
    const bad = [
      { hospitals: 0 },
      { patientsPerHospital: 1.5 },
      { formats: [] },
      { formats: ['csv', 'csv'] },
      { formats: ['parquet'] },
      { profiles: [] },
    ];
    for (const b of bad) {
      const err = await writeSyntheticHospitals({ dir, ...opts, ...b } as Parameters<
        typeof writeSyntheticHospitals
      >[0]).catch((e: unknown) => e);
      expect(err, JSON.stringify(b)).toBeInstanceOf(CohortError);
      expect((err as CohortError).code).toBe('E_CONFIG_INVALID');
    }
    expect(existsSync(dir)).toBe(false);
  });
});
