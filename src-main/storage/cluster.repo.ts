import type { Database } from 'better-sqlite3';
import type { ClusterJob, ClusterProfile, SlurmProfileSettings } from '@shared/cluster/types';
import { isActiveSlurmState } from '@shared/cluster/types';
import type { RunStatus } from '@shared/runs';

/** A run placed on a cluster, as the host reads and advances it. */
export interface RemoteRunRecord {
  runId: number;
  profileId: number | null;
  profileName: string;
  /** The profile's settings when the run was placed. */
  settings: SlurmProfileSettings;
  runDir: string;
  /** Bytes of journal.ndjson already applied to the store. */
  journalOffset: number;
  stopRequestedAt: number | null;
  /** When a host marked it queued for a submission whose job is not recorded yet; null otherwise. */
  submittingSince: number | null;
}

/** One submitted job as stored: a ClusterJob without the run's and profile's names. */
export type JobRecord = Omit<ClusterJob, 'runName' | 'runStatus' | 'profileName'> & {
  /** Its end was applied to the run: no longer polled. */
  settled: boolean;
};

/** What a poll of Slurm learned about a job. */
export interface JobObservation {
  state: string;
  node?: string | null;
  reason?: string | null;
  exitCode?: string | null;
  restarts?: number;
  startedAt?: number | null;
  endedAt?: number | null;
  polledAt: number;
}

interface ProfileRow {
  id: number;
  name: string;
  settings_json: string;
  created_at: number;
  updated_at: number;
  run_count: number;
  active_job_count: number;
}

interface RemoteRunRow {
  run_id: number;
  profile_id: number | null;
  profile_name: string;
  settings_json: string;
  run_dir: string;
  journal_offset: number;
  stop_requested_at: number | null;
  submitting_since: number | null;
}

interface JobRow {
  id: number;
  run_id: number;
  job_id: string;
  array_job_id: string | null;
  state: string;
  node: string | null;
  reason: string | null;
  exit_code: string | null;
  restarts: number;
  submitted_at: number;
  started_at: number | null;
  ended_at: number | null;
  polled_at: number | null;
  settled: number;
}

/** A run's newest job (the one whose state the run shows). */
const NEWEST_JOB =
  'cluster_jobs.id = (SELECT max(id) FROM cluster_jobs AS newest WHERE newest.run_id = cluster_jobs.run_id)';

const PROFILE_COLUMNS = `p.id, p.name, p.settings_json, p.created_at, p.updated_at,
  (SELECT count(*) FROM remote_runs r WHERE r.profile_id = p.id) AS run_count,
  (SELECT count(*) FROM remote_runs r JOIN cluster_jobs ON cluster_jobs.run_id = r.run_id
     WHERE r.profile_id = p.id AND ${NEWEST_JOB} AND cluster_jobs.settled = 0) AS active_job_count`;

const toProfile = (row: ProfileRow): ClusterProfile => ({
  id: row.id,
  kind: 'slurm',
  settings: JSON.parse(row.settings_json) as SlurmProfileSettings,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  runCount: row.run_count,
  activeJobCount: row.active_job_count,
});

const toRemoteRun = (row: RemoteRunRow): RemoteRunRecord => ({
  runId: row.run_id,
  profileId: row.profile_id,
  profileName: row.profile_name,
  settings: JSON.parse(row.settings_json) as SlurmProfileSettings,
  runDir: row.run_dir,
  journalOffset: row.journal_offset,
  stopRequestedAt: row.stop_requested_at,
  submittingSince: row.submitting_since,
});

const toJob = (row: JobRow): JobRecord => ({
  id: row.id,
  runId: row.run_id,
  jobId: row.job_id,
  arrayJobId: row.array_job_id,
  state: row.state,
  node: row.node,
  reason: row.reason,
  exitCode: row.exit_code,
  restarts: row.restarts,
  submittedAt: row.submitted_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
  polledAt: row.polled_at,
  settled: row.settled === 1,
});

/**
 * Cluster placement (issue 15): Slurm profiles, the runs placed on them (with how far their
 * journal was read) and the jobs submitted for them. The run summary's `placement` is read by
 * runs.repo's PLACEMENT column from the same tables.
 */
export class ClusterRepository {
  constructor(private readonly database: Database) {}

