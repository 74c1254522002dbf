import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '@shared/metrics';
import { parseRunConfig } from '../../../../src-main/services/runs.service';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

const points = (name: string, steps: number[], values: number[]): MetricPoint[] =>
  steps.map((step, i) => ({ name, step, epoch: 0, value: values[i]!, wallTimeMs: 1_700_000_000_000 + step }));

/**
 * Two seeds of one Barlow Twins configuration and one VICReg run, with their metrics written
 * through the store's repositories (as a worker would), so no training is needed.
 */
function databaseWithThreeRuns(path: string): void {
  const store = RunStore.open(path);
  try {
    const runs = [
      { name: 'bt-s1', seed: 1, loss: { name: 'bt' as const } },
      { name: 'bt-s2', seed: 2, loss: { name: 'bt' as const } },
      { name: 'vic', seed: 1, loss: { name: 'vicreg' as const } },
    ].map((overrides) => store.runs.create(parseRunConfig(tinyConfig(overrides))).id);
    store.metrics.append(runs[0]!, [
      ...points('loss', [0, 1, 2, 3, 4], [5, 4, 3, 2, 1]),
      ...points('knn/top1', [0, 4], [0.1, 0.5]),
    ]);
    store.metrics.append(runs[1]!, [
      ...points('loss', [0, 2, 4], [6, 4, 2]),
      ...points('knn/top1', [0, 4], [0.2, 0.7]),
    ]);
    store.metrics.append(runs[2]!, points('loss', [0, 1], [9, 8]));
  } finally {
    store.close();
  }
}

/** The lines of a section of the text output, from its title to the next blank line. */
function section(stdout: string, title: string): string[] {
  const start = stdout.indexOf(title);
  expect(start, `no section "${title}" in:\n${stdout}`).toBeGreaterThanOrEqual(0);
  return stdout.slice(start).trimEnd().split('\n\n')[0]!.split('\n');
}

