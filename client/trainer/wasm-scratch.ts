/**
 * The plumbing wasm-kernels.ts's composite kernels share: the backend's own
 * kernels called directly (not through the engine, so nothing is recorded
 * or tracked) with every intermediate freed.
 */
import { CohortError } from '../../core/errors.ts';
import type { DataType, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';

/** The tfjs namespace (as client/trainer/backend.ts's `Tf`; not imported from there, which imports these). */
export type Tf = typeof import('@tensorflow/tfjs');
export type { KernelFunc, TensorInfo };

export type Pad = 'valid' | 'same' | number | number[][];
export type Rounding = 'floor' | 'round' | 'ceil' | undefined;
export type Pair = [number, number];
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/** What these kernels use of tfjs-backend-wasm's BackendWasm (not exported as a type). */
export interface WasmBackend {
  readSync(dataId: object): TypedArray;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
  disposeData(dataId: object): boolean;
}

/**
 * Runs the backend's own kernels and frees every intermediate result but the
 * one returned. A kernel's output owns a reference to its data (a Reshape
 * shares its input's data and takes a reference), so one disposeData per
 * output is exact.
 */
export class Scratch {
  private readonly temps: TensorInfo[] = [];
  constructor(
    private readonly tf: Tf,
    readonly backend: WasmBackend,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const k = this.tf.getKernel(kernelName, 'wasm');
    if (k === undefined) throw new CohortError('E_INTERNAL', `wasm backend has no ${kernelName} kernel`);
    const out = k.kernelFunc({ inputs, attrs, backend: this.backend as never }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Hands an output this kernel made itself (makeOutput) to the same cleanup. */
  adopt(t: TensorInfo): TensorInfo {
    this.temps.push(t);
    return t;
  }

  /** Frees every intermediate but `keep`, which holds its own reference. */
  release(keep: TensorInfo | undefined): void {
    for (const t of this.temps) if (t !== keep) this.backend.disposeData(t.dataId);
  }
}

export function scratch(tf: Tf, args: { backend: unknown }, body: (s: Scratch) => TensorInfo): TensorInfo {
  const s = new Scratch(tf, args.backend as WasmBackend);
  let result: TensorInfo | undefined;
  try {
    result = body(s);
    return result;
  } finally {
    s.release(result);
  }
}
