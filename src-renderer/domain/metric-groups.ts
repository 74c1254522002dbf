import { describeMetric, METRIC, METRIC_GROUPS, type MetricGroupId, type MetricUnit } from '@shared/metrics';

/** How a chart writes its values: on the axis, in the tooltip and as the latest value. */
export type MetricFormat = 'number' | 'percent' | 'ms' | 'bytes';

/** One chart of the Run page and the metric names it plots. */
export interface MetricChartGroup {
  id: string;
  title: string;
  names: string[];
  /** The main loss chart (gets the `metric-chart` test id and the most room). */
  primary: boolean;
  /** Default `number`. */
  format?: MetricFormat;
  /** The value axis's title with its unit (from the shared metric table), where known. */
  axisTitle?: string;
  /** Names drawn as stacked areas (parts of a whole), in stacking order from the bottom. */
  stacked?: string[];
  /** Draw every point (for series with few points, e.g. evaluations). */
  points?: boolean;
  /** Legend and tooltip names, by metric name; unlisted names show as they are. */
  labels?: Record<string, string>;
}

const FORMAT_OF_UNIT: Record<MetricUnit, MetricFormat> = {
  number: 'number',
  ratio: 'percent',
  ms: 'ms',
  bytes: 'bytes',
  count: 'number',
  'per-second': 'number',
};

// Names the engine does not write (older or imported runs) that still belong with its charts.
const LOSS_TERM =
  /^loss[/._:-]|^(invariance|variance|covariance|on[_-]?diag(onal)?|off[_-]?diag(onal)?)([/._:-]|$)/i;
const LEARNING_RATE = /(^|[/._:-])(lr|learning[_-]?rate)$/i;

/** The parts of a training step, stacked in this order (their sum is about `time/step_ms`). */
const STEP_PARTS: string[] = [METRIC.dataMs, METRIC.forwardMs, METRIC.backwardMs];
const STEP_TOTAL: string = METRIC.stepMs;

/** A chart title for a metric name: `step_time_ms` -> `Step time (ms)`, `knnTop1` -> `Knn top1`. */
export function metricTitle(name: string): string {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[\s_/.:-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
  const unit =
    words.length > 1 && ['ms', 's', 'bytes', 'mb'].includes(words[words.length - 1] as string)
      ? words.pop()
      : undefined;
  const text = words.join(' ');
  const title = text.charAt(0).toUpperCase() + text.slice(1);
  return unit ? `${title} (${unit})` : title;
}

/** The shared table's chart for a name, else a chart the name's form suggests, else none. */
function groupOf(name: string): MetricGroupId | undefined {
  const known = describeMetric(name)?.group;
  if (known) return known;
  if (LEARNING_RATE.test(name)) return 'learning-rate';
  if (LOSS_TERM.test(name)) return 'loss-terms';
  return undefined;
}

/** The legend name: the shared table's label, else the name without its `loss/`-like prefix. */
function labelOf(name: string): string {
  return describeMetric(name)?.label ?? name.replace(/^loss[/._:-]/i, '');
}

/** `knn/top1` before `knn/top5` before `knn/top10`. */
const byNumberInName = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

/** Step-time parts first (stacking order), then the total, then any other timing. */
function orderTimes(names: string[]): string[] {
  const parts = STEP_PARTS.filter((name) => names.includes(name));
  return [
    ...parts,
    ...names.filter((name) => name === STEP_TOTAL),
    ...names.filter((name) => !parts.includes(name) && name !== STEP_TOTAL),
  ];
}

/** One chart of a shared-table group, its look (unit, axis, points) from the table. */
function chartOf(id: MetricGroupId, names: string[]): MetricChartGroup {
  const group: { title: string; axisTitle: string; unit: MetricUnit; sparse?: boolean } = METRIC_GROUPS[id];
  const ordered = id === 'step-time' ? orderTimes(names) : group.sparse ? names.sort(byNumberInName) : names;
  const format = FORMAT_OF_UNIT[group.unit];
  const stacked = id === 'step-time' ? STEP_PARTS.filter((name) => ordered.includes(name)) : [];
  return {
    id,
    title: group.title,
    names: ordered,
    primary: false,
    axisTitle: group.axisTitle,
    ...(format === 'number' ? {} : { format }),
    ...(stacked.length > 1 ? { stacked } : {}),
    ...(group.sparse ? { points: true } : {}),
    labels: Object.fromEntries(ordered.map((name) => [name, labelOf(name)])),
  };
}

/**
 * Sorts a run's metric names into charts, one per group of the shared metric table
 * (src-shared/metrics.ts) in its order: the loss; kNN accuracy and the online probe's (in
 * percent, every evaluation a point); the loss terms; the learning rate; where a step's time
 * goes (data / forward / backward stacked, the total as a line); throughput; memory; live
 * tensors; then one chart per other metric (their scales rarely match).
 */
export function groupMetricNames(names: readonly string[]): MetricChartGroup[] {
  // Without a loss (a run that failed before its first step) there is no main chart: the page
  // shows an empty one rather than promoting, say, the initial kNN accuracy.
  const primaryName = names.includes(METRIC.loss)
    ? METRIC.loss
    : names.find((name) => /loss/i.test(name) && groupOf(name) === undefined);
  const byGroup = new Map<MetricGroupId, string[]>();
  const others: string[] = [];
  for (const name of names) {
    if (name === primaryName) continue;
    const id = groupOf(name);
    if (id === undefined) others.push(name);
    else byGroup.set(id, [...(byGroup.get(id) ?? []), name]);
  }
  const groups: MetricChartGroup[] = [];
  if (primaryName !== undefined) {
    groups.push({
      id: 'loss',
      title: primaryName === METRIC.loss ? METRIC_GROUPS.loss.title : primaryName,
      names: [primaryName],
      primary: true,
      ...(primaryName === METRIC.loss ? { axisTitle: METRIC_GROUPS.loss.axisTitle } : {}),
    });
  }
  for (const id of Object.keys(METRIC_GROUPS) as MetricGroupId[]) {
    const members = byGroup.get(id);
    if (members) groups.push(chartOf(id, members));
  }
  for (const name of others)
    groups.push({ id: `metric:${name}`, title: metricTitle(name), names: [name], primary: false });
  return groups;
}
