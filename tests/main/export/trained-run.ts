import { vi } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import type { Workbench } from '../../../src-main/services/workbench';
import { hasStatus, testWorkbench, tinyConfig, waitForRun } from '../../helpers/workbench';

/**
 * A real run of 12 steps (the built worker, wasm backend, embedded data) with a checkpoint every
 * 4 steps, all kept: steps 4, 8 and 12.
 */
export async function trainTinyRun(
  databasePath: string,
  overrides: Partial<RunConfigInput> = {},
): Promise<{ workbench: Workbench; runId: number }> {
  const workbench = testWorkbench(databasePath);
  const config = tinyConfig({
    name: 'export me',
    seed: 5,
    checkpoint: { everyEpochs: 0, everySteps: 4, keepLast: 10, keepBest: false },
    ...overrides,
  });
  const run = await workbench.handlers['runs:create']({ config, start: true });
  const done = await waitForRun(workbench, run.id, hasStatus('completed', 'failed'), 120_000);
  if (done.status !== 'completed') throw new Error(`The training run failed: ${done.error}`);
  // The worker's exit code is recorded after the status: wait for it, so the row stops changing.
  await vi.waitFor(
    () => {
      if (workbench.supervisor.isRunning(run.id) || workbench.store.runs.detail(run.id)?.exitCode !== 0)
        throw new Error(`The worker of run ${run.id} has not exited yet`);
    },
    { timeout: 30_000, interval: 50 },
  );
  return { workbench, runId: run.id };
}
