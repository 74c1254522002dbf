/**
 * Where the parts of a heatmap figure go (no DOM here: the end-to-end test finds cells with it).
 */

/** Room around the plot: tick labels and axis titles, the two title lines, the colour bar. */
export const HEATMAP_MARGIN = { left: 50, right: 96, top: 46, bottom: 42 } as const;

export interface HeatmapLayout {
  width: number;
  height: number;
  plot: { x: number; y: number; size: number };
  bar: { x: number; y: number; width: number; height: number };
}

/** The figure's layout for a canvas `width` CSS pixels wide: a square plot, the colour bar beside it. */
export function heatmapLayout(width: number): HeatmapLayout {
  const size = Math.max(60, Math.floor(width - HEATMAP_MARGIN.left - HEATMAP_MARGIN.right));
  return {
    width,
    height: size + HEATMAP_MARGIN.top + HEATMAP_MARGIN.bottom,
    plot: { x: HEATMAP_MARGIN.left, y: HEATMAP_MARGIN.top, size },
    bar: { x: HEATMAP_MARGIN.left + size + 16, y: HEATMAP_MARGIN.top, width: 12, height: size },
  };
}
