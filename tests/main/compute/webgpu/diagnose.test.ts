import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainLoadFailure } from '../../../../src-main/compute/webgpu/dawn';
import {
  vulkanEnvironment,
  whyNoAdapter,
  type VulkanEnvironment,
} from '../../../../src-main/compute/webgpu/diagnose';
import { useTempDir } from '../../../helpers/temp-dir';

/** A Linux machine with the loader and a driver manifest, outside a container. */
const HEALTHY: VulkanEnvironment = {
  platform: 'linux',
  loader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  manifests: ['/usr/share/vulkan/icd.d/nvidia_icd.json'],
  manifestOverride: null,
  inContainer: false,
  nvidiaVisibleDevices: undefined,
  nvidiaCapabilities: undefined,
};
const LOADER =
  'no libvulkan.so.1: install the Vulkan loader (Debian/Ubuntu: apt install libvulkan1; Fedora: dnf install vulkan-loader)';
const NO_MANIFEST =
  "no Vulkan driver manifest (ICD JSON in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d): install the GPU vendor's Vulkan driver (NVIDIA: the driver ships nvidia_icd.json; AMD/Intel: mesa-vulkan-drivers)";
const CONTAINER =
  'this is a container: the GPU device and its Vulkan driver must be passed in (e.g. docker run --gpus all -e NVIDIA_DRIVER_CAPABILITIES=all)';

describe('whyNoAdapter', () => {
  it('names the missing Vulkan loader, and the missing manifest with it', () => {
    expect(whyNoAdapter({ ...HEALTHY, loader: null })).toEqual([LOADER]);
    expect(whyNoAdapter({ ...HEALTHY, loader: null, manifests: [] })).toEqual([LOADER, NO_MANIFEST]);
  });

  it('names an override that points at no file, apart from a missing system manifest', () => {
    expect(whyNoAdapter({ ...HEALTHY, manifests: [], manifestOverride: '/nowhere/icd.json' })).toEqual([
      'VK_ICD_FILENAMES/VK_DRIVER_FILES names no existing driver manifest (/nowhere/icd.json)',
    ]);
    expect(whyNoAdapter({ ...HEALTHY, manifests: [] })).toEqual([NO_MANIFEST]);
  });

  it('asks for the graphics capability in an NVIDIA container that lacks it, and only then', () => {
    const container = { ...HEALTHY, inContainer: true, nvidiaVisibleDevices: 'all', manifests: [] };
    const [capability, manifest] = whyNoAdapter({ ...container, nvidiaCapabilities: 'compute,utility' });
    expect(capability).toBe(
      'in a container the NVIDIA runtime mounts the Vulkan driver only with the graphics capability: NVIDIA_DRIVER_CAPABILITIES is "compute,utility"; set it to "all" or add "graphics"',
    );
    expect(manifest).toBe(NO_MANIFEST);
    // unset means the runtime's default, compute and utility
    expect(whyNoAdapter(container)[0]).toContain('NVIDIA_DRIVER_CAPABILITIES is "(unset: compute,utility)"');
    for (const capabilities of ['all', 'compute,graphics,utility'])
      expect(whyNoAdapter({ ...container, nvidiaCapabilities: capabilities })).toEqual([NO_MANIFEST]);
    expect(whyNoAdapter({ ...container, nvidiaVisibleDevices: 'void' })).toEqual([NO_MANIFEST, CONTAINER]);
  });

  it('says a container must be given the GPU, and what Dawn made of the drivers it found', () => {
    expect(whyNoAdapter({ ...HEALTHY, inContainer: true, manifests: [] })).toEqual([NO_MANIFEST, CONTAINER]);
    const lavapipe = { ...HEALTHY, manifests: ['/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'] };
    expect(whyNoAdapter(lavapipe)).toEqual([
      "Dawn rejected every Vulkan driver found (lvp_icd.x86_64.json); Mesa's lavapipe, for one, lacks features Dawn requires. Install the GPU vendor's driver",
    ]);
    const swiftshader = { ...HEALTHY, manifests: ['/usr/lib/chromium/vk_swiftshader_icd.json'] };
    expect(whyNoAdapter(swiftshader, true)).toEqual([
      'the Vulkan drivers found (vk_swiftshader_icd.json) offer only a software device',
    ]);
  });

  it('points macOS and Windows at their own APIs', () => {
    expect(whyNoAdapter({ ...HEALTHY, platform: 'darwin' })).toEqual([
      'Dawn found no Metal adapter: WebGPU needs macOS 11 or newer on a Mac with a Metal GPU',
    ]);
    expect(whyNoAdapter({ ...HEALTHY, platform: 'win32' })).toEqual([
      'Dawn found no D3D12 or Vulkan adapter: update the GPU driver (D3D12 needs Windows 10 or newer)',
    ]);
  });
});

