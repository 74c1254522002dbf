import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';
import { useSoftwareVulkan } from '../../../helpers/webgpu';

describe('selectBackend auto with only a software adapter', () => {
  it('does not pick SwiftShader and says why', async () => {
    useSoftwareVulkan();
    const selection = await selectBackend('auto', 1);
    expect(selection.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const note = selection.skipped.find((line) => line.startsWith('webgpu:'));
    expect(note).toMatch(
      /only a software adapter, SwiftShader Device \(Subzero\) \(Vulkan, software\), which is never picked automatically/,
    );
  });
});
