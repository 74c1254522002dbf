import type { Database } from 'better-sqlite3';
import { CLUSTER_MIGRATION } from './migration-cluster';

/**
 * Versioned schema migrations, applied in order at start-up. The applied version is kept in
 * `PRAGMA user_version`, so `sqlite3 FILE 'pragma user_version'` tells a user which schema a file has.
 * Never edit a shipped migration: append a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const RUN_STATUS_CHECK = `status IN ('created','queued','running','stopping','completed','stopped','failed','interrupted')`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, metric points, checkpoints, run logs',
    sql: `
      CREATE TABLE runs (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        name          TEXT NOT NULL,
        config_json   TEXT NOT NULL,
        loss_name     TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (${RUN_STATUS_CHECK}),
        created_at    INTEGER NOT NULL,
        started_at    INTEGER,
        ended_at      INTEGER,
        backend       TEXT,
        device        TEXT,
        backend_notes TEXT NOT NULL DEFAULT '[]',
        error_text    TEXT,
        exit_code     INTEGER,
        exit_signal   TEXT,
        owner_pid     INTEGER, -- the host process that queued/runs it (several hosts may share a file)
        progress_json TEXT,
        results_json  TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX runs_by_status ON runs (status);

      -- One row per (run, metric, step); the primary key is the series index, so fetching one
      -- series is a single range scan of the table itself.
      CREATE TABLE metric_points (
        run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        step         INTEGER NOT NULL,
        epoch        INTEGER NOT NULL,
        value        REAL,
        wall_time_ms INTEGER NOT NULL,
        PRIMARY KEY (run_id, name, step)
      ) WITHOUT ROWID;

      CREATE TABLE checkpoints (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step       INTEGER NOT NULL,
        epoch      INTEGER NOT NULL,
        format     TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        sha256     TEXT NOT NULL,
        data       BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX checkpoints_by_run ON checkpoints (run_id, step);

      CREATE TABLE run_logs (
        id      INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        time_ms INTEGER NOT NULL,
        level   TEXT NOT NULL CHECK (level IN ('debug','info','warn','error')),
        message TEXT NOT NULL
      );
      CREATE INDEX run_logs_by_run ON run_logs (run_id, id);

      -- For people who open the file with the sqlite3 client.
      CREATE VIEW run_overview AS
        SELECT id, name, status, loss_name, backend,
               datetime(created_at / 1000, 'unixepoch') AS created_utc,
               round((coalesce(ended_at, started_at) - started_at) / 1000.0, 1) AS duration_s,
               json_extract(results_json, '$.loss') AS final_loss,
               error_text
        FROM runs ORDER BY id;
    `,
  },
  {
    version: 2,
    description: 'checkpoint metadata for retention; evaluations of runs',
    sql: `
      ALTER TABLE checkpoints ADD COLUMN reason TEXT NOT NULL DEFAULT 'schedule';
      -- kNN top-1 measured when the checkpoint was taken (keep-best retention).
      ALTER TABLE checkpoints ADD COLUMN knn_top1 REAL;

      CREATE TABLE evaluations (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        kind            TEXT NOT NULL CHECK (kind IN ('linear', 'knn')),
        checkpoint_step INTEGER NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        created_at      INTEGER NOT NULL,
        ended_at        INTEGER,
        settings_json   TEXT NOT NULL DEFAULT '{}',
        results_json    TEXT NOT NULL DEFAULT '{}',
        error_text      TEXT
      );
      CREATE INDEX evaluations_by_run ON evaluations (run_id, id);
    `,
  },
  {
    version: 3,
    description: 'large checkpoints in parts (SQLite binds at most 1e9 bytes per value)',
    sql: `
      -- A checkpoint larger than one part keeps an empty data column and its bytes here, in order.
      CREATE TABLE checkpoint_parts (
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
        part          INTEGER NOT NULL,
        data          BLOB NOT NULL,
        PRIMARY KEY (checkpoint_id, part)
      );
    `,
  },
  {
    version: 4,
    description: 'one run queue and one concurrency limit per database: hosts, queue entries, leases',
    sql: `
      -- Every open host (the app, serve mode, a CLI command) with its process id and a heartbeat;
      -- a row whose process is gone or whose heartbeat is stale belongs to a host that died.
      CREATE TABLE hosts (
        token        TEXT PRIMARY KEY,
        pid          INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        -- 'any': takes any shared queue entry; 'own': only what it queued itself (the CLI).
        claims       TEXT NOT NULL CHECK (claims IN ('any', 'own')),
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL
      );

      -- The queue, shared by every host on this file: oldest first. Launch options (a checkpoint
      -- to resume from, an evaluation) travel as JSON so any host can start the entry.
      CREATE TABLE run_queue (
        run_id       INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        queued_at    INTEGER NOT NULL,
        host_token   TEXT NOT NULL,
        -- 1: only the host that queued it starts it (a CLI command follows its own run).
        exclusive    INTEGER NOT NULL DEFAULT 0,
        options_json TEXT NOT NULL DEFAULT '{}'
      );

      -- One row per worker process, whichever host runs it: the concurrency limit counts these.
      -- No cascade: a leased run cannot be deleted under its worker.
      CREATE TABLE run_leases (
        run_id         INTEGER PRIMARY KEY REFERENCES runs (id),
        host_token     TEXT NOT NULL,
        owner_pid      INTEGER NOT NULL,
        owner_kind     TEXT NOT NULL,
        evaluation_id  INTEGER,
        worker_pid     INTEGER,
        acquired_at    INTEGER NOT NULL,
        heartbeat_at   INTEGER NOT NULL,
        -- Set by another host that was asked to stop this run; the owner stops it on its next beat.
        stop_requested INTEGER NOT NULL DEFAULT 0
      );

      -- Runs queued before this version wait in the new queue, for any host to start.
      INSERT INTO run_queue (run_id, queued_at, host_token)
        SELECT id, created_at, 'before-version-4' FROM runs WHERE status = 'queued';
    `,
  },
  {
    version: 5,
    description: 'run tags and notes; saved comparisons; a cache of reduced metric series',
    sql: `
      -- Tags as a JSON array on the run (a list of 1,000 runs filters them with json_each in well
      -- under a millisecond), so a run archive carries them with the run's row.
      ALTER TABLE runs ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';

      -- A comparison saved under a name: the state the Compare page keeps in its URL.
      CREATE TABLE comparisons (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        name       TEXT NOT NULL,
        state_json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );

      -- Derived from metric_points, never the record: per (run, metric) and bucket of 2^level
      -- steps (bucket = step >> level, level >= 5), the point count, the first, last, minimum and
      -- maximum points (M4), the wall times of the first and last, and the training time between
      -- them (pauses left out). Filled lazily, only for buckets a series has moved past, and dropped
      -- where points change, so a reduced fetch of a 100k-point series reads hundreds of rows.
      CREATE TABLE metric_buckets (
        run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        level       INTEGER NOT NULL,
        bucket      INTEGER NOT NULL,
        count       INTEGER NOT NULL,
        first_step  INTEGER NOT NULL,
        first_value REAL,
        first_wall  INTEGER NOT NULL,
        last_step   INTEGER NOT NULL,
        last_value  REAL,
        last_wall   INTEGER NOT NULL,
        min_step    INTEGER,
        min_value   REAL,
        max_step    INTEGER,
        max_value   REAL,
        active_ms   INTEGER NOT NULL,
        PRIMARY KEY (run_id, name, level, bucket)
      ) WITHOUT ROWID;

      -- How far metric_buckets is filled: every bucket below filled_to of the level is there
      -- (an empty bucket has no row).
      CREATE TABLE metric_bucket_fill (
        run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name      TEXT NOT NULL,
        level     INTEGER NOT NULL,
        filled_to INTEGER NOT NULL,
        PRIMARY KEY (run_id, name, level)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 6,
    description: 'decorrelation-inspector snapshots and their cached views',
    sql: `
      -- A probe batch's projector outputs Z1, Z2 (n x d), backbone features H1, H2 (n x
      -- feature_dim) and the step's feature permutation (d int32, when has_permutation), one after
      -- the other in data (float32 or float16 little-endian): one blob, so a run archive carries
      -- it like a checkpoint's. Never d x d: the matrices are derived on demand.
      CREATE TABLE snapshots (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step            INTEGER NOT NULL,
        epoch           INTEGER NOT NULL,
        source          TEXT NOT NULL CHECK (source IN ('training','checkpoint')),
        created_at      INTEGER NOT NULL,
        n               INTEGER NOT NULL,
        d               INTEGER NOT NULL,
        feature_dim     INTEGER NOT NULL,
        dtype           TEXT NOT NULL CHECK (dtype IN ('float32','float16')),
        probe_seed      INTEGER NOT NULL,
        has_permutation INTEGER NOT NULL,
        bytes           INTEGER NOT NULL,
        data            BLOB NOT NULL
      );
      CREATE INDEX snapshots_by_run ON snapshots (run_id, step);

      -- Derived views of a snapshot (overviews, tiles, summaries), cached by key; a cache, so
      -- run archives leave it out.
      CREATE TABLE snapshot_views (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
        key         TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        data        BLOB NOT NULL,
        PRIMARY KEY (snapshot_id, key)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    description: 'the WebGPU adapter a run trained on',
    sql: `
      -- JSON of GpuAdapterInfo (src-shared/gpu.ts) when the run used the webgpu backend, else NULL.
      ALTER TABLE runs ADD COLUMN adapter_json TEXT;
    `,
  },
  {
    version: 8,
    description: 'studies (grids of runs over seeds) and cost studies (loss time and memory against d)',
    sql: `
      -- A study: its spec as the user gave it (base configuration, axes, seeds, evaluation plan;
      -- src-shared/study/types.ts). Its runs point at it; deleting a study deletes them first
      -- (the service does, to stop workers), and SET NULL keeps a run if one is left behind.
      CREATE TABLE studies (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        name            TEXT NOT NULL,
        description     TEXT NOT NULL DEFAULT '',
        base_json       TEXT NOT NULL,
        axes_json       TEXT NOT NULL,
        seeds           INTEGER NOT NULL,
        seed_start      INTEGER NOT NULL,
        evaluation_json TEXT NOT NULL,
        created_at      INTEGER NOT NULL
      );

      -- The grid cell a run is (StudyPoint: axis values, labels, seed) in its study.
      ALTER TABLE runs ADD COLUMN study_id INTEGER REFERENCES studies (id) ON DELETE SET NULL;
      ALTER TABLE runs ADD COLUMN study_point_json TEXT;
      CREATE INDEX runs_by_study ON runs (study_id) WHERE study_id IS NOT NULL;

      -- A cost study (or a saved bench loss): settings, where it ran (machine, backend, device),
      -- and progress, so curves from other backends or machines (imported) compare.
      CREATE TABLE cost_studies (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        name             TEXT NOT NULL,
        status           TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed','stopped')),
        source           TEXT NOT NULL CHECK (source IN ('study','bench','import')),
        settings_json    TEXT NOT NULL,
        environment_json TEXT,
        progress_json    TEXT,
        error            TEXT,
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        ended_at         INTEGER
      );

      -- One measured point (CostPoint): out-of-memory points are rows too, with status 'oom'.
      CREATE TABLE cost_points (
        cost_study_id INTEGER NOT NULL REFERENCES cost_studies (id) ON DELETE CASCADE,
        idx           INTEGER NOT NULL,
        kind          TEXT NOT NULL CHECK (kind IN ('loss','step')),
        loss          TEXT NOT NULL,
        block_size    INTEGER,
        d             INTEGER NOT NULL,
        n             INTEGER NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('ok','oom','error','skipped')),
        median_ms     REAL,
        min_ms        REAL,
        max_ms        REAL,
        peak_bytes    INTEGER,
        repeats       INTEGER NOT NULL,
        message       TEXT,
        PRIMARY KEY (cost_study_id, idx)
      ) WITHOUT ROWID;
    `,
  },
  CLUSTER_MIGRATION,
];

/** Brings the database to the newest schema version, each migration in its own transaction. */
export function migrate(database: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = database.pragma('user_version', { simple: true }) as number;
  const newest = migrations.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `The database has schema version ${current}, newer than this Decorbench understands (${newest}). Update Decorbench.`,
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // Two hosts may open a new file at the same moment: each migration takes the write lock first
    // and reads the version again under it, so the second host skips what the first just applied.
    database
      .transaction(() => {
        if ((database.pragma('user_version', { simple: true }) as number) >= migration.version) return;
        database.exec(migration.sql);
        database.pragma(`user_version = ${migration.version}`);
      })
      .immediate();
  }
  return newest;
}
