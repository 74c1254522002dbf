import { inspectMetric } from './metrics';

/**
 * The decorrelation inspector's shared names and shapes (issue 12): what a snapshot is, which
 * matrices can be derived from one, and what the main side sends back. Both ends import these;
 * the math lives in src-main/ml/inspect/.
 *
 * A snapshot holds the projector outputs Z1, Z2 (n x d) and backbone features H1, H2 (n x f)
 * of a fixed probe batch, never a d x d matrix: every matrix view is derived from it on demand,
 * as an overview of at most `INSPECT_LIMITS.maxCells` square cells or an exact tile.
 */

/**
 * The d x d matrices a snapshot yields:
 * - `cross`: Barlow Twins' cross-correlation C = A1^T A2 / N, with A the batch-standardised
 *   views (biased variance, eps 1e-5), exactly as the BT and sBT losses form it;
 * - `corr1`, `corr2`: each view's own correlation A^T A / N;
 * - `cov1`, `cov2`: VICReg's covariance K = Zc^T Zc / (N - 1) of each view (centred, unscaled).
 */
export const MATRIX_VIEWS = ['cross', 'corr1', 'corr2', 'cov1', 'cov2'] as const;
export type MatrixView = (typeof MATRIX_VIEWS)[number];

export const MATRIX_VIEW_LABELS: Readonly<Record<MatrixView, string>> = {
  cross: 'cross-correlation C (BT)',
  corr1: 'correlation of view 1',
  corr2: 'correlation of view 2',
  cov1: 'covariance K of view 1 (VICReg)',
  cov2: 'covariance K of view 2 (VICReg)',
};

/**
 * Feature order of rows and columns: `original` (the network's), or `permuted` (position j holds
 * feature permutation[j], the order the relaxed loss groups at that step). The block grid of
 * the run's b is drawn by the renderer over the permuted order.
 */
export const MATRIX_ORDERS = ['original', 'permuted'] as const;
export type MatrixOrder = (typeof MATRIX_ORDERS)[number];

/** How an overview cell summarises its block: the signed entry of largest |value|, or the RMS. */
export const OVERVIEW_REDUCTIONS = ['extreme', 'rms'] as const;
export type OverviewReduction = (typeof OVERVIEW_REDUCTIONS)[number];

export const SNAPSHOT_DTYPES = ['float32', 'float16'] as const;
export type SnapshotDtype = (typeof SNAPSHOT_DTYPES)[number];

/** Where a snapshot came from: taken during training, or computed later from a checkpoint. */
export const SNAPSHOT_SOURCES = ['training', 'checkpoint'] as const;
export type SnapshotSource = (typeof SNAPSHOT_SOURCES)[number];

export const INSPECT_LIMITS = {
  /** An overview has at most this many cells per side; a region this small or smaller is exact. */
  maxCells: 512,
  /** The largest embedding dimension the inspector handles (the run config's maximum d). */
  maxDimension: 32768,
  /** Probe images per snapshot. */
  maxProbeImages: 4096,
  /**
   * Bytes of one stored snapshot: SQLite's longest value (SQLITE_MAX_LENGTH), as a snapshot is one
   * blob. Only the largest probe batches at the largest d in float32 pass it; float16 fits.
   */
  maxSnapshotBytes: 1_000_000_000,
} as const;

/**
 * A feature is counted as collapsed when its standard deviation over the probe batch is below
 * this fraction of the root mean square of all features' standard deviations: scale-free, so it
 * means the same for raw covariance (VICReg) and standardised (BT) views.
 */
export const COLLAPSED_STD_FRACTION = 0.01;

/** The inspector's metric series (the `inspect/*` family of the shared metric contract). */
export const INSPECT_METRICS = {
  /**
   * The loss's off-diagonal term with b = 1 (every entry its own block: no relaxation):
   * BT family sum_{i != j} phi_q(C_ij); VICReg family the covariance terms of both views.
   */
  offDiagonalExact: inspectMetric('offDiagonalExact'),
  /** The same term at the run's b and q with the snapshot's permutation: what the loss sees. */
  offDiagonalRelaxed: inspectMetric('offDiagonalRelaxed'),
  /** RankMe (Garrido et al. 2023) of the projector output Z1. */
  rankMeZ: inspectMetric('rankMeZ'),
  /** RankMe of the backbone features H1. */
  rankMeBackbone: inspectMetric('rankMeBackbone'),
  /** Features of Z1 whose standard deviation is below COLLAPSED_STD_FRACTION of the typical one. */
  collapsedFeatures: inspectMetric('collapsedFeatures'),
} as const;

