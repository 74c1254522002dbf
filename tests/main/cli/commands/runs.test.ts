import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../../../src-main/services/runs.service';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

/** A database with one run that has metrics at steps 0 to 2 and three evaluations. */
function databaseWithEvaluations(path: string): void {
  const store = RunStore.open(path);
  try {
    const runId = store.runs.create(parseRunConfig(tinyConfig({ name: 'evaluated' }))).id;
    store.metrics.append(runId, [
      { name: 'loss', step: 0, epoch: 0, value: 3, wallTimeMs: 1_700_000_000_000 },
      { name: 'loss', step: 1, epoch: 1, value: 2, wallTimeMs: 1_700_000_001_000 },
      { name: 'loss', step: 2, epoch: 2, value: 1, wallTimeMs: 1_700_000_002_000 },
    ]);
    const linear = store.evaluations.create(runId, 'linear', 12, { epochs: 5 });
    store.evaluations.complete(linear.id, { top1: 0.8125, top5: 0.984375, trainLoss: 0.52 });
    const knn = store.evaluations.create(runId, 'knn', 12, {});
    store.evaluations.complete(knn.id, { top1: 0.75, k: 20, temperature: 0.07 }, [
      { k: 20, temperature: 0.07, top1: 0.75 },
    ]);
    const failed = store.evaluations.create(runId, 'linear', 8, {});
    store.evaluations.fail(failed.id, 'The checkpoint of step 8 is gone\nstack...');
  } finally {
    store.close();
  }
}

describe('runs show and runs export (real process, real database file)', () => {
  const tempDir = useTempDir();

  it("shows the run's evaluations, as text and in --json", () => {
    const db = join(tempDir(), 'runs.sqlite');
    databaseWithEvaluations(db);
    const show = cli(['runs', 'show', '1', '--db', db]);
    expect(show.code, show.stderr).toBe(0);
    const section = show.stdout.slice(show.stdout.indexOf('Evaluations:'), show.stdout.indexOf('Config:'));
    const rows = section.trim().split('\n').slice(3);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^ {2}1\s+linear\s+12\s+completed\s+\d{4}-.*top1 0\.8125, top5 0\.9844, trainLoss 0\.5200$/,
    );
    expect(rows[1]).toMatch(/^ {2}2\s+knn\s+12\s+completed\s+.*top1 0\.7500, k 20, temperature 0\.0700$/);
    expect(rows[2]).toMatch(/^ {2}3\s+linear\s+8\s+failed\s+.*The checkpoint of step 8 is gone$/);

    const json = JSON.parse(cli(['runs', 'show', '1', '--db', db, '--json']).stdout);
    expect(json.evaluations.map((e: { kind: string; status: string }) => [e.kind, e.status])).toEqual([
      ['linear', 'completed'],
      ['knn', 'completed'],
      ['linear', 'failed'],
    ]);
    expect(json.evaluations[1].grid).toEqual([{ k: 20, temperature: 0.07, top1: 0.75 }]);
  });

  it('says how to evaluate a run that has no evaluations', () => {
    const db = join(tempDir(), 'plain.sqlite');
    const store = RunStore.open(db);
    store.runs.create(parseRunConfig(tinyConfig()));
    store.close();
    expect(cli(['runs', 'show', '1', '--db', db]).stdout).toMatch(
      /Evaluations: none \(npm run cli -- eval linear ID/,
    );
  });

  it('exports the metrics CSV with step, epoch and wall time first', () => {
    const db = join(tempDir(), 'runs.sqlite');
    databaseWithEvaluations(db);
    const out = join(tempDir(), 'metrics.csv');
    const result = cli(['runs', 'export', '1', '--format', 'csv', '--out', out, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      'step,epoch,wall_time_ms,loss\n0,0,1700000000000,3\n1,1,1700000001000,2\n2,2,1700000002000,1\n',
    );
  });
});
