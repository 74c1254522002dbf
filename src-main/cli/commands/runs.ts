import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveDatabasePath } from '../../paths';
import { RunStore } from '../../storage/store';
import { parseRunId, UsageError, type CliCommand } from '../command';
import { formatDuration, formatMetricValue, formatNumber, formatTable, formatTime } from '../format';
import { metricsToCsv } from '../../export/metrics-csv';
import { trainingTimeMs } from '@shared/run-progress';
import type { EvaluationSummary } from '@shared/runs';

/** Read-only commands open the store directly: no supervisor, no start-up repair of other hosts' runs. */
function openStore(db: string | undefined): RunStore {
  return RunStore.open(resolveDatabasePath(db), { access: 'read' });
}

export const runsListCommand: CliCommand = {
  name: 'runs list',
  summary: 'List the runs in the database',
  usage: 'Usage: npm run cli -- runs list [--db PATH] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const store = openStore(values.db);
    const runs = store.runs.list({ limit: 10000 });
    store.close();
    if (values.json) {
      context.stdout.write(`${JSON.stringify(runs)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      context.stdout.write('No runs yet. Start one with: npm run cli -- train --preset quickstart\n');
      return 0;
    }
    const rows = runs.map((run) => [
      run.id,
      run.name,
      run.status,
      run.lossName,
      run.backend ?? '-',
      formatTime(run.createdAt),
      formatDuration(trainingTimeMs(run, Date.now())),
      run.progress ? `${run.progress.step}/${run.progress.totalSteps}` : '-',
      formatNumber(run.results.loss),
      run.tags.join(' '),
    ]);
    context.stdout.write(
      `${formatTable(['id', 'name', 'status', 'loss', 'backend', 'created (UTC)', 'training time', 'steps', 'last loss', 'tags'], rows)}\n`,
    );
    return 0;
  },
};

/** Offline evaluations (linear probe, kNN grid) of the run, one line each, oldest first. */
function evaluationLines(evaluations: EvaluationSummary[]): string[] {
  if (evaluations.length === 0) {
    return ['Evaluations: none (npm run cli -- eval linear ID, or eval knn ID)'];
  }
  const rows = evaluations.map((evaluation) => [
    evaluation.id,
    evaluation.kind,
    evaluation.checkpointStep,
    evaluation.status,
    formatTime(evaluation.endedAt),
    evaluation.status === 'failed'
      ? (evaluation.error ?? '').split('\n')[0]!
      : Object.entries(evaluation.results)
          .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : formatNumber(value)}`)
          .join(', ') || '-',
  ]);
  const table = formatTable(['id', 'kind', 'step', 'status', 'ended (UTC)', 'results'], rows);
  return ['Evaluations:', ...table.split('\n').map((line) => `  ${line}`)];
}

export const runsShowCommand: CliCommand = {
  name: 'runs show',
  summary: 'Show one run: status, backend, metrics, evaluations, config, last log lines',
  usage: 'Usage: npm run cli -- runs show ID [--db PATH] [--json]',
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const runId = parseRunId(positionals[0]);
    const store = openStore(values.db);
    try {
      const detail = store.runs.detail(runId);
      if (!detail) {
        context.stderr.write(`Run ${runId} does not exist in ${store.path}\n`);
        return 1;
      }
      const metrics = store.metrics.latest(runId);
      const logs = store.logs.tail(runId, 15);
      const evaluations = store.evaluations.list(runId);
      if (values.json) {
        context.stdout.write(
          `${JSON.stringify({ ...detail, latestMetrics: metrics, evaluations, logTail: logs })}\n`,
        );
        return 0;
      }
      const lines = [
        `Run ${detail.id}: ${detail.name}`,
        `  status     ${detail.status}${detail.error ? ` (${detail.error.split('\n')[0]})` : ''}`,
        `  loss       ${detail.lossName}`,
        `  backend    ${detail.backend ?? '-'} ${detail.device ? `(${detail.device})` : ''}`,
        ...detail.backendNotes.map((note) => `             skipped ${note}`),
        `  created    ${formatTime(detail.createdAt)} UTC`,
        `  training   ${formatDuration(trainingTimeMs(detail, Date.now()))} (summed over its segments)`,
        `  progress   ${detail.progress ? `${detail.progress.step}/${detail.progress.totalSteps} steps` : '-'}`,
        `  tags       ${detail.tags.join(' ') || '-'}`,
        ...(detail.notes ? ['  notes', ...detail.notes.split('\n').map((line) => `    ${line}`)] : []),
        '',
        'Latest metrics:',
        ...Object.entries(metrics).map(
          ([name, value]) => `  ${name.padEnd(24)} ${formatMetricValue(name, value)}`,
        ),
        '',
        ...evaluationLines(evaluations),
        '',
        'Config:',
        ...JSON.stringify(detail.config, null, 2)
          .split('\n')
          .map((line) => `  ${line}`),
        '',
        'Log (last lines):',
        ...logs.map((line) => `  ${formatTime(line.timeMs)} ${line.level.padEnd(5)} ${line.message}`),
      ];
      context.stdout.write(`${lines.join('\n')}\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

export const runsExportCommand: CliCommand = {
  name: 'runs export',
  summary: "Export a run's metrics as CSV (one row per step: epoch, wall time, one column per metric)",
  usage: 'Usage: npm run cli -- runs export ID --format csv [--out FILE] [--db PATH]',
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        format: { type: 'string', default: 'csv' },
        out: { type: 'string' },
      },
    });
    const runId = parseRunId(positionals[0]);
    if (values.format !== 'csv') throw new UsageError(`Unknown --format "${values.format}"; supported: csv`);
    const store = openStore(values.db);
    try {
      if (!store.runs.summary(runId)) {
        context.stderr.write(`Run ${runId} does not exist in ${store.path}\n`);
        return 1;
      }
      const series = store.metrics.names(runId).map((name) => store.metrics.series(runId, name));
      const csv = metricsToCsv(series, store.metrics.stepTimes(runId));
      if (values.out) {
        writeFileSync(values.out, csv);
        context.stderr.write(`Wrote ${values.out}\n`);
      } else {
        context.stdout.write(csv);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};
