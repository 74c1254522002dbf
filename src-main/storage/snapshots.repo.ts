import type { Database } from 'better-sqlite3';
import {
  INSPECT_LIMITS,
  type SnapshotData,
  type SnapshotDtype,
  type SnapshotSource,
  type SnapshotSummary,
} from '@shared/inspect';
import { float16ToFloat32, float32ToFloat16 } from './float16';

/** What a snapshot is stored with, besides its numbers. */
export interface SnapshotInsert {
  step: number;
  epoch: number;
  source: SnapshotSource;
  dtype: SnapshotDtype;
  probeSeed: number;
  data: SnapshotData;
}

interface SnapshotRow {
  id: number;
  run_id: number;
  step: number;
  epoch: number;
  source: SnapshotSource;
  created_at: number;
  n: number;
  d: number;
  feature_dim: number;
  dtype: SnapshotDtype;
  probe_seed: number;
  has_permutation: number;
  bytes: number;
}

const SUMMARY_COLUMNS = `id, run_id, step, epoch, source, created_at, n, d, feature_dim, dtype, probe_seed,
  has_permutation, bytes`;

const toSummary = (row: SnapshotRow): SnapshotSummary => ({
  id: row.id,
  runId: row.run_id,
  step: row.step,
  epoch: row.epoch,
  source: row.source,
  createdAt: row.created_at,
  n: row.n,
  d: row.d,
  featureDim: row.feature_dim,
  dtype: row.dtype,
  bytes: row.bytes,
  hasPermutation: row.has_permutation === 1,
  probeSeed: row.probe_seed,
});

/** The element counts of a snapshot's arrays, in the order the blob holds them. */
function layout(n: number, d: number, featureDim: number, hasPermutation: boolean) {
  return { z: n * d, h: n * featureDim, permutation: hasPermutation ? d : 0 };
}

function checkShapes(data: SnapshotData): void {
  const { n, d, featureDim } = data;
  const fail = (what: string) => {
    throw new Error(`Snapshot: ${what} (n = ${n}, d = ${d}, featureDim = ${featureDim})`);
  };
  if (![n, d, featureDim].every((value) => Number.isInteger(value) && value >= 0) || n < 1 || d < 1)
    fail('invalid sizes');
  if (data.z1.length !== n * d || data.z2.length !== n * d) fail('Z1 and Z2 must hold n x d values');
  const h = [data.h1, data.h2];
  if (featureDim === 0 ? h.some((x) => x !== null) : h.some((x) => x?.length !== n * featureDim))
    fail('H1 and H2 must hold n x featureDim values (null when featureDim is 0)');
  if (data.permutation && data.permutation.length !== d) fail('the permutation must hold d values');
}

/** The snapshot's arrays as one blob: Z1, Z2, H1, H2 in `dtype`, then the permutation as int32. */
function encode(data: SnapshotData, dtype: SnapshotDtype): Buffer {
  const parts = [data.z1, data.z2, ...(data.featureDim > 0 ? [data.h1!, data.h2!] : [])];
  const floats = parts.map((part) => (dtype === 'float16' ? float32ToFloat16(part) : part));
  const views = [...floats, ...(data.permutation ? [data.permutation] : [])];
  const bytes = views.reduce((sum, view) => sum + view.byteLength, 0);
  if (bytes > INSPECT_LIMITS.maxSnapshotBytes)
    throw new Error(
      `A snapshot of ${(bytes / 1e9).toFixed(2)} GB is more than SQLite stores in one value (1 GB); use float16 or fewer probe images`,
    );
  const out = Buffer.allocUnsafe(bytes);
  let offset = 0;
  for (const view of views) {
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), offset);
    offset += view.byteLength;
  }
  return out;
}

/** The arrays back from a blob (copied, so they are aligned and outlive the row). */
function decode(row: SnapshotRow, blob: Buffer): SnapshotData {
  const sizes = layout(row.n, row.d, row.feature_dim, row.has_permutation === 1);
  const width = row.dtype === 'float16' ? 2 : 4;
  const expected = (2 * sizes.z + 2 * sizes.h) * width + 4 * sizes.permutation;
  if (blob.byteLength !== expected)
    throw new Error(`Snapshot ${row.id} holds ${blob.byteLength} bytes, its shape needs ${expected}`);
  let offset = 0;
  const take = (count: number): Float32Array => {
    const bytes = blob.subarray(offset, offset + count * width);
    offset += count * width;
    const copy = new Uint8Array(bytes); // aligned
    return width === 2 ? float16ToFloat32(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
  };
  const z1 = take(sizes.z);
  const z2 = take(sizes.z);
  const h1 = sizes.h > 0 ? take(sizes.h) : null;
  const h2 = sizes.h > 0 ? take(sizes.h) : null;
  const permutation =
    sizes.permutation > 0 ? new Int32Array(new Uint8Array(blob.subarray(offset)).buffer) : null;
  return { n: row.n, d: row.d, featureDim: row.feature_dim, z1, z2, h1, h2, permutation };
}

/** Decorrelation-inspector snapshots of runs (issue 12) and a cache of views derived from them. */
export class SnapshotsRepository {
  constructor(private readonly database: Database) {}

  insert(runId: number, snapshot: SnapshotInsert): SnapshotSummary {
    const { data } = snapshot;
    checkShapes(data);
    const blob = encode(data, snapshot.dtype);
    const info = this.database
      .prepare(
        `INSERT INTO snapshots (run_id, step, epoch, source, created_at, n, d, feature_dim, dtype, probe_seed,
           has_permutation, bytes, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        runId,
        snapshot.step,
        snapshot.epoch,
        snapshot.source,
        Date.now(),
        data.n,
        data.d,
        data.featureDim,
        snapshot.dtype,
        snapshot.probeSeed,
        data.permutation ? 1 : 0,
        blob.byteLength,
        blob,
      );
    return this.summary(Number(info.lastInsertRowid))!;
  }

  /** A run's snapshots by step (a capture of a step after its training snapshot). */
  list(runId: number): SnapshotSummary[] {
    return this.database
      .prepare<[number], SnapshotRow>(
        `SELECT ${SUMMARY_COLUMNS} FROM snapshots WHERE run_id = ? ORDER BY step, id`,
      )
      .all(runId)
      .map(toSummary);
  }

  summary(id: number): SnapshotSummary | undefined {
    const row = this.database
      .prepare<[number], SnapshotRow>(`SELECT ${SUMMARY_COLUMNS} FROM snapshots WHERE id = ?`)
      .get(id);
    return row && toSummary(row);
  }

  /** The snapshot's numbers, float16 decoded to float32. */
  load(id: number): { summary: SnapshotSummary; data: SnapshotData } | undefined {
    const row = this.database
      .prepare<[number], SnapshotRow & { data: Buffer }>('SELECT * FROM snapshots WHERE id = ?')
      .get(id);
    return row && { summary: toSummary(row), data: decode(row, row.data) };
  }

  /** A cached derived view, by its key. */
  view(id: number, key: string): Uint8Array | undefined {
    const row = this.database
      .prepare<[number, string], { data: Buffer }>(
        'SELECT data FROM snapshot_views WHERE snapshot_id = ? AND key = ?',
      )
      .get(id, key);
    return row && new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength);
  }

  putView(id: number, key: string, bytes: Uint8Array): void {
    this.database
      .prepare(
        `INSERT INTO snapshot_views (snapshot_id, key, created_at, data) VALUES (?, ?, ?, ?)
         ON CONFLICT (snapshot_id, key) DO UPDATE SET data = excluded.data, created_at = excluded.created_at`,
      )
      .run(id, key, Date.now(), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
}