describe('runs compare (real process, real database file)', () => {
  const tempDir = useTempDir();
  const database = () => {
    const db = join(tempDir(), 'runs.sqlite');
    databaseWithThreeRuns(db);
    return db;
  };

  it('prints the differing configuration fields with runs as columns, and the summary table', () => {
    const db = database();
    const result = cli(['runs', 'compare', '1', '2', '3', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const diff = section(result.stdout, 'Configuration:');
    expect(diff[0]).toMatch(/^Configuration: \d+ fields differ, \d+ equal/);
    expect(diff[1]).toMatch(/^field\s+#1 bt-s1\s+#2 bt-s2\s+#3 vic$/);
    const line = (field: string) => diff.find((text) => text.startsWith(`${field} `))?.split(/\s+/);
    expect(line('seed')).toEqual(['seed', '1', '2', '1']);
    expect(line('loss.name')).toEqual(['loss.name', 'bt', 'bt', 'vicreg']);
    // Equal in every run: not shown.
    expect(line('training.batchSize')).toBeUndefined();

    const summary = section(result.stdout, 'Summary:');
    expect(summary[1]).toMatch(/^id\s+name\s+status\s+backend\s+steps/);
    expect(summary.slice(3).map((text) => text.split(/\s+/).slice(0, 3))).toEqual([
      ['1', 'bt-s1', 'created'],
      ['2', 'bt-s2', 'created'],
      ['3', 'vic', 'created'],
    ]);
  });

  it('with --all-fields shows the equal fields too', () => {
    const result = cli(['runs', 'compare', '1', '2', '--all-fields', '--db', database()]);
    expect(result.code, result.stderr).toBe(0);
    expect(
      section(result.stdout, 'Configuration:').some((text) => /^training\.batchSize\s+64\s+64$/.test(text)),
    ).toBe(true);
  });

  it('groups by a configuration field: mean ± std (n) per group, and a groups CSV', () => {
    const db = database();
    const folder = tempDir();
    const csv = join(folder, 'summary.csv');
    const result = cli([
      'runs',
      'compare',
      '1',
      '2',
      '3',
      '--group-by',
      'loss.name',
      '--metric',
      'loss',
      '--csv',
      csv,
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const groups = section(result.stdout, 'Groups by loss.name');
    expect(groups[3]).toMatch(/^loss\.name=bt\s+1 2\s/);
    expect(groups[4]).toMatch(/^loss\.name=vicreg\s+3\s/);
    // kNN top-1 at the end: 50% and 70% -> 60.0% ± 14.1% (n=2); the VICReg run has none yet.
    expect(groups[3]).toContain('60.0% ± 14.1% (n=2)');

    // Last losses 1 and 2 (min the same, max 5 and 6); the VICReg run alone: 8, 8, 9.
    const byGroup = section(result.stdout, 'Metrics by group');
    expect(byGroup[3]!.split(/\s{2,}/)).toEqual([
      'loss',
      'loss.name=bt',
      '1.5000 ± 0.7071 (n=2)',
      '1.5000 ± 0.7071 (n=2)',
      '5.5000 ± 0.7071 (n=2)',
    ]);
    expect(byGroup[4]!.split(/\s{2,}/)).toEqual([
      'loss',
      'loss.name=vicreg',
      '8.0000 (n=1)',
      '8.0000 (n=1)',
      '9.0000 (n=1)',
    ]);

    const lines = readFileSync(join(folder, 'summary-groups.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const bt = lines[1]!.split(',');
    expect(bt.slice(0, 2)).toEqual(['loss.name=bt', '1 2']);
    expect(Number(bt[header.indexOf('knn_top1_final_mean')])).toBeCloseTo(0.6, 12);
    expect(Number(bt[header.indexOf('knn_top1_final_std')])).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(bt[header.indexOf('knn_top1_final_n')]).toBe('2');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toMatch(
      /^run_id,name,status,tags,backend,device,total_steps,/,
    );
  });

  it('with --metric prints last, min and max over every point, and writes the aligned series', () => {
    const db = database();
    const folder = tempDir();
    const csv = join(folder, 'out.csv');
    const result = cli(['runs', 'compare', '1', '2', '3', '--metric', 'loss', '--csv', csv, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const metrics = section(result.stdout, 'Metrics');
    expect(metrics[3]!.split(/\s{2,}/)).toEqual([
      'loss',
      '1',
      'bt-s1',
      '5',
      '1.0000 @4',
      '1.0000 @4',
      '5.0000 @0',
    ]);
    expect(metrics[5]!.split(/\s{2,}/)).toEqual([
      'loss',
      '3',
      'vic',
      '2',
      '8.0000 @1',
      '8.0000 @1',
      '9.0000 @0',
    ]);
    expect(readFileSync(join(folder, 'out-series.csv'), 'utf8')).toBe(
      'step,loss #1 bt-s1,loss #2 bt-s2,loss #3 vic\n0,5,6,9\n1,4,,8\n2,3,4,\n3,2,,\n4,1,2,\n',
    );
  });

  it('prints one JSON object with --json', () => {
    const result = cli(['runs', 'compare', '1', '3', '--metric', 'knn/top1', '--json', '--db', database()]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.runs.map((row: { runId: number }) => row.runId)).toEqual([1, 3]);
    expect(json.configDiff.find((row: { path: string }) => row.path === 'loss.name').cells).toEqual([
      { present: true, value: 'bt' },
      { present: true, value: 'vicreg' },
    ]);
    expect(json.metrics[0]).toMatchObject({
      runId: 1,
      name: 'knn/top1',
      points: 2,
      last: { step: 4, value: 0.5 },
    });
    expect(json.metrics[1]).toMatchObject({ runId: 3, points: 0, last: null });
  });

  it('names the nearest field for a mistyped --group-by, and fails for a run that does not exist', () => {
    const db = database();
    const typo = cli(['runs', 'compare', '1', '2', '--group-by', 'loss.nme', '--db', db]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('No run has the configuration field "loss.nme"; did you mean "loss.name"?');
    const missing = cli(['runs', 'compare', '1', '99', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/99/);
    expect(cli(['runs', 'compare', '--db', db]).code).toBe(2);
  });
});
