import type { Database } from 'better-sqlite3';
import type { RunConfig, RunConfigInput } from '@shared/config/run-config';
import type { EvaluationKind, RunSummary } from '@shared/runs';
import type { StudyAxis, StudyEvaluationPlan, StudyPoint, StudyRun, StudySpec } from '@shared/study/types';
import { SUMMARY_COLUMNS, toSummary, type RunSummaryRow } from './runs.repo';

/** A study as stored: what the user asked for, without its runs. */
export interface StudyRecord extends StudySpec {
  id: number;
  createdAt: number;
}

/** What a study is made from (its spec, parsed). */
export type NewStudy = StudySpec;

/** One run to create with the study: its validated configuration and its grid cell. */
export interface NewStudyRun {
  config: RunConfig;
  point: StudyPoint;
}

/** An evaluation of one of a study's runs, as the study's counts and plan read it. */
export interface StudyEvaluationRow {
  id: number;
  runId: number;
  kind: EvaluationKind;
  status: 'running' | 'completed' | 'failed';
  error: string | null;
}

interface StudyRow {
  id: number;
  name: string;
  description: string;
  base_json: string;
  axes_json: string;
  seeds: number;
  seed_start: number;
  evaluation_json: string;
  created_at: number;
}

const toRecord = (row: StudyRow): StudyRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  base: JSON.parse(row.base_json) as RunConfigInput,
  axes: JSON.parse(row.axes_json) as StudyAxis[],
  seeds: row.seeds,
  seedStart: row.seed_start,
  evaluation: JSON.parse(row.evaluation_json) as StudyEvaluationPlan,
  createdAt: row.created_at,
});

/** A run's point when it has none (a row written by hand): no axis values, seed unknown. */
const NO_POINT: StudyPoint = { values: {}, labels: {}, seed: 0 };

/**
 * Studies (issue 14) and the link of their runs: a study's row holds its spec; each of its runs
 * carries `study_id` and its grid cell (`study_point_json`).
 */
export class StudiesRepository {
  constructor(private readonly database: Database) {}

  /** The study and all its runs (status `created`) in one transaction: a grid is never half-stored. */
  create(study: NewStudy, runs: readonly NewStudyRun[], now = Date.now()): { id: number; runIds: number[] } {
    return this.database.transaction(() => {
      const info = this.database
        .prepare(
          `INSERT INTO studies (name, description, base_json, axes_json, seeds, seed_start, evaluation_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          study.name,
          study.description,
          JSON.stringify(study.base),
          JSON.stringify(study.axes),
          study.seeds,
          study.seedStart,
          JSON.stringify(study.evaluation),
          now,
        );
      const id = Number(info.lastInsertRowid);
      // The same row runs.repo.ts `create` writes, plus the study's link.
      const insertRun = this.database.prepare(
        `INSERT INTO runs (name, config_json, loss_name, status, created_at, study_id, study_point_json)
         VALUES (?, ?, ?, 'created', ?, ?, ?)`,
      );
      const runIds = runs.map(({ config, point }) =>
        Number(
          insertRun.run(config.name, JSON.stringify(config), config.loss.name, now, id, JSON.stringify(point))
            .lastInsertRowid,
        ),
      );
      return { id, runIds };
    })();
  }

  get(id: number): StudyRecord | undefined {
    const row = this.database.prepare<[number], StudyRow>('SELECT * FROM studies WHERE id = ?').get(id);
    return row && toRecord(row);
  }

  /** Newest first. */
  list(): StudyRecord[] {
    return this.database.prepare<[], StudyRow>('SELECT * FROM studies ORDER BY id DESC').all().map(toRecord);
  }

  /** The study's runs in grid order (the order they were created), each with its point. */
  runs(studyId: number): StudyRun[] {
    return this.database
      .prepare<[number], RunSummaryRow & { study_point_json: string | null }>(
        `SELECT ${SUMMARY_COLUMNS}, study_point_json FROM runs WHERE study_id = ? ORDER BY id`,
      )
      .all(studyId)
      .map((row) => ({
        run: toSummary(row),
        point: row.study_point_json ? (JSON.parse(row.study_point_json) as StudyPoint) : NO_POINT,
      }));
  }

  runIds(studyId: number): number[] {
    return this.database
      .prepare<[number], { id: number }>('SELECT id FROM runs WHERE study_id = ? ORDER BY id')
      .all(studyId)
      .map((row) => row.id);
  }

  /** The study a run belongs to, or null. */
  studyOfRun(runId: number): number | null {
    const row = this.database
      .prepare<[number], { study_id: number | null }>('SELECT study_id FROM runs WHERE id = ?')
      .get(runId);
    return row?.study_id ?? null;
  }

  /** Every evaluation of the study's runs, oldest first. */
  evaluations(studyId: number): StudyEvaluationRow[] {
    return this.database
      .prepare<[number], StudyEvaluationRow>(
        `SELECT e.id, e.run_id AS runId, e.kind, e.status, e.error_text AS error FROM evaluations e
           JOIN runs r ON r.id = e.run_id WHERE r.study_id = ? ORDER BY e.id`,
      )
      .all(studyId);
  }

  /**
   * Completed runs with their configuration, newest first: what a study's duration estimate is
   * taken from (only completed runs have a whole run's step times).
   */
  completedRuns(limit = 500): { id: number; config: RunConfig; summary: RunSummary }[] {
    return this.database
      .prepare<[number], RunSummaryRow & { config_json: string }>(
        `SELECT ${SUMMARY_COLUMNS}, config_json FROM runs WHERE status = 'completed' ORDER BY id DESC LIMIT ?`,
      )
      .all(limit)
      .map((row) => ({
        id: row.id,
        config: JSON.parse(row.config_json) as RunConfig,
        summary: toSummary(row),
      }));
  }

  /** Deletes the study's row; runs still linked to it (the service deletes them first) are kept, unlinked. */
  delete(id: number): boolean {
    return this.database.prepare('DELETE FROM studies WHERE id = ?').run(id).changes > 0;
  }
}
