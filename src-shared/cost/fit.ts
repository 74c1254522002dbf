/**
 * What a cost study's points say: the slope of each curve in log-log (time ~ d^slope: 2 for the
 * exact losses' d x d matrices, about 1 for the relaxed ones' O(n d log d)), and the d at which a
 * relaxed loss becomes cheaper than the exact loss of its family.
 */
import { costSeriesOf, exactLossOf, isRelaxedLoss } from './plan';
import type { CostBlockSize, CostCrossover, CostFit, CostPoint } from './types';

type Measure = CostFit['measure'];
const MEASURES: Measure[] = ['time', 'memory'];

/** The measured value of a point, or null when it has none (not ok, or not a positive number). */
export function costValue(point: CostPoint, measure: Measure): number | null {
  if (point.status !== 'ok') return null;
  const value = measure === 'time' ? point.medianMs : point.peakBytes;
  return value !== null && value > 0 && Number.isFinite(value) ? value : null;
}

interface Curve {
  series: string;
  kind: CostPoint['kind'];
  loss: CostPoint['loss'];
  points: CostPoint[];
}

/** Points grouped by (kind, series), in the order they first appear; one point per d (the first). */
function curvesOf(points: readonly CostPoint[], blockSizes?: readonly CostBlockSize[]): Curve[] {
  const curves = new Map<string, Curve>();
  for (const point of points) {
    const series = costSeriesOf(point, blockSizes);
    const key = `${point.kind}:${series}`;
    const curve = curves.get(key) ?? { series, kind: point.kind, loss: point.loss, points: [] };
    curves.set(key, curve);
    if (!curve.points.some((other) => other.d === point.d)) curve.points.push(point);
  }
  for (const curve of curves.values()) curve.points.sort((a, b) => a.d - b.d);
  return [...curves.values()];
}

/** Least squares of y on x, with r^2 (1 when y does not vary: the line explains all there is). */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; r2: number } {
  const count = xs.length;
  const meanX = xs.reduce((sum, x) => sum + x, 0) / count;
  const meanY = ys.reduce((sum, y) => sum + y, 0) / count;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < count; i++) {
    sxx += (xs[i]! - meanX) ** 2;
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
    syy += (ys[i]! - meanY) ** 2;
  }
  const slope = sxy / sxx;
  const r2 = syy === 0 ? 1 : (slope * sxy) / syy;
  return { slope, r2 };
}

/**
 * One line through (log d, log value) per curve and measure, over its `ok` points; a curve with
 * fewer than two measured d has no fit. `blockSizes` (the study's choices) names the curves of
 * capped block sizes as the Cost page does.
 */
export function fitCostCurves(
  points: readonly CostPoint[],
  blockSizes?: readonly CostBlockSize[],
): CostFit[] {
  const fits: CostFit[] = [];
  for (const curve of curvesOf(points, blockSizes)) {
    for (const measure of MEASURES) {
      const measured = curve.points.filter((point) => costValue(point, measure) !== null);
      if (measured.length < 2) continue;
      const { slope, r2 } = leastSquares(
        measured.map((point) => Math.log(point.d)),
        measured.map((point) => Math.log(costValue(point, measure)!)),
      );
      fits.push({ series: curve.series, kind: curve.kind, measure, slope, r2, points: measured.length });
    }
  }
  return fits;
}

const formatD = (d: number) => String(Math.round(d));

/**
 * For each relaxed curve and the exact loss of its family (same kind), per measure: the d where
 * the relaxed curve drops below the exact one for good, interpolated in log-log between the last
 * measured d where it was not cheaper and the next. Only the d both measured count; a d where the
 * exact loss ran out of memory and the relaxed one did not is named in the note.
 */
export function costCrossovers(
  points: readonly CostPoint[],
  blockSizes?: readonly CostBlockSize[],
): CostCrossover[] {
  const curves = curvesOf(points, blockSizes);
  const crossovers: CostCrossover[] = [];
  for (const relaxed of curves.filter((curve) => isRelaxedLoss(curve.loss))) {
    const exact = curves.find(
      (curve) => curve.kind === relaxed.kind && curve.loss === exactLossOf(relaxed.loss),
    );
    if (!exact) continue;
    const name = (curve: Curve) => (curve.kind === 'step' ? `${curve.series} step` : curve.series);
    for (const measure of MEASURES) {
      crossovers.push({
        relaxed: name(relaxed),
        exact: name(exact),
        measure,
        ...crossing(relaxed.points, exact.points, measure),
      });
    }
  }
  return crossovers;
}

function crossing(
  relaxed: CostPoint[],
  exact: CostPoint[],
  measure: Measure,
): { d: number | null; note: string } {
  const pairs: { d: number; gap: number }[] = [];
  for (const point of relaxed) {
    const value = costValue(point, measure);
    const other = exact.find((candidate) => candidate.d === point.d);
    const otherValue = other && costValue(other, measure);
    // gap < 0: the relaxed loss is cheaper at this d (by that much in log).
    if (value !== null && otherValue) pairs.push({ d: point.d, gap: Math.log(value) - Math.log(otherValue) });
  }
  const exactOom = exact
    .filter((point) => point.status === 'oom')
    .filter((point) => relaxed.some((other) => other.d === point.d && costValue(other, measure) !== null))
    .map((point) => point.d);
  const oomNote = exactOom.length
    ? `; the exact loss ran out of memory at d = ${exactOom.map(formatD).join(', ')}`
    : '';
  if (pairs.length === 0) return { d: null, note: `no d measured by both${oomNote}` };
  const largest = pairs[pairs.length - 1]!;
  let lastNotCheaper = -1;
  pairs.forEach((pair, index) => {
    if (pair.gap >= 0) lastNotCheaper = index;
  });
  if (lastNotCheaper === -1) return { d: null, note: `cheaper at every measured d${oomNote}` };
  if (lastNotCheaper === pairs.length - 1) {
    const somewhere = pairs.some((pair) => pair.gap < 0);
    return {
      d: null,
      note: `${somewhere ? 'not cheaper at the largest d' : 'never cheaper'} up to d = ${formatD(largest.d)}${oomNote}`,
    };
  }
  const before = pairs[lastNotCheaper]!;
  const after = pairs[lastNotCheaper + 1]!;
  // The gap is linear in log d between the two measured d: where it reaches 0.
  const fraction = before.gap / (before.gap - after.gap);
  const d = Math.exp(Math.log(before.d) + fraction * (Math.log(after.d) - Math.log(before.d)));
  return { d, note: `cheaper from d ≈ ${formatD(d)} (between ${before.d} and ${after.d})${oomNote}` };
}
