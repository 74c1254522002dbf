import { METRIC } from '@shared/metrics';
import type { RunStatus } from '@shared/runs';
import { parseRunConfig } from '../../services/runs.service';
import type { RunStore } from '../../storage/store';

/** The dense metrics of a long synthetic run (written every step, like a real run's). */
export const BENCH_METRICS = [
  METRIC.loss,
  METRIC.learningRate,
  METRIC.stepMs,
  METRIC.samplesPerSecond,
  METRIC.rssBytes,
  METRIC.tfjsBytes,
] as const;

export interface BenchDataOptions {
  runs: number;
  longRuns: number;
  metrics: number;
  steps: number;
}

const STATUSES: readonly RunStatus[] = [
  'completed',
  'completed',
  'completed',
  'failed',
  'stopped',
  'created',
];
const LOSSES = ['bt', 'fft-bt', 'vicreg', 'fft-vicreg'] as const;

/** A deterministic pseudo-random stream (mulberry32), so every bench database is the same. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills a fresh store with `runs` settled runs (names, tags, notes, progress and results as real
 * runs have them); the last `longRuns` get `metrics` series of `steps` points each. Rows go in with
 * prepared statements in large transactions: the bench measures reads, not this set-up.
 */
export function createBenchRuns(store: RunStore, options: BenchDataOptions): number[] {
  const { database } = store;
  const next = random(11);
  const configs = LOSSES.map((name) =>
    JSON.stringify(
      parseRunConfig({ name: 'bench', loss: { name }, training: { epochs: 100, batchSize: 128 } }),
    ),
  );
  const insertRun = database.prepare(
    `INSERT INTO runs (name, config_json, loss_name, status, created_at, started_at, ended_at, backend, device,
       progress_json, results_json, tags_json, notes)
     VALUES (?, json_set(?, '$.name', ?), ?, ?, ?, ?, ?, 'wasm', 'single-thread SIMD', ?, ?, ?, ?)`,
  );
  const ids: number[] = [];
  database.transaction(() => {
    for (let index = 0; index < options.runs; index += 1) {
      const lossIndex = index % LOSSES.length;
      const status = STATUSES[index % STATUSES.length]!;
      const name = `${LOSSES[lossIndex]} lambda ${(next() * 0.01).toFixed(4)} seed ${index % 3}`;
      const createdAt = 1_750_000_000_000 + index * 60_000;
      const trained = status !== 'created';
      const trainingMs = Math.round(600_000 + next() * 3_600_000);
      const progress = trained
        ? { step: options.steps, totalSteps: options.steps, epoch: 100, totalEpochs: 100, trainingMs }
        : null;
      const results = trained ? { loss: 1 + next(), knnTop1: 0.5 + next() * 0.3 } : {};
      const tags = [`seed-${index % 3}`, ...(index % 10 === 0 ? ['baseline'] : [])];
      insertRun.run(
        name,
        configs[lossIndex],
        name,
        LOSSES[lossIndex],
        status,
        createdAt,
        trained ? createdAt : null,
        trained ? createdAt + trainingMs : null,
        progress && JSON.stringify(progress),
        JSON.stringify(results),
        JSON.stringify(tags),
        index % 7 === 0 ? `Sweep ${index % 5}: checking the effect of the block size` : '',
      );
      ids.push(index + 1);
    }
  })();
  const longRuns = ids.slice(-options.longRuns);
  // One statement per series: the values travel as one JSON array that SQLite unpacks itself,
  // several times faster than a statement per point.
  const insertSeries = database.prepare(
    `INSERT INTO metric_points (run_id, name, step, epoch, value, wall_time_ms)
     SELECT @runId, @name, key + 1, (key + 1000) / 1000, value, @wallStart + (key + 1) * 120 FROM json_each(@values)`,
  );
  const names = BENCH_METRICS.slice(0, options.metrics);
  for (const runId of longRuns) {
    database.transaction(() => {
      for (const [metricIndex, name] of names.entries()) {
        const values = new Array<number>(options.steps);
        let value = 1 + metricIndex;
        for (let step = 1; step <= options.steps; step += 1) {
          value = value * 0.99995 + (next() - 0.5) * 0.01;
          // A rare one-step spike, as a diverging batch makes: the reduction must keep it.
          values[step - 1] = step % 25_013 === 0 ? value + 10 : value;
        }
        insertSeries.run({ runId, name, wallStart: 1_750_000_000_000, values: JSON.stringify(values) });
      }
    })();
  }
  return longRuns;
}
