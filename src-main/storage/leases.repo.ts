import type { Database } from 'better-sqlite3';

/**
 * One queue and one concurrency limit per database file, shared by every host that opens it
 * (the app, serve mode, CLI commands): hosts register with their process id and a heartbeat,
 * queued runs wait in `run_queue`, and each worker process holds a lease in `run_leases`.
 * Claims run in `BEGIN IMMEDIATE` transactions, so two hosts never take the same entry or
 * count the leases at the same moment.
 */

/** A host process as the other hosts see it. */
export interface HostRecord {
  token: string;
  pid: number;
  /** `electron`, `serve` or `cli`. */
  kind: string;
  /** `any`: starts any shared queue entry; `own`: only the entries it queued itself. */
  claims: 'any' | 'own';
}

export interface QueueEntry {
  runId: number;
  queuedAt: number;
  hostToken: string;
  /** Only the host that queued it may start it. */
  exclusive: boolean;
  /** The launch options (checkpoint to resume from, evaluation), as queued. */
  options: unknown;
}

export interface Lease {
  runId: number;
  hostToken: string;
  ownerPid: number;
  ownerKind: string;
  evaluationId: number | null;
  workerPid: number | null;
  acquiredAt: number;
  heartbeatAt: number;
  stopRequested: boolean;
}

interface QueueRow {
  run_id: number;
  queued_at: number;
  host_token: string;
  exclusive: number;
  options_json: string;
}

interface LeaseRow {
  run_id: number;
  host_token: string;
  owner_pid: number;
  owner_kind: string;
  evaluation_id: number | null;
  worker_pid: number | null;
  acquired_at: number;
  heartbeat_at: number;
  stop_requested: number;
}

interface HostRow {
  token: string;
  pid: number;
  kind: string;
  claims: 'any' | 'own';
  heartbeat_at: number;
}

const toEntry = (row: QueueRow): QueueEntry => ({
  runId: row.run_id,
  queuedAt: row.queued_at,
  hostToken: row.host_token,
  exclusive: row.exclusive === 1,
  options: JSON.parse(row.options_json) as unknown,
});

const toLease = (row: LeaseRow): Lease => ({
  runId: row.run_id,
  hostToken: row.host_token,
  ownerPid: row.owner_pid,
  ownerKind: row.owner_kind,
  evaluationId: row.evaluation_id,
  workerPid: row.worker_pid,
  acquiredAt: row.acquired_at,
  heartbeatAt: row.heartbeat_at,
  stopRequested: row.stop_requested === 1,
});

/** How a sweeping host decides that another host is gone. */
export interface LivenessCheck {
  /** Whether a process id is alive on this machine. */
  isAlive: (pid: number) => boolean;
  /**
   * Heartbeats older than this are stale (a hung host, or a reused pid). The caller measures it
   * from its own previous beat, so a machine waking from sleep does not declare everyone dead.
   */
  staleBefore: number;
}

/** What a sweep took back from hosts that are gone. */
export interface Reclaimed {
  hosts: HostRecord[];
  leases: Lease[];
  /** Exclusive queue entries whose host is gone: nobody else may start them. */
  entries: QueueEntry[];
}

export class LeasesRepository {
  constructor(private readonly database: Database) {}

