// A ledger thread starts from JavaScript: when run from source, this loads the
// TypeScript thread (ledger-thread.ts) through tsx's loader, scoped to this
// import, as coordinator/worker-entry.mjs does. From dist/ (scripts/build.mjs)
// ledger-pool.js starts the compiled ledger-thread.js instead, and this file is
// not built.
import { tsImport } from 'tsx/esm/api';

await tsImport('./ledger-thread.ts', import.meta.url);
