import type { MatrixRegion } from '@shared/inspect';
import { blockGridLines, wrappedDiagonalRuns } from '../domain/inspect-diagonal';
import { colorBarTicks, colorOf, scaleRange, type ColorScale } from '../domain/inspect-image';
import { imagePlacement, integerTicks, matrixToScreen, type Viewport } from '../domain/inspect-viewport';
import { formatValue } from '../domain/format';
import type { HeatmapLayout } from './inspect-heatmap-layout';

/**
 * One heatmap figure on one canvas, as a paper figure would have it: title, the matrix image,
 * feature-index axes, and a labelled colour bar. Everything is redrawn per frame while the user
 * pans (a scaled drawImage of the loaded cells plus a few lines of text), which is what keeps a
 * 512 x 512 overview smooth: no per-cell drawing, no DOM per cell.
 */

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const TEXT = '#1c2128';
const MUTED = '#5f6b7a';
const FRAME = '#8b95a3';
/** A wrapped diagonal to highlight: lag `lag` of the b x b block whose top-left entry is `origin`. */
export interface DiagonalHighlight {
  origin: [number, number];
  blockSize: number;
  lag: number;
}

export interface HeatmapFrame {
  layout: HeatmapLayout;
  viewport: Viewport;
  /** The cells as an image (one pixel per cell) and the entries it covers. */
  image: { canvas: CanvasImageSource; region: MatrixRegion; extent: MatrixRegion } | null;
  scale: ColorScale | null;
  /** A small canvas holding the scale's colours top (high) to bottom (low). */
  barImage: CanvasImageSource | null;
  title: string;
  subtitle: string;
  barLabel: string;
  axisLabel: string;
  /** Draw the block grid of this b (permuted order). */
  gridBlockSize: number | null;
  highlight: DiagonalHighlight | null;
  /** Cells to outline in matrix coordinates (the hovered cell, the chosen pair). */
  outlines: { region: MatrixRegion; color: string }[];
}

/** A 1 x 256 canvas of the scale's colours, high values at the top. */
export function colorBarCanvas(scale: ColorScale): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = 1;
  canvas.height = 256;
  const context = canvas.getContext('2d')!;
  const pixels = context.createImageData(1, 256);
  const [low, high] = scaleRange(scale);
  for (let y = 0; y < 256; y += 1) {
    const [r, g, b] = colorOf(scale, high - ((high - low) * y) / 255);
    pixels.data.set([r, g, b, 255], y * 4);
  }
  context.putImageData(pixels, 0, 0);
  return canvas;
}

function rectOf(frame: HeatmapFrame, region: MatrixRegion) {
  const { plot } = frame.layout;
  const placed = imagePlacement(region, frame.viewport, plot.size, plot.size);
  return { x: plot.x + placed.x, y: plot.y + placed.y, width: placed.width, height: placed.height };
}

function drawGrid(context: CanvasRenderingContext2D, frame: HeatmapFrame, blockSize: number): void {
  const { plot } = frame.layout;
  const { viewport } = frame;
  // Dark lines over the pale middle of the diverging scale, light ones over dark viridis.
  context.strokeStyle =
    frame.scale?.kind === 'sequential' ? 'rgba(255, 255, 255, 0.7)' : 'rgba(28, 33, 40, 0.55)';
  context.lineWidth = 1;
  context.beginPath();
  for (const col of blockGridLines(blockSize, viewport.cols[0], viewport.cols[1])) {
    const x = Math.round(plot.x + matrixToScreen(viewport, plot.size, plot.size, 0, col).x) + 0.5;
    context.moveTo(x, plot.y);
    context.lineTo(x, plot.y + plot.size);
  }
  for (const row of blockGridLines(blockSize, viewport.rows[0], viewport.rows[1])) {
    const y = Math.round(plot.y + matrixToScreen(viewport, plot.size, plot.size, row, 0).y) + 0.5;
    context.moveTo(plot.x, y);
    context.lineTo(plot.x + plot.size, y);
  }
  context.stroke();
}

function drawHighlight(
  context: CanvasRenderingContext2D,
  frame: HeatmapFrame,
  highlight: DiagonalHighlight,
): void {
  const [row0, col0] = highlight.origin;
  context.lineWidth = 1.5;
  context.strokeStyle = '#111';
  context.fillStyle = 'rgba(255, 214, 10, 0.55)';
  for (const run of wrappedDiagonalRuns(highlight.blockSize, highlight.lag)) {
    // Cell by cell while cells are visible, else one band along the run.
    const cells = run.length <= 1024;
    for (let j = 0; j < (cells ? run.length : 1); j += 1) {
      const length = cells ? 1 : run.length;
      const rows: [number, number] = [row0 + run.rowStart + j, row0 + run.rowStart + j + length];
      const cols: [number, number] = [col0 + run.colStart + j, col0 + run.colStart + j + length];
      const rect = rectOf(frame, { rows, cols });
      if (cells) {
        context.fillRect(rect.x, rect.y, rect.width, rect.height);
        if (rect.width > 6) context.strokeRect(rect.x, rect.y, rect.width, rect.height);
      } else {
        context.beginPath();
        context.moveTo(rect.x, rect.y);
        context.lineTo(rect.x + rect.width, rect.y + rect.height);
        context.stroke();
      }
    }
  }
}

