import type { ParsedCallInput } from '@shared/api/contract';
import type { ErrorCode } from '@shared/errors';
import type { MatrixCells, SpectrumView, SummaryPair, SummaryView } from '@shared/inspect';

/**
 * Messages between the main side and the inspector's compute thread (inspect.worker.ts). The
 * thread opens the database itself, so requests carry ids and options only, never embeddings;
 * answers carry what the API returns (float32 values already base64), so the main event loop
 * does no work of size n d or d^2.
 */

/** One derivation from one snapshot: the API call's validated input, or the metrics of a snapshot. */
export type InspectRequest =
  | ({ kind: 'matrix' } & ParsedCallInput<'inspect:matrix'>)
  | ({ kind: 'summary' } & ParsedCallInput<'inspect:summary'>)
  | ({ kind: 'pair' } & ParsedCallInput<'inspect:pair'>)
  | ({ kind: 'spectrum' } & ParsedCallInput<'inspect:spectrum'>)
  | { kind: 'metrics'; snapshotId: number };

/** What each kind of request answers (the API shapes; `cached` and `computeMs` filled by the thread). */
export interface InspectAnswers {
  matrix: MatrixCells;
  summary: SummaryView;
  pair: SummaryPair;
  spectrum: SpectrumView;
  /** The `inspect/*` metric values of the snapshot, by metric name. */
  metrics: Record<string, number>;
}

export type InspectAnswer<K extends InspectRequest['kind']> = InspectAnswers[K];

export type ToInspectWorker =
  | { type: 'compute'; id: number; key: string; request: InspectRequest }
  /** Stop a running request (its result is no longer wanted); it answers with an error. */
  | { type: 'cancel'; id: number };

export type FromInspectWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; result: InspectAnswers[keyof InspectAnswers] }
  | { type: 'error'; id: number; code: ErrorCode; message: string };

/** What the thread is started with (`workerData`). */
export interface InspectWorkerData {
  databasePath: string;
  /** better-sqlite3 addon for a non-Node ABI (Electron's main process). */
  nativeBinding?: string;
}
