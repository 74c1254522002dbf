import { lossTermMetric, METRIC } from '@shared/metrics';

/** The chart palette; a series' colour comes from its name, never from its place in a chart. */
export const PALETTE = {
  blue: '#2563eb',
  orange: '#e8590c',
  green: '#16a34a',
  purple: '#9333ea',
  cyan: '#0891b2',
  pink: '#db2777',
  yellow: '#ca8a04',
  slate: '#475569',
} as const;

const PALETTE_COLORS: readonly string[] = Object.values(PALETTE);

/**
 * Fixed colours of the metrics the engine writes. Within one chart each name has its own
 * colour; the same pair (e.g. Barlow Twins' on- and off-diagonal terms) looks the same on
 * every visit and after a resume, whichever series happened to arrive first.
 */
const FIXED_COLORS: Readonly<Record<string, string>> = {
  [METRIC.loss]: PALETTE.blue,
  [METRIC.learningRate]: PALETTE.blue,
  [METRIC.samplesPerSecond]: PALETTE.blue,
  [METRIC.tensors]: PALETTE.blue,
  [METRIC.knnTop1]: PALETTE.blue,
  [METRIC.knnTop5]: PALETTE.orange,
  [METRIC.probeTrainTop1]: PALETTE.orange,
  [METRIC.probeValTop1]: PALETTE.blue,
  [METRIC.dataMs]: PALETTE.cyan,
  [METRIC.forwardMs]: PALETTE.orange,
  [METRIC.backwardMs]: PALETTE.green,
  [METRIC.stepMs]: PALETTE.slate,
  [METRIC.rssBytes]: PALETTE.blue,
  [METRIC.tfjsBytes]: PALETTE.orange,
  // webgpu runs: GPU buffers of live tensors, and all the backend holds (its pool included).
  [METRIC.gpuBytes]: PALETTE.green,
  [METRIC.gpuAllocatedBytes]: PALETTE.slate,
  // Barlow Twins (exact and FFT-relaxed).
  [lossTermMetric('onDiagonal')]: PALETTE.blue,
  [lossTermMetric('offDiagonal')]: PALETTE.orange,
  // VICReg (exact and FFT-relaxed): one hue per term, the two views' halves apart.
  [lossTermMetric('invariance')]: PALETTE.blue,
  [lossTermMetric('varianceZ1')]: PALETTE.green,
  [lossTermMetric('varianceZ2')]: PALETTE.cyan,
  [lossTermMetric('covarianceZ1')]: PALETTE.orange,
  [lossTermMetric('covarianceZ2')]: PALETTE.pink,
};

/** FNV-1a: a stable palette index for names without a fixed colour. */
function hashIndex(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i += 1) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % PALETTE_COLORS.length;
}

/**
 * The colour of each series of one chart, by metric name. Known names have fixed colours;
 * other names take their hashed palette colour, or the next one not yet used in this chart
 * (names taken in sorted order, so the result depends only on the set of names).
 */
export function seriesColors(names: readonly string[]): Map<string, string> {
  const colors = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const fixed = FIXED_COLORS[name];
    if (fixed !== undefined && !used.has(fixed)) {
      colors.set(name, fixed);
      used.add(fixed);
    }
  }
  for (const name of [...names].filter((item) => !colors.has(item)).sort()) {
    const start = hashIndex(name);
    let color = PALETTE_COLORS[start]!;
    for (let offset = 0; offset < PALETTE_COLORS.length; offset += 1) {
      const candidate = PALETTE_COLORS[(start + offset) % PALETTE_COLORS.length]!;
      if (!used.has(candidate)) {
        color = candidate;
        break;
      }
    }
    colors.set(name, color);
    used.add(color);
  }
  return colors;
}
