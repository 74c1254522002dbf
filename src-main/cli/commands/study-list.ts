/** `study list`, `study show ID` and `study presets`: what studies there are and how far they got. */
import { parseArgs } from 'node:util';
import { METRIC } from '@shared/metrics';
import { axisValueLabel, studyRunCount } from '@shared/study/grid';
import { STUDY_PRESETS } from '@shared/study/presets';
import { studySpecSchema } from '@shared/study/spec-schema';
import type { StudyDetail } from '@shared/study/types';
import type { CliCommand } from '../command';
import { formatMetricValue, formatTable, formatTime } from '../format';
import { call, openStudyWorkbench, parseStudyId, studyCountsText } from './study-common';
import { parseReportFormat, printReport, REPORT_FORMATS, studiesTable } from './study-output';

export const studyListCommand: CliCommand = {
  name: 'study list',
  summary: 'List the studies with their progress (runs done / failed / queued)',
  usage: 'Usage: npm run cli -- study list [--db PATH] [--json]',
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: { db: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    const workbench = openStudyWorkbench(context, { db: values.db });
    try {
      const studies = await call(workbench, 'studies:list', {});
      if (values.json) context.stdout.write(`${JSON.stringify(studies)}\n`);
      else if (studies.length === 0) {
        context.stdout.write(
          'No studies yet. Create one with: npm run cli -- study create --base paper-fashion-mnist --start\n',
        );
      } else context.stdout.write(`${studiesTable(studies)}\n`);
      return 0;
    } finally {
      await workbench.close();
    }
  },
};

const percent = (value: number | undefined) =>
  value === undefined ? '-' : formatMetricValue(METRIC.knnTop1, value);

function studyText(study: StudyDetail): string {
  const plan = [study.evaluation.linear ? 'linear' : '', study.evaluation.knnSweep ? 'kNN sweep' : '']
    .filter(Boolean)
    .join(' + ');
  const lines = [
    `Study ${study.id} "${study.name}" (${study.state}), created ${formatTime(study.createdAt)} UTC`,
    ...(study.description ? [study.description] : []),
    `Runs: ${studyCountsText(study)}`,
    `Axes: ${study.axes.map((axis) => `${axis.field} = ${axis.values.map((_, index) => axisValueLabel(axis, index)).join(', ')}`).join('; ') || 'none'}`,
    `Seeds: ${study.seeds} (from ${study.seedStart}); evaluation plan: ${plan || 'none'}`,
    '',
  ];
  const rows = study.runs.map(({ run, point }) => [
    run.id,
    ...study.axes.map((axis) => point.labels[axis.field] ?? '-'),
    point.seed,
    run.status,
    run.progress ? `${run.progress.step}/${run.progress.totalSteps}` : '-',
    percent(run.results.initialKnnTop1),
    percent(run.results.finalKnnTop1),
  ]);
  lines.push(
    formatTable(
      ['run', ...study.axes.map((axis) => axis.field), 'seed', 'status', 'steps', 'kNN init', 'kNN final'],
      rows,
    ),
  );
  return `${lines.join('\n')}\n`;
}

export const studyShowCommand: CliCommand = {
  name: 'study show',
  summary: 'Show a study: its runs and their status, or its paper-shaped report (--report md|csv)',
  usage: `Usage: npm run cli -- study show ID [--report ${REPORT_FORMATS.join('|')}] [--db PATH] [--json]

  --report F   print only the study's report (method, b, permutation, d, kNN top-1 init/final,
               linear top-1, step and loss time, speed-up; mean +/- std over seeds) as Markdown,
               CSV or JSON
  --json       the study with its runs as one JSON object`,
  async run(args, context) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        report: { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    const studyId = parseStudyId(positionals[0]);
    const format = parseReportFormat(values.report);
    const workbench = openStudyWorkbench(context, { db: values.db });
    try {
      if (format) {
        await printReport(workbench, context, studyId, format);
        return 0;
      }
      const study = await call(workbench, 'studies:get', { studyId });
      context.stdout.write(values.json ? `${JSON.stringify(study)}\n` : studyText(study));
      return 0;
    } finally {
      await workbench.close();
    }
  },
};

export const studyPresetsCommand: CliCommand = {
  name: 'study presets',
  summary: 'List the study presets (the paper comparisons) with their descriptions',
  usage: `Usage: npm run cli -- study presets [--json]

Start one with: npm run cli -- study create --base NAME [--start]`,
  async run(args, context) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const presets = Object.values(STUDY_PRESETS);
    if (values.json) {
      context.stdout.write(`${JSON.stringify(presets)}\n`);
      return 0;
    }
    const blocks = presets.map((preset) => {
      const runs = studyRunCount(studySpecSchema.parse(preset.spec));
      return `${preset.name} (${runs} runs)\n  ${preset.description}`;
    });
    context.stdout.write(
      `${blocks.join('\n\n')}\n\nStart one with: npm run cli -- study create --base NAME --start\n`,
    );
    return 0;
  },
};
