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
}

const INFO_COLUMNS = 'id, run_id, step, epoch, format, size_bytes, sha256, created_at';

const toInfo = (row: CheckpointRow): CheckpointInfo => ({
  id: row.id,
  step: row.step,
  epoch: row.epoch,
  format: row.format,
  sizeBytes: row.size_bytes,
  sha256: row.sha256,
  createdAt: row.created_at,
});

/** Checkpoint blobs with their sha256, verified again on every load. */
export class CheckpointsRepository {
  constructor(private readonly database: Database) {}

  /** Stores a checkpoint in one transaction: a crash mid-write leaves the previous ones intact. */
  save(runId: number, step: number, epoch: number, format: string, data: Uint8Array): CheckpointInfo {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const createdAt = Date.now();
    const info = this.database
      .prepare(
        `INSERT INTO checkpoints (run_id, step, epoch, format, size_bytes, sha256, data, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(runId, step, epoch, format, data.byteLength, sha256, data, createdAt);
    return {
      id: Number(info.lastInsertRowid),
      step,
      epoch,
      format,
      sizeBytes: data.byteLength,
      sha256,
      createdAt,
    };
  }

  list(runId: number): CheckpointInfo[] {
    return this.database
      .prepare<[number], CheckpointRow>(
        `SELECT ${INFO_COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY step`,
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
    const actual = createHash('sha256').update(row.data).digest('hex');
    if (actual !== row.sha256 || row.data.byteLength !== row.size_bytes) {
      throw new Error(`Checkpoint ${id} (step ${row.step}) is corrupt: its sha256 or size does not match`);
    }
    return { info: toInfo(row), data: row.data };
  }
}