  registerHost(host: HostRecord, now = Date.now()): void {
    this.database
      .prepare(
        `INSERT OR REPLACE INTO hosts (token, pid, kind, claims, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(host.token, host.pid, host.kind, host.claims, now, now);
  }

  /** Beats for the host and its leases; false when its row is gone (another host reclaimed it). */
  heartbeat(token: string, now = Date.now()): boolean {
    return this.database.transaction(() => {
      const beat = this.database.prepare('UPDATE hosts SET heartbeat_at = ? WHERE token = ?').run(now, token);
      this.database.prepare('UPDATE run_leases SET heartbeat_at = ? WHERE host_token = ?').run(now, token);
      return beat.changes > 0;
    })();
  }

  unregisterHost(token: string): void {
    this.database.prepare('DELETE FROM hosts WHERE token = ?').run(token);
  }

  host(token: string): HostRecord | undefined {
    return this.database
      .prepare<[string], HostRecord>('SELECT token, pid, kind, claims FROM hosts WHERE token = ?')
      .get(token);
  }

  enqueue(runId: number, hostToken: string, exclusive: boolean, options: unknown, now = Date.now()): void {
    this.database
      .prepare(
        `INSERT INTO run_queue (run_id, queued_at, host_token, exclusive, options_json) VALUES (?, ?, ?, ?, ?)`,
      )
      .run(runId, now, hostToken, exclusive ? 1 : 0, JSON.stringify(options));
  }

  queueEntry(runId: number): QueueEntry | undefined {
    const row = this.database
      .prepare<[number], QueueRow>('SELECT * FROM run_queue WHERE run_id = ?')
      .get(runId);
    return row && toEntry(row);
  }

  /** The queue, oldest first. */
  queue(): QueueEntry[] {
    return this.database
      .prepare<[], QueueRow>('SELECT * FROM run_queue ORDER BY queued_at, run_id')
      .all()
      .map(toEntry);
  }

  /** Takes a run out of the queue; undefined when it was not (or no longer) queued. */
  dequeue(runId: number): QueueEntry | undefined {
    const row = this.database
      .prepare<[number], QueueRow>('DELETE FROM run_queue WHERE run_id = ? RETURNING *')
      .get(runId);
    return row && toEntry(row);
  }

  lease(runId: number): Lease | undefined {
    const row = this.database
      .prepare<[number], LeaseRow>('SELECT * FROM run_leases WHERE run_id = ?')
      .get(runId);
    return row && toLease(row);
  }

  leases(): Lease[] {
    return this.database.prepare<[], LeaseRow>('SELECT * FROM run_leases ORDER BY run_id').all().map(toLease);
  }

  /**
   * Starts the oldest entry this host may start, if fewer than `limit` leases are held across all
   * hosts: the entry becomes a lease of `host` and `onClaim` runs in the same transaction.
   */
  claimNext<T>(
    host: HostRecord,
    limit: number,
    onClaim: (entry: QueueEntry) => T,
    now = Date.now(),
  ): { entry: QueueEntry; value: T } | undefined {
    return this.database
      .transaction(() => {
        const held = this.database.prepare<[], { n: number }>('SELECT count(*) AS n FROM run_leases').get()!
          .n;
        if (held >= limit) return undefined;
        const row = this.database
          .prepare<[string, string], QueueRow>(
            `SELECT * FROM run_queue
           WHERE run_id NOT IN (SELECT run_id FROM run_leases)
             AND (host_token = ? OR (exclusive = 0 AND ? = 'any'))
           ORDER BY queued_at, run_id LIMIT 1`,
          )
          .get(host.token, host.claims);
        if (!row) return undefined;
        const entry = toEntry(row);
        const evaluationId = (entry.options as { evaluation?: { id?: number } }).evaluation?.id ?? null;
        this.database.prepare('DELETE FROM run_queue WHERE run_id = ?').run(entry.runId);
        this.database
          .prepare(
            `INSERT INTO run_leases (run_id, host_token, owner_pid, owner_kind, evaluation_id, acquired_at, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(entry.runId, host.token, host.pid, host.kind, evaluationId, now, now);
        return { entry, value: onClaim(entry) };
      })
      .immediate();
  }

  setWorkerPid(runId: number, workerPid: number | undefined): void {
    this.database
      .prepare('UPDATE run_leases SET worker_pid = ? WHERE run_id = ?')
      .run(workerPid ?? null, runId);
  }

  release(runId: number, hostToken: string): void {
    this.database.prepare('DELETE FROM run_leases WHERE run_id = ? AND host_token = ?').run(runId, hostToken);
  }

  /**
   * Asks the lease's owner to stop the run (it looks on its next beat); a training run shows
   * `stopping` meanwhile, unless it already ended. False if no worker holds the run.
   */
  requestStop(runId: number): boolean {
    return this.database.transaction(() => {
      const asked = this.database
        .prepare('UPDATE run_leases SET stop_requested = 1 WHERE run_id = ? RETURNING evaluation_id')
        .get(runId) as { evaluation_id: number | null } | undefined;
      if (asked?.evaluation_id === null)
        this.database
          .prepare(`UPDATE runs SET status = 'stopping' WHERE id = ? AND status = 'running'`)
          .run(runId);
      return asked !== undefined;
    })();
  }

