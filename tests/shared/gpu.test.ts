import { describe, expect, it } from 'vitest';
import { adapterLabel, gpuApiFor, prettyDeviceName, type GpuAdapterInfo } from '../../src-shared/gpu';

const limits = {
  maxBufferSize: 2 ** 30,
  maxStorageBufferBindingSize: 2 ** 30,
  maxComputeWorkgroupStorageSize: 32768,
  maxComputeInvocationsPerWorkgroup: 1024,
};

function adapter(fields: Partial<GpuAdapterInfo>): GpuAdapterInfo {
  return {
    vendor: '',
    architecture: '',
    device: '',
    description: '',
    isFallback: false,
    api: 'Vulkan',
    limits,
    ...fields,
  };
}

describe('adapter names', () => {
  it('names the software adapter as Dawn reports it here', () => {
    const swiftshader = adapter({
      vendor: 'google',
      architecture: 'swiftshader',
      device: 'swiftshader-device-subzero-',
      description: 'SwiftShader driver 5.0.0',
      isFallback: true,
    });
    expect(adapterLabel(swiftshader)).toBe('SwiftShader Device (Subzero) (Vulkan, software)');
  });

  it('spells vendors and model numbers as people write them', () => {
    expect(prettyDeviceName(adapter({ vendor: 'nvidia', device: 'nvidia-h200' }))).toBe('NVIDIA H200');
    expect(prettyDeviceName(adapter({ vendor: 'nvidia', device: 'geforce-rtx-4090' }))).toBe(
      'NVIDIA GeForce RTX 4090',
    );
    expect(prettyDeviceName(adapter({ vendor: 'amd', device: 'radeon-pro-w7900' }))).toBe(
      'AMD Radeon PRO W7900',
    );
    expect(adapterLabel(adapter({ vendor: 'nvidia', device: 'NVIDIA H200' }))).toBe('NVIDIA H200 (Vulkan)');
  });

  it('falls back to the architecture, then to a plain word', () => {
    expect(prettyDeviceName(adapter({ vendor: 'apple', architecture: 'metal-3' }))).toBe('Apple Metal 3');
    expect(prettyDeviceName(adapter({}))).toBe('unknown GPU');
  });

  it('knows which API Dawn drives per platform', () => {
    expect(gpuApiFor('linux')).toBe('Vulkan');
    expect(gpuApiFor('darwin')).toBe('Metal');
    expect(gpuApiFor('win32')).toBe('D3D12');
  });
});
