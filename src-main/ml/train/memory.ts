import * as tf from '@tensorflow/tfjs';
import type { StepReport } from './reports';

/** What `tf.memory()` adds on the webgpu backend (tfjs-backend-webgpu's `WebGPUMemoryInfo`). */
interface WebGpuMemoryInfo extends tf.MemoryInfo {
  numBytesInGPU?: number;
  numBytesAllocatedInGPU?: number;
}

/**
 * The memory a step reports: live tensors and their bytes, the process's RSS and, where the
 * backend tells it (webgpu), the GPU buffers of live tensors and all the GPU buffers it holds.
 * On a GPU, `numBytes` counts tensors wherever they live, RSS says nothing of the device, and
 * the allocated bytes include the buffers the backend pools for reuse, which never go back.
 */
export function stepMemory(memory: tf.MemoryInfo = tf.memory()): StepReport['memory'] {
  const { numBytesInGPU, numBytesAllocatedInGPU } = memory as WebGpuMemoryInfo;
  const report = {
    tensors: memory.numTensors,
    tfjsBytes: memory.numBytes,
    rssBytes: process.memoryUsage.rss(),
  };
  return typeof numBytesInGPU === 'number' && typeof numBytesAllocatedInGPU === 'number'
    ? { ...report, gpuBytes: numBytesInGPU, gpuAllocatedBytes: numBytesAllocatedInGPU }
    : report;
}
