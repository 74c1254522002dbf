import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '@shared/config/run-config';
import { PRESETS } from '@shared/config/presets';
import { METRIC } from '@shared/metrics';
import { useTempDir } from '../../helpers/temp-dir';
import { trainToCompletion } from '../../helpers/workbench';
import { useWorkbenches } from '../../helpers/workbenches';
import { useSoftwareVulkan } from '../../helpers/webgpu';

const mean = (values: (number | null)[]) =>
  values.reduce<number>((sum, value) => sum + value!, 0) / values.length;

/**
 * The quickstart (small CNN on the embedded Fashion-MNIST subset, light augmentation, AdamW,
 * online probe, kNN, checkpoints) cut to two dozen steps of 16 images, forced onto webgpu.
 * SwiftShader is slow (several seconds a step here): small kNN bank, no snapshots (they run on webgpu
 * too, but cost two more forward passes of the whole probe batch).
 */
function quickstartOnWebGpu(loss: RunConfigInput['loss']): RunConfigInput {
  const quickstart = PRESETS.quickstart!.config;
  return {
    ...quickstart,
    name: `quickstart on webgpu (${loss?.name})`,
    backend: 'webgpu',
    dataset: { source: 'embedded', trainLimit: 1024 },
    loss,
    schedule: { warmupEpochs: 0 },
    training: { epochs: 1, batchSize: 16, maxSteps: 24 },
    evaluation: { everyEpochs: 0, bankLimit: 128, testLimit: 64 },
    inspect: { enabled: false },
  };
}

describe('a quickstart-shaped run forced onto webgpu, in a real worker process', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('trains on the software adapter: the loss goes down, the run records webgpu and the adapter, GPU memory is measured', async () => {
    useSoftwareVulkan(); // the worker inherits VK_ICD_FILENAMES
    const workbench = workbenchAt(join(tempDir(), 'webgpu.sqlite'));
    const runId = await trainToCompletion(
      workbench,
      quickstartOnWebGpu({ name: 'bt', lambda: 1 / 64 }),
      540_000,
    );

    const detail = await workbench.handlers['runs:get']({ runId });
    expect(detail.backend).toBe('webgpu');
    expect(detail.adapter).toMatchObject({ isFallback: true });
    expect(detail.adapter?.device).toMatch(/swiftshader/i);

    const loss = workbench.store.metrics.series(runId, METRIC.loss);
    expect(loss.steps).toHaveLength(24);
    expect(mean(loss.values.slice(-5))).toBeLessThan(0.9 * mean(loss.values.slice(0, 5)));
    // kNN (read back asynchronously on webgpu) at initialisation and at the end.
    const knn = workbench.store.metrics.series(runId, METRIC.knnTop1);
    expect(knn.values).toHaveLength(2);
    for (const top1 of knn.values) expect(top1).toBeGreaterThan(0.1); // 10 classes

    const gpuBytes = workbench.store.metrics.series(runId, METRIC.gpuBytes);
    const allocated = workbench.store.metrics.series(runId, METRIC.gpuAllocatedBytes);
    expect(gpuBytes.steps).toEqual(loss.steps);
    for (const [i, value] of gpuBytes.values.entries()) {
      expect(value).toBeGreaterThan(100_000); // at least the model's weights
      expect(allocated.values[i]).toBeGreaterThanOrEqual(value!);
    }
  }, 600_000);
});
