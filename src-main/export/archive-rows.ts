/**
 * What each row of a run archive may hold, checked before anything reaches the store: the same
 * rules the program applies when it writes these rows itself. A crafted or damaged archive must
 * not plant a row that the store's readers cannot parse (one bad `results_json` broke `runs
 * list` for every run) or a configuration the schema forbids (batch 1e9, epochs -1), which a
 * worker would later be asked to train.
 */
import { z } from 'zod';
import { runConfigSchema } from '@shared/config/run-config';
import { textField } from '@shared/config/text-field';
import { RUN_STATUSES, isActiveStatus, type RunStatus } from '@shared/runs';
import { describeIssues } from '@shared/validation';

/** A blob cell whose bytes follow the row as chunk lines; `id` names it in the staging store. */
export class BlobRef {
  constructor(
    readonly id: number,
    readonly bytes: number,
    readonly sha256: string,
  ) {}
}

/** A row that breaks the rules: the message names the table, the column and what is wrong. */
export class InvalidArchiveRow extends Error {}

/** Text columns are bounded: a line of the archive is at most ~2 MB anyway, a log line less. */
const text = (max: number) => z.string().max(max);
const integer = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const timeMs = integer;
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();
/** SQLite keeps what JSON cannot (NaN becomes NULL on the way in; infinities are cells of their own). */
const real = z.number().or(z.literal(Infinity)).or(z.literal(-Infinity));

/** A JSON text column whose parsed value must satisfy `schema`; the text itself is stored as it is. */
function jsonText(schema: z.ZodType, max = 1 << 20) {
  return text(max).superRefine((value, context) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return;
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) context.addIssue({ code: 'custom', message: describeIssues(checked.error) });
  });
}

/** Scalar results, e.g. `{"loss": 0.12, "knnTop1": 0.8}` (NaN was stored as null). */
const results = z.record(text(200), z.number().nullable());

/** Progress as the supervisor writes it; newer fields may join, the counters must be there. */
const progress = z.looseObject({ step: integer, totalSteps: integer, epoch: integer, totalEpochs: integer });

/** A run's grid cell in its study (StudyPoint, src-shared/study/types.ts), as the studies repo writes it. */
const studyPoint = z.object({
  values: z.record(
    text(200),
    z.union([text(10_000), z.number(), z.boolean(), z.record(text(200), z.unknown())]),
  ),
  labels: z.record(text(200), text(1000)),
  seed: integer,
});

const SETTLED = RUN_STATUSES.filter((status) => !isActiveStatus(status)) as [RunStatus, ...RunStatus[]];

/** The rules per table and column; a column without a rule may hold a short scalar only. */
const COLUMN_RULES: Record<string, Record<string, z.ZodType>> = {
  runs: {
    name: textField({ max: 120, required: 'is empty' }),
    config_json: jsonText(runConfigSchema, 64 * 1024),
    loss_name: text(40),
    // An exported run has settled; a "running" row would have no process to finish it.
    status: z.enum(SETTLED, {
      error: `must be one of ${SETTLED.join(', ')} (an archive holds settled runs)`,
    }),
    created_at: timeMs,
    started_at: nullable(timeMs),
    ended_at: nullable(timeMs),
    backend: nullable(text(200)),
    device: nullable(text(1000)),
    backend_notes: jsonText(z.array(text(10_000)).max(100)),
    // The WebGPU adapter (schema 7): a small object of names, a flag and limits.
    adapter_json: nullable(
      jsonText(
        z.object({
          vendor: text(200),
          architecture: text(200),
          device: text(200),
          description: text(1000),
          isFallback: z.boolean(),
          api: z.enum(['Vulkan', 'Metal', 'D3D12']),
          limits: z.record(text(100), z.number()),
        }),
        16 * 1024,
      ),
    ),
    error_text: nullable(text(1 << 20)),
    exit_code: nullable(z.number().int()),
    exit_signal: nullable(text(40)),
    progress_json: nullable(jsonText(progress)),
    results_json: jsonText(results),
    // Tags and notes (schema 5): a JSON array of one-word tags, and free text.
    tags_json: jsonText(z.array(text(100).regex(/^[^\s,]+$/u, 'is not one word')).max(100)),
    notes: text(100_000),
    // Its cell in the study it was part of (schema 8); the study itself does not travel.
    study_point_json: nullable(jsonText(studyPoint, 64 * 1024)),
  },
  metric_points: {
    name: text(200).min(1),
    step: integer,
    epoch: integer,
    value: nullable(real),
    wall_time_ms: timeMs,
  },
  run_logs: {
    time_ms: timeMs,
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: text(1 << 20),
  },
  checkpoints: {
    step: integer,
    epoch: integer,
    format: text(100).min(1),
    size_bytes: integer,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'is not a sha256 in hex'),
    data: z.instanceof(BlobRef, { error: 'must be a blob' }),
    created_at: timeMs,
    reason: z.enum(['schedule', 'stop', 'final']),
    knn_top1: nullable(z.number().min(0).max(1)),
  },
  evaluations: {
    kind: z.enum(['linear', 'knn']),
    checkpoint_step: integer,
    // A running evaluation would never finish here: exports refuse runs that have one.
    status: z.enum(['completed', 'failed']),
    created_at: timeMs,
    ended_at: nullable(timeMs),
    settings_json: jsonText(z.record(text(100), z.unknown())),
    results_json: jsonText(
      z.looseObject({
        results: results.optional(),
        grid: z.array(z.record(text(100), z.number())).optional(),
      }),
    ),
    error_text: nullable(text(1 << 20)),
  },
  snapshots: {
    step: integer,
    epoch: integer,
    source: z.enum(['training', 'checkpoint']),
    created_at: timeMs,
    n: integer.min(1),
    d: integer.min(1),
    feature_dim: integer,
    dtype: z.enum(['float32', 'float16']),
    probe_seed: integer,
    has_permutation: z.union([z.literal(0), z.literal(1)]),
    bytes: integer,
    data: z.instanceof(BlobRef, { error: 'must be a blob' }),
  },
};

