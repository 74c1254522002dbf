import { describe, expect, it } from 'vitest';
import { divergingColor, MISSING_COLOR, sequentialColor } from '@shared/colormap';
import { encodeFloat32, type MatrixCells } from '@shared/inspect';
import {
  cellAt,
  cellsToRgba,
  colorBarTicks,
  decodeMatrixCells,
  scaleFor,
  type MatrixImage,
} from '../../src-renderer/domain/inspect-image';

function pixel(pixels: Uint8ClampedArray, index: number): number[] {
  return Array.from(pixels.subarray(index * 4, index * 4 + 4));
}

describe('cells to an image', () => {
  it('colours each cell on the diverging scale, one RGBA pixel per cell, NaN grey', () => {
    const values = Float32Array.from([-1, 0, 1, 0.5, Number.NaN, -0.25]);
    const pixels = cellsToRgba(values, 2, 3, { kind: 'diverging', limit: 1 });
    expect(pixels).toHaveLength(2 * 3 * 4);
    expect(pixel(pixels, 0)).toEqual([...divergingColor(-1, 1), 255]);
    expect(pixel(pixels, 1)).toEqual([...divergingColor(0, 1), 255]);
    expect(pixel(pixels, 2)).toEqual([...divergingColor(1, 1), 255]);
    expect(pixel(pixels, 4)).toEqual([...MISSING_COLOR, 255]);
    // Inside the table's resolution (2/1023 of the range): at most one step of colour off.
    for (const [index, value] of [
      [3, 0.5],
      [5, -0.25],
    ] as const) {
      const expected = divergingColor(value, 1);
      pixel(pixels, index)
        .slice(0, 3)
        .forEach((channel, c) => expect(Math.abs(channel - expected[c]!)).toBeLessThanOrEqual(1));
    }
  });

  it('clamps beyond the limit and uses viridis from min to max for sequential scales', () => {
    const diverging = cellsToRgba(Float32Array.from([-7, 7]), 1, 2, { kind: 'diverging', limit: 2 });
    expect(pixel(diverging, 0)).toEqual([...divergingColor(-2, 2), 255]);
    expect(pixel(diverging, 1)).toEqual([...divergingColor(2, 2), 255]);
    const sequential = cellsToRgba(Float32Array.from([3, 5, 4]), 1, 3, {
      kind: 'sequential',
      min: 3,
      max: 5,
    });
    expect(pixel(sequential, 0)).toEqual([...sequentialColor(0), 255]);
    expect(pixel(sequential, 1)).toEqual([...sequentialColor(1), 255]);
    sequentialColor(0.5).forEach((channel, c) =>
      expect(Math.abs(pixel(sequential, 2)[c]! - channel)).toBeLessThanOrEqual(1),
    );
  });

  it('fixes the scale of correlations at -1..1 and takes a symmetric limit for covariances and differences', () => {
    const range = { min: -0.2, max: 0.3 };
    expect(scaleFor('cross', 'extreme', false, range, false)).toEqual({ kind: 'diverging', limit: 1 });
    expect(scaleFor('corr2', 'extreme', true, range, false)).toEqual({ kind: 'diverging', limit: 1 });
    expect(scaleFor('cross', 'rms', false, range, false)).toEqual({ kind: 'sequential', min: 0, max: 1 });
    // Exact values are values whatever the reduction: diverging.
    expect(scaleFor('cross', 'rms', true, range, false)).toEqual({ kind: 'diverging', limit: 1 });
    expect(scaleFor('cov1', 'extreme', false, { min: -4, max: 2.5 }, false)).toEqual({
      kind: 'diverging',
      limit: 4,
    });
    expect(scaleFor('cross', 'extreme', false, range, true)).toEqual({ kind: 'diverging', limit: 0.3 });
    expect(scaleFor('cov2', 'rms', false, { min: 0.1, max: 9 }, false)).toEqual({
      kind: 'sequential',
      min: 0,
      max: 9,
    });
    expect(scaleFor('cov1', 'extreme', true, { min: 0, max: 0 }, false)).toEqual({
      kind: 'diverging',
      limit: 1e-12,
    });
  });

  it('puts colour bar ticks at the ends and zero', () => {
    expect(colorBarTicks({ kind: 'diverging', limit: 1 })).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(colorBarTicks({ kind: 'sequential', min: 0, max: 2 }, 3)).toEqual([0, 1, 2]);
  });
});

describe('the hover readout', () => {
  // d = 10 in cells of 4 x 4: the last row and column of cells hold 2 entries.
  const image: MatrixImage = {
    region: { rows: [0, 10], cols: [0, 10] },
    rows: 3,
    cols: 3,
    cellRows: 4,
    cellCols: 4,
    values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
    min: 1,
    max: 9,
    reduce: 'rms',
  };

  it('names the cell of an entry, narrower at the matrix edge', () => {
    expect(cellAt(image, 0, 0)).toEqual({ rows: [0, 4], cols: [0, 4], value: 1, exact: false });
    expect(cellAt(image, 5.5, 9.9)).toEqual({ rows: [4, 8], cols: [8, 10], value: 6, exact: false });
    expect(cellAt(image, 9, 9)).toEqual({ rows: [8, 10], cols: [8, 10], value: 9, exact: false });
    expect(cellAt(image, 10, 0)).toBeNull();
    expect(cellAt(image, -0.5, 0)).toBeNull();
  });

  it('reads exact tiles of an offset region entry by entry', () => {
    const tile: MatrixImage = {
      ...image,
      region: { rows: [100, 102], cols: [7, 10] },
      rows: 2,
      cols: 3,
      cellRows: 1,
      cellCols: 1,
    };
    expect(cellAt(tile, 101, 8)).toEqual({ rows: [101, 102], cols: [8, 9], value: 5, exact: true });
    expect(cellAt(tile, 99, 8)).toBeNull();
  });

  it('decodes the API answer once', () => {
    const values = Float32Array.from([0.25, -0.5, Number.NaN, 1]);
    const cells: MatrixCells = {
      snapshotId: 3,
      view: 'cross',
      order: 'permuted',
      reduce: 'extreme',
      maskDiagonal: false,
      minusSnapshotId: null,
      d: 2,
      region: { rows: [0, 2], cols: [0, 2] },
      cellRows: 1,
      cellCols: 1,
      rows: 2,
      cols: 2,
      values: encodeFloat32(values),
      min: -0.5,
      max: 1,
      computeMs: 3,
      cached: false,
    };
    const decoded = decodeMatrixCells(cells);
    expect(Array.from(decoded.values)).toEqual(Array.from(values));
    expect(decoded).toMatchObject({ rows: 2, cols: 2, min: -0.5, max: 1, reduce: 'extreme' });
  });
});
