import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';
import { useSoftwareVulkan } from '../../../helpers/webgpu';

describe('selectBackend with webgpu', () => {
  it('forced webgpu runs on the software adapter and records it', async () => {
    useSoftwareVulkan();
    const selection = await selectBackend('webgpu');
    expect(selection.name).toBe('webgpu');
    expect(selection.adapter?.isFallback).toBe(true);
    expect(selection.device).toBe('SwiftShader Device (Subzero) (Vulkan, software)');
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(tf.getBackend()).toBe('webgpu');
    expect(Array.from(await y.data())).toEqual([11]);
  });
});
