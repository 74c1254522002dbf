import { existsSync } from 'node:fs';

/**
 * The software Vulkan device the WebGPU tests run on: SwiftShader from Debian's chromium package,
 * through the system Vulkan loader (libvulkan1). `npm test` installs both (scripts/ensure-test-deps.mjs).
 * The loader reads VK_ICD_FILENAMES when Dawn starts, so setting it here, in the test process only,
 * is enough; worker processes spawned afterwards inherit it.
 */
export const SWIFTSHADER_ICD =
  process.env.DECORBENCH_TEST_VULKAN_ICD ?? '/usr/lib/chromium/vk_swiftshader_icd.json';

export function useSoftwareVulkan(): void {
  if (!existsSync(SWIFTSHADER_ICD))
    throw new Error(
      `The WebGPU tests need SwiftShader's Vulkan driver at ${SWIFTSHADER_ICD} (Debian package chromium) and the Vulkan loader (libvulkan1): npm test installs them on Debian`,
    );
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}
