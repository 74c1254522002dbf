import type { GpuAdapterInfo } from '@shared/gpu';

/** A hardware adapter as Dawn would describe an H200 on Vulkan (made up: none is at hand here). */
export const H200_ADAPTER: GpuAdapterInfo = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: 'nvidia-h200',
  description: 'NVIDIA: 560.35.03',
  isFallback: false,
  api: 'Vulkan',
  limits: {
    maxBufferSize: 2 ** 37,
    maxStorageBufferBindingSize: 2 ** 31 - 4,
    maxComputeWorkgroupStorageSize: 49152,
    maxComputeInvocationsPerWorkgroup: 1024,
  },
};

/** SwiftShader exactly as Dawn reports it on this machine (tests/helpers/webgpu.ts). */
export const SWIFTSHADER_ADAPTER: GpuAdapterInfo = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: 'swiftshader-device-subzero-',
  description: 'SwiftShader driver 5.0.0',
  isFallback: true,
  api: 'Vulkan',
  limits: {
    maxBufferSize: 2 ** 30,
    maxStorageBufferBindingSize: 2 ** 30,
    maxComputeWorkgroupStorageSize: 32768,
    maxComputeInvocationsPerWorkgroup: 256,
  },
};
