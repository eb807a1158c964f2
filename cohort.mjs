#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by scripts/build.mjs: `prepare` runs it during npm ci, `pretest` before the
// tests) when it is newer than every source file; otherwise the TypeScript source through tsx's loader, so a run
// never uses a stale build: an edit since the last build only makes the start slower (~1 s instead of ~0.2 s).
// COHORT_FROM_SOURCE=1 runs the source whatever the state of dist/ (stack traces then name the .ts lines).
import { distIsFresh } from './scripts/dist-fresh.mjs';

if (process.env.COHORT_FROM_SOURCE !== '1' && distIsFresh()) {
  await import('./dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli/main.ts');
}
