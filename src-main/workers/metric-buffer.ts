import type { MetricPoint } from '@shared/metrics';

/**
 * Collects metric points and hands them over in batches: at most every `intervalMs`
 * (so a killed worker loses at most that much) or when `maxPoints` are waiting.
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private lastFlushMs = 0;

  constructor(
    private readonly flushTo: (points: MetricPoint[]) => void,
    private readonly intervalMs = 500,
    private readonly maxPoints = 2000,
  ) {}

  add(point: MetricPoint): void {
    this.points.push(point);
    const now = Date.now();
    if (this.points.length >= this.maxPoints || now - this.lastFlushMs >= this.intervalMs) this.flush(now);
  }

  flush(now = Date.now()): void {
    this.lastFlushMs = now;
    if (this.points.length === 0) return;
    const batch = this.points;
    this.points = [];
    this.flushTo(batch);
  }
}
