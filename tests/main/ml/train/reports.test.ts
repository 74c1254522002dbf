import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema, type LossName } from '@shared/config/run-config';
import { describeMetric, METRIC } from '@shared/metrics';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { stepMetrics } from '../../../../src-main/ml/train/reports';
import { trainSelfSupervised } from '../../../../src-main/ml/train/trainer';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

/** The metric names a short real run writes (steps, kNN, online probe), as the worker stores them. */
async function emittedNames(lossName: LossName): Promise<Set<string>> {
  const config = runConfigSchema.parse(
    tinyConfig({
      name: 'metric names',
      dataset: { source: 'embedded', trainLimit: 128 },
      loss: { name: lossName },
      training: { epochs: 1, batchSize: 64, maxSteps: 2 },
      evaluation: { bankLimit: 64, testLimit: 32, onlineProbe: true },
    }),
  );
  const names = new Set<string>();
  await trainSelfSupervised(config, loadEmbeddedDataset(RESOURCES_DIR), createLoss(config.loss), {
    onStep: (report) => stepMetrics(report).forEach(([name]) => names.add(name)),
    onEvaluation: (report) => Object.keys(report.values).forEach((name) => names.add(name)),
    shouldStop: () => false,
    log: () => {},
  });
  return names;
}

describe('the metrics a training run emits', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it.each(['bt', 'fft-vicreg'] as const)('are all in the shared table (%s)', async (lossName) => {
    const names = await emittedNames(lossName);
    // Every step metric (but the GPU ones: webgpu only), both kNN accuracies and both probe accuracies.
    const gpuOnly: string[] = [METRIC.gpuBytes, METRIC.gpuAllocatedBytes];
    for (const name of Object.values(METRIC)) if (!gpuOnly.includes(name)) expect(names).toContain(name);
    const unknown = [...names].filter((name) => describeMetric(name) === undefined);
    expect(unknown).toEqual([]);
    const terms = [...names].filter((name) => describeMetric(name)?.group === 'loss-terms');
    expect(terms.length).toBeGreaterThanOrEqual(2);
  });
});
