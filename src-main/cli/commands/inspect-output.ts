import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import {
  MATRIX_VIEW_LABELS,
  type MatrixCells,
  type SnapshotSummary,
  type SummaryView,
} from '@shared/inspect';
import { encodeNpy } from '../../export/npy';
import { UsageError } from '../command';
import { formatTick, writeHeatmapPng, type HeatmapScale } from './inspect-png';

/** What `inspect` computed, ready to write. */
export type InspectOutput =
  | { kind: 'matrix'; cells: MatrixCells; values: Float32Array }
  | { kind: 'summary'; summary: SummaryView; values: Float32Array }
  | { kind: 'pair'; g: number; h: number; r: Float32Array; lagZeroExcluded: boolean }
  | { kind: 'spectrum'; eigenvalues: number[]; rankMe: number; of: 'Z1' | 'H1' };

export type OutputFormat = 'npy' | 'csv' | 'png';

export function outputFormat(path: string): OutputFormat {
  const extension = extname(path).toLowerCase().slice(1);
  if (extension === 'npy' || extension === 'csv' || extension === 'png') return extension;
  throw new UsageError(`--out must end in .npy, .csv or .png, not "${extname(path) || path}"`);
}

export interface Written {
  format: OutputFormat;
  shape: number[];
  description: string;
  /** The PNG's colour scale in words. */
  legend?: string;
  width?: number;
  height?: number;
}

/** NaN (a cell with no entry) as numpy's `nan`, so `numpy.loadtxt(..., delimiter=',')` reads it back. */
const csvNumber = (value: number) => (Number.isNaN(value) ? 'nan' : String(value));

