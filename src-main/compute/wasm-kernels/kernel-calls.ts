import * as tf from '@tensorflow/tfjs';

/** The wasm backend, as a kernel function sees it. */
export type WasmBackend = tf.KernelBackend;

/** The arguments the engine passes to a kernel function. */
export interface KernelArguments {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackend;
  attrs: tf.NamedAttrMap;
}

/**
 * Runs other wasm kernels from inside a kernel function and frees what they produced.
 * Kernel functions work below the engine, so intermediates are not tracked by `tf.tidy`:
 * every intermediate is kept here and released by `finish`, except the one returned.
 */
export class KernelScratch {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(private readonly backend: WasmBackend) {}

  /** Runs the wasm kernel registered as `kernelName` and keeps its output for disposal. */
  run(
    kernelName: string,
    inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    return this.call(wasmKernelFunc(kernelName), inputs, attrs);
  }

  /** Runs a kernel function and keeps its output for disposal. */
  call(
    kernelFunc: tf.KernelFunc,
    inputs: tf.NamedTensorInfoMap | tf.TensorInfo[],
    attrs: tf.NamedAttrMap = {},
  ): tf.TensorInfo {
    // Concat takes its inputs as an array, like the engine passes them.
    const output = kernelFunc({
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    }) as tf.TensorInfo;
    this.intermediates.push(output);
    return output;
  }

  /** Takes `info` (made outside `run`, e.g. with `makeOutput`) into the intermediates. */
  keep(info: tf.TensorInfo): tf.TensorInfo {
    this.intermediates.push(info);
    return info;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run(tf.Transpose, { x }, { perm });
  }

  /** Releases every intermediate except `result`, which is returned. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.intermediates) {
      if (info !== result) this.backend.disposeData(info.dataId);
    }
    this.intermediates.length = 0;
    return result;
  }
}

/** The kernel function registered for `kernelName` on wasm; throws if there is none. */
export function wasmKernelFunc(kernelName: string): tf.KernelFunc {
  const config = tf.getKernel(kernelName, 'wasm') as tf.KernelConfig | undefined;
  if (config === undefined) throw new Error(`wasm-kernels: the wasm backend has no '${kernelName}' kernel`);
  return config.kernelFunc;
}

/** Permutation that swaps the last two axes of a rank-`rank` tensor. */
export function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}
