import type { Database, Statement } from 'better-sqlite3';
import type { LogLevel, LogLine } from '@shared/runs';

interface LogRow {
  id: number;
  run_id: number;
  time_ms: number;
  level: LogLevel;
  message: string;
}

const toLine = (row: LogRow): LogLine => ({
  id: row.id,
  runId: row.run_id,
  timeMs: row.time_ms,
  level: row.level,
  message: row.message,
});

/** Per-run log lines (worker output, supervisor notes). */
export class LogsRepository {
  private readonly insert: Statement<[number, number, LogLevel, string]>;

  constructor(private readonly database: Database) {
    this.insert = database.prepare(
      'INSERT INTO run_logs (run_id, time_ms, level, message) VALUES (?, ?, ?, ?)',
    );
  }

  append(runId: number, level: LogLevel, message: string, timeMs = Date.now()): LogLine {
    const info = this.insert.run(runId, timeMs, level, message);
    return { id: Number(info.lastInsertRowid), runId, timeMs, level, message };
  }

  list(runId: number, afterId = 0, limit = 1000): LogLine[] {
    return this.database
      .prepare<[number, number, number], LogRow>(
        'SELECT * FROM run_logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?',
      )
      .all(runId, afterId, limit)
      .map(toLine);
  }

  /** The last `count` lines, oldest first (for crash reports). */
  tail(runId: number, count: number): LogLine[] {
    return this.database
      .prepare<[number, number], LogRow>('SELECT * FROM run_logs WHERE run_id = ? ORDER BY id DESC LIMIT ?')
      .all(runId, count)
      .map(toLine)
      .reverse();
  }
}
