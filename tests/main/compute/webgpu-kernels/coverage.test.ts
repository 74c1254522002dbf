import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';
import { useSoftwareVulkan } from '../../../helpers/webgpu';
import { recordCpuKernels } from './kernel-recorder';
import { runLinearEvaluation, runWorkload, TRAINING_WORKLOADS } from './training-workloads';

describe('webgpu kernel coverage of training', () => {
  let used: Set<string>;

  beforeAll(async () => {
    useSoftwareVulkan();
    await selectBackend('webgpu');
    used = await recordCpuKernels(async () => {
      for (const workload of TRAINING_WORKLOADS) await runWorkload(workload);
      await runLinearEvaluation();
    });
  }, 300_000);

  it('every kernel a training run dispatches is registered for webgpu', () => {
    const webgpu = new Set(tf.getKernelsForBackend('webgpu').map((config) => config.kernelName));
    // The recording reached the parts it is meant to check.
    expect([...used]).toEqual(
      expect.arrayContaining(['Conv2DBackpropFilter', 'CropAndResize', 'TopK', 'OneHot']),
    );
    expect([...used].filter((name) => !webgpu.has(name)).sort()).toEqual([]);
  });
});
