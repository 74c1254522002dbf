import type { CostPoint, CostStudyDetail, CostStudySettings } from '@shared/cost/types';

export function costSettings(overrides: Partial<CostStudySettings> = {}): CostStudySettings {
  return {
    name: 'tiny',
    losses: ['bt', 'fft-bt'],
    blockSizes: ['d'],
    q: 2,
    permutation: true,
    n: 64,
    dims: [64, 128, 256],
    backend: 'wasm',
    repeats: 2,
    warmup: 1,
    step: null,
    ...overrides,
  };
}

export function costPoint(overrides: Partial<CostPoint> & Pick<CostPoint, 'loss' | 'd'>): CostPoint {
  const relaxed = overrides.loss.startsWith('fft-');
  return {
    kind: 'loss',
    blockSize: relaxed ? overrides.d : null,
    n: 64,
    status: 'ok',
    medianMs: overrides.d / 10,
    minMs: overrides.d / 11,
    maxMs: overrides.d / 9,
    peakBytes: overrides.d * 1000,
    repeats: 2,
    message: null,
    ...overrides,
  };
}

export function costDetail(overrides: Partial<CostStudyDetail> = {}): CostStudyDetail {
  return {
    id: 1,
    name: 'tiny',
    status: 'completed',
    source: 'study',
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    endedAt: 1_700_000_031_000,
    settings: costSettings(),
    environment: {
      hostname: 'lab-1',
      platform: 'linux',
      cpuModel: 'Xeon',
      cpuCount: 2,
      memoryBytes: 8e9,
      backend: 'wasm',
      device: 'single-thread SIMD',
      adapter: null,
      appVersion: '0.1.0',
    },
    progress: { done: 6, total: 6, current: null },
    error: null,
    points: [],
    fits: [],
    crossovers: [],
    ...overrides,
  };
}
