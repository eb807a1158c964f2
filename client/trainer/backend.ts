/**
 * Picks and loads the TensorFlow.js backend, once per process.
 *
 * Preference order: the native `tensorflow` backend (`@tensorflow/tfjs-node`,
 * an optional dependency whose install downloads libtensorflow, so it is
 * absent on offline or locked-down hospital machines), then WebAssembly
 * (`@tensorflow/tfjs-backend-wasm`, always installed, several times faster
 * than plain JS for dense layers; wasm-kernels.ts adds the gradient kernels it
 * lacks for convolutions and embeddings and speeds up three slow ones), then
 * the pure-JS `cpu` backend.
 *
 * `COHORT_TF_BACKEND=tensorflow|wasm|cpu` forces one backend and disables the
 * fallback (a forced backend that fails to load throws E_CONFIG_INVALID):
 * tests and benchmarks use it to pin what they measure. It is read on the
 * first call only.
 */
import { createRequire } from 'node:module';
import { CohortError } from '../../core/errors.ts';
import { registerWasmKernels } from './wasm-kernels.ts';

export type Tf = typeof import('@tensorflow/tfjs');
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface LoadedTf {
  readonly tf: Tf;
  readonly backend: BackendName;
  /** Gradient kernels cohort registered on this backend because tfjs lacks them (wasm-kernels.ts). */
  readonly addedKernels?: readonly string[];
}

/** The subset of a pino logger the loader needs. */
export interface BackendLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const BACKEND_ENV = 'COHORT_TF_BACKEND';

interface Fallback {
  from: BackendName;
  reason: string;
}

interface Choice {
  /** The one object every loadTf call resolves to. */
  loaded: LoadedTf;
  forced: boolean;
  fallbacks: Fallback[];
}

let loading: Promise<Choice> | undefined;
let logged = false;

/**
 * Loads tfjs on the best available backend. Memoised: every call resolves to
 * the same object. The choice is logged once, by the first call given a
 * logger, with the reason for each fallback taken.
 */
export async function loadTf(log?: BackendLog): Promise<LoadedTf> {
  loading ??= choose();
  const c = await loading;
  if (log && !logged) {
    logged = true;
    const fields = { backend: c.loaded.backend, forced: c.forced, fallbacks: c.fallbacks };
    if (c.loaded.addedKernels) Object.assign(fields, { addedKernels: c.loaded.addedKernels });
    // Landing on plain JS makes training several times slower than wasm: worth a warning.
    if (c.loaded.backend === 'cpu' && !c.forced) log.warn(fields, 'tfjs backend: cpu (slow)');
    else log.info(fields, `tfjs backend: ${c.loaded.backend}`);
  }
  return c.loaded;
}

async function choose(): Promise<Choice> {
  const forced = forcedBackend();
  if (forced) {
    try {
      return { loaded: await loaders[forced](), forced: true, fallbacks: [] };
    } catch (err) {
      throw new CohortError(
        'E_CONFIG_INVALID',
        `${BACKEND_ENV}=${forced} but that backend failed to load: ${reason(err)}`,
        { cause: err },
      );
    }
  }
  const fallbacks: Fallback[] = [];
  for (const name of BACKENDS) {
    try {
      return { loaded: await loaders[name](), forced: false, fallbacks };
    } catch (err) {
      fallbacks.push({ from: name, reason: reason(err) });
    }
  }
  throw new CohortError('E_INTERNAL', `no tfjs backend could be loaded: ${JSON.stringify(fallbacks)}`);
}

/**
 * Whether loadTf would try the native backend first, told without loading
 * anything: forced by BACKEND_ENV, or (not forced) tfjs-node installed. A
 * tfjs-node that is installed but fails to load is still counted: loadTf
 * would then fall back.
 */
export function nativeBackendFirst(): boolean {
  const forced = forcedBackend();
  if (forced) return forced === 'tensorflow';
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

function forcedBackend(): BackendName | undefined {
  const v = process.env[BACKEND_ENV];
  if (v === undefined || v === '') return undefined;
  if (!(BACKENDS as readonly string[]).includes(v)) {
    throw new CohortError('E_CONFIG_INVALID', `${BACKEND_ENV} expected one of ${BACKENDS.join(', ')}, got "${v}"`);
  }
  return v as BackendName;
}

const loaders: Record<BackendName, () => Promise<LoadedTf>> = {
  async tensorflow() {
    // A variable specifier: the package is optional and absent here, so tsc must not resolve it.
    const specifier = '@tensorflow/tfjs-node';
    const mod = (await import(specifier)) as { default?: Tf } & Tf;
    // CommonJS package: its full API (tfjs plus the native backend) is module.exports.
    const tf = mod.default ?? mod;
    return activate(tf, 'tensorflow');
  },
  async wasm() {
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    // Without these, convolutions and embeddings cannot be trained on wasm.
    const addedKernels = registerWasmKernels(tf);
    return { ...(await activate(tf, 'wasm')), addedKernels };
  },
  async cpu() {
    const tf = await import('@tensorflow/tfjs');
    return activate(tf, 'cpu');
  },
};

async function activate(tf: Tf, backend: BackendName): Promise<LoadedTf> {
  // setBackend reports a failed initialisation by resolving false, not by throwing.
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed to initialise`);
  await tf.ready();
  return { tf, backend };
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
