import type { Database } from 'better-sqlite3';
import type { EvaluationKind, EvaluationSettings, EvaluationSummary } from '@shared/runs';

interface EvaluationRow {
  id: number;
  run_id: number;
  kind: EvaluationKind;
  checkpoint_step: number;
  status: 'running' | 'completed' | 'failed';
  created_at: number;
  ended_at: number | null;
  settings_json: string;
  results_json: string;
  error_text: string | null;
}

const toSummary = (row: EvaluationRow): EvaluationSummary => {
  const stored = JSON.parse(row.results_json) as {
    results?: Record<string, number>;
    grid?: EvaluationSummary['grid'];
  };
  return {
    id: row.id,
    runId: row.run_id,
    kind: row.kind,
    checkpointStep: row.checkpoint_step,
    status: row.status,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    settings: JSON.parse(row.settings_json) as Partial<EvaluationSettings>,
    results: stored.results ?? {},
    ...(stored.grid ? { grid: stored.grid } : {}),
    error: row.error_text,
  };
};

/** Offline evaluations attached to runs (linear probe, kNN grid). */
export class EvaluationsRepository {
  constructor(private readonly database: Database) {}

  create(
    runId: number,
    kind: EvaluationKind,
    checkpointStep: number,
    settings: Partial<EvaluationSettings>,
  ): EvaluationSummary {
    const info = this.database
      .prepare(
        `INSERT INTO evaluations (run_id, kind, checkpoint_step, status, created_at, settings_json)
         VALUES (?, ?, ?, 'running', ?, ?)`,
      )
      .run(runId, kind, checkpointStep, Date.now(), JSON.stringify(settings));
    return this.get(Number(info.lastInsertRowid))!;
  }

  get(id: number): EvaluationSummary | undefined {
    const row = this.database
      .prepare<[number], EvaluationRow>('SELECT * FROM evaluations WHERE id = ?')
      .get(id);
    return row && toSummary(row);
  }

  list(runId: number): EvaluationSummary[] {
    return this.database
      .prepare<[number], EvaluationRow>('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id')
      .all(runId)
      .map(toSummary);
  }

  complete(id: number, results: Record<string, number>, grid?: EvaluationSummary['grid']): void {
    this.database
      .prepare(`UPDATE evaluations SET status = 'completed', ended_at = ?, results_json = ? WHERE id = ?`)
      .run(Date.now(), JSON.stringify({ results, ...(grid ? { grid } : {}) }), id);
  }

  fail(id: number, error: string): void {
    this.database
      .prepare(`UPDATE evaluations SET status = 'failed', ended_at = ?, error_text = ? WHERE id = ?`)
      .run(Date.now(), error, id);
  }
}
