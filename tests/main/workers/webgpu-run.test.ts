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

/** Least-squares slope of the values against their index. */
function slope(values: (number | null)[]): number {
  const xMean = (values.length - 1) / 2;
  const yMean = mean(values);
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of values.entries()) {
    numerator += (x - xMean) * (y! - yMean);
    denominator += (x - xMean) ** 2;
  }
  return numerator / denominator;
}

/**
 * The quickstart (small CNN on the embedded Fashion-MNIST subset, light augmentation, AdamW,
 * online probe, kNN, checkpoints) cut to two dozen steps of 16 images, forced onto webgpu.
 * SwiftShader is slow (several seconds a step here): small kNN bank, no snapshots (they run on webgpu
 * too, but cost two more forward passes of the whole probe batch).
 */
function quickstartOnWebGpu(): RunConfigInput {
  const quickstart = PRESETS.quickstart!.config;
  return {
    ...quickstart,
    name: 'quickstart on webgpu',
    backend: 'webgpu',
    dataset: { source: 'embedded', trainLimit: 1024 },
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
    const runId = await trainToCompletion(workbench, quickstartOnWebGpu(), 540_000);

    const detail = await workbench.handlers['runs:get']({ runId });
    expect(detail.backend).toBe('webgpu');
    // the quickstart's own loss: sBT with b = 8, its FFT and pair spectra in WGSL
    expect(detail.config.loss).toMatchObject({ name: 'fft-bt', blockSize: 8 });
    expect(detail.adapter).toMatchObject({ isFallback: true });
    expect(detail.adapter?.device).toMatch(/swiftshader/i);

    const loss = workbench.store.metrics.series(runId, METRIC.loss);
    expect(loss.steps).toHaveLength(24);
    // sBT's loss is mostly its diagonal term, which falls slowly: over 24 steps it falls by a few
    // per cent. Both its least-squares slope and its last steps against its first say "down".
    expect(slope(loss.values)).toBeLessThan(0);
    expect(mean(loss.values.slice(-5))).toBeLessThan(0.99 * mean(loss.values.slice(0, 5)));
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