describe('vulkanEnvironment', () => {
  const tempDir = useTempDir();

  it('finds the loader on LD_LIBRARY_PATH and reads only the manifests an override names', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    writeFileSync(join(dir, 'mine.json'), '{}');
    const absent = join(dir, 'absent.json');
    const found = vulkanEnvironment(
      {
        LD_LIBRARY_PATH: `/nowhere:${dir}`,
        VK_ICD_FILENAMES: `${join(dir, 'mine.json')}:${absent}`,
        NVIDIA_VISIBLE_DEVICES: 'all',
        NVIDIA_DRIVER_CAPABILITIES: 'compute',
      },
      'linux',
    );
    expect(found.loader).toBe(join(dir, 'libvulkan.so.1'));
    expect(found.manifests).toEqual([join(dir, 'mine.json')]);
    expect(found.manifestOverride).toBe(`${join(dir, 'mine.json')}:${absent}`);
    expect(found.nvidiaVisibleDevices).toBe('all');
    expect(found.nvidiaCapabilities).toBe('compute');
    // VK_DRIVER_FILES (the loader's newer name) wins over VK_ICD_FILENAMES
    expect(vulkanEnvironment({ VK_DRIVER_FILES: absent, VK_ICD_FILENAMES: dir }, 'linux')).toMatchObject({
      manifestOverride: absent,
      manifests: [],
    });
  });

  it('reads the manifests of XDG_DATA_DIRS without an override, and no loader off Linux', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'vulkan', 'icd.d'), { recursive: true });
    writeFileSync(join(dir, 'vulkan', 'icd.d', 'vendor_icd.json'), '{}');
    writeFileSync(join(dir, 'vulkan', 'icd.d', 'notes.txt'), '');
    const found = vulkanEnvironment({ XDG_DATA_DIRS: dir }, 'linux');
    expect(found.manifests).toContain(join(dir, 'vulkan', 'icd.d', 'vendor_icd.json'));
    expect(found.manifests.some((path) => path.endsWith('notes.txt'))).toBe(false);
    expect(found.manifestOverride).toBeNull();
    expect(vulkanEnvironment({}, 'darwin').loader).toBeNull();
  });
});

describe('explainLoadFailure (why dawn.node did not load)', () => {
  it('says what to install for each way the import fails', () => {
    expect(explainLoadFailure("Cannot find package 'webgpu' imported from /app/out/main/cli.js")).toBe(
      'the optional package webgpu (Dawn for Node) is not installed (npm install webgpu@0.6.2)',
    );
    expect(
      explainLoadFailure(
        "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by dawn.node)",
      ),
    ).toBe("dawn.node needs glibc >= 2.34 (GLIBC_2.34); this system's glibc is older");
    expect(
      explainLoadFailure(
        "/usr/lib/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by dawn.node)",
      ),
    ).toBe("dawn.node needs GCC 12's libstdc++ (GLIBCXX_3.4.30); install a newer libstdc++6");
    expect(
      explainLoadFailure('dawn.node: cannot open shared object file: No such file or directory\nstack'),
    ).toBe(
      'dawn.node does not load on this system: dawn.node: cannot open shared object file: No such file or directory',
    );
    expect(explainLoadFailure('something else\nstack')).toBe('webgpu failed to load: something else');
  });
});
