import type { Database } from 'better-sqlite3';
import { CheckpointsRepository } from './checkpoints.repo';
import { openDatabase, type DatabaseOptions } from './database';
import { EvaluationsRepository } from './evaluations.repo';
import { LogsRepository } from './logs.repo';
import { MetricsRepository } from './metrics.repo';
import { RunsRepository } from './runs.repo';

/** The run store: one SQLite file, the system of record for runs, metrics, logs and checkpoints. */
export class RunStore {
  readonly runs: RunsRepository;
  readonly metrics: MetricsRepository;
  readonly logs: LogsRepository;
  readonly checkpoints: CheckpointsRepository;
  readonly evaluations: EvaluationsRepository;

  private constructor(
    readonly database: Database,
    readonly path: string,
  ) {
    this.runs = new RunsRepository(database);
    this.metrics = new MetricsRepository(database);
    this.logs = new LogsRepository(database);
    this.checkpoints = new CheckpointsRepository(database);
    this.evaluations = new EvaluationsRepository(database);
  }

  static open(path: string, options: DatabaseOptions = {}): RunStore {
    return new RunStore(openDatabase(path, options), path);
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}
