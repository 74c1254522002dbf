import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunConfigInput } from '@shared/config/run-config';
import type { RunStatus, RunSummary } from '@shared/runs';
import { startServeHost, type ServeHost, type ServeHostOptions } from '../../src-main/host/http/serve-host';
import { createWorkbench, type Workbench, type WorkbenchOptions } from '../../src-main/services/workbench';
import { createChildProcessSpawner } from '../../src-main/workers/child-process.spawner';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BUILD_DIR = join(ROOT, 'out/main');
export const WORKER_ENTRY = join(BUILD_DIR, 'train-worker.js');
export const INSPECT_WORKER_ENTRY = join(BUILD_DIR, 'inspect-worker.js');
export const RESOURCES_DIR = join(ROOT, 'resources');

/** Tests fork the built worker (npm test builds first), the same file the app runs. */
export function requireBuild(): void {
  if (!existsSync(WORKER_ENTRY))
    throw new Error(`${WORKER_ENTRY} is missing: run "npm run build" (npm test does)`);
}

export function testWorkbench(databasePath: string, options: Partial<WorkbenchOptions> = {}): Workbench {
  requireBuild();
  return createWorkbench({
    databasePath,
    spawn: createChildProcessSpawner(WORKER_ENTRY),
    resourcesDir: RESOURCES_DIR,
    host: 'serve',
    inspectWorkerEntry: INSPECT_WORKER_ENTRY,
    ...options,
  });
}

/** Serve mode over the built renderer (out/renderer) on a free port, as `serve` runs it. */
export function serveWorkbench(
  workbench: Workbench,
  options: Partial<Omit<ServeHostOptions, 'workbench'>> = {},
): Promise<ServeHost> {
  return startServeHost({ workbench, rendererDir: join(ROOT, 'out/renderer'), port: 0, ...options });
}

/** A run of a few seconds on the embedded data. */
export function tinyConfig(overrides: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    name: 'tiny',
    backend: 'wasm',
    dataset: { source: 'embedded', trainLimit: 1024 },
    augmentation: { preset: 'light' },
    model: {
      backbone: 'mlp',
      backboneHiddenDim: 64,
      featureDim: 32,
      projectorHiddenDim: 64,
      projectorOutputDim: 64,
    },
    loss: { name: 'bt' },
    optimizer: { name: 'adam', learningRate: 0.002, scaleByBatch: false, weightDecay: 0 },
    schedule: { warmupEpochs: 0 },
    training: { epochs: 1, batchSize: 64, maxSteps: 12 },
    evaluation: { bankLimit: 256, testLimit: 128 },
    ...overrides,
  };
}

/** Resolves with the run's summary once a status event satisfies `until`. */
export function waitForRun(
  workbench: Workbench,
  runId: number,
  until: (summary: RunSummary) => boolean,
  timeoutMs = 60_000,
): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    const current = workbench.store.runs.summary(runId);
    if (current && until(current)) return resolve(current);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `Run ${runId} did not reach the expected state within ${timeoutMs} ms (now ${workbench.store.runs.summary(runId)?.status})`,
        ),
      );
    }, timeoutMs);
    const unsubscribe = workbench.events.subscribe((channel) => {
      if (channel !== 'run:status' && channel !== 'run:progress') return;
      const summary = workbench.store.runs.summary(runId);
      if (summary && until(summary)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(summary);
      }
    });
  });
}

export const hasStatus =
  (...statuses: RunStatus[]) =>
  (summary: RunSummary) =>
    statuses.includes(summary.status);

export const hasProgress = (steps: number) => (summary: RunSummary) =>
  (summary.progress?.step ?? 0) >= steps && summary.status === 'running';

/**
 * Trains one run through the API to its end and returns its id; throws unless it completed.
 * One run after another: two cores are shared by everything.
 */
export async function trainToCompletion(
  workbench: Workbench,
  config: RunConfigInput,
  timeoutMs = 180_000,
): Promise<number> {
  const result = await workbench.dispatch('runs:create', { config, start: true });
  if (!result.ok) throw new Error(result.error.message);
  const runId = (result.value as RunSummary).id;
  const ended = await waitForRun(workbench, runId, hasStatus('completed', 'failed'), timeoutMs);
  if (ended.status !== 'completed') throw new Error(`Run ${runId} ${ended.status}: ${ended.error ?? ''}`);
  return runId;
}
