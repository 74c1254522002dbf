import { divergingColor, MISSING_COLOR, sequentialColor } from '@shared/colormap';
import type { MatrixCells, MatrixRegion, MatrixView, OverviewReduction } from '@shared/inspect';
import { decodeFloat32 } from '@shared/inspect';

/** How values map to colour: symmetric around 0 (blue-white-red) or from `min` to `max` (viridis). */
export type ColorScale =
  { kind: 'diverging'; limit: number } | { kind: 'sequential'; min: number; max: number };

/** A decoded matrix region: what a heatmap draws and reads hovered values from. */
export interface MatrixImage {
  region: MatrixRegion;
  /** Cells per side. */
  rows: number;
  cols: number;
  /** Entries per cell (1 and 1: exact values). */
  cellRows: number;
  cellCols: number;
  values: Float32Array;
  min: number;
  max: number;
  /** How each cell summarises its entries (meaningless when exact). */
  reduce: OverviewReduction;
}

export function isExact(image: MatrixImage): boolean {
  return image.cellRows === 1 && image.cellCols === 1;
}

/** The API's answer with its values decoded. */
export function decodeMatrixCells(cells: MatrixCells): MatrixImage {
  return {
    region: cells.region,
    rows: cells.rows,
    cols: cells.cols,
    cellRows: cells.cellRows,
    cellCols: cells.cellCols,
    values: decodeFloat32(cells.values),
    min: cells.min,
    max: cells.max,
    reduce: cells.reduce,
  };
}

const CORRELATIONS: readonly MatrixView[] = ['cross', 'corr1', 'corr2'];

/** The largest |value| of a range, 1e-12 at least, so the scale always has a width. */
function symmetricLimit(min: number, max: number): number {
  const limit = Math.max(Math.abs(min), Math.abs(max));
  return Number.isFinite(limit) && limit > 1e-12 ? limit : 1e-12;
}

/**
 * The colour scale of a view. Correlations are bounded, so their scale is fixed (-1..1, or 0..1 for
 * RMS cells) and pictures of different steps and runs compare by colour; covariances and
 * differences are not, so they take a symmetric limit from the data (RMS cells 0..max).
 */
export function scaleFor(
  view: MatrixView,
  reduce: OverviewReduction,
  exact: boolean,
  range: { min: number; max: number },
  difference: boolean,
): ColorScale {
  const bounded = CORRELATIONS.includes(view) && !difference;
  if (reduce === 'rms' && !exact) {
    return { kind: 'sequential', min: 0, max: bounded ? 1 : symmetricLimit(range.min, range.max) };
  }
  return { kind: 'diverging', limit: bounded ? 1 : symmetricLimit(range.min, range.max) };
}

/** The value range a scale covers: [-limit, limit] or [min, max]. */
export function scaleRange(scale: ColorScale): [number, number] {
  return scale.kind === 'diverging' ? [-scale.limit, scale.limit] : [scale.min, scale.max];
}

/** The colour of one value on a scale. */
export function colorOf(scale: ColorScale, value: number): [number, number, number] {
  if (scale.kind === 'diverging') return divergingColor(value, scale.limit);
  if (Number.isNaN(value)) return [...MISSING_COLOR];
  const width = scale.max - scale.min;
  return sequentialColor(width > 0 ? (value - scale.min) / width : 0.5);
}

/** Colours per scale are looked up in a table of this many steps (finer than 8-bit colour). */
const TABLE_SIZE = 1024;

/** The scale's colours at TABLE_SIZE evenly spaced values, RGBA. */
function colorTable(scale: ColorScale): Uint8ClampedArray {
  const [low, high] = scaleRange(scale);
  const table = new Uint8ClampedArray(TABLE_SIZE * 4);
  for (let index = 0; index < TABLE_SIZE; index += 1) {
    const [r, g, b] = colorOf(scale, low + ((high - low) * index) / (TABLE_SIZE - 1));
    table.set([r, g, b, 255], index * 4);
  }
  return table;
}

/**
 * The RGBA pixels of `rows` x `cols` cells, one pixel per cell (row-major, as ImageData wants):
 * drawn once per loaded region, then scaled by the canvas while the user pans and zooms. A table
 * lookup per cell, so a 512 x 512 image takes a few milliseconds.
 */
export function cellsToRgba(
  values: Float32Array,
  rows: number,
  cols: number,
  scale: ColorScale,
): Uint8ClampedArray<ArrayBuffer> {
  const [low, high] = scaleRange(scale);
  const table = colorTable(scale);
  const toIndex = (TABLE_SIZE - 1) / (high - low || 1);
  const pixels = new Uint8ClampedArray(rows * cols * 4);
  const [mr, mg, mb] = MISSING_COLOR;
  for (let cell = 0; cell < rows * cols; cell += 1) {
    const value = values[cell] ?? Number.NaN;
    const out = cell * 4;
    if (Number.isNaN(value)) {
      pixels[out] = mr;
      pixels[out + 1] = mg;
      pixels[out + 2] = mb;
      pixels[out + 3] = 255;
      continue;
    }
    const index = Math.min(TABLE_SIZE - 1, Math.max(0, Math.round((value - low) * toIndex))) * 4;
    pixels[out] = table[index]!;
    pixels[out + 1] = table[index + 1]!;
    pixels[out + 2] = table[index + 2]!;
    pixels[out + 3] = 255;
  }
  return pixels;
}

/** What the pointer is over: the cell's entries and value, or null outside the image. */
export interface CellReadout {
  rows: [number, number];
  cols: [number, number];
  value: number;
  exact: boolean;
}

/** The cell of `image` holding matrix entry (row, col), or null when the entry is outside it. */
export function cellAt(image: MatrixImage, row: number, col: number): CellReadout | null {
  const { region, cellRows, cellCols } = image;
  const r = Math.floor(row);
  const c = Math.floor(col);
  if (r < region.rows[0] || r >= region.rows[1] || c < region.cols[0] || c >= region.cols[1]) return null;
  const cellRow = Math.floor((r - region.rows[0]) / cellRows);
  const cellCol = Math.floor((c - region.cols[0]) / cellCols);
  const rowStart = region.rows[0] + cellRow * cellRows;
  const colStart = region.cols[0] + cellCol * cellCols;
  return {
    rows: [rowStart, Math.min(rowStart + cellRows, region.rows[1])],
    cols: [colStart, Math.min(colStart + cellCols, region.cols[1])],
    value: image.values[cellRow * image.cols + cellCol] ?? Number.NaN,
    exact: cellRows === 1 && cellCols === 1,
  };
}

/** Ticks of a colour bar: the ends and zero (diverging), or evenly spaced values. */
export function colorBarTicks(scale: ColorScale, count = 5): number[] {
  const [low, high] = scaleRange(scale);
  return Array.from({ length: count }, (_, index) => low + ((high - low) * index) / (count - 1));
}
