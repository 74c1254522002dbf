import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MetricPoint } from '@shared/metrics';
import { parseRunConfig } from '../../services/runs.service';
import { RunStore } from '../../storage/store';
import { UsageError, type CliCommand } from '../command';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer`);
  return value;
}

/**
 * Measures the run store where the app leans on it: metric ingest in the batches workers send,
 * and fetching one long series for a chart. Uses a fresh database file (WAL, as in the app).
 */
export const benchStoreCommand: CliCommand = {
  name: 'bench store',
  summary: 'Benchmark metric ingest (points/s) and fetching a 100k-point series',
  usage: `Usage: npm run cli -- bench store [--series 10] [--steps 100000] [--batch 1000] [--repeats 10] [--json]

Ingests series x steps points in batches (one transaction each) into a fresh database file,
then fetches one full series repeatedly. Targets: >= 200k points/s, <= 50 ms per 100k-point fetch.`,
  async run(args, context) {
    const { values } = parseArgs({
      args,
      options: {
        series: { type: 'string', default: '10' },
        steps: { type: 'string', default: '100000' },
        batch: { type: 'string', default: '1000' },
        repeats: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
      },
    });
    const seriesCount = positiveInteger(values.series, '--series');
    const steps = positiveInteger(values.steps, '--steps');
    const batchSize = positiveInteger(values.batch, '--batch');
    const repeats = positiveInteger(values.repeats, '--repeats');
    const folder = mkdtempSync(join(tmpdir(), 'decorbench-bench-'));
    const store = RunStore.open(join(folder, 'bench.sqlite'));
    try {
      const run = store.runs.create(parseRunConfig({ name: 'bench' }));
      const names = Array.from({ length: seriesCount }, (_, i) => (i === 0 ? 'loss' : `metric_${i}`));
      // Points arrive step by step with every metric, like a worker's batches.
      const batches: MetricPoint[][] = [];
      let batch: MetricPoint[] = [];
      for (let step = 1; step <= steps; step++) {
        for (const name of names) {
          batch.push({
            name,
            step,
            epoch: 1,
            value: Math.sin(step) * 0.5 + 1 / step,
            wallTimeMs: 1.7e12 + step,
          });
          if (batch.length === batchSize) {
            batches.push(batch);
            batch = [];
          }
        }
      }
      if (batch.length > 0) batches.push(batch);
      const ingestStart = performance.now();
      for (const points of batches) store.metrics.append(run.id, points);
      const ingestMs = performance.now() - ingestStart;
      const totalPoints = seriesCount * steps;
      const fetchTimes: number[] = [];
      let fetched = 0;
      for (let i = 0; i < repeats + 1; i++) {
        const start = performance.now();
        fetched = store.metrics.series(run.id, 'loss').steps.length;
        if (i > 0) fetchTimes.push(performance.now() - start); // the first fetch warms the page cache
      }
      const result = {
        benchmark: 'store',
        points: totalPoints,
        batchSize,
        ingestMs: Math.round(ingestMs),
        pointsPerSecond: Math.round(totalPoints / (ingestMs / 1000)),
        seriesPoints: fetched,
        fetchMedianMs: Number(median(fetchTimes).toFixed(2)),
        fetchMinMs: Number(Math.min(...fetchTimes).toFixed(2)),
      };
      if (values.json) context.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        context.stdout.write(
          [
            `ingest: ${totalPoints} points in batches of ${batchSize}: ${result.ingestMs} ms = ${result.pointsPerSecond.toLocaleString('en')} points/s (target >= 200,000)`,
            `fetch:  one ${fetched}-point series: median ${result.fetchMedianMs} ms, min ${result.fetchMinMs} ms over ${repeats} (target <= 50 ms)`,
          ].join('\n') + '\n',
        );
      }
      return 0;
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
