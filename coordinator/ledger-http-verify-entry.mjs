// The endpoint's verification thread starts from JavaScript: when run from source, this loads the TypeScript body
// (ledger-http-verify-thread.ts) through tsx's loader, as ledger-verifier-entry.mjs does for the dashboard. From
// dist/ (scripts/build.mjs) ledger-http-verify.js starts the compiled ledger-http-verify-thread.js instead, and this
// file is not built.
import { tsImport } from 'tsx/esm/api';

await tsImport('./ledger-http-verify-thread.ts', import.meta.url);
