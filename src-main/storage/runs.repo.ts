import type { Database, Statement } from 'better-sqlite3';
import type { RunConfig } from '@shared/config/run-config';
import type { RunPlacement } from '@shared/cluster/types';
import type { GpuAdapterInfo } from '@shared/gpu';
import type { RunDetail, RunProgress, RunStatus, RunSummary } from '@shared/runs';
import { prepareBucketInvalidation } from './metric-buckets.repo';

interface RunRow {
  id: number;
  name: string;
  config_json: string;
  loss_name: string;
  backbone: string | null;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  backend: string | null;
  device: string | null;
  backend_notes: string;
  adapter_json: string | null;
  error_text: string | null;
  exit_code: number | null;
  exit_signal: string | null;
  progress_json: string | null;
  results_json: string;
  checkpoint_step: number | null;
  tags_json: string;
  notes: string;
  /** PLACEMENT's JSON; null (or not selected) for a local run. */
  placement_json?: string | null;
}

/** Fields a status change may set alongside the status. */
export interface RunStatusChange {
  status: RunStatus;
  startedAt?: number;
  endedAt?: number | null;
  error?: string | null;
  exitCode?: number | null;
  exitSignal?: string | null;
  /** The host process now responsible for the run. */
  ownerPid?: number | null;
}

/** The newest checkpoint's step: whether (and from where) the run can be resumed. */
const CHECKPOINT_STEP = '(SELECT max(step) FROM checkpoints WHERE run_id = runs.id) AS checkpoint_step';

/**
 * Where the run trains (issue 15): its remote_runs row with its newest job, as JSON; null for a
 * local run (cluster.repo.ts writes these tables).
 */
const PLACEMENT = `(SELECT json_object('profileId', r.profile_id, 'profileName', r.profile_name, 'runDir', r.run_dir,
    'jobId', j.job_id, 'slurmState', j.state, 'node', j.node, 'reason', j.reason, 'restarts', coalesce(j.restarts, 0))
  FROM remote_runs r LEFT JOIN cluster_jobs j ON j.id = (SELECT max(id) FROM cluster_jobs WHERE run_id = r.run_id)
  WHERE r.run_id = runs.id) AS placement_json`;

/** The columns `toSummary` reads (lists select only these: no configuration JSON per run). */
export const SUMMARY_COLUMNS = `id, name, loss_name, json_extract(config_json, '$.model.backbone') AS backbone, status, created_at, started_at, ended_at, backend, device,
  error_text, progress_json, results_json, tags_json, notes, ${CHECKPOINT_STEP}, ${PLACEMENT}`;

/** A row of SUMMARY_COLUMNS. */
export type RunSummaryRow = Omit<
  RunRow,
  'config_json' | 'backend_notes' | 'adapter_json' | 'exit_code' | 'exit_signal'
>;

export function toSummary(row: RunSummaryRow): RunSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    lossName: row.loss_name,
    backbone: row.backbone ?? 'unknown',
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    backend: row.backend,
    device: row.device,
    error: row.error_text,
    progress: row.progress_json ? (JSON.parse(row.progress_json) as RunProgress) : null,
    results: JSON.parse(row.results_json) as Record<string, number>,
    checkpointStep: row.checkpoint_step,
    tags: JSON.parse(row.tags_json) as string[],
    notes: row.notes,
    // Only placed runs carry the field: a local run's summary is what it was before issue 15.
    ...(row.placement_json
      ? { placement: { kind: 'slurm', ...(JSON.parse(row.placement_json) as Omit<RunPlacement, 'kind'>) } }
      : {}),
  };
}

/** Runs table access. All times are milliseconds since the Unix epoch. */
export class RunsRepository {
  private readonly selectOne: Statement<[number], RunRow>;
  private readonly updateProgress: Statement<[string, number]>;
  /** Drops cached metric summaries where points are deleted. */
  private readonly invalidateBuckets: ReturnType<typeof prepareBucketInvalidation>;

  constructor(private readonly database: Database) {
    this.invalidateBuckets = prepareBucketInvalidation(database);
    this.selectOne = database.prepare(
      `SELECT *, json_extract(config_json, '$.model.backbone') AS backbone, ${CHECKPOINT_STEP}, ${PLACEMENT} FROM runs WHERE id = ?`,
    );
    this.updateProgress = database.prepare('UPDATE runs SET progress_json = ? WHERE id = ?');
  }

  create(config: RunConfig, now = Date.now()): RunSummary {
    const info = this.database
      .prepare(
        `INSERT INTO runs (name, config_json, loss_name, status, created_at) VALUES (?, ?, ?, 'created', ?)`,
      )
      .run(config.name, JSON.stringify(config), config.loss.name, now);
    return this.summary(Number(info.lastInsertRowid))!;
  }

  summary(id: number): RunSummary | undefined {
    const row = this.selectOne.get(id);
    return row && toSummary(row);
  }

  detail(id: number): Omit<RunDetail, 'checkpoints'> | undefined {
    const row = this.selectOne.get(id);
    if (!row) return undefined;
    return {
      ...toSummary(row),
      config: JSON.parse(row.config_json) as RunConfig,
      exitCode: row.exit_code,
      exitSignal: row.exit_signal,
      backendNotes: JSON.parse(row.backend_notes) as string[],
      adapter: row.adapter_json ? (JSON.parse(row.adapter_json) as GpuAdapterInfo) : null,
    };
  }

  config(id: number): RunConfig | undefined {
    const row = this.selectOne.get(id);
    return row && (JSON.parse(row.config_json) as RunConfig);
  }

