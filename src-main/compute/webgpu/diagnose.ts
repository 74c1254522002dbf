import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ldconfigLibraries } from '../shared-libraries';

/** What decides whether Dawn finds a Vulkan adapter on Linux. */
export interface VulkanEnvironment {
  platform: string;
  /** Where `libvulkan.so.1` (the Vulkan loader) is, or null. */
  loader: string | null;
  /** The driver manifests (ICD JSON files) the loader will read. */
  manifests: string[];
  /** VK_ICD_FILENAMES / VK_DRIVER_FILES, when set: only those manifests are read. */
  manifestOverride: string | null;
  inContainer: boolean;
  /** NVIDIA_VISIBLE_DEVICES and NVIDIA_DRIVER_CAPABILITIES of the NVIDIA container runtime. */
  nvidiaVisibleDevices: string | undefined;
  nvidiaCapabilities: string | undefined;
}

const LOADER_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/lib/x86_64-linux-gnu',
  '/lib64',
];
const MANIFEST_DIRS = [
  '/usr/share/vulkan/icd.d',
  '/etc/vulkan/icd.d',
  '/usr/local/share/vulkan/icd.d',
  '/usr/local/etc/vulkan/icd.d',
];

function jsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

/** Reads this machine's Vulkan set-up (files and environment only; nothing is loaded). */
export function vulkanEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): VulkanEnvironment {
  const libraryDirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const loader =
    [...libraryDirs, ...LOADER_DIRS]
      .map((dir) => join(dir, 'libvulkan.so.1'))
      .find((path) => existsSync(path)) ??
    ldconfigLibraries().get('libvulkan.so.1') ??
    null;
  const manifestOverride = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES || null;
  const dataDirs = (env.XDG_DATA_DIRS ?? '')
    .split(':')
    .filter(Boolean)
    .map((dir) => join(dir, 'vulkan', 'icd.d'));
  const manifests = manifestOverride
    ? manifestOverride.split(':').filter((path) => path && existsSync(path))
    : [...new Set([...MANIFEST_DIRS, ...dataDirs])].flatMap(jsonFiles);
  return {
    platform,
    loader: platform === 'linux' ? loader : null,
    manifests,
    manifestOverride,
    inContainer: existsSync('/.dockerenv') || existsSync('/run/.containerenv'),
    nvidiaVisibleDevices: env.NVIDIA_VISIBLE_DEVICES,
    nvidiaCapabilities: env.NVIDIA_DRIVER_CAPABILITIES,
  };
}

/**
 * Why Dawn found no hardware adapter, most basic cause first, each with what to do.
 * `softwareOnly` says whether a fallback (software) adapter was found.
 */
export function whyNoAdapter(environment: VulkanEnvironment, softwareOnly = false): string[] {
  if (environment.platform === 'darwin')
    return ['Dawn found no Metal adapter: WebGPU needs macOS 11 or newer on a Mac with a Metal GPU'];
  if (environment.platform === 'win32')
    return ['Dawn found no D3D12 or Vulkan adapter: update the GPU driver (D3D12 needs Windows 10 or newer)'];
  const reasons: string[] = [];
  if (!environment.loader) {
    reasons.push(
      'no libvulkan.so.1: install the Vulkan loader (Debian/Ubuntu: apt install libvulkan1; Fedora: dnf install vulkan-loader)',
    );
  }
  const nvidiaRequested =
    environment.nvidiaVisibleDevices !== undefined &&
    !['void', 'none', ''].includes(environment.nvidiaVisibleDevices);
  if (nvidiaRequested) {
    const capabilities = (environment.nvidiaCapabilities ?? 'compute,utility')
      .split(',')
      .map((item) => item.trim());
    if (!capabilities.includes('all') && !capabilities.includes('graphics'))
      reasons.push(
        `in a container the NVIDIA runtime mounts the Vulkan driver only with the graphics capability: NVIDIA_DRIVER_CAPABILITIES is "${environment.nvidiaCapabilities ?? '(unset: compute,utility)'}"; set it to "all" or add "graphics"`,
      );
  }
  if (environment.manifests.length === 0) {
    reasons.push(
      environment.manifestOverride
        ? `VK_ICD_FILENAMES/VK_DRIVER_FILES names no existing driver manifest (${environment.manifestOverride})`
        : "no Vulkan driver manifest (ICD JSON in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d): install the GPU vendor's Vulkan driver (NVIDIA: the driver ships nvidia_icd.json; AMD/Intel: mesa-vulkan-drivers)",
    );
  } else if (reasons.length === 0 && environment.loader) {
    const names = environment.manifests.map((path) => path.split('/').pop()).join(', ');
    reasons.push(
      softwareOnly
        ? `the Vulkan drivers found (${names}) offer only a software device`
        : `Dawn rejected every Vulkan driver found (${names}); Mesa's lavapipe, for one, lacks features Dawn requires. Install the GPU vendor's driver`,
    );
  }
  if (environment.inContainer && !nvidiaRequested && reasons.length > 0)
    reasons.push(
      'this is a container: the GPU device and its Vulkan driver must be passed in (e.g. docker run --gpus all -e NVIDIA_DRIVER_CAPABILITIES=all)',
    );
  return reasons;
}
