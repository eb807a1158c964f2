// A worker thread starts from JavaScript: this loads the TypeScript worker
// (worker-thread.ts) through tsx's loader, as cohort.mjs loads the CLI, scoped
// to this import so nothing else in the thread is rewritten.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker-thread.ts', import.meta.url);
