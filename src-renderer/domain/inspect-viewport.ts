import type { MatrixRegion } from '@shared/inspect';

/**
 * The part of a matrix a heatmap shows, in matrix coordinates: rows [r0, r1) and columns
 * [c0, c1), fractional while the user zooms and pans. Requests go out for the whole entries it
 * covers (`requestRegion`); drawing maps the last loaded image into it (`imagePlacement`).
 */
export interface Viewport {
  rows: [number, number];
  cols: [number, number];
}

/** The matrix (or block) a viewport lives in: rows [0, rows) ... or an offset region. */
export type Bounds = MatrixRegion;

/** A heatmap never zooms in further than this many entries per side (or the bounds' size). */
export const MIN_SPAN = 4;

export function boundsOfSize(size: number): Bounds {
  return { rows: [0, size], cols: [0, size] };
}

export function viewportOf(region: MatrixRegion): Viewport {
  return { rows: [region.rows[0], region.rows[1]], cols: [region.cols[0], region.cols[1]] };
}

/** A span of length `length` placed to start at `start`, shifted (not shrunk) back inside [low, high). */
function clampSpan(start: number, length: number, [low, high]: [number, number]): [number, number] {
  const span = Math.min(length, high - low);
  const first = Math.min(Math.max(start, low), high - span);
  return [first, first + span];
}

/**
 * Zooms by `factor` (below 1 zooms in) around the matrix point (row, col), which stays under the
 * pointer; the span is kept between MIN_SPAN and the bounds, and the viewport inside them.
 */
export function zoomViewport(
  viewport: Viewport,
  factor: number,
  anchor: { row: number; col: number },
  bounds: Bounds,
): Viewport {
  const axis = (range: [number, number], at: number, limits: [number, number]): [number, number] => {
    const length = range[1] - range[0];
    const next = Math.min(
      Math.max(length * factor, Math.min(MIN_SPAN, limits[1] - limits[0])),
      limits[1] - limits[0],
    );
    const share = length > 0 ? (at - range[0]) / length : 0.5;
    return clampSpan(at - share * next, next, limits);
  };
  return {
    rows: axis(viewport.rows, anchor.row, bounds.rows),
    cols: axis(viewport.cols, anchor.col, bounds.cols),
  };
}

/** Moves the viewport by (dRows, dCols) entries, stopping at the bounds' edges. */
export function panViewport(viewport: Viewport, dRows: number, dCols: number, bounds: Bounds): Viewport {
  return {
    rows: clampSpan(viewport.rows[0] + dRows, viewport.rows[1] - viewport.rows[0], bounds.rows),
    cols: clampSpan(viewport.cols[0] + dCols, viewport.cols[1] - viewport.cols[0], bounds.cols),
  };
}

/** The whole entries a viewport touches, inside the bounds. */
export function requestRegion(viewport: Viewport, bounds: Bounds): MatrixRegion {
  const axis = (range: [number, number], limits: [number, number]): [number, number] => {
    const start = Math.max(limits[0], Math.floor(range[0] + 1e-9));
    const end = Math.min(limits[1], Math.max(start + 1, Math.ceil(range[1] - 1e-9)));
    return [start, end];
  };
  return { rows: axis(viewport.rows, bounds.rows), cols: axis(viewport.cols, bounds.cols) };
}

export function sameRegion(a: MatrixRegion | null | undefined, b: MatrixRegion | null | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.rows[0] === b.rows[0] && a.rows[1] === b.rows[1] && a.cols[0] === b.cols[0] && a.cols[1] === b.cols[1]
  );
}

/** A region is shown exactly (one value per entry) when neither side has more than `maxCells` entries. */
export function isExactRegion(region: MatrixRegion, maxCells: number): boolean {
  return region.rows[1] - region.rows[0] <= maxCells && region.cols[1] - region.cols[0] <= maxCells;
}

/** Where a plot of `width` x `height` pixels showing `viewport` puts the matrix point (row, col). */
export function matrixToScreen(
  viewport: Viewport,
  width: number,
  height: number,
  row: number,
  col: number,
): { x: number; y: number } {
  return {
    x: ((col - viewport.cols[0]) / (viewport.cols[1] - viewport.cols[0])) * width,
    y: ((row - viewport.rows[0]) / (viewport.rows[1] - viewport.rows[0])) * height,
  };
}

/** The matrix point (fractional row and column) under pixel (x, y) of the plot. */
export function screenToMatrix(
  viewport: Viewport,
  width: number,
  height: number,
  x: number,
  y: number,
): { row: number; col: number } {
  return {
    row: viewport.rows[0] + (y / height) * (viewport.rows[1] - viewport.rows[0]),
    col: viewport.cols[0] + (x / width) * (viewport.cols[1] - viewport.cols[0]),
  };
}

/**
 * The rectangle (in plot pixels) an image of `region` covers when the plot shows `viewport`: the
 * previous image keeps being drawn there, scaled, while the one for a new viewport loads.
 */
export function imagePlacement(
  region: MatrixRegion,
  viewport: Viewport,
  width: number,
  height: number,
): { x: number; y: number; width: number; height: number } {
  const start = matrixToScreen(viewport, width, height, region.rows[0], region.cols[0]);
  const end = matrixToScreen(viewport, width, height, region.rows[1], region.cols[1]);
  return { x: start.x, y: start.y, width: end.x - start.x, height: end.y - start.y };
}

/** Up to about `count` integer ticks at 1, 2 or 5 times a power of ten inside [start, end). */
export function integerTicks(start: number, end: number, count = 6): number[] {
  const span = end - start;
  if (!(span > 0)) return [];
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? 10 * power,
  );
  const ticks: number[] = [];
  for (let tick = Math.ceil(start / step) * step; tick < end; tick += step) ticks.push(tick);
  return ticks;
}
