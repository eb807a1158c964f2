/**
 * docs/schemas/ (cli/json-schemas.ts, `npm run schemas`): the committed
 * files are what the zod definitions generate now, and the files cohort
 * ships (dataset and image schemas, the example config files in
 * docs/deploy/) validate against them with a JSON Schema validator (ajv,
 * draft 2020-12), as do job specs and policies the tests build; files cohort
 * refuses for a wrong key or type fail them too. The config files' schemas
 * name exactly the keys `--config` accepts on the real start commands.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Command } from 'commander';
import { jsonSchemaFiles } from '../../cli/json-schemas.ts';
import { registerCoordinator } from '../../cli/coordinator.ts';
import { registerClient } from '../../cli/client.ts';
import { syntheticJob } from '../../simulations/synthetic.ts';
import { RECORD_DP } from '../helpers/privacy.ts';

const root = join(import.meta.dirname, '..', '..');
const docs = join(root, 'docs', 'schemas');
const json = (p: string): unknown => JSON.parse(readFileSync(join(root, p), 'utf8'));
let generated: Record<string, string>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validator = (name: string) => ajv.getSchema(name) ?? ajv.compile(JSON.parse(generated[`${name}.schema.json`]!));
const valid = (name: string, data: unknown) => {
  const v = validator(name);
  return v(data) ? 'valid' : ajv.errorsText(v.errors);
};

/**
 * The keys `cohort <group> start --config` accepts, found by asking it: every
 * name a flag could be keyed by (long, short, attribute name) goes in a file
 * of its own, and a key is accepted unless the refusal calls it unknown. The
 * action never runs: a value of the wrong kind, or a missing required flag,
 * stops the parse first, and the action is replaced anyway.
 */
function keysConfigAccepts(register: (p: Command) => void, group: string): string[] {
  const program = new Command();
  register(program);
  const start = program.commands.find((c) => c.name() === group)!.commands.find((c) => c.name() === 'start')!;
  start
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .action(() => {});
  const names = start.options.flatMap((o) => [o.long, o.short, o.attributeName()]);
  const candidates = new Set(['$schema', 'config', 'help', 'version', ...names].map((n) => n?.replace(/^-+/, '')));
  const dir = mkdtempSync(join(tmpdir(), 'cohort-config-keys-'));
  return [...candidates].filter((key): key is string => {
    if (!key) return false;
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ [key]: [] }));
    try {
      start.parse(['--config', file], { from: 'user' });
    } catch (e) {
      return !(e as Error).message.includes(`unknown key "${key}"`);
    }
    return true;
  });
}

beforeAll(async () => {
  generated = await jsonSchemaFiles();
});

describe('docs/schemas', () => {
  it('are committed as generated (npm run schemas): no file differs, none missing, none extra', () => {
    expect(readdirSync(docs).sort()).toEqual(Object.keys(generated).sort());
    for (const [name, text] of Object.entries(generated))
      expect(readFileSync(join(docs, name), 'utf8'), name).toBe(text);
  });

  it('accept the schemas cohort ships', () => {
    for (const p of [
      'client/schemas/synthea.schema.json',
      'simulations/data/heart-disease/schema.json',
      'simulations/data/tcga-brca/schema.json',
      'simulations/synthetic-ehr/schemas/csv.schema.json',
      'simulations/synthetic-ehr/schemas/fhir.schema.json',
      'simulations/synthetic-ehr/schemas/synthea-shape.schema.json',
    ])
      expect(valid('dataset-schema', json(p)), p).toBe('valid');
    for (const p of [
      'simulations/data/pneumoniamnist/schema.json',
      'simulations/data/pneumoniamnist/manifest-schema.json',
    ])
      expect(valid('image-schema', json(p)), p).toBe('valid');
  });

  it('accept the example config files, a job spec and a policy; refuse unknown keys and wrong types', () => {
    expect(valid('coordinator-config', json('docs/deploy/coordinator.config.json'))).toBe('valid');
    expect(valid('client-config', json('docs/deploy/client.config.json'))).toBe('valid');
    expect(valid('coordinator-config', { prot: 7700 })).toMatch(/additional properties/);
    expect(valid('client-config', { insecure: 'yes' })).toMatch(/boolean/);
    expect(valid('job-spec', syntheticJob({ privacy: RECORD_DP }))).toBe('valid');
    expect(valid('job-spec', syntheticJob({ rounds: 'ten' }))).not.toBe('valid');
    expect(valid('hospital-policy', {})).toBe('valid');
    expect(valid('hospital-policy', { maxEpsilon: 4, requireDp: 'record' })).toBe('valid');
    expect(valid('hospital-policy', { requireDp: true })).not.toBe('valid');
    expect(valid('hospital-policy', { maxEpsilonn: 4 })).not.toBe('valid');
    expect(valid('dataset-schema', { ...(json('client/schemas/synthea.schema.json') as object), splitt: 1 })).not.toBe(
      'valid',
    );
  });
});

describe("the config files' schemas", () => {
  it('name exactly the keys --config accepts, for both start commands', () => {
    for (const [group, register] of [
      ['coordinator', registerCoordinator],
      ['client', registerClient],
    ] as const) {
      const schema = JSON.parse(generated[`${group}-config.schema.json`]!) as { properties: object };
      const accepted = keysConfigAccepts(register, group);
      expect(accepted.length, group).toBeGreaterThan(10);
      expect(Object.keys(schema.properties).sort(), group).toEqual(accepted.sort());
    }
  });
});
