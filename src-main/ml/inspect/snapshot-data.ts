// The shape lives in src-shared/inspect.ts, so storage, the ML core and the services share one
// definition without importing each other.
export type { SnapshotData } from '@shared/inspect';
