import type { MatrixView, OverviewReduction } from '@shared/inspect';
import { INSPECT_ORDERING_LABELS, type InspectOrdering } from './inspect-state';

/** A matrix's symbol, as the spec writes it: C for BT's cross-correlation, R for a view's correlation, K for VICReg's covariance. */
export const MATRIX_SYMBOLS: Readonly<Record<MatrixView, string>> = {
  cross: 'C',
  corr1: 'R¹',
  corr2: 'R²',
  cov1: 'K¹',
  cov2: 'K²',
};

const SHORT_NAMES: Readonly<Record<MatrixView, string>> = {
  cross: 'cross-correlation C',
  corr1: 'correlation R¹ (view 1)',
  corr2: 'correlation R² (view 2)',
  cov1: 'covariance K¹ (view 1)',
  cov2: 'covariance K² (view 2)',
};

/**
 * A figure's title in two lines, what a reader of the picture needs: which run at which step
 * (minus which, for a difference), then which matrix in which order.
 */
export function heatmapTitle(parts: {
  runName: string;
  step: number;
  view: MatrixView;
  ordering: InspectOrdering;
  minus?: { runName: string; step: number } | null;
}): { title: string; subtitle: string } {
  const { minus } = parts;
  const title = minus
    ? `${parts.runName} step ${parts.step} − ${minus.runName === parts.runName ? '' : `${minus.runName} `}step ${minus.step}`
    : `${parts.runName} · step ${parts.step}`;
  const subtitle = `${minus ? 'difference of ' : ''}${SHORT_NAMES[parts.view]} · ${INSPECT_ORDERING_LABELS[parts.ordering]} order`;
  return { title, subtitle };
}

/** The colour bar's title: the entry it colours, and how an overview cell summarises entries. */
export function valueLabel(
  view: MatrixView,
  reduce: OverviewReduction,
  exact: boolean,
  difference: boolean,
): string {
  const entry = `${difference ? 'Δ' : ''}${MATRIX_SYMBOLS[view]}ᵢⱼ`;
  if (exact) return entry;
  return reduce === 'rms' ? `RMS of ${entry} per cell` : `${entry}, largest |·| per cell`;
}

/** One line on what an image holds: exact entries, or cells of how many entries. */
export function resolutionText(
  image: { rows: number; cols: number; cellRows: number; cellCols: number },
  reduce: OverviewReduction,
): string {
  if (image.cellRows === 1 && image.cellCols === 1) return `exact: ${image.rows} × ${image.cols} entries`;
  const how = reduce === 'rms' ? 'RMS' : 'largest |value|';
  return `overview: ${image.rows} × ${image.cols} cells of ${image.cellRows} × ${image.cellCols} entries (${how})`;
}
