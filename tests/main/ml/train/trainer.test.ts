import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { registerWasmTrainingKernels } from '../../../../src-main/compute/wasm-kernels';
import { loadEmbeddedDataset } from '../../../../src-main/datasets/idx-folder';
import { createLoss } from '../../../../src-main/ml/losses/registry';
import { trainSelfSupervised, type StepReport } from '../../../../src-main/ml/train/trainer';
import { RESOURCES_DIR, tinyConfig } from '../../../helpers/workbench';

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('self-supervised training on the embedded data', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
  });

  it('lowers the Barlow Twins loss, reports every step and leaks no tensors', async () => {
    const config = runConfigSchema.parse(
      tinyConfig({
        name: 'loss goes down',
        dataset: { source: 'embedded', trainLimit: 2048 },
        model: {
          backbone: 'mlp',
          backboneHiddenDim: 128,
          featureDim: 64,
          projectorHiddenDim: 128,
          projectorOutputDim: 128,
        },
        training: { epochs: 2, batchSize: 64, maxSteps: 50 },
      }),
    );
    const data = loadEmbeddedDataset(RESOURCES_DIR);
    const reports: StepReport[] = [];
    const tensorsBefore = tf.memory().numTensors;
    let forwardPasses = 0;
    const outcome = await trainSelfSupervised(config, data, createLoss(config.loss), {
      onStep: (report) => reports.push(report),
      shouldStop: () => false,
      afterForward: () => forwardPasses++,
      log: () => {},
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(outcome).toMatchObject({ outcome: 'completed', steps: 50 });
    expect(forwardPasses).toBe(50); // the hook between each step's forward and backward passes
    expect(reports.map((report) => report.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(reports[0]!.terms).toEqual({ onDiagonal: expect.any(Number), offDiagonal: expect.any(Number) });
    const losses = reports.map((report) => report.loss);
    expect(mean(losses.slice(-10))).toBeLessThan(0.6 * mean(losses.slice(0, 5)));
  });

  it('stops when asked, between steps', async () => {
    const config = runConfigSchema.parse(
      tinyConfig({ name: 'stop', training: { epochs: 10, batchSize: 64 } }),
    );
    let steps = 0;
    const outcome = await trainSelfSupervised(
      config,
      loadEmbeddedDataset(RESOURCES_DIR),
      createLoss(config.loss),
      {
        onStep: () => (steps += 1),
        shouldStop: () => steps >= 3,
        log: () => {},
      },
    );
    expect(outcome).toMatchObject({ outcome: 'stopped', steps: 3 });
  });

  it('fails with a clear message when the loss becomes NaN, freeing its tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const config = runConfigSchema.parse(
      tinyConfig({
        name: 'nan',
        optimizer: { name: 'sgd', learningRate: 10, scaleByBatch: false },
        loss: { name: 'bt' },
        training: { epochs: 10, batchSize: 64 },
      }),
    );
    // A scale the schema refuses (it overflows): the loop's own guard is what is tested here.
    Object.assign(config.loss, { scale: 1e30 });
    await expect(
      trainSelfSupervised(config, loadEmbeddedDataset(RESOURCES_DIR), createLoss(config.loss), {
        onStep: () => {},
        shouldStop: () => false,
        log: () => {},
      }),
    ).rejects.toThrow(/The loss became (NaN|Infinity|-Infinity) at step \d+/);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
