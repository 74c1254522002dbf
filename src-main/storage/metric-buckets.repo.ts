import type { Database, Statement } from 'better-sqlite3';
import { bucketOf, mergeSummaries, summarize, type BucketSummary, type RawPoints } from '@shared/compare/m4';

/**
 * The finest cached level: buckets of 32 steps (finer ranges are read point by point). The
 * cache then holds one row per 16 points of a series, cheap to write on a series' first view.
 */
export const BASE_LEVEL = 5;

/** Ranges shorter than this are read as rows in one statement; longer ones column by column. */
const SHORT_RANGE_STEPS = 4096;

type BucketRow = [
  bucket: number,
  count: number,
  firstStep: number,
  firstValue: number | null,
  firstWall: number,
  lastStep: number,
  lastValue: number | null,
  lastWall: number,
  minStep: number | null,
  minValue: number | null,
  maxStep: number | null,
  maxValue: number | null,
  activeMs: number,
];

type ValueBucketRow = [
  bucket: number,
  count: number,
  firstStep: number,
  firstValue: number | null,
  lastStep: number,
  lastValue: number | null,
  minStep: number | null,
  minValue: number | null,
  maxStep: number | null,
  maxValue: number | null,
];

const fromRow = (row: BucketRow): BucketSummary => ({
  bucket: row[0],
  count: row[1],
  firstStep: row[2],
  firstValue: row[3],
  firstWall: row[4],
  lastStep: row[5],
  lastValue: row[6],
  lastWall: row[7],
  minStep: row[8],
  minValue: row[9],
  maxStep: row[10],
  maxValue: row[11],
  activeMs: row[12],
});

/**
 * Drops cached buckets that hold `fromStep` or later steps of a run (of one metric, or of all when
 * `name` is null), for writers that change points other than by appending in step order.
 */
export function prepareBucketInvalidation(
  database: Database,
): (runId: number, name: string | null, fromStep: number) => void {
  const lower = database.prepare(
    `UPDATE metric_bucket_fill SET filled_to = (@step >> level)
     WHERE run_id = @runId AND (@name IS NULL OR name = @name) AND filled_to > (@step >> level)`,
  );
  const drop = database.prepare(
    `DELETE FROM metric_buckets WHERE run_id = @runId AND (@name IS NULL OR name = @name)
       AND bucket >= (@step >> level)`,
  );
  return (runId, name, fromStep) => {
    const step = Math.max(0, fromStep);
    // The common case (appending after the filled buckets) changes no row and stops here.
    if (lower.run({ runId, name, step }).changes > 0) drop.run({ runId, name, step });
  };
}

/**
 * Reads metric points in ranges and the cached M4 summaries of a series (see migration 5):
 * buckets a series has moved past are computed once, from the points for the base level and
 * from the level below for the others, and kept until those points change.
 */
export class MetricBucketsRepository {
  private readonly selectSteps: Statement<[number, string, number, number]>;
  private readonly selectValues: Statement<[number, string, number, number]>;
  private readonly selectWalls: Statement<[number, string, number, number]>;
  private readonly selectRows: Statement<[number, string, number, number]>;
  private readonly selectExtent: Statement<[{ runId: number; name: string }]>;
  private readonly selectBuckets: Statement<[number, string, number, number, number]>;
  private readonly selectValueBuckets: Statement<[number, string, number, number, number]>;
  private readonly selectFill: Statement<[number, string, number]>;
  private readonly upsertFill: Statement<[number, string, number, number]>;
  private readonly insertBucket: Statement;

