import type { Migration } from './migrations';

/**
 * Migration 9 (issue 15): cluster profiles, runs placed on them, and the Slurm jobs submitted for
 * those runs. Its own file: the schema of one feature in one place.
 */
export const CLUSTER_MIGRATION: Migration = {
  version: 9,
  description: 'cluster profiles (Slurm), runs placed on them, their jobs and journal read offsets',
  sql: `
    -- A Slurm profile (src-shared/cluster/types.ts SlurmProfileSettings as JSON); name is unique.
    CREATE TABLE cluster_profiles (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      name          TEXT NOT NULL UNIQUE,
      kind          TEXT NOT NULL DEFAULT 'slurm' CHECK (kind IN ('slurm')),
      settings_json TEXT NOT NULL,
      created_at    INTEGER NOT NULL,
      updated_at    INTEGER NOT NULL
    );

    -- A run placed on a profile: the profile's settings as they were when it was placed (a later
    -- edit or removal of the profile does not move it), its folder on shared storage, and how far
    -- the host has read its journal (bytes): advanced in the same transaction as what was read,
    -- so a line is never applied twice, whichever host reads it. submitting_since: when a host
    -- marked it queued for a submission whose job is not recorded yet (cleared with the job's row):
    -- a host that died in between leaves it set, and the poller makes the run interrupted.
    CREATE TABLE remote_runs (
      run_id            INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      profile_id        INTEGER REFERENCES cluster_profiles (id) ON DELETE SET NULL,
      profile_name      TEXT NOT NULL,
      settings_json     TEXT NOT NULL,
      run_dir           TEXT NOT NULL,
      journal_offset    INTEGER NOT NULL DEFAULT 0,
      stop_requested_at INTEGER,
      submitting_since  INTEGER
    );
    CREATE INDEX remote_runs_by_profile ON remote_runs (profile_id);

    -- Each job submitted for a run (a resume submits a new one); the newest is the run's job.
    -- state is Slurm's word (PENDING, RUNNING, COMPLETED, ...); settled = 1 once its end was applied.
    CREATE TABLE cluster_jobs (
      id           INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      job_id       TEXT NOT NULL,
      array_job_id TEXT,
      state        TEXT NOT NULL,
      node         TEXT,
      reason       TEXT,
      exit_code    TEXT,
      restarts     INTEGER NOT NULL DEFAULT 0,
      submitted_at INTEGER NOT NULL,
      started_at   INTEGER,
      ended_at     INTEGER,
      polled_at    INTEGER,
      settled      INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX cluster_jobs_by_run ON cluster_jobs (run_id, id);
    CREATE INDEX cluster_jobs_unsettled ON cluster_jobs (settled) WHERE settled = 0;

    -- A study placed on a profile sends its runs as one job array.
    ALTER TABLE studies ADD COLUMN profile_id INTEGER REFERENCES cluster_profiles (id) ON DELETE SET NULL;
  `,
};
