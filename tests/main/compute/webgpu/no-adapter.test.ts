import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src-main/compute/backend';

describe('selectBackend webgpu without a usable Vulkan driver', () => {
  it('a forced webgpu fails with the reason', async () => {
    // the loader reads only the named manifest: none exists, so Dawn finds no adapter at all
    process.env.VK_ICD_FILENAMES = '/nonexistent/vk_icd.json';
    await expect(selectBackend('webgpu')).rejects.toThrow(
      /The webgpu backend is unavailable: no adapter: VK_ICD_FILENAMES\/VK_DRIVER_FILES names no existing driver manifest/,
    );
  });
});
