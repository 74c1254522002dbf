import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { CheckpointInfo } from '@shared/runs';

interface CheckpointRow {
  id: number;
  run_id: number;
  step: number;
  epoch: number;
  format: string;
  size_bytes: number;
  sha256: string;
  created_at: number;
  reason: CheckpointInfo['reason'];
  knn_top1: number | null;
}

const INFO_COLUMNS = 'id, run_id, step, epoch, format, size_bytes, sha256, created_at, reason, knn_top1';

const toInfo = (row: CheckpointRow): CheckpointInfo => ({
  id: row.id,
  step: row.step,
  epoch: row.epoch,
  format: row.format,
  sizeBytes: row.size_bytes,
  sha256: row.sha256,
  createdAt: row.created_at,
  reason: row.reason,
  knnTop1: row.knn_top1,
});

export interface NewCheckpoint {
  step: number;
  epoch: number;
  format: string;
  data: Uint8Array;
  reason?: CheckpointInfo['reason'];
  knnTop1?: number;
}

/** Which checkpoints survive: the newest `keepLast`, plus the best by kNN top-1 when `keepBest`. */
export interface RetentionPolicy {
  keepLast: number;
  keepBest: boolean;
}

/**
 * Largest blob stored in one row (256 MiB). SQLite refuses values over 1e9 bytes, and a d = 8192
 * projector with its optimizer state is over 1 GB.
 */
export const CHECKPOINT_PART_BYTES = 256 * 2 ** 20;

/** Checkpoint blobs with their sha256, verified again on every load. */
export class CheckpointsRepository {
  constructor(
    private readonly database: Database,
    private readonly partBytes = CHECKPOINT_PART_BYTES,
  ) {}

  /**
   * Stores a checkpoint and applies the retention policy in one transaction: a crash mid-write
   * leaves the previous checkpoints as they were.
   */
  save(runId: number, checkpoint: NewCheckpoint, retention?: RetentionPolicy): CheckpointInfo {
    const data = checkpoint.data;
    const sha256 = createHash('sha256').update(data).digest('hex');
    const createdAt = Date.now();
    const reason = checkpoint.reason ?? 'schedule';
    const inParts = data.byteLength > this.partBytes;
    return this.database.transaction(() => {
      const info = this.database
        .prepare(
          `INSERT INTO checkpoints (run_id, step, epoch, format, size_bytes, sha256, data, created_at, reason, knn_top1)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runId,
          checkpoint.step,
          checkpoint.epoch,
          checkpoint.format,
          data.byteLength,
          sha256,
          inParts ? Buffer.alloc(0) : data,
          createdAt,
          reason,
          checkpoint.knnTop1 ?? null,
        );
      if (inParts) {
        const insert = this.database.prepare(
          'INSERT INTO checkpoint_parts (checkpoint_id, part, data) VALUES (?, ?, ?)',
        );
        for (let part = 0; part * this.partBytes < data.byteLength; part++) {
          const begin = part * this.partBytes;
          const end = Math.min(begin + this.partBytes, data.byteLength);
          insert.run(
            info.lastInsertRowid,
            part,
            Buffer.from(data.buffer, data.byteOffset + begin, end - begin),
          );
        }
      }
      if (retention) this.applyRetention(runId, retention);
      return {
        id: Number(info.lastInsertRowid),
        step: checkpoint.step,
        epoch: checkpoint.epoch,
        format: checkpoint.format,
        sizeBytes: data.byteLength,
        sha256,
        createdAt,
        reason,
        knnTop1: checkpoint.knnTop1 ?? null,
      };
    })();
  }

  list(runId: number): CheckpointInfo[] {
    return this.database
      .prepare<[number], CheckpointRow>(
        `SELECT ${INFO_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step, id`,
      )
      .all(runId)
      .map(toInfo);
  }

  /** The checkpoint's bytes, or an error when they no longer match the stored sha256. */
  load(id: number): { info: CheckpointInfo; data: Buffer } {
    const row = this.database
      .prepare<[number], CheckpointRow & { data: Buffer }>('SELECT * FROM checkpoints WHERE id = ?')
      .get(id);
    if (!row) throw new Error(`Checkpoint ${id} does not exist`);
    const parts = this.database
      .prepare<[number], { data: Buffer }>(
        'SELECT data FROM checkpoint_parts WHERE checkpoint_id = ? ORDER BY part',
      )
      .all(id);
    const data = parts.length > 0 ? Buffer.concat(parts.map((part) => part.data)) : row.data;
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== row.sha256 || data.byteLength !== row.size_bytes) {
      throw new Error(`Checkpoint ${id} (step ${row.step}) is corrupt: its sha256 or size does not match`);
    }
    return { info: toInfo(row), data };
  }

  /**
   * The newest checkpoint that passes verification (and `accept`, e.g. decoding), newest first;
   * the ones that fail are reported through `onRejected` and skipped.
   */
  latestGood<T>(
    runId: number,
    accept: (data: Buffer, info: CheckpointInfo) => T,
    onRejected: (info: CheckpointInfo, reason: string) => void,
    atOrBeforeStep = Infinity,
  ): { info: CheckpointInfo; value: T } | undefined {
    const candidates = this.list(runId)
      .filter((info) => info.step <= atOrBeforeStep)
      .reverse();
    for (const candidate of candidates) {
      try {
        const { info, data } = this.load(candidate.id);
        return { info, value: accept(data, info) };
      } catch (error) {
        onRejected(candidate, error instanceof Error ? error.message : String(error));
      }
    }
    return undefined;
  }

  private applyRetention(runId: number, policy: RetentionPolicy): void {
    const all = this.list(runId);
    const keep = new Set(all.slice(-policy.keepLast).map((info) => info.id));
    if (policy.keepBest) {
      const best = all
        .filter((info) => info.knnTop1 !== null)
        .reduce<CheckpointInfo | undefined>(
          (top, info) => (!top || info.knnTop1! > top.knnTop1! ? info : top),
          undefined,
        );
      if (best) keep.add(best.id);
    }
    const remove = this.database.prepare('DELETE FROM checkpoints WHERE id = ?');
    for (const info of all) if (!keep.has(info.id)) remove.run(info.id);
  }
}