const ANY_SCALAR = z.union([z.number(), text(10_000), z.null()]);

/** The column of each table that holds blobs (their bytes stream past the row). */
export const BLOB_COLUMNS: Readonly<Record<string, string>> = { checkpoints: 'data', snapshots: 'data' };

export const isBlobColumn = (table: string, column: string): boolean =>
  Object.hasOwn(BLOB_COLUMNS, table) && BLOB_COLUMNS[table] === column;

/**
 * Checks one decoded row (values in `columns` order, blobs as `BlobRef`) and the agreements
 * between its columns; throws `InvalidArchiveRow` naming the first problem.
 */
export function checkRow(table: string, columns: readonly string[], row: readonly unknown[]): void {
  const rules = COLUMN_RULES[table] ?? {};
  const values: Record<string, unknown> = Object.create(null);
  columns.forEach((column, index) => {
    const value = row[index];
    const rule = Object.hasOwn(rules, column) ? rules[column]! : ANY_SCALAR;
    const checked = rule.safeParse(value);
    if (!checked.success) {
      const detail = checked.error.issues.map((issue) => issue.message).join('; ');
      throw new InvalidArchiveRow(`${table}.${column}: ${detail}`);
    }
    values[column] = value;
  });
  if (table === 'runs' && typeof values.config_json === 'string') {
    const config = runConfigSchema.parse(JSON.parse(values.config_json));
    if ('loss_name' in values && values.loss_name !== config.loss.name) {
      throw new InvalidArchiveRow(
        `runs.loss_name: "${String(values.loss_name)}" is not the configuration's loss`,
      );
    }
  }
  if (table === 'snapshots' && values.data instanceof BlobRef) {
    // The blob is read back by this layout (snapshots.repo.ts): a wrong size would fail every load.
    const {
      n,
      d,
      feature_dim: f,
      dtype,
      has_permutation: permuted,
      bytes,
    } = values as Record<string, number | string>;
    const expected =
      2 * (n as number) * ((d as number) + (f as number)) * (dtype === 'float16' ? 2 : 4) +
      (permuted ? 4 * (d as number) : 0);
    if (bytes !== values.data.bytes || values.data.bytes !== expected)
      throw new InvalidArchiveRow('snapshots.bytes: differs from the size of its data or its shape');
  }
  if (table === 'checkpoints' && values.data instanceof BlobRef) {
    if ('size_bytes' in values && values.size_bytes !== values.data.bytes)
      throw new InvalidArchiveRow('checkpoints.size_bytes: differs from the size of its data');
    if ('sha256' in values && values.sha256 !== values.data.sha256)
      throw new InvalidArchiveRow('checkpoints.sha256: differs from the sha256 of its data');
  }
}