function gridCsv(values: ArrayLike<number>, rows: number, cols: number): string {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const line: string[] = [];
    for (let j = 0; j < cols; j++) line.push(csvNumber(values[i * cols + j]!));
    lines.push(line.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function describe(output: InspectOutput, snapshot: SnapshotSummary): { shape: number[]; text: string } {
  const where = `Step ${snapshot.step} (snapshot ${snapshot.id}, n ${snapshot.n}, d ${snapshot.d})`;
  switch (output.kind) {
    case 'matrix': {
      const { cells } = output;
      const exact = cells.cellRows === 1 && cells.cellCols === 1;
      const how = exact
        ? 'exact values'
        : `${cells.rows} x ${cells.cols} cells of ${cells.cellRows} x ${cells.cellCols} entries (${cells.reduce === 'rms' ? 'root mean square' : 'largest |value|'})`;
      const region = `rows [${cells.region.rows.join(', ')}) x columns [${cells.region.cols.join(', ')})`;
      const range = `values ${formatTick(cells.min)} .. ${formatTick(cells.max)}`;
      const minus = cells.minusSnapshotId === null ? '' : `, minus snapshot ${cells.minusSnapshotId}`;
      const extra = `${cells.order} order${cells.maskDiagonal ? ', diagonal masked' : ''}${minus}`;
      return {
        shape: [cells.rows, cells.cols],
        text: `${where}: ${MATRIX_VIEW_LABELS[cells.view]}, ${region}, ${how}, ${extra}; ${range}`,
      };
    }
    case 'summary': {
      const { summary } = output;
      return {
        shape: [summary.groups, summary.groups],
        text: `${where}: contributions of the ${summary.groups} x ${summary.groups} block pairs (b = ${summary.blockSize}, q = ${summary.q}${summary.permuted ? ', permuted' : ''}) of ${MATRIX_VIEW_LABELS[summary.view]}; relaxed penalty ${formatTick(summary.relaxedPenalty)}, exact (b = 1) ${formatTick(summary.exactPenalty)}`,
      };
    }
    case 'pair':
      return {
        shape: [output.r.length],
        text: `${where}: summary vector r_gh[k] of block pair (${output.g}, ${output.h}), k = 0..${output.r.length - 1}${output.lagZeroExcluded ? ' (lag 0 is not penalised: a diagonal block)' : ''}`,
      };
    case 'spectrum':
      return {
        shape: [output.eigenvalues.length],
        text: `${where}: ${output.eigenvalues.length} eigenvalues of the covariance of ${output.of}, largest first; RankMe ${output.rankMe.toFixed(2)}`,
      };
  }
}

function pngScale(output: Extract<InspectOutput, { kind: 'matrix' | 'summary' }>): HeatmapScale {
  if (output.kind === 'summary') return { kind: 'sequential', max: Math.max(0, ...finite(output.values)) };
  const { cells } = output;
  if (cells.reduce === 'rms' && !(cells.cellRows === 1 && cells.cellCols === 1))
    return { kind: 'sequential', max: Math.max(0, cells.max) };
  const correlation = cells.view === 'cross' || cells.view === 'corr1' || cells.view === 'corr2';
  if (correlation && cells.minusSnapshotId === null) return { kind: 'diverging', limit: 1 };
  const limit = Math.max(Math.abs(cells.min), Math.abs(cells.max));
  return { kind: 'diverging', limit: limit > 0 ? limit : 1 };
}

function finite(values: Float32Array): number[] {
  const out: number[] = [];
  for (const value of values) if (Number.isFinite(value)) out.push(value);
  return out;
}

function legendOf(scale: HeatmapScale): string {
  return scale.kind === 'diverging'
    ? `Colour scale: blue ${formatTick(-scale.limit)} .. white 0 .. red ${formatTick(scale.limit)} (RdBu; beyond the ends clamped); grey: no value`
    : `Colour scale: viridis, dark purple 0 .. yellow ${formatTick(scale.max)}; grey: no value`;
}

export async function writeInspectOutput(
  path: string,
  format: OutputFormat,
  output: InspectOutput,
  snapshot: SnapshotSummary,
  /** Draw the loss's block grid (every this many features) over a matrix PNG. */
  gridEvery?: number,
): Promise<Written> {
  const { shape, text } = describe(output, snapshot);
  const values =
    output.kind === 'pair'
      ? output.r
      : output.kind === 'spectrum'
        ? Float32Array.from(output.eigenvalues)
        : output.values;
  if (format === 'npy') {
    writeFileSync(path, encodeNpy({ dtype: 'float32', shape, data: values }));
    return { format, shape, description: text };
  }
  if (format === 'csv') {
    let csv: string;
    if (output.kind === 'pair')
      csv = `k,r\n${Array.from(output.r, (r, k) => `${k},${csvNumber(r)}`).join('\n')}\n`;
    else if (output.kind === 'spectrum')
      csv = `index,eigenvalue\n${output.eigenvalues.map((value, i) => `${i},${csvNumber(value)}`).join('\n')}\n`;
    else csv = gridCsv(values, shape[0]!, shape[1]!);
    writeFileSync(path, csv);
    return { format, shape, description: text };
  }
  if (output.kind !== 'matrix' && output.kind !== 'summary')
    throw new UsageError('Only matrices are written as .png');
  const scale = pngScale(output);
  const title =
    output.kind === 'matrix'
      ? `${MATRIX_VIEW_LABELS[output.cells.view]}${output.cells.minusSnapshotId === null ? '' : ' (difference)'}, step ${snapshot.step}, rows ${output.cells.region.rows.join('-')}, cols ${output.cells.region.cols.join('-')}`
      : `block-pair contributions (b = ${output.summary.blockSize}), step ${snapshot.step}`;
  const grid =
    gridEvery !== undefined && output.kind === 'matrix'
      ? {
          every: gridEvery,
          rowStart: output.cells.region.rows[0],
          colStart: output.cells.region.cols[0],
          cell: output.cells.cellRows,
        }
      : undefined;
  const layout = await writeHeatmapPng(
    path,
    { rows: shape[0]!, cols: shape[1]!, values },
    scale,
    title,
    grid,
  );
  return {
    format,
    shape,
    description: text,
    legend: legendOf(scale),
    width: layout.width,
    height: layout.height,
  };
}
