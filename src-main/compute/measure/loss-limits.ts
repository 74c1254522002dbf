/**
 * Sizes a loss cannot be run at on a backend, found before trying: on wasm a tensor over the
 * 4 GiB heap corrupts memory instead of failing, and a d x d matrix of tens of GB would push
 * the host into swap long before an allocation fails.
 */
import { totalmem } from 'node:os';
import type { LossName } from '@shared/config/run-config';
import type { BackendSelection } from '../backend';

const WASM_HEAP_BYTES = 4 * 1024 ** 3;

/** Bytes of the d x d matrices an exact loss holds at once (C, its square, XNNPACK's packed copy; x2 views for VICReg). */
function exactLossBytes(name: LossName, d: number): number {
  return (name === 'bt' ? 3 : 4) * d * d * 4;
}

/**
 * Bytes of the pair summaries of a relaxed loss: G^2 pairs of b lags, each held as r, the
 * pair cross spectrum and its gradient (float64). O(d^2 / b): large only for tiny b.
 */
function relaxedSummaryBytes(d: number, b: number): number {
  return Math.ceil(d / b) ** 2 * b * 8 * 5;
}

const gigabytes = (bytes: number) => `~${(bytes / 1024 ** 3).toFixed(1)} GB`;

/**
 * Why a configuration cannot be held, or undefined. On the CPU-side backends the d x d matrices
 * of an exact loss live in the wasm heap or the RAM; on webgpu each is one GPU buffer, which
 * must fit the adapter's binding limit (WebGPU does not say how much memory the GPU has). The
 * relaxed losses' pair summaries are held in the wasm heap or the RAM.
 */
export function lossSkipReason(
  name: LossName,
  b: number | null,
  d: number,
  selection: BackendSelection,
): string | undefined {
  if (b !== null && b > d) return `block size ${b} > d = ${d}`;
  const hostLimit = selection.name === 'wasm' ? WASM_HEAP_BYTES : totalmem() / 2;
  const hostLimitName = selection.name === 'wasm' ? 'wasm heap: 4 GB' : 'half the RAM';
  if (b === null && selection.adapter) {
    const bindable = selection.adapter.limits.maxStorageBufferBindingSize;
    if (d * d * 4 > bindable)
      return `${name} at d = ${d} needs a d x d matrix of ${gigabytes(d * d * 4)}, over the adapter's storage binding limit (${gigabytes(bindable)})`;
  } else if (b === null && exactLossBytes(name, d) > 0.75 * hostLimit) {
    return `${name} at d = ${d} needs ${gigabytes(exactLossBytes(name, d))} of d x d matrices (${hostLimitName})`;
  }
  if (b !== null && relaxedSummaryBytes(d, b) > 0.75 * hostLimit) {
    return `${name} at d = ${d}, b = ${b} needs ${gigabytes(relaxedSummaryBytes(d, b))} of pair summaries (${hostLimitName})`;
  }
  return undefined;
}
