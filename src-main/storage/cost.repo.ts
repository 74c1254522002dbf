import type { Database } from 'better-sqlite3';
import type {
  CostEnvironment,
  CostPoint,
  CostStudySettings,
  CostStudySource,
  CostStudyStatus,
  CostStudySummary,
} from '@shared/cost/types';

interface CostStudyRow {
  id: number;
  name: string;
  status: CostStudyStatus;
  source: CostStudySource;
  settings_json: string;
  environment_json: string | null;
  progress_json: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

interface CostPointRow {
  idx: number;
  kind: CostPoint['kind'];
  loss: CostPoint['loss'];
  block_size: number | null;
  d: number;
  n: number;
  status: CostPoint['status'];
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  peak_bytes: number | null;
  repeats: number;
  message: string | null;
}

/**
 * progress_json: the summary's progress, plus the pid of the host process that runs the study, so
 * a host that starts later can tell a study whose host died (left `running`) from a live one.
 */
interface StoredProgress {
  done: number;
  total: number;
  current: string | null;
  hostPid?: number;
}

export type CostProgress = CostStudySummary['progress'];

const toSummary = (row: CostStudyRow): CostStudySummary => {
  const stored = row.progress_json ? (JSON.parse(row.progress_json) as StoredProgress) : null;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    source: row.source,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    settings: JSON.parse(row.settings_json) as CostStudySettings,
    environment: row.environment_json ? (JSON.parse(row.environment_json) as CostEnvironment) : null,
    progress: stored
      ? { done: stored.done, total: stored.total, current: stored.current }
      : { done: 0, total: 0, current: null },
    error: row.error,
  };
};

const toPoint = (row: CostPointRow): CostPoint => ({
  kind: row.kind,
  loss: row.loss,
  blockSize: row.block_size,
  d: row.d,
  n: row.n,
  status: row.status,
  medianMs: row.median_ms,
  minMs: row.min_ms,
  maxMs: row.max_ms,
  peakBytes: row.peak_bytes,
  repeats: row.repeats,
  message: row.message,
});

/** What a new cost study starts with (a queued job, or a finished bench run or import). */
export interface NewCostStudy {
  name: string;
  status: CostStudyStatus;
  source: CostStudySource;
  settings: CostStudySettings;
  environment?: CostEnvironment | null;
  progress: CostProgress;
  error?: string | null;
  createdAt?: number;
  startedAt?: number | null;
  endedAt?: number | null;
  hostPid?: number;
}

/** Cost studies (issue 14, item 3) and their measured points, one row per point. */
export class CostRepository {
  constructor(private readonly database: Database) {}

  /** Newest first. */
  list(): CostStudySummary[] {
    return this.database
      .prepare<[], CostStudyRow>('SELECT * FROM cost_studies ORDER BY created_at DESC, id DESC')
      .all()
      .map(toSummary);
  }

  summary(id: number): CostStudySummary | undefined {
    const row = this.database
      .prepare<[number], CostStudyRow>('SELECT * FROM cost_studies WHERE id = ?')
      .get(id);
    return row && toSummary(row);
  }

  /** A new study with its points (an import or a saved bench brings them all at once). */
  create(study: NewCostStudy, points: readonly CostPoint[] = []): CostStudySummary {
    const id = this.database.transaction(() => {
      const info = this.database
        .prepare(
          `INSERT INTO cost_studies (name, status, source, settings_json, environment_json, progress_json,
             error, created_at, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          study.name,
          study.status,
          study.source,
          JSON.stringify(study.settings),
          study.environment ? JSON.stringify(study.environment) : null,
          JSON.stringify(storedProgress(study.progress, study.hostPid)),
          study.error ?? null,
          study.createdAt ?? Date.now(),
          study.startedAt ?? null,
          study.endedAt ?? null,
        );
      const studyId = Number(info.lastInsertRowid);
      points.forEach((point, index) => this.addPoint(studyId, index, point));
      return studyId;
    })();
    return this.summary(id)!;
  }

  points(id: number): CostPoint[] {
    return this.database
      .prepare<[number], CostPointRow>('SELECT * FROM cost_points WHERE cost_study_id = ? ORDER BY idx')
      .all(id)
      .map(toPoint);
  }

  /** Stores one measured point at its place in the plan (a repeated index replaces the point). */
  addPoint(id: number, index: number, point: CostPoint): void {
    this.database
      .prepare(
        `INSERT OR REPLACE INTO cost_points (cost_study_id, idx, kind, loss, block_size, d, n, status,
           median_ms, min_ms, max_ms, peak_bytes, repeats, message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        index,
        point.kind,
        point.loss,
        point.blockSize,
        point.d,
        point.n,
        point.status,
        point.medianMs,
        point.minMs,
        point.maxMs,
        point.peakBytes === null ? null : Math.round(point.peakBytes),
        point.repeats,
        point.message,
      );
  }

  /** The job started on this host: `running`, with its start time. */
  markRunning(id: number, hostPid: number, progress: CostProgress, now = Date.now()): void {
    this.database
      .prepare(`UPDATE cost_studies SET status = 'running', started_at = ?, progress_json = ? WHERE id = ?`)
      .run(now, JSON.stringify(storedProgress(progress, hostPid)), id);
  }

  setEnvironment(id: number, environment: CostEnvironment): void {
    this.database
      .prepare('UPDATE cost_studies SET environment_json = ? WHERE id = ?')
      .run(JSON.stringify(environment), id);
  }

  /** Progress as the job reports it (the host's pid is kept). */
  setProgress(id: number, progress: CostProgress): void {
    const hostPid = this.hostPid(id);
    this.database
      .prepare('UPDATE cost_studies SET progress_json = ? WHERE id = ?')
      .run(JSON.stringify(storedProgress(progress, hostPid)), id);
  }

  /** The end of a study: completed, stopped or failed (with why), no point being measured. */
  finish(
    id: number,
    status: 'completed' | 'stopped' | 'failed',
    error: string | null,
    now = Date.now(),
  ): void {
    const summary = this.summary(id);
    if (!summary) return;
    this.database
      .prepare('UPDATE cost_studies SET status = ?, error = ?, ended_at = ?, progress_json = ? WHERE id = ?')
      .run(status, error, now, JSON.stringify({ ...summary.progress, current: null }), id);
  }

  /** Studies left `queued` or `running`, with the host that runs them (undefined: none recorded). */
  unfinished(): { id: number; status: CostStudyStatus; hostPid: number | undefined }[] {
    return this.database
      .prepare<[], CostStudyRow>(
        `SELECT * FROM cost_studies WHERE status IN ('queued', 'running') ORDER BY id`,
      )
      .all()
      .map((row) => ({ id: row.id, status: row.status, hostPid: this.hostPid(row.id) }));
  }

  /** Deletes the study and (by cascade) its points. */
  delete(id: number): boolean {
    return this.database.prepare('DELETE FROM cost_studies WHERE id = ?').run(id).changes > 0;
  }

  private hostPid(id: number): number | undefined {
    const row = this.database
      .prepare<[number], { progress_json: string | null }>(
        'SELECT progress_json FROM cost_studies WHERE id = ?',
      )
      .get(id);
    return row?.progress_json ? (JSON.parse(row.progress_json) as StoredProgress).hostPid : undefined;
  }
}

function storedProgress(progress: CostProgress, hostPid: number | undefined): StoredProgress {
  return hostPid === undefined ? { ...progress } : { ...progress, hostPid };
}