function drawAxes(context: CanvasRenderingContext2D, frame: HeatmapFrame): void {
  const { plot } = frame.layout;
  const { viewport } = frame;
  context.strokeStyle = FRAME;
  context.lineWidth = 1;
  context.strokeRect(plot.x - 0.5, plot.y - 0.5, plot.size + 1, plot.size + 1);
  context.fillStyle = MUTED;
  context.font = `11px ${FONT}`;
  context.beginPath();
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (const col of integerTicks(viewport.cols[0], viewport.cols[1], 6)) {
    const x = plot.x + matrixToScreen(viewport, plot.size, plot.size, 0, col + 0.5).x;
    if (x < plot.x || x > plot.x + plot.size) continue;
    context.moveTo(x, plot.y + plot.size);
    context.lineTo(x, plot.y + plot.size + 4);
    context.fillText(String(col), x, plot.y + plot.size + 6);
  }
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const row of integerTicks(viewport.rows[0], viewport.rows[1], 6)) {
    const y = plot.y + matrixToScreen(viewport, plot.size, plot.size, row + 0.5, 0).y;
    if (y < plot.y || y > plot.y + plot.size) continue;
    context.moveTo(plot.x - 4, y);
    context.lineTo(plot.x, y);
    context.fillText(String(row), plot.x - 6, y);
  }
  context.stroke();
  context.textAlign = 'center';
  context.textBaseline = 'alphabetic';
  context.fillText(`${frame.axisLabel} j`, plot.x + plot.size / 2, plot.y + plot.size + 34);
  context.save();
  context.translate(12, plot.y + plot.size / 2);
  context.rotate(-Math.PI / 2);
  context.fillText(`${frame.axisLabel} i`, 0, 0);
  context.restore();
}

function drawColorBar(context: CanvasRenderingContext2D, frame: HeatmapFrame): void {
  const { bar } = frame.layout;
  if (!frame.scale || !frame.barImage) return;
  context.imageSmoothingEnabled = true;
  context.drawImage(frame.barImage, bar.x, bar.y, bar.width, bar.height);
  context.strokeStyle = FRAME;
  context.strokeRect(bar.x - 0.5, bar.y - 0.5, bar.width + 1, bar.height + 1);
  const [low, high] = scaleRange(frame.scale);
  context.fillStyle = MUTED;
  context.font = `11px ${FONT}`;
  context.textAlign = 'left';
  context.textBaseline = 'middle';
  context.beginPath();
  for (const tick of colorBarTicks(frame.scale)) {
    const y = bar.y + ((high - tick) / (high - low || 1)) * bar.height;
    context.moveTo(bar.x + bar.width, y);
    context.lineTo(bar.x + bar.width + 3, y);
    context.fillText(formatValue(Math.abs(tick) < 1e-12 ? 0 : tick, 'number'), bar.x + bar.width + 5, y);
  }
  context.stroke();
  context.save();
  context.translate(bar.x + bar.width + 52, bar.y + bar.height / 2);
  context.rotate(Math.PI / 2);
  context.textAlign = 'center';
  context.fillText(frame.barLabel, 0, 0);
  context.restore();
}

/** Draws the whole figure (the canvas already scaled to CSS pixels). */
export function drawHeatmap(context: CanvasRenderingContext2D, frame: HeatmapFrame): void {
  const { layout } = frame;
  const { plot } = layout;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, layout.width, layout.height);
  context.fillStyle = TEXT;
  context.font = `600 12.5px ${FONT}`;
  context.textAlign = 'left';
  context.textBaseline = 'alphabetic';
  context.fillText(frame.title, plot.x, 16, layout.width - plot.x - 4);
  context.fillStyle = MUTED;
  context.font = `11.5px ${FONT}`;
  context.fillText(frame.subtitle, plot.x, 33, layout.width - plot.x - 4);
  context.fillStyle = '#eef0f3';
  context.fillRect(plot.x, plot.y, plot.size, plot.size);
  context.save();
  context.beginPath();
  context.rect(plot.x, plot.y, plot.size, plot.size);
  context.clip();
  if (frame.image) {
    const shown = rectOf(frame, frame.image.region);
    const whole = rectOf(frame, frame.image.extent);
    context.save();
    context.beginPath();
    context.rect(shown.x, shown.y, shown.width, shown.height);
    context.clip();
    context.imageSmoothingEnabled = false;
    context.drawImage(frame.image.canvas, whole.x, whole.y, whole.width, whole.height);
    context.restore();
  }
  if (frame.gridBlockSize) drawGrid(context, frame, frame.gridBlockSize);
  if (frame.highlight) drawHighlight(context, frame, frame.highlight);
  for (const outline of frame.outlines) {
    const rect = rectOf(frame, outline.region);
    context.strokeStyle = outline.color;
    context.lineWidth = 2;
    context.strokeRect(rect.x, rect.y, Math.max(rect.width, 2), Math.max(rect.height, 2));
  }
  context.restore();
  drawAxes(context, frame);
  drawColorBar(context, frame);
}
