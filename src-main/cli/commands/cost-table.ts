/** A cost study in the terminal: where it ran, its points, the fitted slopes and the crossovers. */
import type { CostPoint, CostStudyDetail, CostStudySummary } from '@shared/cost/types';
import { formatTable } from '../format';

const ms = (value: number | null) =>
  value === null ? '-' : value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3);
const mib = (bytes: number | null) => (bytes === null ? '-' : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

/** One line per point as it is measured: `fft-bt b=64 d=64 (loss): 1.2 ms, 0.3 MiB`. */
export function pointLine(point: CostPoint): string {
  const b = point.blockSize === null ? '' : ` b=${point.blockSize}`;
  const what = `${point.loss}${b} d=${point.d} (${point.kind})`;
  if (point.status === 'ok') return `${what}: ${ms(point.medianMs)} ms, ${mib(point.peakBytes)}`;
  return `${what}: ${point.status}${point.message ? ` (${point.message})` : ''}`;
}

export function summaryRows(studies: CostStudySummary[]): string {
  const rows = studies.map((study) => [
    study.id,
    study.name,
    study.status,
    study.source,
    study.environment
      ? `${study.environment.backend} (${study.environment.device ?? '-'})`
      : study.settings.backend,
    study.environment?.hostname ?? '-',
    `${study.progress.done}/${study.progress.total}`,
    new Date(study.createdAt).toISOString().slice(0, 16).replace('T', ' '),
  ]);
  return formatTable(['id', 'name', 'status', 'source', 'backend', 'machine', 'points', 'created'], rows);
}

export function formatCostStudy(study: CostStudyDetail): string {
  const { settings, environment } = study;
  const lines = [
    `Cost study ${study.id} "${study.name}": ${study.status} (${study.source}), ${study.progress.done}/${study.progress.total} points`,
    `n = ${settings.n}, d = ${settings.dims.join(', ')}, b = ${settings.blockSizes.join(', ')}, q = ${settings.q}, permutation ${settings.permutation ? 'on' : 'off'}, ${settings.repeats} timed repeats after ${settings.warmup} warm-up${settings.step ? `, whole step with ${settings.step.backbone}` : ''}`,
    environment
      ? `on ${environment.hostname} (${environment.cpuModel}, ${environment.cpuCount} cores, ${mib(environment.memoryBytes)}), backend ${environment.backend}: ${environment.device ?? '-'}, Decorbench ${environment.appVersion}`
      : `backend ${settings.backend} (not started)`,
  ];
  if (study.error) lines.push(`error: ${study.error}`);
  const points = study.points.map((point) => [
    point.kind,
    point.loss,
    point.blockSize ?? '-',
    point.d,
    point.n,
    point.status,
    ms(point.medianMs),
    ms(point.minMs),
    ms(point.maxMs),
    mib(point.peakBytes),
    point.message ?? '',
  ]);
  lines.push(
    '',
    formatTable(
      ['kind', 'loss', 'b', 'd', 'n', 'status', 'median ms', 'min ms', 'max ms', 'peak', ''],
      points,
    ),
  );
  if (study.fits.length > 0) {
    const fits = study.fits.map((fit) => [
      fit.series,
      fit.kind,
      fit.measure,
      fit.slope.toFixed(2),
      fit.r2.toFixed(3),
      fit.points,
    ]);
    lines.push(
      '',
      'Log-log slopes (value ~ d^slope):',
      formatTable(['curve', 'kind', 'measure', 'slope', 'r^2', 'points'], fits),
    );
  }
  if (study.crossovers.length > 0) {
    lines.push('', 'Where the relaxed loss becomes cheaper:');
    for (const crossover of study.crossovers)
      lines.push(`  ${crossover.relaxed} vs ${crossover.exact} (${crossover.measure}): ${crossover.note}`);
  }
  return lines.join('\n');
}
