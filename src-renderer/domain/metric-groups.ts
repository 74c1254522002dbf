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
  /** Names drawn as stacked areas (parts of a whole), in stacking order from the bottom. */
  stacked?: string[];
  /** Draw every point (for series with few points, e.g. evaluations). */
  points?: boolean;
  /** Legend and tooltip names, by metric name; unlisted names show as they are. */
  labels?: Record<string, string>;
}

const LOSS_TERM =
  /^loss[/._:-]|^(invariance|variance|covariance|on[_-]?diag(onal)?|off[_-]?diag(onal)?)([/._:-]|$)/i;
const LEARNING_RATE = /(^|[/._:-])(lr|learning[_-]?rate)$/i;
const KNN = /^knn\//;
const PROBE_ACCURACY = /^probe\/.*top\d+$/;
const TIME = /^time\/(.+)_ms$/;
const MEMORY_BYTES = /^memory\/(.+)_bytes$/;

/** The parts of a training step, stacked in this order (their sum is about `time/step_ms`). */
const STEP_PARTS = ['time/data_ms', 'time/forward_ms', 'time/backward_ms'];
const STEP_TOTAL = 'time/step_ms';

const KNOWN_LABELS: Record<string, string> = {
  'knn/top1': 'top-1',
  'knn/top5': 'top-5',
  'time/data_ms': 'data',
  'time/forward_ms': 'forward',
  'time/backward_ms': 'backward',
  'time/step_ms': 'total',
  'memory/tfjs_bytes': 'tensors (tfjs)',
  'memory/rss_bytes': 'process (RSS)',
  'probe/train_top1': 'train top-1',
  'probe/val_top1': 'held-out top-1',
};

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

function labelsFor(names: readonly string[], label: (name: string) => string): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, KNOWN_LABELS[name] ?? label(name)]));
}

/** `knn/top1` before `knn/top5` before `knn/top10`. */
const byNumberInName = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' });

/**
 * Sorts a run's metric names into charts: the loss; kNN accuracy (top-1 and top-5, in percent,
 * every evaluation a point); the online probe's accuracy likewise; the loss terms together; the learning rate; where a step's time
 * goes (data / forward / backward stacked, the total as a line); throughput; memory in
 * bytes; live tensors; then one chart per other metric (their scales rarely match).
 */
export function groupMetricNames(names: readonly string[]): MetricChartGroup[] {
  // Without a loss (a run that failed before its first step) there is no main chart: the page
  // shows an empty one rather than promoting, say, the initial kNN accuracy.
  const primaryName = names.includes('loss') ? 'loss' : names.find((name) => /loss/i.test(name));
  const knn: string[] = [];
  const probe: string[] = [];
  const terms: string[] = [];
  const rates: string[] = [];
  const times: string[] = [];
  const memory: string[] = [];
  const others: string[] = [];
  for (const name of names) {
    if (name === primaryName) continue;
    if (KNN.test(name)) knn.push(name);
    else if (PROBE_ACCURACY.test(name)) probe.push(name);
    else if (LEARNING_RATE.test(name)) rates.push(name);
    else if (LOSS_TERM.test(name)) terms.push(name);
    else if (TIME.test(name)) times.push(name);
    else if (MEMORY_BYTES.test(name)) memory.push(name);
    else others.push(name);
  }
  const groups: MetricChartGroup[] = [];
  if (primaryName !== undefined) {
    groups.push({
      id: 'loss',
      title: primaryName === 'loss' ? 'Loss' : primaryName,
      names: [primaryName],
      primary: true,
    });
  }
  if (knn.length > 0) {
    knn.sort(byNumberInName);
    groups.push({
      id: 'knn',
      title: 'kNN accuracy',
      names: knn,
      primary: false,
      format: 'percent',
      points: true,
      labels: labelsFor(knn, (name) => name.replace(KNN, '')),
    });
  }
  if (probe.length > 0) {
    probe.sort(byNumberInName);
    groups.push({
      id: 'probe',
      title: 'Online probe accuracy',
      names: probe,
      primary: false,
      format: 'percent',
      points: true,
      labels: labelsFor(probe, (name) => name.replace(/^probe\//, '').replace(/_/g, ' ')),
    });
  }
  if (terms.length > 0)
    groups.push({
      id: 'loss-terms',
      title: 'Loss terms',
      names: terms,
      primary: false,
      labels: labelsFor(terms, (name) => name.replace(/^loss[/._:-]/i, '')),
    });
  if (rates.length > 0)
    groups.push({ id: 'learning-rate', title: 'Learning rate', names: rates, primary: false });
  if (times.length > 0) {
    const stacked = STEP_PARTS.filter((name) => times.includes(name));
    const ordered = [
      ...stacked,
      ...times.filter((name) => name === STEP_TOTAL),
      ...times.filter((name) => !stacked.includes(name) && name !== STEP_TOTAL),
    ];
    groups.push({
      id: 'step-time',
      title: 'Step time (ms)',
      names: ordered,
      primary: false,
      format: 'ms',
      ...(stacked.length > 1 ? { stacked } : {}),
      labels: labelsFor(ordered, (name) => (TIME.exec(name)?.[1] ?? name).replace(/_/g, ' ')),
    });
  }
  const rest = [...others];
  const take = (name: string): boolean => {
    const index = rest.indexOf(name);
    if (index !== -1) rest.splice(index, 1);
    return index !== -1;
  };
  if (take('samples_per_second'))
    groups.push({
      id: 'throughput',
      title: 'Throughput (samples/s)',
      names: ['samples_per_second'],
      primary: false,
    });
  if (memory.length > 0)
    groups.push({
      id: 'memory',
      title: 'Memory',
      names: memory,
      primary: false,
      format: 'bytes',
      labels: labelsFor(memory, (name) => (MEMORY_BYTES.exec(name)?.[1] ?? name).replace(/_/g, ' ')),
    });
  if (take('memory/tensors'))
    groups.push({ id: 'tensors', title: 'Live tensors', names: ['memory/tensors'], primary: false });
  for (const name of rest)
    groups.push({ id: `metric:${name}`, title: metricTitle(name), names: [name], primary: false });
  return groups;
}
