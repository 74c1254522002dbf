/**
 * One benchmark point that may not fit: a run over several sizes records a point that runs out
 * of memory as such and goes on to the next one. On WebGPU a failed allocation does not throw:
 * the device reports it in an error scope and the work that used the buffer is dropped (a
 * read-back then returns zeros), so the point is wrapped in the device's error scopes.
 */
import { releasePooledGpuBuffers, webGpuDevice } from './device-memory';

export type PointStatus = 'ok' | 'out-of-memory' | 'failed';

export interface PointFailure {
  status: 'out-of-memory' | 'failed';
  error: string;
}

export type GuardedPoint<T> = ({ status: 'ok' } & { value: T }) | PointFailure;

/**
 * Messages of allocations that cannot succeed: V8's typed arrays (at most 2^32 - 1 elements on the
 * cpu backend), our wasm heap guard, and WebGPU buffers over the adapter's limits (Dawn's
 * validation messages name the limit).
 */
const OUT_OF_MEMORY =
  /out of memory|allocation failed|invalid typed array length|invalid array length|max(imum)? buffer size|maxBufferSize|maxStorageBufferBindingSize|binding size/i;

/** Whether an error or device message says that memory ran out or a buffer exceeds a limit. */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof Error && error.name === 'HeapExhaustedError') return true;
  return OUT_OF_MEMORY.test(error instanceof Error ? error.message : String(error));
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 500);
}

/** The recorded outcome of an error thrown by a point. */
export function describeFailure(error: unknown): PointFailure {
  return { status: isOutOfMemory(error) ? 'out-of-memory' : 'failed', error: firstLine(error) };
}

/**
 * Runs one point and says how it ended. Device errors win over the value: a point whose buffers
 * failed to allocate "finishes" with garbage. After a failure the buffer pool is emptied, so
 * the failed buffers are not handed out again.
 */
export async function guardPoint<T>(run: () => Promise<T>): Promise<GuardedPoint<T>> {
  const device = webGpuDevice();
  device?.pushErrorScope('out-of-memory');
  device?.pushErrorScope('validation');
  let outcome: GuardedPoint<T>;
  try {
    outcome = { status: 'ok', value: await run() };
  } catch (error) {
    outcome = describeFailure(error);
  }
  if (device) {
    // Popped innermost first; both calls are made before either is awaited.
    const [validation, memory] = await Promise.all([popScope(device), popScope(device)]);
    const lost = validation?.lost ? validation : memory?.lost ? memory : null;
    if (lost) outcome = { status: 'failed', error: `WebGPU: ${lost.message}` };
    else if (memory) outcome = { status: 'out-of-memory', error: `GPU out of memory: ${memory.message}` };
    else if (validation)
      outcome = {
        status: isOutOfMemory(validation.message) ? 'out-of-memory' : 'failed',
        error: `WebGPU: ${validation.message}`,
      };
  }
  if (outcome.status !== 'ok') releasePooledGpuBuffers();
  return outcome;
}

/** The innermost scope's error, if any; `lost` when the scope could not be read (a lost device). */
async function popScope(device: GPUDevice): Promise<{ message: string; lost: boolean } | null> {
  try {
    const error = await device.popErrorScope();
    return error ? { message: firstLine(error.message), lost: false } : null;
  } catch (error) {
    return { message: `the device's error scope could not be read (${firstLine(error)})`, lost: true };
  }
}
