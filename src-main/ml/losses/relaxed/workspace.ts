/**
 * Recycled float32 buffers for the large per-step arrays (spectra, gradients). Fresh large
 * typed arrays cost page faults on every step (about 0.5 ms per MB measured here), which
 * is a large share of a loss evaluation at d = 8192. Buffers come back only when a step
 * finishes its backward pass; a forward-only call just lets them be collected.
 */
const free = new Map<number, Float32Array[]>();
const PER_SIZE = 2;
const MAX_POOLED_BYTES = 1 << 30;
let pooledBytes = 0;

/** A float32 buffer of `length` with arbitrary contents. */
export function acquireBuffer(length: number): Float32Array {
  const list = free.get(length);
  const buffer = list?.pop();
  if (buffer) {
    pooledBytes -= buffer.byteLength;
    return buffer;
  }
  return new Float32Array(length);
}

/** Returns a buffer the caller no longer uses (nor anything that aliases it). */
export function releaseBuffer(buffer: Float32Array): void {
  if (buffer.byteOffset !== 0 || buffer.length !== buffer.buffer.byteLength / 4) return;
  if (pooledBytes + buffer.byteLength > MAX_POOLED_BYTES) return;
  let list = free.get(buffer.length);
  if (!list) free.set(buffer.length, (list = []));
  if (list.length >= PER_SIZE || list.includes(buffer)) return;
  list.push(buffer);
  pooledBytes += buffer.byteLength;
}

/** Drops every pooled buffer (e.g. when training ends). */
export function clearWorkspace(): void {
  free.clear();
  pooledBytes = 0;
}