/**
 * The numbers of one inspector snapshot (issue 12): a fixed probe batch's projector outputs and
 * backbone features, with the permutation the loss used at that step. Everything the inspector
 * shows is derived from these on demand; nothing of size d x d is ever stored.
 */
export interface SnapshotData {
  /** Probe images. */
  n: number;
  /** Embedding dimension (projector output). */
  d: number;
  /** Backbone feature width; 0 when no backbone features were stored. */
  featureDim: number;
  /** n x d row-major projector outputs of view 1 and view 2. */
  z1: Float32Array;
  z2: Float32Array;
  /** n x featureDim row-major backbone features of both views (null when featureDim is 0). */
  h1: Float32Array | null;
  h2: Float32Array | null;
  /** The loss's feature permutation at that step (new position j holds old feature permutation[j]). */
  permutation: Int32Array | null;
}

export interface SnapshotSummary {
  id: number;
  runId: number;
  step: number;
  epoch: number;
  source: SnapshotSource;
  createdAt: number;
  /** Probe images. */
  n: number;
  /** Embedding dimension (projector output). */
  d: number;
  /** Backbone feature width; 0 when the backbone features were not stored. */
  featureDim: number;
  dtype: SnapshotDtype;
  /** Stored bytes of Z1, Z2, H1, H2 and the permutation. */
  bytes: number;
  /** The step's feature permutation is stored (relaxed losses with permutation 'batch'). */
  hasPermutation: boolean;
  probeSeed: number;
}

/** A rectangle of the d x d matrix in the chosen order: rows [r0, r1) x columns [c0, c1). */
export interface MatrixRegion {
  rows: [number, number];
  cols: [number, number];
}

/**
 * A region of a matrix view, either exact (cellRows = cellCols = 1) or summarised into cells of
 * cellRows x cellCols entries (the last row or column of cells may be narrower).
 * `values` is row-major float32, little-endian, base64 (see encodeFloat32/decodeFloat32).
 */
export interface MatrixCells {
  snapshotId: number;
  view: MatrixView;
  order: MatrixOrder;
  reduce: OverviewReduction;
  /** The diagonal (i = j) is left out of every cell (its cells are NaN when they hold nothing else). */
  maskDiagonal: boolean;
  /** Set when this is the difference to another snapshot: this minus that (same d). */
  minusSnapshotId: number | null;
  d: number;
  region: MatrixRegion;
  cellRows: number;
  cellCols: number;
  /** Cells per side. */
  rows: number;
  cols: number;
  values: string;
  /** Smallest and largest finite cell value. */
  min: number;
  max: number;
  /** How long the computation took; 0 when the result came from the cache. */
  computeMs: number;
  cached: boolean;
}

/** What the relaxed loss sees at one snapshot (spec sections 4-6). */
export interface SummaryView {
  snapshotId: number;
  /** The loss family the summaries follow: 'bt' for BT and sBT, 'vicreg' for VICReg and sVICReg. */
  family: 'bt' | 'vicreg';
  /** For the VICReg family the summaries are of one view's covariance; for BT of C. */
  view: MatrixView;
  blockSize: number;
  groups: number;
  q: 1 | 2;
  /** The permutation was applied (else the original order). */
  permuted: boolean;
  /**
   * G x G row-major (float32 base64): pair (g, h)'s contribution weight_gh * sum_k phi_q(r_gh[k])
   * (lag 0 left out of diagonal blocks; 0 for pairs the loss leaves out).
   */
  contributions: string;
  /** The loss's off-diagonal term from these summaries (sum of the contributions). */
  relaxedPenalty: number;
  /** The same term with b = 1 (no relaxation). */
  exactPenalty: number;
  computeMs: number;
}

