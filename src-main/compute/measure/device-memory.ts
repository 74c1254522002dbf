/**
 * GPU memory of the webgpu backend as benchmarks need it: tfjs reports the bytes of the buffers
 * its pool has allocated, but keeps every released buffer for reuse (by exact size), so the
 * figure only grows over a process. Emptying the pool before a benchmark point makes the pool's
 * size after the point that point's own peak.
 */
import * as tf from '@tensorflow/tfjs';

/** The fields of tfjs-backend-webgpu's BufferManager (4.22) that emptying its pool touches. */
interface WebGpuBufferPool {
  freeBuffers: Map<string, GPUBuffer[]>;
  numFreeBuffers: number;
  numBytesAllocated: number;
}

/** The webgpu backend's device, or undefined on any other backend. */
export function webGpuDevice(): GPUDevice | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  return (tf.backend() as unknown as { device?: GPUDevice }).device;
}

function bufferPool(): WebGpuBufferPool | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  const pool = (tf.backend() as unknown as { bufferManager?: WebGpuBufferPool }).bufferManager;
  return pool?.freeBuffers instanceof Map ? pool : undefined;
}

/** Bytes of GPU buffers tfjs has allocated (in use plus pooled), or null off webgpu. */
export function gpuAllocatedBytes(): number | null {
  const memory = tf.memory() as { numBytesAllocatedInGPU?: number };
  return tf.getBackend() === 'webgpu' ? (memory.numBytesAllocatedInGPU ?? null) : null;
}

/**
 * Destroys the buffers tfjs keeps for reuse (none in use is touched). WebGPU defers the release
 * of a destroyed buffer until the work already submitted with it is done, so this is safe at any
 * point between kernels. Also needed after a failed point: a buffer whose creation failed is an
 * error object that the pool would otherwise hand to the next tensor of its size.
 */
export function releasePooledGpuBuffers(): void {
  const pool = bufferPool();
  if (!pool) return;
  // The lists are emptied in place: tfjs takes a pool with no keys for a disposed one.
  for (const buffers of pool.freeBuffers.values()) {
    for (const buffer of buffers) {
      pool.numBytesAllocated -= buffer.size;
      buffer.destroy();
    }
    buffers.length = 0;
  }
  pool.numFreeBuffers = 0;
}

/**
 * Runs `measure` on an empty pool and returns its result with the GPU bytes the point needed at
 * most: the pool's allocation afterwards, which bounds the simultaneous use from above (tfjs reuses
 * a buffer only for a tensor of the same size) and is what the device had to provide. Null off
 * webgpu.
 */
export async function withGpuPeak<T>(
  measure: () => Promise<T>,
): Promise<T & { gpuPeakBytes: number | null }> {
  releasePooledGpuBuffers();
  const result = await measure();
  return { ...result, gpuPeakBytes: gpuAllocatedBytes() };
}
