/** One scalar measurement of a run, as the worker produces it. */
export interface MetricPoint {
  name: string;
  step: number;
  epoch: number;
  value: number;
  wallTimeMs: number;
}

/**
 * A metric series in columnar form: charts consume parallel arrays directly and
 * JSON stays compact for 100k-point series.
 */
export interface MetricSeries {
  name: string;
  steps: number[];
  /** `null` where the value was not finite (NaN/Infinity cannot travel as JSON or live in SQLite). */
  values: (number | null)[];
}

/** Groups points by metric name into columnar series, keeping their order. */
export function toSeries(points: readonly MetricPoint[]): MetricSeries[] {
  const byName = new Map<string, MetricSeries>();
  for (const point of points) {
    let series = byName.get(point.name);
    if (!series) {
      series = { name: point.name, steps: [], values: [] };
      byName.set(point.name, series);
    }
    series.steps.push(point.step);
    series.values.push(Number.isFinite(point.value) ? point.value : null);
  }
  return [...byName.values()];
}

/**
 * How a metric's values read. `ratio`: a share in [0, 1], shown as a percentage; `ms`:
 * milliseconds; `bytes`; `count`: a whole number of things; `per-second`: a rate;
 * `number`: a plain value (losses, learning rates).
 */
export type MetricUnit = 'number' | 'ratio' | 'ms' | 'bytes' | 'count' | 'per-second';

/** One chart's worth of related metrics, in the order the Run page shows them. */
export interface MetricGroup {
  title: string;
  /** The value axis's title, with its unit. */
  axisTitle: string;
  unit: MetricUnit;
  /** Measured now and then (evaluations): every point is drawn. */
  sparse?: boolean;
}

export const METRIC_GROUPS = {
  loss: { title: 'Loss', axisTitle: 'loss (weighted total)', unit: 'number' },
  knn: { title: 'kNN accuracy', axisTitle: 'accuracy (%)', unit: 'ratio', sparse: true },
  probe: { title: 'Online probe accuracy', axisTitle: 'accuracy (%)', unit: 'ratio', sparse: true },
  'loss-terms': { title: 'Loss terms', axisTitle: 'term (unweighted)', unit: 'number' },
  'learning-rate': { title: 'Learning rate', axisTitle: 'learning rate', unit: 'number' },
  'step-time': { title: 'Step time (ms)', axisTitle: 'time per step (ms)', unit: 'ms' },
  throughput: { title: 'Throughput (samples/s)', axisTitle: 'samples per second', unit: 'per-second' },
  memory: { title: 'Memory', axisTitle: 'memory', unit: 'bytes' },
  tensors: { title: 'Live tensors', axisTitle: 'tensors', unit: 'count' },
  /** Room for the decorrelation inspector's `inspect/*` measurements. */
  inspect: { title: 'Decorrelation', axisTitle: 'value', unit: 'number' },
} as const satisfies Record<string, MetricGroup>;

export type MetricGroupId = keyof typeof METRIC_GROUPS;

/** What a metric name means: its chart, its unit and a short label within its chart. */
export interface MetricDefinition {
  group: MetricGroupId;
  unit: MetricUnit;
  /** The legend name within the group's chart. */
  label: string;
  description: string;
}

/**
 * Every metric name the training engine writes, one place for all who read or write them
 * (trainer, worker, supervisor, CLI, charts). Names are stored in databases and archives:
 * renaming one orphans the series of older runs.
 */
