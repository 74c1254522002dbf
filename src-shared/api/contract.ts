import type { z } from 'zod';
import type { CompareRow, MetricRange, RunPage, SavedComparison } from '../compare';
import type { Result } from '../errors';
import type { GpuAdapterInfo } from '../gpu';
import type {
  CaptureJob,
  InspectProgress,
  MatrixCells,
  SnapshotSummary,
  SpectrumView,
  SummaryPair,
  SummaryView,
} from '../inspect';
import type { MetricSeries } from '../metrics';
import type { EvaluationSummary, LogLine, RunDetail, RunProgress, RunSummary } from '../runs';
import type { CostPoint, CostStudyDetail, CostStudySummary } from '../cost/types';
import type { ClusterCheck, ClusterJob, ClusterProfile } from '../cluster/types';
import type { StudyDetail, StudyPreset, StudyPreview, StudyReport, StudySummary } from '../study/types';
import type { CallChannel, EventChannel } from './channels';
import type { callInputSchemas } from './schemas';

/** What a caller may send: fields with defaults are optional. */
export type CallInput<C extends CallChannel> = z.input<(typeof callInputSchemas)[C]>;
/** What a handler receives: validated, defaults filled in. */
export type ParsedCallInput<C extends CallChannel> = z.output<(typeof callInputSchemas)[C]>;

export interface BackendInfo {
  name: string;
  available: boolean;
  /** Device or reason, e.g. "single-thread SIMD" or "tfjs-node-gpu is not installed". */
  detail: string;
}

/** What WebGPU (Dawn) finds on this machine: `doctor`, `gpu-probe` and the status bar show it. */
export interface WebGpuReport {
  /** Every adapter Dawn offers, hardware first; software ones (SwiftShader) are marked `isFallback`. */
  adapters: GpuAdapterInfo[];
  /**
   * Why there is no hardware adapter, each with what to do (empty when there is one): auto
   * selection never trains on a software adapter.
   */
  reasons: string[];
}

export interface SystemInfo {
  appVersion: string;
  host: 'electron' | 'serve' | 'cli';
  platform: string;
  arch: string;
  cpuCount: number;
  totalMemoryBytes: number;
  nodeVersion: string;
  electronVersion: string | null;
  databasePath: string;
  maxConcurrentRuns: number;
  /** tensorflow, webgpu, wasm, cpu: webgpu's detail names the adapter auto would use, or why none. */
  backends: BackendInfo[];
  /** Probed once per host in a short-lived child process (the host never loads Dawn itself). */
  webgpu: WebGpuReport;
}

/** The output type of every call. */
export interface CallOutputs {
  'runs:list': RunSummary[];
  'runs:get': RunDetail;
  'runs:create': RunSummary;
  'runs:start': RunSummary;
  'runs:stop': RunSummary;
  'runs:resume': RunSummary;
  'runs:delete': { runId: number };
  'runs:logs': LogLine[];
  'runs:query': RunPage;
  'runs:update': RunSummary;
  'compare:rows': CompareRow[];
  'comparisons:list': SavedComparison[];
  'comparisons:save': SavedComparison;
  'comparisons:delete': { id: number };
  'evaluations:list': EvaluationSummary[];
  'evaluations:start': EvaluationSummary;
  'metrics:names': string[];
  'metrics:series': MetricSeries[];
  'metrics:range': MetricRange;
  'inspect:snapshots': SnapshotSummary[];
  'inspect:matrix': MatrixCells;
  'inspect:summary': SummaryView;
  'inspect:pair': SummaryPair;
  'inspect:spectrum': SpectrumView;
  'inspect:capture': CaptureJob;
  'inspect:jobs': CaptureJob[];
  'studies:list': StudySummary[];
  'studies:get': StudyDetail;
  'studies:presets': StudyPreset[];
  'studies:preview': StudyPreview;
  'studies:create': StudySummary;
  'studies:start': StudySummary;
  'studies:stop': StudySummary;
  'studies:resume': StudySummary;
  'studies:retry': StudySummary;
  'studies:delete': { studyId: number; runIds: number[] };
  'studies:report': StudyReport;
  'cost:list': CostStudySummary[];
  'cost:get': CostStudyDetail;
  'cost:start': CostStudySummary;
  'cost:stop': CostStudySummary;
  'cost:delete': { costStudyId: number };
  'cluster:profiles': ClusterProfile[];
  'cluster:profile-save': ClusterProfile;
  'cluster:profile-remove': { id: number };
  'cluster:check': ClusterCheck;
  'cluster:jobs': ClusterJob[];
  'system:info': SystemInfo;
}

/** Payloads of events pushed from the main process to every renderer. */
export interface EventPayloads {
  'run:status': RunSummary;
  'run:progress': { runId: number; progress: RunProgress };
  'run:metrics': { runId: number; series: MetricSeries[] };
  'run:log': { runId: number; lines: LogLine[] };
  'run:deleted': { runId: number };
  'run:evaluation': EvaluationSummary;
  /** A snapshot was stored (during training or by a capture job). */
  'run:snapshot': SnapshotSummary;
  'inspect:progress': InspectProgress;
  'inspect:job': CaptureJob;
  /** A study's counts or state changed (one of its runs changed status, or an evaluation did). */
  'study:status': StudySummary;
  'study:deleted': { studyId: number };
  'cost:status': CostStudySummary;
  /** A cost study measured one more point. */
  'cost:point': { costStudyId: number; point: CostPoint };
  /** A submitted job changed (submitted, Slurm state, node, ended). */
  'cluster:job': ClusterJob;
  /** The profiles changed (added, edited, removed). */
  'cluster:profiles': ClusterProfile[];
}

/** Main-side implementation of the calls, one async function per channel. */
export type CallHandlers = {
  [C in CallChannel]: (input: ParsedCallInput<C>) => Promise<CallOutputs[C]> | CallOutputs[C];
};

/** Renderer-side view of the backend, the same over IPC and HTTP. */
export interface ApiTransport {
  call<C extends CallChannel>(channel: C, input: CallInput<C>): Promise<Result<CallOutputs[C]>>;
  subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void): () => void;
}

/** The shape the Electron preload exposes on `window.decorbench`. */
export interface PreloadBridge {
  invoke(channel: string, input: unknown): Promise<unknown>;
  on(channel: string, listener: (payload: unknown) => void): () => void;
}

export type EventListenerMap = { [E in EventChannel]: (payload: EventPayloads[E]) => void };
