/**
 * The only place ECharts parts are registered: just what the charts use (metric lines, the
 * kNN heatmap, the comparison's scatter, the inspector's bars and marked steps), through
 * `echarts/core`, so the bundle does not carry the whole library.
 */
import { use, type ComposeOption } from 'echarts/core';
import {
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  type BarSeriesOption,
  type HeatmapSeriesOption,
  type LineSeriesOption,
  type ScatterSeriesOption,
} from 'echarts/charts';
import {
  DataZoomComponent,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  type DataZoomComponentOption,
  type DatasetComponentOption,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
// The SVG renderer serves the Compare page's SVG export (a chart drawn once, off screen).
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([
  LineChart,
  BarChart,
  MarkLineComponent,
  HeatmapChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomComponent,
  DatasetComponent,
  VisualMapContinuousComponent,
  CanvasRenderer,
  SVGRenderer,
]);

export type MetricChartOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | DatasetComponentOption
>;

/** The Compare page's accuracy-against-cost plot. */
export type CompareScatterOption = ComposeOption<
  ScatterSeriesOption | GridComponentOption | TooltipComponentOption
>;

export type KnnHeatmapOption = ComposeOption<
  HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

/** The Inspect tab's charts: metric lines with the current step marked, the scree plot, bars. */
export type InspectChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkLineComponentOption
>;
