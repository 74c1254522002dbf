/**
 * Gathers a study's runs and each one's figures from the store (kNN results, the newest linear
 * evaluation, the median step time, the loss time) for the pure aggregation in
 * src-shared/study/report.ts. Reads the tables directly so it needs nothing of the studies repo.
 */
import { AppFailure } from '@shared/errors';
import type { RunConfig } from '@shared/config/run-config';
import { METRIC } from '@shared/metrics';
import type { RunStatus } from '@shared/runs';
import { buildStudyReport, type ReportRunInput } from '@shared/study/report';
import type { StudyAxis, StudyPoint, StudyReport } from '@shared/study/types';
import type { RunStore } from '../../storage/store';
import { median } from '../compare/compare-rows';

interface StudyRow {
  name: string;
  axes_json: string;
}

interface StudyRunRow {
  id: number;
  status: RunStatus;
  config_json: string;
  results_json: string;
  study_point_json: string | null;
}

const finite = (value: number | null | undefined): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

/** The median of a metric's finite values over the whole run (values only: no steps to read); null when none. */
function seriesMedian(store: RunStore, runId: number, name: string): number | null {
  const values = store.database
    .prepare<[number, string], number>(
      'SELECT value FROM metric_points WHERE run_id = ? AND name = ? AND value IS NOT NULL',
    )
    .pluck(true)
    .all(runId, name);
  return median(Float64Array.from(values));
}

/** The value of a metric at a step, or its last value (step undefined). */
function seriesPoint(store: RunStore, runId: number, name: string, step?: number): number | null {
  const series = store.metrics.series(runId, name);
  const index = step === undefined ? series.steps.length - 1 : series.steps.indexOf(step);
  return index < 0 ? null : finite(series.values[index]);
}

/** A run's point in the grid; a run stored without one counts as its own seed of an axis-less cell. */
function pointOf(row: StudyRunRow, config: RunConfig): StudyPoint {
  if (row.study_point_json) return JSON.parse(row.study_point_json) as StudyPoint;
  return { values: {}, labels: {}, seed: config.seed };
}

function runInput(store: RunStore, row: StudyRunRow): ReportRunInput {
  const config = JSON.parse(row.config_json) as RunConfig;
  const results = JSON.parse(row.results_json) as Record<string, number>;
  const linears = store.evaluations.list(row.id).filter((evaluation) => evaluation.kind === 'linear');
  const linear = linears.filter((evaluation) => evaluation.status === 'completed').at(-1);
  const pending = linears.some(
    (evaluation) => evaluation.status === 'queued' || evaluation.status === 'running',
  );
  return {
    runId: row.id,
    status: row.status,
    config,
    point: pointOf(row, config),
    // The kNN series' step-0 point is the initialisation, should the result be missing.
    knnInit: finite(results.initialKnnTop1) ?? seriesPoint(store, row.id, METRIC.knnTop1, 0),
    knnFinal: finite(results.finalKnnTop1),
    linearTop1: finite(linear?.results.top1),
    linearPending: pending,
    stepMs: seriesMedian(store, row.id, METRIC.stepMs),
    lossMs: finite(results.lossMs) ?? seriesPoint(store, row.id, METRIC.lossMs),
  };
}

/** The paper-shaped report of a study; throws `not-found` for an unknown study. */
export function studyReport(store: RunStore, studyId: number): StudyReport {
  const study = store.database
    .prepare<[number], StudyRow>('SELECT name, axes_json FROM studies WHERE id = ?')
    .get(studyId);
  if (!study) throw new AppFailure('not-found', `No study ${studyId}`);
  const rows = store.database
    .prepare<[number], StudyRunRow>(
      `SELECT id, status, config_json, results_json, study_point_json FROM runs
       WHERE study_id = ? ORDER BY id`,
    )
    .all(studyId);
  return buildStudyReport({
    studyId,
    name: study.name,
    axes: JSON.parse(study.axes_json) as StudyAxis[],
    runs: rows.map((row) => runInput(store, row)),
  });
}