/** One block pair: its summary vector r_gh[0..b-1] (the loss's values, as it weights them). */
export interface SummaryPair {
  snapshotId: number;
  g: number;
  h: number;
  blockSize: number;
  /** r_gh[k] for k = 0..b-1 (float32 base64). */
  r: string;
  /** Lag 0 is left out of the penalty (diagonal blocks). */
  lagZeroExcluded: boolean;
  /** The block in the matrix, in permuted order: rows g b .. , columns h b .. (clipped to d). */
  region: MatrixRegion;
}

export interface SpectrumPart {
  /** Eigenvalues of the covariance, largest first (at most min(n - 1, width) nonzero ones). */
  eigenvalues: number[];
  /** RankMe: exp of the entropy of the normalised singular values of the (uncentred) matrix. */
  rankMe: number;
  /** Per-feature standard deviation histogram over log-spaced bins. */
  stdHistogram: { edges: number[]; counts: number[] };
  collapsed: number;
  width: number;
}

export interface SpectrumView {
  snapshotId: number;
  z: SpectrumPart;
  /** Null when the snapshot holds no backbone features. */
  backbone: SpectrumPart | null;
  computeMs: number;
}

/** A job computing a snapshot from a stored checkpoint (issue 12 point 4). */
export interface CaptureJob {
  id: number;
  runId: number;
  checkpointStep: number;
  status: 'running' | 'completed' | 'failed';
  stage: string;
  done: number;
  total: number;
  error: string | null;
  snapshotId: number | null;
}

/** Progress of a long derivation (an overview at large d), pushed while it runs. */
export interface InspectProgress {
  snapshotId: number;
  /** The request this is about (the call's cache key). */
  key: string;
  done: number;
  total: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_INDEX[BASE64.charCodeAt(i)] = i;
const BASE64_CODES = Uint8Array.from(BASE64, (character) => character.charCodeAt(0));

/**
 * Float32 values as little-endian base64: JSON carries them at 4/3 of their bytes, over IPC and
 * HTTP alike. Written out by hand because neither Node's Buffer nor the browser's btoa exists on
 * both ends.
 */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  // ASCII codes into one byte array, turned into text in chunks: string concatenation per
  // character took about a second for a 512 x 512 overview.
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const pad = 61; // '='
  let o = 0;
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    out[o++] = BASE64_CODES[b0 >> 2]!;
    out[o++] = BASE64_CODES[((b0 & 3) << 4) | (b1 >> 4)]!;
    out[o++] = i + 1 < bytes.length ? BASE64_CODES[((b1 & 15) << 2) | (b2 >> 6)]! : pad;
    out[o++] = i + 2 < bytes.length ? BASE64_CODES[b2 & 63]! : pad;
  }
  const parts: string[] = [];
  for (let i = 0; i < out.length; i += 0x8000)
    parts.push(String.fromCharCode(...out.subarray(i, Math.min(i + 0x8000, out.length))));
  return parts.join('');
}

export function decodeFloat32(text: string): Float32Array {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const length = (text.length / 4) * 3 - padding;
  if (text.length % 4 !== 0 || length % 4 !== 0) throw new Error('decodeFloat32: not base64 float32 data');
  const bytes = new Uint8Array(length);
  let out = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c0 = BASE64_INDEX[text.charCodeAt(i)]!;
    const c1 = BASE64_INDEX[text.charCodeAt(i + 1)]!;
    const c2 = text[i + 2] === '=' ? 0 : BASE64_INDEX[text.charCodeAt(i + 2)]!;
    const c3 = text[i + 3] === '=' ? 0 : BASE64_INDEX[text.charCodeAt(i + 3)]!;
    if (c0 < 0 || c1 < 0 || c2 < 0 || c3 < 0) throw new Error('decodeFloat32: not base64 float32 data');
    const triple = (c0 << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (out < length) bytes[out++] = triple >> 16;
    if (out < length) bytes[out++] = (triple >> 8) & 255;
    if (out < length) bytes[out++] = triple & 255;
  }
  return new Float32Array(bytes.buffer);
}
