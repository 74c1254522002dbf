import type { RunClock, XAxis } from '@shared/compare';

/** The x-axis of a comparison: its title (with its unit) and how values map from steps. */
export interface XAxisScale {
  axis: XAxis;
  title: string;
  /** Divides training milliseconds into the axis's unit (wall time only). */
  msPerUnit: number;
}

const X_TITLES: Record<XAxis, string> = {
  step: 'step',
  epoch: 'epoch',
  wallTime: 'training time',
  samples: 'samples seen',
};

export const X_AXIS_LABELS: Record<XAxis, string> = {
  step: 'Step',
  epoch: 'Epoch',
  wallTime: 'Relative wall time',
  samples: 'Samples seen',
};

/** Linear interpolation in a monotonic table, clamped at its ends; NaN for an empty table. */
export function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  if (x <= xs[0]!) return ys[0]!;
  if (x >= xs[n - 1]!) return ys[n - 1]!;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const span = xs[hi]! - xs[lo]!;
  return span === 0 ? ys[lo]! : ys[lo]! + ((ys[hi]! - ys[lo]!) * (x - xs[lo]!)) / span;
}

/**
 * The wall-time unit that keeps the axis's numbers readable: seconds for short runs, minutes,
 * then hours. Picked from the longest run so every chart of a comparison uses the same one.
 */
export function xAxisScale(axis: XAxis, clocks: readonly RunClock[]): XAxisScale {
  if (axis !== 'wallTime') return { axis, title: X_TITLES[axis], msPerUnit: 1 };
  const longest = Math.max(0, ...clocks.map((clock) => clock.trainingMs[clock.trainingMs.length - 1] ?? 0));
  const [msPerUnit, unit] =
    longest >= 10 * 3_600_000 ? [3_600_000, 'h'] : longest >= 600_000 ? [60_000, 'min'] : [1000, 's'];
  return { axis, title: `${X_TITLES.wallTime} (${unit})`, msPerUnit };
}

/** The x values of a run's steps on the chosen axis; NaN where the run has no clock for it. */
export function stepsToX(
  steps: readonly number[],
  scale: XAxisScale,
  clock: RunClock | undefined,
): Float64Array {
  const out = new Float64Array(steps.length);
  for (let index = 0; index < steps.length; index += 1) {
    const step = steps[index]!;
    switch (scale.axis) {
      case 'step':
        out[index] = step;
        break;
      case 'epoch':
        out[index] = clock && clock.stepsPerEpoch > 0 ? step / clock.stepsPerEpoch : Number.NaN;
        break;
      case 'samples':
        out[index] = clock ? step * clock.batchSize : Number.NaN;
        break;
      case 'wallTime':
        out[index] = clock ? interpolate(clock.steps, clock.trainingMs, step) / scale.msPerUnit : Number.NaN;
        break;
    }
  }
  return out;
}

/**
 * The steps a visible x window covers, over all runs (their clocks differ on wall time): what a
 * zoom asks the server for at full resolution.
 */
export function xWindowToSteps(
  window: [number, number],
  scale: XAxisScale,
  clocks: readonly RunClock[],
): [number, number] {
  const [from, to] = window;
  if (scale.axis === 'step') return [Math.max(0, Math.floor(from)), Math.ceil(to)];
  let lo = Infinity;
  let hi = -Infinity;
  for (const clock of clocks) {
    const toStep = (x: number) => {
      if (scale.axis === 'epoch') return x * clock.stepsPerEpoch;
      if (scale.axis === 'samples') return clock.batchSize > 0 ? x / clock.batchSize : 0;
      return interpolate(clock.trainingMs, clock.steps, x * scale.msPerUnit);
    };
    lo = Math.min(lo, toStep(from));
    hi = Math.max(hi, toStep(to));
  }
  if (!(lo <= hi)) return [Math.max(0, Math.floor(from)), Math.ceil(to)];
  return [Math.max(0, Math.floor(lo)), Math.ceil(hi)];
}