  constructor(private readonly database: Database) {
    // One pluck scan per column of the primary key's range: no per-row objects (see metrics.repo).
    const where = 'FROM metric_points WHERE run_id = ? AND name = ? AND step BETWEEN ? AND ? ORDER BY step';
    this.selectSteps = database.prepare<[number, string, number, number]>(`SELECT step ${where}`).pluck();
    this.selectValues = database.prepare<[number, string, number, number]>(`SELECT value ${where}`).pluck();
    this.selectWalls = database
      .prepare<[number, string, number, number]>(`SELECT wall_time_ms ${where}`)
      .pluck();
    this.selectRows = database
      .prepare<[number, string, number, number]>(`SELECT step, value, wall_time_ms ${where}`)
      .raw();
    this.selectExtent = database
      .prepare<[{ runId: number; name: string }]>(
        `SELECT (SELECT min(step) FROM metric_points WHERE run_id = @runId AND name = @name),
                (SELECT max(step) FROM metric_points WHERE run_id = @runId AND name = @name)`,
      )
      .raw();
    this.selectBuckets = database
      .prepare<[number, string, number, number, number]>(
        `SELECT bucket, count, first_step, first_value, first_wall, last_step, last_value, last_wall,
                min_step, min_value, max_step, max_value, active_ms
         FROM metric_buckets WHERE run_id = ? AND name = ? AND level = ? AND bucket BETWEEN ? AND ?
         ORDER BY bucket`,
      )
      .raw();
    // Charts need no times: three columns fewer to decode per row (the rows are most of a fetch).
    this.selectValueBuckets = database
      .prepare<[number, string, number, number, number]>(
        `SELECT bucket, count, first_step, first_value, last_step, last_value, min_step, min_value,
                max_step, max_value
         FROM metric_buckets WHERE run_id = ? AND name = ? AND level = ? AND bucket BETWEEN ? AND ?
         ORDER BY bucket`,
      )
      .raw();
    this.selectFill = database
      .prepare<[number, string, number]>(
        'SELECT filled_to FROM metric_bucket_fill WHERE run_id = ? AND name = ? AND level = ?',
      )
      .pluck();
    this.upsertFill = database.prepare(
      `INSERT INTO metric_bucket_fill (run_id, name, level, filled_to) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, name, level) DO UPDATE SET filled_to = excluded.filled_to`,
    );
    this.insertBucket = database.prepare(
      `INSERT OR REPLACE INTO metric_buckets (run_id, name, level, bucket, count, first_step, first_value,
         first_wall, last_step, last_value, last_wall, min_step, min_value, max_step, max_value, active_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** The first and last step of a series; null when it has no point. */
  extent(runId: number, name: string): { first: number; last: number } | null {
    const [first, last] = this.selectExtent.get({ runId, name }) as [number | null, number | null];
    return first === null || last === null ? null : { first, last };
  }

  /** The points with fromStep <= step <= toStep, in step order (wall times only when asked). */
  points(runId: number, name: string, fromStep: number, toStep: number, withWalls = false): RawPoints {
    if (toStep - fromStep < SHORT_RANGE_STEPS) {
      // The edges of a cached range: one statement (atomic by itself), no transaction to open.
      const rows = this.selectRows.all(runId, name, fromStep, toStep) as [number, number | null, number][];
      return {
        steps: rows.map((row) => row[0]),
        values: rows.map((row) => row[1]),
        ...(withWalls ? { walls: rows.map((row) => row[2]) } : {}),
      };
    }
    // One transaction, so a concurrent write cannot make the columns disagree.
    return this.database.transaction(() => ({
      steps: this.selectSteps.all(runId, name, fromStep, toStep) as number[],
      values: this.selectValues.all(runId, name, fromStep, toStep) as (number | null)[],
      ...(withWalls ? { walls: this.selectWalls.all(runId, name, fromStep, toStep) as number[] } : {}),
    }))();
  }

  /** The value at the series' first or last step; null when it has no point (or the value was NaN). */
  edgeValue(runId: number, name: string, edge: 'first' | 'last'): number | null {
    const order = edge === 'first' ? 'ASC' : 'DESC';
    const value = this.database
      .prepare(`SELECT value FROM metric_points WHERE run_id = ? AND name = ? ORDER BY step ${order} LIMIT 1`)
      .pluck()
      .get(runId, name) as number | null | undefined;
    return value ?? null;
  }

  /** The finite values of the newest `limit` points of a series, for statistics such as the median. */
  recentValues(runId: number, name: string, limit: number): Float64Array {
    const values = this.database
      .prepare(
        `SELECT value FROM metric_points WHERE run_id = ? AND name = ? AND value IS NOT NULL
         ORDER BY step DESC LIMIT ?`,
      )
      .pluck()
      .all(runId, name, limit) as number[];
    return Float64Array.from(values);
  }

  /** The first step of a series logged in `epoch` or later (points carry their epoch). */
  firstStepFromEpoch(runId: number, name: string, epoch: number): number | null {
    const step = this.database
      .prepare(
        'SELECT step FROM metric_points WHERE run_id = ? AND name = ? AND epoch >= ? ORDER BY step LIMIT 1',
      )
      .pluck()
      .get(runId, name, epoch) as number | undefined;
    return step ?? null;
  }

  /** How many buckets of the level are cached (every bucket below this index). */
  filledTo(runId: number, name: string, level: number): number {
    return (this.selectFill.get(runId, name, level) as number | undefined) ?? 0;
  }

  /** Cached summaries of buckets first..last of a level (empty buckets have none). */
  buckets(
    runId: number,
    name: string,
    level: number,
    first: number,
    last: number,
    withTimes = true,
  ): BucketSummary[] {
    if (!withTimes) {
      const rows = this.selectValueBuckets.all(runId, name, level, first, last) as ValueBucketRow[];
      return rows.map((row) => ({
        bucket: row[0],
        count: row[1],
        firstStep: row[2],
        firstValue: row[3],
        firstWall: 0,
        lastStep: row[4],
        lastValue: row[5],
        lastWall: 0,
        minStep: row[6],
        minValue: row[7],
        maxStep: row[8],
        maxValue: row[9],
        activeMs: 0,
      }));
    }
    return (this.selectBuckets.all(runId, name, level, first, last) as BucketRow[]).map(fromRow);
  }

  /**
   * Caches every bucket of levels BASE_LEVEL..level that lies wholly at or before `lastStep`
   * (the series' newest step: points arrive in step order, so those buckets are complete).
   * Returns how many buckets of `level` are cached.
   */
  fill(runId: number, name: string, level: number, lastStep: number): number {
    // Usually filled already (as the series was written): no write transaction then.
    const filled = this.filledTo(runId, name, level);
    if (filled >= bucketOf(lastStep + 1, level)) return filled;
    return this.database.transaction(() => this.fillLevel(runId, name, level, lastStep)).immediate();
  }

  /** Caches every complete bucket of every level of a series that ends at `lastStep`. */
  fillAll(runId: number, name: string, lastStep: number): void {
    const top = Math.max(BASE_LEVEL, Math.floor(Math.log2(lastStep + 1)));
    this.database
      .transaction(() => {
        for (let level = BASE_LEVEL; level <= top; level += 1) this.fillLevel(runId, name, level, lastStep);
      })
      .immediate();
  }

  private fillLevel(runId: number, name: string, level: number, lastStep: number): number {
    const upTo = bucketOf(lastStep + 1, level);
    const filled = this.filledTo(runId, name, level);
    if (filled >= upTo) return filled;
    let summaries: BucketSummary[];
    if (level <= BASE_LEVEL) {
      const width = 2 ** level;
      const points = this.points(runId, name, filled * width, upTo * width - 1, true);
      summaries = summarize(points, level);
    } else {
      this.fillLevel(runId, name, level - 1, lastStep);
      const children = this.buckets(runId, name, level - 1, filled * 2, upTo * 2 - 1);
      summaries = mergeSummaries(children, level);
    }
    for (const s of summaries) {
      this.insertBucket.run(
        runId,
        name,
        level,
        s.bucket,
        s.count,
        s.firstStep,
        s.firstValue,
        s.firstWall,
        s.lastStep,
        s.lastValue,
        s.lastWall,
        s.minStep,
        s.minValue,
        s.maxStep,
        s.maxValue,
        Math.round(s.activeMs),
      );
    }
    this.upsertFill.run(runId, name, level, upTo);
    return upTo;
  }
}
