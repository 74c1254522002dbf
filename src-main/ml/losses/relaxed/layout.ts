import { halfSpectrumLength } from '../../fft/real';

/**
 * Feature grouping (spec section 6): G = ceil(d / b) contiguous groups of width b of the
 * permuted columns; the last one has width d - (G - 1) b and is zero-padded to b.
 */
export interface GroupLayout {
  d: number;
  /** Block size b. */
  blockSize: number;
  /** G. */
  groups: number;
  /** Unpadded width of the last group (s_L in the spec); equals b when b divides d. */
  lastWidth: number;
  /** Bins of the half spectrum of a length-b real signal: floor(b / 2) + 1. */
  bins: number;
}

export function groupLayout(d: number, blockSize: number): GroupLayout {
  const groups = Math.ceil(d / blockSize);
  return {
    d,
    blockSize,
    groups,
    lastWidth: d - (groups - 1) * blockSize,
    bins: halfSpectrumLength(blockSize),
  };
}

/** Width of group g before padding. */
export function groupWidth(layout: GroupLayout, g: number): number {
  return g === layout.groups - 1 ? layout.lastWidth : layout.blockSize;
}
