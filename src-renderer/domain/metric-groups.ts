/** One chart of the Run page and the metric names it plots. */
export interface MetricChartGroup {
  id: string;
  title: string;
  names: string[];
  /** The main loss chart (gets the `metric-chart` test id and the most room). */
  primary: boolean;
}

const LOSS_TERM =
  /^loss[/._:-]|^(invariance|variance|covariance|on[_-]?diag(onal)?|off[_-]?diag(onal)?)([/._:-]|$)/i;
const LEARNING_RATE = /(^|[/._:-])(lr|learning[_-]?rate)$/i;

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

/**
 * Sorts a run's metric names into charts: the loss, its terms together, the learning rate,
 * then one chart per other metric (their scales rarely match).
 */
export function groupMetricNames(names: readonly string[]): MetricChartGroup[] {
  const primaryName = names.includes('loss')
    ? 'loss'
    : (names.find((name) => /loss/i.test(name)) ?? names[0]);
  const terms: string[] = [];
  const rates: string[] = [];
  const others: string[] = [];
  for (const name of names) {
    if (name === primaryName) continue;
    if (LEARNING_RATE.test(name)) rates.push(name);
    else if (LOSS_TERM.test(name)) terms.push(name);
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
  if (terms.length > 0) groups.push({ id: 'loss-terms', title: 'Loss terms', names: terms, primary: false });
  if (rates.length > 0)
    groups.push({ id: 'learning-rate', title: 'Learning rate', names: rates, primary: false });
  for (const name of others)
    groups.push({ id: `metric:${name}`, title: metricTitle(name), names: [name], primary: false });
  return groups;
}
