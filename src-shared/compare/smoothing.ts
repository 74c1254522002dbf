/**
 * TensorBoard's scalar smoothing: a debiased exponential moving average, the same numbers a
 * researcher sees in TensorBoard (and W&B's "TensorBoard" mode) for the same weight.
 *
 * Port of `resmoothDataset` in tensorboard/components/vz_line_chart2/line-chart.ts:
 * - `last = last * w + (1 - w) * value`, starting from 0, then divided by `1 - w^n` where n counts
 *   the finite points so far: without it the curve starts biased towards 0.
 * - A non-finite point (null here: NaN/Infinity are stored as null) is passed through as it is and
 *   does not count, so the average continues across it.
 * - A constant series is returned unchanged (TensorBoard #786: the debiased EMA of a constant is
 *   only approximately that constant in floating point, which drew a wobbly flat line).
 * Weight 0 returns the input (1 - 0^n = 1); weight 1 keeps TensorBoard's undebiased behaviour.
 */
export function smoothSeries(values: readonly (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight <= 1))
    throw new RangeError(`smoothSeries: weight must be in [0, 1], got ${weight}`);
  if (weight === 0 || values.length === 0) return values.slice();
  const first = values[0];
  if (values.every((value) => value === first)) return values.slice();
  let last = 0;
  let finiteCount = 0;
  return values.map((value) => {
    if (value === null || !Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    finiteCount += 1;
    const debias = weight === 1 ? 1 : 1 - weight ** finiteCount;
    return last / debias;
  });
}

/**
 * `smoothSeries` on a typed column (NaN where a value is missing), the same numbers without
 * building an array of nulls: a smoothing change redoes every line of every chart, so this runs
 * over every drawn point at once. A non-finite input gives NaN at that point.
 */
export function smoothColumn(values: Float64Array, weight: number): Float64Array {
  if (!(weight >= 0 && weight <= 1))
    throw new RangeError(`smoothColumn: weight must be in [0, 1], got ${weight}`);
  const n = values.length;
  const out = new Float64Array(n);
  let constant = true;
  for (let index = 0; index < n; index += 1) {
    const value = values[index]!;
    out[index] = Number.isFinite(value) ? value : Number.NaN;
    // `===` as in smoothSeries: a column with a missing value is never constant.
    if (value !== values[0]) constant = false;
  }
  if (weight === 0 || n === 0 || constant) return out;
  let last = 0;
  let debias = 1;
  for (let index = 0; index < n; index += 1) {
    const value = out[index]!;
    if (Number.isNaN(value)) continue;
    last = last * weight + (1 - weight) * value;
    // 1 - w^n, with w^n kept as a running product instead of a power per point.
    debias *= weight;
    out[index] = weight === 1 ? last : last / (1 - debias);
  }
  return out;
}
