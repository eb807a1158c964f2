// The CLI as it started before dist/ (commit 8eec340's cohort.mjs and cli/main.ts): tsx's loader, and every
// command's module imported up front. bench/cli-start.ts runs it as its "before" figure; argv passes through.
import { readdirSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const cli = new URL('../cli/', import.meta.url);
await Promise.all(
  readdirSync(cli)
    .filter((f) => f.endsWith('.ts') && f !== 'main.ts')
    .map((f) => import(new URL(f, cli).href)),
);
await import('../cli/main.ts');
