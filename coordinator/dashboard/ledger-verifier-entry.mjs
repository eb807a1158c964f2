// The verifier thread starts from JavaScript: when the coordinator runs from source, this loads the TypeScript
// body (ledger-verifier-thread.ts) through tsx's loader, as coordinator/worker-entry.mjs does for the worker
// pool. From dist/ (scripts/build.mjs) ledger-verifier.js starts the compiled ledger-verifier-thread.js instead,
// and this file is not built.
import { tsImport } from 'tsx/esm/api';

await tsImport('./ledger-verifier-thread.ts', import.meta.url);
