/**
 * Small-sample statistics for groups of runs (seeds): mean, sample standard deviation and a 95%
 * confidence interval from Student's t, since 2 to 10 seeds are far from the normal's 1.96.
 */

/** t quantiles at 0.975 (two-sided 95%) for 1..30 degrees of freedom (scipy.stats.t.ppf). */
const T975 = [
  12.706204736174694, 4.302652729749462, 3.1824463052837078, 2.7764451051977934, 2.5705818356363146,
  2.4469118511449786, 2.364624251592784, 2.306004135204166, 2.262157162798205, 2.228138851986274,
  2.200985160091639, 2.1788128296672284, 2.1603686564627913, 2.144786687917804, 2.131449545559776,
  2.1199052992212546, 2.1098155778333156, 2.1009220402410382, 2.0930240544083087, 2.085963447265864,
  2.0796138447276795, 2.0738730679040254, 2.0686576104190486, 2.0638985616280245, 2.0595385527532972,
  2.0555294386428735, 2.0518305164802846, 2.0484071417952454, 2.045229642132703, 2.0422724563012378,
];

/** The standard normal's 0.975 quantile. */
const Z975 = 1.959963984540054;

/**
 * Student's t quantile at 0.975 for `df` degrees of freedom: the table above up to 30, then the
 * Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5), within 1e-6 of the exact value
 * from 31 on. Throws for df < 1 (a single run has no interval).
 */
export function studentT975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new RangeError(`studentT975: df must be an integer >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = Z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** What a sample of figures (one per run) says. */
export interface SampleStats {
  n: number;
  mean: number;
  min: number;
  max: number;
  /** Sample standard deviation (n - 1); null for a single value. */
  std: number | null;
  /** Half-width of the 95% confidence interval of the mean, t(0.975, n-1) * std / sqrt(n); null for n = 1. */
  ci95: number | null;
}

/** Statistics of the finite values among `values` (nulls and NaN are not counted); null when none is. */
export function describeSample(values: readonly (number | null)[]): SampleStats | null {
  const finite = values.filter((value): value is number => value !== null && Number.isFinite(value));
  const n = finite.length;
  if (n === 0) return null;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const value of finite) {
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const mean = sum / n;
  if (n === 1) return { n, mean, min, max, std: null, ci95: null };
  let squares = 0;
  for (const value of finite) squares += (value - mean) ** 2;
  const std = Math.sqrt(squares / (n - 1));
  return { n, mean, min, max, std, ci95: (studentT975(n - 1) * std) / Math.sqrt(n) };
}
