/**
 * Colour maps for matrix pictures, shared by the renderer's heatmaps and the CLI's PNG writer so a
 * picture looks the same wherever it is made.
 *
 * Both maps interpolate linearly in sRGB between published anchor colours, as matplotlib's
 * LinearSegmentedColormap does, so the results match the familiar figures.
 */

/** An sRGB colour, each channel an integer 0..255. */
export type Rgb = [number, number, number];

/**
 * ColorBrewer RdBu (11 classes, https://colorbrewer2.org), listed from the most negative value to the
 * most positive: blue below zero, near-white at zero, red above (matplotlib's 'RdBu_r').
 */
const DIVERGING_ANCHORS: readonly Rgb[] = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** viridis at t = 0, 1/9, ..., 1 (matplotlib; perceptually uniform and readable in greyscale). */
const SEQUENTIAL_ANCHORS: readonly Rgb[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [180, 222, 44],
  [253, 231, 37],
];

/** Colour of missing values (NaN: a cell with no entries, a masked diagonal). */
export const MISSING_COLOR: Rgb = [200, 200, 200];

/** Colour at position t in 0..1 along a list of evenly spaced anchors. */
function interpolate(anchors: readonly Rgb[], t: number): Rgb {
  const last = anchors.length - 1;
  const position = Math.min(Math.max(t, 0), 1) * last;
  const index = Math.min(Math.floor(position), last - 1);
  const fraction = position - index;
  const low = anchors[index] as Rgb;
  const high = anchors[index + 1] as Rgb;
  return [
    Math.round(low[0] + (high[0] - low[0]) * fraction),
    Math.round(low[1] + (high[1] - low[1]) * fraction),
    Math.round(low[2] + (high[2] - low[2]) * fraction),
  ];
}

/**
 * Diverging colour of `value` on the symmetric scale -limit..limit (e.g. 1 for correlations): blue for
 * negative, near-white at 0, red for positive; values beyond the limit take the end colours. NaN (and a
 * limit that is not a positive finite number) gives MISSING_COLOR.
 */
export function divergingColor(value: number, limit: number): Rgb {
  if (Number.isNaN(value) || !(limit > 0) || !Number.isFinite(limit)) return [...MISSING_COLOR];
  return interpolate(DIVERGING_ANCHORS, (value / limit + 1) / 2);
}

/**
 * Sequential (viridis) colour of t in 0..1, dark purple at 0 to yellow at 1; t outside is clamped and
 * NaN gives MISSING_COLOR.
 */
export function sequentialColor(t: number): Rgb {
  if (Number.isNaN(t)) return [...MISSING_COLOR];
  return interpolate(SEQUENTIAL_ANCHORS, t);
}
