import sharp from 'sharp';
import { divergingColor, sequentialColor, type Rgb } from '@shared/colormap';

/**
 * A matrix as a PNG heatmap with its colour bar: one square of `scale` pixels per value, the
 * bar's ticks and a title drawn as SVG text on top (librsvg, through sharp). Correlations use a
 * fixed diverging scale (-1..1), other signed values one symmetric around 0, magnitudes (RMS,
 * loss contributions) the sequential one from 0.
 */
export type HeatmapScale = { kind: 'diverging'; limit: number } | { kind: 'sequential'; max: number };

export interface HeatmapLayout {
  width: number;
  height: number;
  /** Pixels per value. */
  scale: number;
  left: number;
  top: number;
  barLeft: number;
}

const MARGIN = 12;
const TITLE = 22;
const BAR_GAP = 14;
const BAR_WIDTH = 18;
const TICK_TEXT = 78;
/** The picture is scaled up by whole pixels to about this many pixels per side. */
const TARGET_SIDE = 768;

export function heatmapLayout(rows: number, cols: number): HeatmapLayout {
  const scale = Math.max(1, Math.floor(TARGET_SIDE / Math.max(rows, cols)));
  const left = MARGIN;
  const top = MARGIN + TITLE;
  const barLeft = left + cols * scale + BAR_GAP;
  return {
    width: barLeft + BAR_WIDTH + TICK_TEXT,
    height: top + Math.max(rows * scale, 64) + MARGIN,
    scale,
    left,
    top,
    barLeft,
  };
}

export function colorOf(value: number, scale: HeatmapScale): Rgb {
  return scale.kind === 'diverging'
    ? divergingColor(value, scale.limit)
    : sequentialColor(scale.max > 0 ? value / scale.max : 0);
}

/** The scale's ends and middle, as the bar labels them (top to bottom). */
export function scaleTicks(scale: HeatmapScale): number[] {
  return scale.kind === 'diverging' ? [scale.limit, 0, -scale.limit] : [scale.max, scale.max / 2, 0];
}

export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e4 || magnitude < 1e-2
    ? value.toExponential(2)
    : Number(value.toPrecision(3)).toString();
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Lines between the loss's blocks of `every` features, over a picture of rows [r0, ...) and
 * columns [c0, ...) in cells of `cell` entries: what the relaxed loss groups, in its order.
 */
export interface BlockGrid {
  every: number;
  rowStart: number;
  colStart: number;
  cell: number;
}

function gridLines(grid: BlockGrid, layout: HeatmapLayout, rows: number, cols: number): string {
  const { every, rowStart, colStart, cell } = grid;
  const { left, top, scale: px } = layout;
  const lines: string[] = [];
  const right = left + cols * px;
  const bottom = top + rows * px;
  for (let m = Math.ceil((rowStart + 1) / every) * every; m < rowStart + rows * cell; m += every) {
    const y = top + ((m - rowStart) * px) / cell;
    lines.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}"/>`);
  }
  for (let m = Math.ceil((colStart + 1) / every) * every; m < colStart + cols * cell; m += every) {
    const x = left + ((m - colStart) * px) / cell;
    lines.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}"/>`);
  }
  return `<g stroke="#303030" stroke-opacity="0.55" stroke-width="0.8">${lines.join('')}</g>`;
}

export async function writeHeatmapPng(
  path: string,
  matrix: { rows: number; cols: number; values: Float32Array },
  scale: HeatmapScale,
  title: string,
  grid?: BlockGrid,
): Promise<HeatmapLayout> {
  const { rows, cols, values } = matrix;
  const layout = heatmapLayout(rows, cols);
  const { width, height, scale: px, left, top, barLeft } = layout;
  const pixels = Buffer.alloc(width * height * 3, 255);
  const paint = (x: number, y: number, color: Rgb) => {
    const offset = (y * width + x) * 3;
    pixels[offset] = color[0];
    pixels[offset + 1] = color[1];
    pixels[offset + 2] = color[2];
  };
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const color = colorOf(values[i * cols + j]!, scale);
      for (let dy = 0; dy < px; dy++)
        for (let dx = 0; dx < px; dx++) paint(left + j * px + dx, top + i * px + dy, color);
    }
  const barHeight = height - top - MARGIN;
  const [high, , low] = scaleTicks(scale) as [number, number, number];
  for (let y = 0; y < barHeight; y++) {
    const value = high + ((low - high) * y) / Math.max(1, barHeight - 1);
    const color = colorOf(value, scale);
    for (let x = 0; x < BAR_WIDTH; x++) paint(barLeft + x, top + y, color);
  }
  const ticks = scaleTicks(scale)
    .map((value, index) => {
      const y = top + (index * (barHeight - 1)) / 2;
      const baseline = index === 0 ? y + 10 : index === 2 ? y : y + 4;
      return `<text x="${barLeft + BAR_WIDTH + 4}" y="${baseline}">${escapeXml(formatTick(value))}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    ${grid ? gridLines(grid, layout, rows, cols) : ''}
    <g font-family="sans-serif" font-size="11" fill="#222">${ticks}
    <text x="${left}" y="${MARGIN + 12}" font-size="12">${escapeXml(title)}</text></g></svg>`;
  // The composite comes out with an alpha channel (all opaque): a second pass writes plain RGB.
  const composed = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  await sharp(composed).removeAlpha().png().toFile(path);
  return layout;
}
