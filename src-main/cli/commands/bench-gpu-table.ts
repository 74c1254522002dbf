/** The readable form of a `bench gpu` report (without --json). */
import { formatTable } from '../format';
import { goalMark, PAPER_SPEEDUP, type GpuBenchReport } from './bench-gpu-report';

const ms = (value: number | null) =>
  value === null ? '-' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
const mib = (bytes: number | null) => (bytes === null ? '-' : `${(bytes / 1024 ** 2).toFixed(0)} MiB`);
const times = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}x`);
const status = (point: { status: string; error?: string }) =>
  point.status === 'ok' ? 'ok' : `${point.status}: ${point.error ?? ''}`;

function header(report: GpuBenchReport): string[] {
  const { machine, backend, versions, settings } = report;
  const installed = Object.entries(versions)
    .filter(([, version]) => version !== null)
    .map(([name, version]) => `${name} ${version}`);
  return [
    `bench gpu: ${backend.name} on ${backend.device}`,
    `machine: ${machine.platform} ${machine.arch}, ${machine.cpu} (${machine.cpuCount} threads), ${(machine.memoryBytes / 1024 ** 3).toFixed(0)} GiB`,
    `versions: ${installed.join(', ')}`,
    `medians of ${settings.iterations} timed iteration(s) per point, after ${settings.warmup} warm-up iteration(s)${settings.quick ? '; --quick sizes' : ''}`,
  ];
}

export function formatGpuReport(report: GpuBenchReport): string {
  const { settings } = report;
  const lines = header(report);
  if (report.loss.length > 0) {
    const rows = report.loss.map((point) => [
      point.method,
      point.n,
      point.d,
      point.b ?? '-',
      ms(point.medianMs),
      ms(point.minMs),
      mib(point.gpuPeakBytes),
      status(point),
    ]);
    lines.push('', 'Loss forward + backward');
    lines.push(formatTable(['loss', 'n', 'd', 'b', 'median ms', 'min ms', 'GPU peak', 'status'], rows));
  }
  if (report.train.length > 0) {
    const rows = report.train.map((point) => [
      point.method,
      point.d,
      point.batchSize,
      ms(point.medianStepMs),
      point.imagesPerSecond === null ? '-' : Number(point.imagesPerSecond.toPrecision(3)),
      ms(point.lossMs),
      mib(point.gpuPeakBytes),
      status(point),
    ]);
    lines.push('', `Training step, ${report.train[0]!.backbone}`);
    lines.push(
      formatTable(['loss', 'd', 'batch', 'step ms', 'images/s', 'loss ms', 'GPU peak', 'status'], rows),
    );
    const speedups = report.speedups.map((entry) => `d = ${entry.d}: ${times(entry.speedup)}`);
    lines.push(
      `sBT's step vs BT's: ${speedups.join(', ')} (paper at d = ${PAPER_SPEEDUP.d}: ${PAPER_SPEEDUP.range.join('-')}x)`,
    );
  }
  const goals = report.goals.map((goal) => [
    goal.description,
    `${goal.comparison} ${goal.target} ${goal.unit}`,
    goal.measured === null ? '-' : `${goal.unit === 'x' ? times(goal.measured) : `${ms(goal.measured)} ms`}`,
    goal.measuredAt,
    goalMark(goal),
  ]);
  lines.push('', 'Goals on a real GPU');
  lines.push(formatTable(['goal', 'target', 'measured', 'at', 'mark'], goals));
  if (report.backend.adapter?.isFallback || settings.quick)
    lines.push("(a software adapter or --quick sizes: these are not the goals' measurements)");
  return lines.join('\n');
}
