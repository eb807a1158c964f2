// A worker thread starts from JavaScript: when the coordinator runs from source,
// this loads the TypeScript worker (worker-thread.ts) through tsx's loader, as
// cohort.mjs loads the CLI, scoped to this import so nothing else in the thread
// is rewritten. From dist/ (scripts/build.mjs) worker-pool.js starts the
// compiled worker-thread.js instead, and this file is not built.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-thread.ts', import.meta.url);