export const METRIC = {
  loss: 'loss',
  learningRate: 'learning_rate',
  samplesPerSecond: 'samples_per_second',
  dataMs: 'time/data_ms',
  forwardMs: 'time/forward_ms',
  backwardMs: 'time/backward_ms',
  stepMs: 'time/step_ms',
  /** Written once per run, a few steps in (see src-main/ml/train/loss-timing.ts). */
  lossMs: 'time/loss_ms',
  tfjsBytes: 'memory/tfjs_bytes',
  rssBytes: 'memory/rss_bytes',
  /** GPU backends only (webgpu): see the definitions below. */
  gpuBytes: 'memory/gpu_bytes',
  gpuAllocatedBytes: 'memory/gpu_allocated_bytes',
  tensors: 'memory/tensors',
  knnTop1: 'knn/top1',
  knnTop5: 'knn/top5',
  probeTrainTop1: 'probe/train_top1',
  probeValTop1: 'probe/val_top1',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

const define = (group: MetricGroupId, label: string, description: string, unit?: MetricUnit) => ({
  group,
  unit: unit ?? METRIC_GROUPS[group].unit,
  label,
  description,
});

/** The fixed names; `loss/<term>` and `inspect/<name>` are families (see `describeMetric`). */
export const METRIC_DEFINITIONS: Readonly<Record<MetricName, MetricDefinition>> = {
  [METRIC.loss]: define('loss', 'loss', 'The loss minimised: its weighted total'),
  [METRIC.learningRate]: define('learning-rate', 'learning rate', 'The learning rate of the step'),
  [METRIC.samplesPerSecond]: define('throughput', 'samples/s', 'Images per second over the whole step'),
  [METRIC.dataMs]: define('step-time', 'data', 'Gathering and augmenting the batch'),
  [METRIC.forwardMs]: define('step-time', 'forward', 'Forward pass and loss'),
  [METRIC.backwardMs]: define('step-time', 'backward', 'Backward pass and parameter update'),
  [METRIC.stepMs]: define('step-time', 'total', 'The whole step'),
  [METRIC.lossMs]: define(
    'step-time',
    'loss alone (measured once)',
    "The loss's forward + backward on random embeddings of the run's shape [batch, projector output], median of a few repetitions",
  ),
  [METRIC.tfjsBytes]: define('memory', 'tensors (tfjs)', 'Bytes held by live tensors'),
  [METRIC.rssBytes]: define('memory', 'process (RSS)', "The worker process's resident memory"),
  [METRIC.gpuBytes]: define(
    'memory',
    'GPU (tensors)',
    'Bytes of GPU buffers held by live tensors (the webgpu backend)',
  ),
  [METRIC.gpuAllocatedBytes]: define(
    'memory',
    'GPU (allocated)',
    "Bytes of GPU buffers the webgpu backend holds, its pool of freed buffers included: the run's GPU memory",
  ),
  [METRIC.tensors]: define('tensors', 'tensors', 'Live tensors after the step'),
  [METRIC.knnTop1]: define('knn', 'top-1', 'kNN top-1 accuracy on the held-out split'),
  [METRIC.knnTop5]: define('knn', 'top-5', 'kNN top-5 accuracy on the held-out split'),
  [METRIC.probeTrainTop1]: define(
    'probe',
    'train top-1',
    "The online probe's accuracy on the epoch's batches",
  ),
  [METRIC.probeValTop1]: define(
    'probe',
    'held-out top-1',
    "The online probe's accuracy on the held-out split",
  ),
};

const LOSS_TERM_PREFIX = 'loss/';
const INSPECT_PREFIX = 'inspect/';

/** The metric of one named loss term, e.g. `loss/offDiagonal` (unweighted: see LossOutput). */
export function lossTermMetric(term: string): string {
  return `${LOSS_TERM_PREFIX}${term}`;
}

/** The metric of one decorrelation-inspector measurement, e.g. `inspect/offDiagonalMass`. */
export function inspectMetric(measurement: string): string {
  return `${INSPECT_PREFIX}${measurement}`;
}

/**
 * What a metric name means, for the fixed names and the `loss/<term>` and `inspect/<name>`
 * families; undefined for names the engine does not write (imported or older runs).
 */
export function describeMetric(name: string): MetricDefinition | undefined {
  if (Object.hasOwn(METRIC_DEFINITIONS, name))
    return (METRIC_DEFINITIONS as Record<string, MetricDefinition>)[name];
  if (name.startsWith(LOSS_TERM_PREFIX) && name.length > LOSS_TERM_PREFIX.length) {
    const term = name.slice(LOSS_TERM_PREFIX.length);
    return define('loss-terms', term, `The loss term ${term}, before its weight`);
  }
  if (name.startsWith(INSPECT_PREFIX) && name.length > INSPECT_PREFIX.length) {
    const measurement = name.slice(INSPECT_PREFIX.length);
    return define('inspect', measurement, `Decorrelation measurement ${measurement}`);
  }
  return undefined;
}
