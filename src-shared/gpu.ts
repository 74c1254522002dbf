/**
 * What both ends say about GPUs reached through WebGPU (Dawn): the adapter a run used or a probe
 * found, and how to name it in one line.
 */

/** The native API Dawn drives on each platform (Dawn's adapter info does not say it). */
export type GpuApi = 'Vulkan' | 'Metal' | 'D3D12';

export interface GpuAdapterInfo {
  /** Dawn's fields, as reported (e.g. vendor "nvidia", device "nvidia-h200"). */
  vendor: string;
  architecture: string;
  device: string;
  /** The driver's description, e.g. "NVIDIA: 560.35.03" or "SwiftShader driver 5.0.0". */
  description: string;
  /** A software adapter (SwiftShader): never chosen automatically. */
  isFallback: boolean;
  api: GpuApi;
  /** The limits that bound our kernels and tensors. */
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
  };
}

/** How each platform's Dawn reaches the GPU. */
export function gpuApiFor(platform: string): GpuApi {
  return platform === 'darwin' ? 'Metal' : platform === 'win32' ? 'D3D12' : 'Vulkan';
}

const VENDORS: Record<string, string> = {
  nvidia: 'NVIDIA',
  amd: 'AMD',
  intel: 'Intel',
  apple: 'Apple',
  google: 'Google',
  qualcomm: 'Qualcomm',
  arm: 'Arm',
  microsoft: 'Microsoft',
};

/** Words Dawn lower-cases in device names that read better in their usual spelling. */
const SPELLINGS: Record<string, string> = {
  geforce: 'GeForce',
  radeon: 'Radeon',
  swiftshader: 'SwiftShader',
  quadro: 'Quadro',
  tesla: 'Tesla',
  iris: 'Iris',
  arc: 'Arc',
};

/** "nvidia-h200" -> "NVIDIA H200"; "swiftshader-device-subzero-" -> "SwiftShader Device (Subzero)". */
export function prettyDeviceName(info: Pick<GpuAdapterInfo, 'vendor' | 'device' | 'architecture'>): string {
  const raw = info.device.trim() || info.architecture.trim();
  // Dawn reports some names as they are ("NVIDIA H200"): keep those.
  if (/[A-Z ]/.test(raw)) return raw;
  if (raw === 'swiftshader-device-subzero-') return 'SwiftShader Device (Subzero)';
  const words = raw
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => {
      if (VENDORS[word]) return VENDORS[word];
      if (SPELLINGS[word]) return SPELLINGS[word];
      // model numbers and short acronyms: h200, rtx, a100, gpu
      if (/\d/.test(word) || word.length <= 3) return word.toUpperCase();
      return word[0]!.toUpperCase() + word.slice(1);
    });
  const vendor = VENDORS[info.vendor.toLowerCase()];
  if (vendor && words[0] !== vendor) words.unshift(vendor);
  return words.join(' ') || 'unknown GPU';
}

/** One line for headers and lists: "NVIDIA H200 (Vulkan)", "SwiftShader Device (Subzero) (Vulkan, software)". */
export function adapterLabel(info: GpuAdapterInfo): string {
  return `${prettyDeviceName(info)} (${info.api}${info.isFallback ? ', software' : ''})`;
}
