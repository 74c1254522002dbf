/** How the `study` commands print studies and their reports. */
import { reportToCsv, reportToMarkdown } from '@shared/study/report-format';
import type { StudySummary } from '@shared/study/types';
import type { Workbench } from '../../services/workbench';
import type { CliContext } from '../command';
import { UsageError } from '../command';
import { formatDuration, formatTable, formatTime } from '../format';
import { call, studyCountsText } from './study-common';

export const REPORT_FORMATS = ['md', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseReportFormat(text: string | undefined): ReportFormat | undefined {
  if (text === undefined) return undefined;
  if (!(REPORT_FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--report takes one of ${REPORT_FORMATS.join(', ')}, not "${text}"`);
  }
  return text as ReportFormat;
}

/** The paper-shaped report of the study on stdout, as Markdown, CSV or JSON. */
export async function printReport(
  workbench: Workbench,
  context: CliContext,
  studyId: number,
  format: ReportFormat,
): Promise<void> {
  const report = await call(workbench, 'studies:report', { studyId });
  const text =
    format === 'csv'
      ? reportToCsv(report)
      : format === 'json'
        ? `${JSON.stringify(report)}\n`
        : reportToMarkdown(report);
  context.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function studiesTable(studies: readonly StudySummary[]): string {
  const rows = studies.map((study) => [
    study.id,
    study.name,
    study.state,
    studyCountsText(study),
    study.axes.map((axis) => `${axis.field} (${axis.values.length})`).join(', ') || '-',
    study.seeds,
    formatTime(study.createdAt),
    study.etaMs === null ? '-' : formatDuration(study.etaMs),
  ]);
  return formatTable(['id', 'name', 'state', 'runs', 'axes', 'seeds', 'created (UTC)', 'left'], rows);
}
