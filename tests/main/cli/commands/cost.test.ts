import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CostStudyArchive, CostStudyDetail } from '@shared/cost/types';
import { benchLossCommand } from '../../../../src-main/cli/commands/bench-loss';
import { costRunCommand } from '../../../../src-main/cli/commands/cost-run';
import {
  costExportCommand,
  costImportCommand,
  costListCommand,
  costShowCommand,
} from '../../../../src-main/cli/commands/cost';
import { useTempDir } from '../../../helpers/temp-dir';
import { runInProcess } from '../run-command';
import { cli } from '../run-cli';

/** The commands that need no worker run in this process (seconds saved per command). */
const COMMANDS = {
  'bench loss': benchLossCommand,
  'cost show': costShowCommand,
  'cost list': costListCommand,
  'cost export': costExportCommand,
  'cost import': costImportCommand,
  'cost run': costRunCommand,
};
const run = (args: string[]) => {
  const name = `${args[0]} ${args[1]}` as keyof typeof COMMANDS;
  return runInProcess(COMMANDS[name], args.slice(2));
};

describe('cost studies from the command line (real processes, tiny sizes)', () => {
  const tempDir = useTempDir();

  it('bench loss --save stores a bench study; export and import carry it to another database', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.sqlite');
    const saved = await run([
      'bench',
      'loss',
      '--n',
      '16',
      '--d',
      '16,32',
      '--losses',
      'bt,fft-bt',
      '--b',
      'd,8',
      '--reps',
      '2',
      '--warmup',
      '1',
      '--backend',
      'wasm',
      '--save',
      '--name',
      'laptop wasm',
      '--db',
      db,
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stderr).toMatch(/Saved as cost study 1 "laptop wasm" \(cost show 1\)/);

    const shown = await run(['cost', 'show', '1', '--json', '--db', db]);
    expect(shown.code, shown.stderr).toBe(0);
    const study = JSON.parse(shown.stdout) as CostStudyDetail;
    expect(study).toMatchObject({
      name: 'laptop wasm',
      status: 'completed',
      source: 'bench',
      progress: { done: 6, total: 6, current: null },
      settings: {
        n: 16,
        dims: [16, 32],
        losses: ['bt', 'fft-bt'],
        blockSizes: ['d', 8],
        q: 2,
        repeats: 2,
        warmup: 1,
        backend: 'wasm',
        step: null,
      },
      environment: { backend: 'wasm', adapter: null },
    });
    expect(
      study.points.map((point) => `${point.loss} ${point.blockSize ?? '-'} ${point.d} ${point.status}`),
    ).toEqual([
      'bt - 16 ok',
      'fft-bt 16 16 ok',
      'fft-bt 8 16 ok',
      'bt - 32 ok',
      'fft-bt 32 32 ok',
      'fft-bt 8 32 ok',
    ]);
    for (const point of study.points) {
      expect(point.minMs!).toBeLessThanOrEqual(point.medianMs!);
      expect(point.maxMs!).toBeGreaterThanOrEqual(point.medianMs!);
      expect(point.peakBytes).toBeGreaterThan(0);
    }
    expect(study.fits.map((fit) => `${fit.series} ${fit.measure}`)).toContain('fft-bt b=8 time');
    const table = await run(['cost', 'show', '1', '--db', db]);
    expect(table.stdout).toMatch(/Cost study 1 "laptop wasm": completed \(bench\), 6\/6 points/);
    expect(table.stdout).toMatch(/Log-log slopes/);
    expect(table.stdout).toMatch(/fft-bt b=d vs bt \(time\)/);

    const file = join(dir, 'study.json');
    expect((await run(['cost', 'export', '1', '--out', file, '--db', db])).code).toBe(0);
    const archive = JSON.parse(readFileSync(file, 'utf8')) as CostStudyArchive;
    expect(archive).toMatchObject({
      format: 'decorbench-cost-study',
      version: 1,
      study: { name: 'laptop wasm' },
    });
    const other = join(dir, 'b.sqlite');
    const imported = await run(['cost', 'import', file, '--db', other]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout.trim()).toBe('1');
    const copy = JSON.parse(
      (await run(['cost', 'show', '1', '--json', '--db', other])).stdout,
    ) as CostStudyDetail;
    expect(copy.source).toBe('import');
    const { id: _a, source: _b, ...original } = study;
    const { id: _c, source: _d, ...roundTripped } = copy;
    expect(roundTripped).toEqual(original);
    expect((await run(['cost', 'list', '--db', other])).stdout).toMatch(/laptop wasm\s+completed\s+import/);

    writeFileSync(join(dir, 'foreign.json'), JSON.stringify({ format: 'something-else' }));
    const refused = await run(['cost', 'import', join(dir, 'foreign.json'), '--db', other]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/Not a Decorbench cost-study export \(format:/);
    expect((await run(['cost', 'show', 'x', '--db', other])).stderr).toMatch(/Give a cost study id/);
    expect((await run(['cost', 'show', '7', '--db', other])).stderr).toMatch(/Cost study 7 does not exist/);
    expect((await run(['bench', 'loss', '--q', '1,2', '--save', '--db', db])).stderr).toMatch(
      /--save stores one q/,
    );
  });

  it('cost run measures in a worker and ends with the study, its slopes and crossovers', async () => {
    const db = join(tempDir(), 'run.sqlite');
    const result = cli([
      'cost',
      'run',
      '--n',
      '16',
      '--dims',
      '16,32',
      '--losses',
      'bt,fft-bt',
      '--repeats',
      '1',
      '--warmup',
      '0',
      '--backend',
      'wasm',
      '--name',
      'quick',
      '--db',
      db,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Cost study 1 "quick": 4 points/);
    expect(result.stderr).toMatch(/fft-bt b=32 d=32 \(loss\): [\d.]+ ms/);
    const study = JSON.parse(result.stdout) as CostStudyDetail;
    expect(study).toMatchObject({ status: 'completed', source: 'study', progress: { done: 4, total: 4 } });
    expect(study.fits).toHaveLength(4);
    expect(study.crossovers).toHaveLength(2);
    expect((await run(['cost', 'run', '--dims', '16,x'])).stderr).toMatch(
      /--dims must be a comma-separated list/,
    );
    expect((await run(['cost', 'run', '--step-backbone', 'vgg'])).stderr).toMatch(
      /--step-backbone must be one of/,
    );
    expect((await run(['cost', 'run', '--losses', 'pca'])).stderr).toMatch(/--losses/);
  });
});