  profiles(): ClusterProfile[] {
    return this.database
      .prepare<[], ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM cluster_profiles p ORDER BY p.name`)
      .all()
      .map(toProfile);
  }

  profile(id: number): ClusterProfile | undefined {
    const row = this.database
      .prepare<[number], ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM cluster_profiles p WHERE p.id = ?`)
      .get(id);
    return row ? toProfile(row) : undefined;
  }

  profileByName(name: string): ClusterProfile | undefined {
    const row = this.database
      .prepare<[string], ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM cluster_profiles p WHERE p.name = ?`)
      .get(name);
    return row ? toProfile(row) : undefined;
  }

  /** Adds a profile; throws SQLite's constraint error when the name is taken (the service says so first). */
  addProfile(settings: SlurmProfileSettings, now = Date.now()): ClusterProfile {
    const { lastInsertRowid } = this.database
      .prepare(
        'INSERT INTO cluster_profiles (name, kind, settings_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(settings.name, 'slurm', JSON.stringify(settings), now, now);
    return this.profile(Number(lastInsertRowid))!;
  }

  updateProfile(id: number, settings: SlurmProfileSettings, now = Date.now()): ClusterProfile | undefined {
    this.database
      .prepare('UPDATE cluster_profiles SET name = ?, settings_json = ?, updated_at = ? WHERE id = ?')
      .run(settings.name, JSON.stringify(settings), now, id);
    return this.profile(id);
  }

  /** Its runs keep their settings and name (profile_id becomes null). */
  removeProfile(id: number): boolean {
    return this.database.prepare('DELETE FROM cluster_profiles WHERE id = ?').run(id).changes > 0;
  }

  /** Places a run (created, not yet submitted) on a profile, with its folder on shared storage. */
  placeRun(runId: number, profile: ClusterProfile, runDir: string): void {
    this.database
      .prepare(
        'INSERT INTO remote_runs (run_id, profile_id, profile_name, settings_json, run_dir) VALUES (?, ?, ?, ?, ?)',
      )
      .run(runId, profile.id, profile.settings.name, JSON.stringify(profile.settings), runDir);
  }

  remoteRun(runId: number): RemoteRunRecord | undefined {
    const row = this.database
      .prepare<[number], RemoteRunRow>('SELECT * FROM remote_runs WHERE run_id = ?')
      .get(runId);
    return row ? toRemoteRun(row) : undefined;
  }

  /** Placed runs whose newest job has not been settled, or whose journal may hold more (active runs). */
  activeRemoteRuns(): RemoteRunRecord[] {
    return this.database
      .prepare<[], RemoteRunRow>(
        `SELECT r.* FROM remote_runs r JOIN runs ON runs.id = r.run_id
         WHERE runs.status IN ('queued', 'running', 'stopping')
            OR EXISTS (SELECT 1 FROM cluster_jobs WHERE cluster_jobs.run_id = r.run_id AND cluster_jobs.settled = 0)
         ORDER BY r.run_id`,
      )
      .all()
      .map(toRemoteRun);
  }

  /** Moves the journal offset, only forward and only from `from` (the caller's transaction read it). */
  advanceJournal(runId: number, from: number, to: number): boolean {
    return (
      this.database
        .prepare('UPDATE remote_runs SET journal_offset = ? WHERE run_id = ? AND journal_offset = ?')
        .run(to, runId, from).changes === 1
    );
  }

  /** A new job (resume) starts its journal reading where the last left off; a fresh start from 0. */
  resetJournal(runId: number): void {
    this.database.prepare('UPDATE remote_runs SET journal_offset = 0 WHERE run_id = ?').run(runId);
  }

  setStopRequested(runId: number, at: number | null): void {
    this.database.prepare('UPDATE remote_runs SET stop_requested_at = ? WHERE run_id = ?').run(at, runId);
  }

  /** Marks the run as being submitted (`at`), or no longer (null). */
  setSubmitting(runId: number, at: number | null): void {
    this.database.prepare('UPDATE remote_runs SET submitting_since = ? WHERE run_id = ?').run(at, runId);
  }

  /** Records a submitted job; its run is no longer being submitted (same transaction). */
  addJob(
    runId: number,
    job: { jobId: string; arrayJobId?: string | null; state?: string },
    now = Date.now(),
  ): JobRecord {
    const id = this.database.transaction(() => {
      const { lastInsertRowid } = this.database
        .prepare(
          'INSERT INTO cluster_jobs (run_id, job_id, array_job_id, state, submitted_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(runId, job.jobId, job.arrayJobId ?? null, job.state ?? 'PENDING', now);
      this.setSubmitting(runId, null);
      return Number(lastInsertRowid);
    })();
    return this.job(id)!;
  }

  /**
   * Active placed runs marked as being submitted before `before` that have no unsettled job: the
   * host submitting them stopped before Slurm's answer was recorded.
   */
  staleSubmissions(before: number): RemoteRunRecord[] {
    return this.database
      .prepare<[number], RemoteRunRow>(
        `SELECT r.* FROM remote_runs r JOIN runs ON runs.id = r.run_id
         WHERE runs.status IN ('queued', 'running', 'stopping')
           AND r.submitting_since IS NOT NULL AND r.submitting_since < ?
           AND NOT EXISTS (SELECT 1 FROM cluster_jobs WHERE cluster_jobs.run_id = r.run_id AND cluster_jobs.settled = 0)
         ORDER BY r.run_id`,
      )
      .all(before)
      .map(toRemoteRun);
  }

  job(id: number): JobRecord | undefined {
    const row = this.database.prepare<[number], JobRow>('SELECT * FROM cluster_jobs WHERE id = ?').get(id);
    return row ? toJob(row) : undefined;
  }

  /** The run's newest job. */
  currentJob(runId: number): JobRecord | undefined {
    const row = this.database
      .prepare<[number], JobRow>('SELECT * FROM cluster_jobs WHERE run_id = ? ORDER BY id DESC LIMIT 1')
      .get(runId);
    return row ? toJob(row) : undefined;
  }

  /** Jobs not yet settled: the poller asks Slurm about these. */
  unsettledJobs(): JobRecord[] {
    return this.database
      .prepare<[], JobRow>('SELECT * FROM cluster_jobs WHERE settled = 0 ORDER BY id')
      .all()
      .map(toJob);
  }

  /** Records what Slurm said; fields left undefined keep their value. */
  observeJob(id: number, seen: JobObservation): void {
    const sets = ['state = @state', 'polled_at = @polledAt'];
    for (const [field, column] of [
      ['node', 'node'],
      ['reason', 'reason'],
      ['exitCode', 'exit_code'],
      ['restarts', 'restarts'],
      ['startedAt', 'started_at'],
      ['endedAt', 'ended_at'],
    ] as const)
      if (seen[field] !== undefined) sets.push(`${column} = @${field}`);
    this.database.prepare(`UPDATE cluster_jobs SET ${sets.join(', ')} WHERE id = @id`).run({ ...seen, id });
  }

  /** The job's end was applied to its run: it is no longer polled. */
  settleJob(id: number): void {
    this.database.prepare('UPDATE cluster_jobs SET settled = 1 WHERE id = ?').run(id);
  }

  /** Rows of the Cluster view, newest first. */
  jobs(options: { runId?: number; limit?: number } = {}): ClusterJob[] {
    const where = options.runId === undefined ? '' : 'WHERE j.run_id = @runId';
    return this.database
      .prepare<
        { runId?: number; limit: number },
        JobRow & { run_name: string; run_status: RunStatus; profile_name: string }
      >(
        `SELECT j.*, runs.name AS run_name, runs.status AS run_status, r.profile_name
         FROM cluster_jobs j JOIN runs ON runs.id = j.run_id JOIN remote_runs r ON r.run_id = j.run_id
         ${where} ORDER BY j.id DESC LIMIT @limit`,
      )
      .all({ ...(options.runId === undefined ? {} : { runId: options.runId }), limit: options.limit ?? 500 })
      .map((row) => {
        const { settled: _settled, ...job } = toJob(row);
        return { ...job, runName: row.run_name, runStatus: row.run_status, profileName: row.profile_name };
      });
  }

  /** Whether a job of the run may still run its worker (Slurm has not ended it, or its end is not applied). */
  hasActiveJob(runId: number): boolean {
    const job = this.currentJob(runId);
    return job !== undefined && !job.settled && isActiveSlurmState(job.state);
  }

  /** The study's profile, when it was placed on one. */
  studyProfileId(studyId: number): number | null {
    const row = this.database
      .prepare<[number], { profile_id: number | null }>('SELECT profile_id FROM studies WHERE id = ?')
      .get(studyId);
    return row?.profile_id ?? null;
  }

  setStudyProfile(studyId: number, profileId: number | null): void {
    this.database.prepare('UPDATE studies SET profile_id = ? WHERE id = ?').run(profileId, studyId);
  }
}
