// Writes docs/schemas/*.schema.json from the zod definitions (cli/json-schemas.ts): `npm run schemas`.
// test/scripts/schemas.test.ts regenerates them and fails when the committed files differ.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'tsx/esm/api';

register();
const { jsonSchemaFiles } = await import('../cli/json-schemas.ts');
const dir = join(import.meta.dirname, '..', 'docs', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(await jsonSchemaFiles())) {
  writeFileSync(join(dir, name), text);
  process.stdout.write(`wrote docs/schemas/${name}\n`);
}
