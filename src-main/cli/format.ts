/** Plain-text helpers for terminal output. */
import { formatFigure } from '@shared/compare/summary';
import { describeMetric } from '@shared/metrics';

export function formatTable(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((width) => '-'.repeat(width))), ...cells.slice(1).map(line)].join(
    '\n',
  );
}

/** Numbers, durations and metric values read the same in the CLI and on the Compare page. */
export { formatDuration, formatNumber } from '@shared/compare/summary';

/** A metric's value in its unit from the shared metric table: `61.7%`, `12.3 ms`, `35.2 MiB`. */
export function formatMetricValue(name: string, value: number): string {
  return formatFigure(value, describeMetric(name)?.unit);
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/**
 * A one-line progress bar on a terminal (redrawn in place), or a line every 10% when the
 * output is a file or pipe, so logs stay readable.
 */
export class ProgressBar {
  private lastDecile = -1;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    private readonly label: string,
  ) {}

  update(done: number, total: number, detail: string): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    if (this.stream.isTTY) {
      const width = Math.max(
        10,
        Math.min(40, (this.stream.columns ?? 80) - detail.length - this.label.length - 20),
      );
      const filled = Math.round(fraction * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      this.stream.write(
        `\r${this.label} ${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} ${detail}\x1b[K`,
      );
    } else {
      const decile = Math.floor(fraction * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.stream.write(`${this.label} ${(fraction * 100).toFixed(0)}% ${done}/${total} ${detail}\n`);
      }
    }
  }

  end(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
