// A seed's thread starts from JavaScript: from source this loads fed-pneumonia-thread.ts through tsx's loader,
// as coordinator/worker-entry.mjs does. From dist/ (scripts/build.mjs) fed-pneumonia-seeds.js starts the compiled
// fed-pneumonia-thread.js instead, and this file is not built.
import { tsImport } from 'tsx/esm/api';

await tsImport('./fed-pneumonia-thread.ts', import.meta.url);
