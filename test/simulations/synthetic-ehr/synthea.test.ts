import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generatePatient,
  siteProfiles,
  syntheaBundle,
  writeSyntheaExport,
} from '../../../simulations/synthetic-ehr/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'cohort-synthea-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Entry = { fullUrl: string; resource: Record<string, unknown>; request: { method: string; url: string } };

describe("Synthea's R4 shape", () => {
  it('a per-patient transaction Bundle: urn:uuid fullUrls, every reference to an entry, BP as a panel of components', () => {
    const opts = { seed: 4, site: 'synthea', patients: 1, profile: siteProfiles(1, 4)[0]! };
    const p = generatePatient(opts, 0);
    const text = syntheaBundle(p, 1);
    expect(syntheaBundle(generatePatient(opts, 0), 1)).toBe(text); // same patient, same bytes
    const b = JSON.parse(text) as { resourceType: string; type: string; entry: Entry[] };
    expect(b).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    const urls = new Set(b.entry.map((e) => e.fullUrl));
    expect(urls.size).toBe(b.entry.length);
    for (const e of b.entry) {
      expect(e.fullUrl).toBe(`urn:uuid:${e.resource['id'] as string}`);
      expect(e.request).toEqual({ method: 'POST', url: e.resource['resourceType'] });
    }
    const refs = [...text.matchAll(/"reference":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(b.entry.length / 2);
    for (const r of refs) expect(urls.has(r)).toBe(true);
    const types = new Set(b.entry.map((e) => e.resource['resourceType']));
    expect(types).toEqual(new Set(['Patient', 'Encounter', 'Claim', 'Observation', 'Condition']));
    const loinc = (r: Record<string, unknown>) => (r['code'] as { coding: { code: string }[] }).coding[0]!.code;
    const panels = b.entry
      .map((e) => e.resource)
      .filter((r) => r['resourceType'] === 'Observation' && loinc(r) === '85354-9');
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel['valueQuantity']).toBeUndefined();
      const comps = panel['component'] as { code: { coding: { code: string }[] }; valueQuantity: { unit: string } }[];
      expect(comps.map((c) => c.code.coding[0]!.code)).toEqual(['8462-4', '8480-6']);
      for (const c of comps) expect(c.valueQuantity.unit).toBe('mm[Hg]');
    }
    const standalone = b.entry
      .filter((e) => e.resource['resourceType'] === 'Observation')
      .map((e) => loinc(e.resource));
    expect(standalone).not.toContain('8480-6');
  });

  it('bulk NDJSON keeps the urn:uuid references, one file per resource type', async () => {
    const w = await writeSyntheaExport({ dir: join(dir, 'nd'), patients: 5, seed: 4, layout: 'ndjson' });
    expect(readdirSync(w.dir)).toEqual(
      expect.arrayContaining(['Encounter.ndjson', 'Observation.ndjson', 'Patient.ndjson']),
    );
    const patients = readFileSync(join(w.dir, 'Patient.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(patients).toHaveLength(5);
    const ids = new Set(patients.map((p) => `urn:uuid:${p.id}`));
    const obs = readFileSync(join(w.dir, 'Observation.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { subject: { reference: string } });
    expect(obs.length).toBeGreaterThan(5);
    for (const o of obs) expect(ids.has(o.subject.reference)).toBe(true);
    expect(w.resources).toBe(
      readdirSync(w.dir).reduce((n, f) => n + readFileSync(join(w.dir, f), 'utf8').trim().split('\n').length, 0),
    );
  });
});
