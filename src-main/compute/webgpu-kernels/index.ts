import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilter, type WebGpuKernelArguments } from './conv2d-backprop-filter';

/*
 * What training needs from tfjs-backend-webgpu 4.22 (checked by
 * tests/main/compute/webgpu-kernels/coverage.test.ts, which records the kernels real training
 * runs dispatch on cpu: the MLP, small CNN and ResNet-18 with their gradients (ResNet-50 has
 * the same layer types), BT and VICReg, every augmentation step, the four optimizers,
 * micro-batches, the online probe, kNN and linear evaluation, checkpoints and snapshots):
 *
 * - Missing kernels: none. All 54 kernels training dispatches are registered for webgpu.
 * - Synchronous read-back (dataSync, arraySync) throws on webgpu in Node (the backend reads
 *   through an OffscreenCanvas), so kNN evaluation now reads asynchronously and the snapshot
 *   probe batch is not cached on the host there: a fix at the call sites, not a kernel.
 * - Slow kernel: `Conv2DBackpropFilter` (one thread per filter element looping over the whole
 *   batch) is replaced with one split-K matrix product per filter tap (conv2d-backprop-filter.ts).
 *
 * The relaxed losses' FFT kernels live in fft/ and pair-spectra/ and are registered there.
 */

/** Marks kernel functions installed here, so registering twice (or from two bundles) changes nothing. */
const INSTALLED = Symbol.for('decorbench.webgpuTrainingKernel');

type MarkedKernelFunc = tf.KernelFunc & { [INSTALLED]?: true };

/** An implementation that returns null where the stock kernel should run instead. */
type Implementation = (args: WebGpuKernelArguments) => tf.TensorInfo | null;

const IMPLEMENTATIONS: Record<string, Implementation> = {
  [tf.Conv2DBackpropFilter]: conv2DBackpropFilter,
};

/** The webgpu kernels `registerWebGpuTrainingKernels` replaces. */
export const WEBGPU_TRAINING_KERNELS: readonly string[] = Object.keys(IMPLEMENTATIONS);

function install(kernelName: string, implementation: Implementation): void {
  const stock = tf.getKernel(kernelName, 'webgpu') as tf.KernelConfig | undefined;
  if ((stock?.kernelFunc as MarkedKernelFunc | undefined)?.[INSTALLED]) return;
  const kernelFunc: MarkedKernelFunc = (params) => {
    const result = implementation(params as unknown as WebGpuKernelArguments);
    if (result) return result;
    if (!stock) throw new Error(`${kernelName}: no webgpu kernel for these arguments`);
    return stock.kernelFunc(params);
  };
  kernelFunc[INSTALLED] = true;
  if (stock !== undefined) tf.unregisterKernel(kernelName, 'webgpu');
  tf.registerKernel({ ...stock, kernelName, backendName: 'webgpu', kernelFunc });
}

/**
 * Makes the webgpu backend faster for training (call once when webgpu is chosen; calling again
 * is a no-op). Every replacement is checked against the cpu backend in
 * tests/main/compute/webgpu-kernels.
 */
export function registerWebGpuTrainingKernels(): void {
  for (const [kernelName, implementation] of Object.entries(IMPLEMENTATIONS))
    install(kernelName, implementation);
}
