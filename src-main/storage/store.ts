import type { Database } from 'better-sqlite3';
import { CheckpointsRepository } from './checkpoints.repo';
import { ClusterRepository } from './cluster.repo';
import { ComparisonsRepository } from './comparisons.repo';
import { CostRepository } from './cost.repo';
import { openDatabase, type DatabaseOptions } from './database';
import { EvaluationsRepository } from './evaluations.repo';
import { LeasesRepository } from './leases.repo';
import { LogsRepository } from './logs.repo';
import { MetricBucketsRepository } from './metric-buckets.repo';
import { MetricsRepository } from './metrics.repo';
import { RunQueriesRepository } from './runs-query.repo';
import { RunsRepository } from './runs.repo';
import { SnapshotsRepository } from './snapshots.repo';
import { StudiesRepository } from './studies.repo';

/** The run store: one SQLite file, the system of record for runs, metrics, logs and checkpoints. */
export class RunStore {
  readonly runs: RunsRepository;
  readonly metrics: MetricsRepository;
  readonly logs: LogsRepository;
  readonly checkpoints: CheckpointsRepository;
  readonly evaluations: EvaluationsRepository;
  /** The queue, hosts and worker leases shared by every process that opens this file. */
  readonly leases: LeasesRepository;
  /** The runs list with filter, sort and paging; name, tag and note edits. */
  readonly runQueries: RunQueriesRepository;
  /** Metric points by range and their cached M4 summaries (run comparison). */
  readonly metricBuckets: MetricBucketsRepository;
  readonly comparisons: ComparisonsRepository;
  /** Decorrelation-inspector snapshots (issue 12) and their cached views. */
  readonly snapshots: SnapshotsRepository;
  /** Studies (issue 14): grids of runs over seeds, linked to their runs. */
  readonly studies: StudiesRepository;
  /** Cost studies (issue 14): a loss's time and memory against d, with the machine they ran on. */
  readonly cost: CostRepository;
  /** Cluster placement (issue 15): Slurm profiles, runs placed on them, their jobs and journal offsets. */
  readonly cluster: ClusterRepository;

  private constructor(
    readonly database: Database,
    readonly path: string,
  ) {
    this.runs = new RunsRepository(database);
    this.metrics = new MetricsRepository(database);
    this.logs = new LogsRepository(database);
    this.checkpoints = new CheckpointsRepository(database);
    this.evaluations = new EvaluationsRepository(database);
    this.leases = new LeasesRepository(database);
    this.runQueries = new RunQueriesRepository(database);
    this.metricBuckets = new MetricBucketsRepository(database);
    this.comparisons = new ComparisonsRepository(database);
    this.snapshots = new SnapshotsRepository(database);
    this.studies = new StudiesRepository(database);
    this.cost = new CostRepository(database);
    this.cluster = new ClusterRepository(database);
  }

  /** Throws a `DatabaseOpenError` (a message naming the file) for a file it cannot use. */
  static open(path: string, options: DatabaseOptions = {}): RunStore {
    return new RunStore(openDatabase(path, options), path);
  }

  /** True when opened with `access: 'read'` on a file this process may not write. */
  get readonly(): boolean {
    return this.database.readonly;
  }

  close(): void {
    if (this.database.open) this.database.close();
  }
}
