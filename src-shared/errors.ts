/**
 * Errors cross every boundary (IPC, HTTP, worker messages) as plain data, because
 * `ipcRenderer.invoke` drops custom error fields (electron/electron#24427).
 * Expected failures (bad input, missing run) get a specific code; `internal` marks a bug.
 */
export const ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'unauthorized',
  'unknown-call',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
  /** Per-field messages, keyed by a dotted path such as `loss.lambda`. */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** An expected failure thrown inside services and turned into `{ ok: false, error }` at the boundary. */
export class AppFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppFailure';
  }

  toData(): AppError {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}