  stopRequestsFor(hostToken: string): number[] {
    return this.database
      .prepare<[string], { run_id: number }>(
        'SELECT run_id FROM run_leases WHERE host_token = ? AND stop_requested = 1',
      )
      .all(hostToken)
      .map((row) => row.run_id);
  }

  /**
   * Takes back what hosts that are gone held: their leases, their exclusive queue entries and
   * their host rows. `apply` runs in the same transaction, so no other host sees a run without
   * a lease that is still marked running.
   */
  reclaimDead(selfToken: string, liveness: LivenessCheck, apply: (reclaimed: Reclaimed) => void): Reclaimed {
    return this.database
      .transaction(() => {
        const isGone = (pid: number, heartbeatAt: number) =>
          !liveness.isAlive(pid) || heartbeatAt < liveness.staleBefore;
        const hostRows = this.database
          .prepare<[string], HostRow>('SELECT * FROM hosts WHERE token != ?')
          .all(selfToken);
        const live = new Set(
          hostRows.filter((row) => !isGone(row.pid, row.heartbeat_at)).map((row) => row.token),
        );
        live.add(selfToken);
        const hosts = hostRows
          .filter((row) => !live.has(row.token))
          .map(({ token, pid, kind, claims }) => ({ token, pid, kind, claims }));
        const known = new Set(hostRows.map((row) => row.token));
        const leases = this.database
          .prepare<[], LeaseRow>('SELECT * FROM run_leases')
          .all()
          .filter((row) =>
            known.has(row.host_token) || row.host_token === selfToken
              ? !live.has(row.host_token)
              : isGone(row.owner_pid, row.heartbeat_at),
          )
          .map(toLease);
        const entries = this.database
          .prepare<[], QueueRow>('SELECT * FROM run_queue WHERE exclusive = 1')
          .all()
          .filter((row) => !live.has(row.host_token))
          .map(toEntry);
        const reclaimed = { hosts, leases, entries };
        const dropLease = this.database.prepare('DELETE FROM run_leases WHERE run_id = ?');
        const dropEntry = this.database.prepare('DELETE FROM run_queue WHERE run_id = ?');
        const dropHost = this.database.prepare('DELETE FROM hosts WHERE token = ?');
        for (const lease of leases) dropLease.run(lease.runId);
        for (const entry of entries) dropEntry.run(entry.runId);
        for (const host of hosts) dropHost.run(host.token);
        apply(reclaimed);
        return reclaimed;
      })
      .immediate();
  }

  /** A `running` or `stopping` run becomes `interrupted` with `reason`; false if it had ended. */
  interruptRun(runId: number, reason: string, now = Date.now()): boolean {
    return (
      this.database
        .prepare(
          `UPDATE runs SET status = 'interrupted', ended_at = ?, owner_pid = NULL, error_text = ?
           WHERE id = ? AND status IN ('running', 'stopping')`,
        )
        .run(now, reason, runId).changes > 0
    );
  }

  /** A `queued` run that left the queue goes back to `created`; false if it was not queued. */
  returnToCreated(runId: number): boolean {
    return (
      this.database
        .prepare(`UPDATE runs SET status = 'created', owner_pid = NULL WHERE id = ? AND status = 'queued'`)
        .run(runId).changes > 0
    );
  }

  /** Runs marked running or stopping that no worker lease holds (a Slurm job holds a placed run). */
  unleasedActiveRuns(): Array<{ runId: number; ownerPid: number | null }> {
    return this.database
      .prepare<[], { runId: number; ownerPid: number | null }>(
        `SELECT id AS runId, owner_pid AS ownerPid FROM runs WHERE status IN ('running', 'stopping')
           AND id NOT IN (SELECT run_id FROM run_leases) AND id NOT IN (SELECT run_id FROM remote_runs)`,
      )
      .all();
  }

  /** Evaluations marked running that neither a worker lease nor a queue entry holds. */
  orphanEvaluationIds(): number[] {
    return this.database
      .prepare<[], { id: number }>(
        `SELECT id FROM evaluations WHERE status = 'running'
           AND id NOT IN (SELECT evaluation_id FROM run_leases WHERE evaluation_id IS NOT NULL)
           AND id NOT IN (SELECT json_extract(options_json, '$.evaluation.id') FROM run_queue
                          WHERE json_extract(options_json, '$.evaluation.id') IS NOT NULL)`,
      )
      .all()
      .map((row) => row.id);
  }
}
