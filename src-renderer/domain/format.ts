import type { RunSummary } from '@shared/runs';
import type { MetricFormat } from './metric-groups';

const pad = (value: number) => String(value).padStart(2, '0');

/** `42s`, `3m 05s`, `2h 07m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad(seconds % 60)}s`;
  return `${Math.floor(minutes / 60)}h ${pad(minutes % 60)}m`;
}

/** Local `YYYY-MM-DD HH:MM:SS`. */
export function formatDateTime(timeMs: number | null | undefined): string {
  if (timeMs === null || timeMs === undefined) return '—';
  const date = new Date(timeMs);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatClock(timeMs)}`;
}

/** Local `HH:MM:SS`. */
export function formatClock(timeMs: number): string {
  const date = new Date(timeMs);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Today's times as `HH:MM`, older ones with their date, for dense tables. */
export function formatShortTime(timeMs: number, nowMs: number = Date.now()): string {
  const date = new Date(timeMs);
  const now = new Date(nowMs);
  const clock = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  if (date.toDateString() === now.toDateString()) return clock;
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${clock}`;
}

/** Four significant digits, scientific outside [1e-3, 1e5); `null` is a value that was not finite. */
export function formatMetric(value: number | null | undefined): string {
  if (value === undefined) return '—';
  if (value === null) return 'NaN';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) {
    // 8.000e-4 -> 8e-4, 1.250e-4 -> 1.25e-4
    return value.toExponential(3).replace(/\.?0+e/, 'e');
  }
  return String(Number(value.toPrecision(4)));
}

/** A fraction as a percentage with one decimal: `0.7234` -> `72.3%`, `0.5` -> `50%`. */
export function formatPercent(value: number | null | undefined): string {
  if (value === undefined) return '—';
  if (value === null || !Number.isFinite(value)) return 'NaN';
  return `${Number((value * 100).toFixed(1))}%`;
}

/** Bytes in decimal units with three significant digits: `512 kB`, `87.3 MB`, `1.25 GB`. */
export function formatBytes(value: number | null | undefined): string {
  if (value === undefined) return '—';
  if (value === null || !Number.isFinite(value)) return 'NaN';
  const magnitude = Math.abs(value);
  const [divisor, unit] =
    magnitude >= 1e9
      ? [1e9, 'GB']
      : magnitude >= 1e6
        ? [1e6, 'MB']
        : magnitude >= 1e3
          ? [1e3, 'kB']
          : [1, 'B'];
  return `${Number((value / divisor).toPrecision(3))} ${unit}`;
}

/** A value in a chart's format; `ms` values get their unit only where asked (tooltips, not axes). */
export function formatValue(
  value: number | null | undefined,
  format: MetricFormat = 'number',
  { unit = true }: { unit?: boolean } = {},
): string {
  switch (format) {
    case 'percent':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'ms':
      return unit && typeof value === 'number' && Number.isFinite(value)
        ? `${formatMetric(value)} ms`
        : formatMetric(value);
    default:
      return formatMetric(value);
  }
}

/** A result value by its name's unit: `durationMs` as a duration, counts as integers, others as metrics. */
export function formatResult(name: string, value: number): string {
  // Sub-second times (e.g. the loss's lossMs) would round to "0s".
  if (/Ms$/.test(name)) return value < 1000 ? `${Number(value.toPrecision(3))} ms` : formatDuration(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  return formatMetric(value);
}

/** Wall time of a run so far (running) or in total (ended). */
export function runDurationMs(run: Pick<RunSummary, 'startedAt' | 'endedAt'>, nowMs: number): number | null {
  if (run.startedAt === null) return null;
  return Math.max(0, (run.endedAt ?? nowMs) - run.startedAt);
}

/** Progress in percent: 100 for completed runs, step / totalSteps otherwise. */
export function progressPercent(run: Pick<RunSummary, 'status' | 'progress'>): number {
  if (run.status === 'completed') return 100;
  const progress = run.progress;
  if (!progress || progress.totalSteps <= 0) return 0;
  return Math.min(100, Math.max(0, (progress.step / progress.totalSteps) * 100));
}