  list(options: { statuses?: readonly RunStatus[]; limit?: number } = {}): RunSummary[] {
    const { statuses, limit = 500 } = options;
    const where = statuses?.length ? `WHERE status IN (${statuses.map(() => '?').join(',')})` : '';
    return this.database
      .prepare<unknown[], RunRow>(`SELECT ${SUMMARY_COLUMNS} FROM runs ${where} ORDER BY id DESC LIMIT ?`)
      .all(...(statuses ?? []), limit)
      .map(toSummary);
  }

  setStatus(id: number, change: RunStatusChange): void {
    const sets = ['status = @status'];
    if (change.startedAt !== undefined) sets.push('started_at = @startedAt');
    if (change.endedAt !== undefined) sets.push('ended_at = @endedAt');
    if (change.error !== undefined) sets.push('error_text = @error');
    if (change.exitCode !== undefined) sets.push('exit_code = @exitCode');
    if (change.exitSignal !== undefined) sets.push('exit_signal = @exitSignal');
    if (change.ownerPid !== undefined) sets.push('owner_pid = @ownerPid');
    this.database.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run({ ...change, id });
  }

  setExit(id: number, code: number | null, signal: string | null): void {
    this.database
      .prepare('UPDATE runs SET exit_code = ?, exit_signal = ? WHERE id = ?')
      .run(code, signal, id);
  }

  setBackend(
    id: number,
    backend: string,
    device: string,
    notes: readonly string[],
    adapter: GpuAdapterInfo | null = null,
  ): void {
    this.database
      .prepare('UPDATE runs SET backend = ?, device = ?, backend_notes = ?, adapter_json = ? WHERE id = ?')
      .run(backend, device, JSON.stringify(notes), adapter ? JSON.stringify(adapter) : null, id);
  }

  setProgress(id: number, progress: RunProgress): void {
    this.updateProgress.run(JSON.stringify(progress), id);
  }

  /** Merges scalar results (final loss, accuracies) into the run's results. */
  mergeResults(id: number, results: Record<string, number>): void {
    this.database
      .prepare(`UPDATE runs SET results_json = json_patch(results_json, ?) WHERE id = ?`)
      .run(JSON.stringify(results), id);
  }

  /**
   * Prepares a resume from the checkpoint of `step`: metrics after it and newer (unusable)
   * checkpoints go, so the continued series has no duplicated or missing steps.
   */
  rewindTo(id: number, step: number): void {
    this.database.transaction(() => {
      this.database.prepare('DELETE FROM metric_points WHERE run_id = ? AND step > ?').run(id, step);
      this.invalidateBuckets(id, null, step + 1);
      this.database.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step > ?').run(id, step);
      // Snapshots after the step are taken again as the run continues (issue 12).
      this.database.prepare('DELETE FROM snapshots WHERE run_id = ? AND step > ?').run(id, step);
      this.database
        .prepare(
          'UPDATE runs SET error_text = NULL, ended_at = NULL, exit_code = NULL, exit_signal = NULL WHERE id = ?',
        )
        .run(id);
    })();
  }

  /** Clears what a previous attempt produced (metrics, checkpoints, progress, results). */
  resetForRestart(id: number): void {
    this.database.transaction(() => {
      this.database.prepare('DELETE FROM metric_points WHERE run_id = ?').run(id);
      this.invalidateBuckets(id, null, 0);
      this.database.prepare('DELETE FROM checkpoints WHERE run_id = ?').run(id);
      this.database.prepare('DELETE FROM snapshots WHERE run_id = ?').run(id);
      this.database
        .prepare(
          `UPDATE runs SET progress_json = NULL, results_json = '{}', error_text = NULL, started_at = NULL,
             ended_at = NULL, exit_code = NULL, exit_signal = NULL WHERE id = ?`,
        )
        .run(id);
    })();
  }

  delete(id: number): boolean {
    return this.database.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /**
   * Start-up repair. Runs whose host process is gone lost their worker with it: `running` and
   * `stopping` become `interrupted`, `queued` go back to `created` so nothing starts on its own.
   * Runs owned by another live host (the app and the CLI may share a file) are left alone.
   */
  recoverAfterRestart(
    isAlive: (pid: number) => boolean,
    now = Date.now(),
  ): { interrupted: number[]; requeued: number[] } {
    return this.database.transaction(() => {
      const orphans = this.database
        .prepare<[], { id: number; status: RunStatus; owner_pid: number | null }>(
          // Runs in the shared queue or under a lease are the leases' business (leases.repo.ts); runs
          // placed on a cluster train in a Slurm job that outlives any host (the cluster poller's).
          `SELECT id, status, owner_pid FROM runs WHERE status IN ('queued', 'running', 'stopping')
             AND id NOT IN (SELECT run_id FROM run_queue) AND id NOT IN (SELECT run_id FROM run_leases)
             AND id NOT IN (SELECT run_id FROM remote_runs)`,
        )
        .all()
        .filter((row) => row.owner_pid === null || !isAlive(row.owner_pid));
      const interrupt = this.database.prepare(
        `UPDATE runs SET status = 'interrupted', ended_at = ?, owner_pid = NULL,
           error_text = coalesce(error_text, 'The application stopped while this run was in progress')
         WHERE id = ?`,
      );
      const requeue = this.database.prepare(
        `UPDATE runs SET status = 'created', owner_pid = NULL WHERE id = ?`,
      );
      const interrupted: number[] = [];
      const requeued: number[] = [];
      for (const row of orphans) {
        if (row.status === 'queued') {
          requeue.run(row.id);
          requeued.push(row.id);
        } else {
          interrupt.run(now, row.id);
          interrupted.push(row.id);
        }
      }
      return { interrupted, requeued };
    })();
  }
}
