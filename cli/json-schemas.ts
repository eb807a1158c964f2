/**
 * The JSON Schemas published in docs/schemas/ (`npm run schemas` writes
 * them; test/scripts/schemas.test.ts fails when the committed files differ),
 * so that editors validate the files people write: dataset and image
 * schemas, job specs, hospital policies, and the two daemons' --config files.
 *
 * Each comes from the zod definition the code parses the file with
 * (`z.toJSONSchema`, the input side: defaults are optional). What a JSON
 * Schema cannot say is checked only by cohort itself: the checks across
 * fields (superRefine: a schema's column cross-checks, a job's shape, task,
 * privacy and evaluation rules, an image schema's one value per channel),
 * the transforms after parsing, and messages for removed keys. A file a
 * schema accepts may still be refused by cohort, never the reverse.
 *
 * The config files' schemas come from the start commands' own flags, each
 * keyed as --config reads it (configKeyOf, edge/config-file.ts), its help as
 * the description.
 */
import { join } from 'node:path';
import { Command, type Option } from 'commander';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { datasetSchemaSchema } from '../core/data/schema.ts';
import { imageSchemaSchema } from '../core/data/image-schema.ts';
import { jobSpecSchema } from '../core/job/spec.ts';
import { hospitalPolicySchema } from '../core/job/policy.ts';
import { configKeyOf } from '../edge/config-file.ts';
import { registerCoordinator } from './coordinator.ts';
import { registerClient } from './client.ts';

/** The zod type a flag's value takes in a config file. */
function flagType(o: Option): z.ZodType {
  if (o.isBoolean()) return z.boolean();
  const one: z.ZodType = o.argChoices
    ? z.enum(o.argChoices as [string, ...string[]])
    : z.union([z.string(), z.number()]);
  return o.variadic ? z.array(one) : one;
}

/** A start command's config file: one optional key per flag (not --config, --help), no other keys. */
function configSchema(register: (p: Command) => void, group: string): z.ZodType {
  const program = new Command();
  register(program);
  const start = program.commands.find((c) => c.name() === group)!.commands.find((c) => c.name() === 'start')!;
  const shape: Record<string, z.ZodType> = {
    $schema: z.string().optional().describe('the JSON Schema this file follows, for editors; cohort ignores it'),
  };
  for (const o of start.options) {
    const key = configKeyOf(o);
    if (key === undefined) continue;
    shape[key] = flagType(o).optional().describe(o.description);
  }
  return z.strictObject(shape);
}

/** The file name under docs/schemas/ and its zod definition. */
function definitions(): Record<string, { title: string; schema: z.ZodType }> {
  return {
    'dataset-schema': { title: 'cohort dataset schema (docs/data-schema.md)', schema: datasetSchemaSchema },
    'image-schema': { title: 'cohort image schema (docs/images.md)', schema: imageSchemaSchema },
    'job-spec': { title: 'cohort job spec', schema: jobSpecSchema },
    'hospital-policy': { title: 'cohort hospital policy (client start --policy)', schema: hospitalPolicySchema },
    'coordinator-config': {
      title: 'cohort coordinator start --config',
      schema: configSchema(registerCoordinator, 'coordinator'),
    },
    'client-config': { title: 'cohort client start --config', schema: configSchema(registerClient, 'client') },
  };
}

/** Each schema's file name (`<name>.schema.json`) and its text as committed: formatted as prettier formats docs/. */
export async function jsonSchemaFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const options = await resolveConfig(join(import.meta.dirname, '..', 'docs', 'schemas', 'x.json'));
  for (const [name, { title, schema }] of Object.entries(definitions())) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
    files[`${name}.schema.json`] = await format(JSON.stringify({ ...json, title }), { ...options, parser: 'json' });
  }
  return files;
}
