import type { RunConfigInput } from '@shared/config/run-config';
import type { SnapshotData } from '../../ml/inspect/snapshot-data';
import { Random } from '../../ml/random';
import { parseRunConfig } from '../../services/runs.service';
import type { RunStore } from '../../storage/store';

export interface SyntheticSnapshotOptions {
  n: number;
  d: number;
  /** Backbone width (0: none). */
  featureDim?: number;
  seed?: number;
  /** Store the loss's permutation too (a random one). */
  permutation?: boolean;
}

/** Features in groups sharing one latent factor: the correlation matrix shows blocks. */
const CLUSTERS = 16;
/** Shared low-rank directions, so the spectrum decays instead of being flat. */
const RANK = 32;

/**
 * Embeddings with the structure a trained projector has, deterministic from the seed: features
 * in clusters driven by shared latent factors (correlated blocks), a low-rank component over
 * all of them with decaying strengths (a spectrum that falls off), per-feature scales spread
 * over a decade, a few collapsed (near-constant) features, and view 2 a noisy copy of view 1
 * (a cross-correlation with a strong diagonal).
 */
export function syntheticSnapshot(options: SyntheticSnapshotOptions): SnapshotData {
  const { n, d } = options;
  const featureDim = options.featureDim ?? 0;
  const random = new Random(options.seed ?? 1);
  const gaussians = (count: number) => Float32Array.from({ length: count }, () => random.normal());
  const clusters = gaussians(n * CLUSTERS);
  const latent = gaussians(n * RANK);
  const strength = Float32Array.from({ length: RANK }, (_, k) => 1 / (1 + k));
  const mixing = gaussians(RANK * d);
  const scale = Float32Array.from({ length: d }, () => 10 ** (random.next() - 0.5));
  const load = Float32Array.from({ length: d }, () => 0.3 + 0.6 * random.next());
  const collapsed = Math.max(1, Math.floor(d / 256));
  const z1 = new Float32Array(n * d);
  const z2 = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < d; j++) {
      let lowRank = 0;
      for (let k = 0; k < 4; k++) {
        const r = (j + k * 7) % RANK;
        lowRank += strength[r]! * latent[i * RANK + r]! * mixing[r * d + j]!;
      }
      const cluster = clusters[i * CLUSTERS + Math.floor((j * CLUSTERS) / d)]!;
      const value = load[j]! * cluster + 0.5 * lowRank + 0.4 * random.normal();
      // The last features are collapsed: almost the same value for every image.
      const feature = j >= d - collapsed ? 0.5 + 1e-4 * random.normal() : value * scale[j]!;
      z1[row + j] = feature;
      z2[row + j] = feature + 0.3 * scale[j]! * random.normal();
    }
  }
  const backbone = (shift: number) =>
    featureDim > 0
      ? Float32Array.from({ length: n * featureDim }, (_, index) => {
          const i = Math.floor(index / featureDim);
          return Math.max(0, clusters[i * CLUSTERS + (index % CLUSTERS)]! + shift * random.normal());
        })
      : null;
  return {
    n,
    d,
    featureDim,
    z1,
    z2,
    h1: backbone(0.5),
    h2: backbone(0.6),
    permutation: options.permutation ? random.permutation(d) : null,
  };
}

/**
 * A run of the given loss (never trained) with one synthetic snapshot per step, stored through
 * the snapshot repository as a worker's would be. Returns the run id and the snapshot ids.
 */
export function storeSyntheticRun(
  store: RunStore,
  options: SyntheticSnapshotOptions & { loss?: RunConfigInput['loss']; steps?: number[] },
): { runId: number; snapshotIds: number[] } {
  const loss = options.loss ?? { name: 'fft-bt', blockSize: Math.min(options.d, 64) };
  const run = store.runs.create(
    parseRunConfig({
      name: `inspect ${loss.name} d=${options.d}`,
      model: { projectorOutputDim: options.d, projectorHiddenDim: Math.min(options.d, 8192) },
      loss,
    }),
  );
  const snapshotIds = (options.steps ?? [0]).map((step, index) => {
    const data = syntheticSnapshot({ ...options, seed: (options.seed ?? 1) + index });
    return store.snapshots.insert(run.id, {
      step,
      epoch: index,
      source: 'training',
      dtype: 'float32',
      probeSeed: 20230,
      data,
    }).id;
  });
  return { runId: run.id, snapshotIds };
}
