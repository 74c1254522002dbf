import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { divergingColor } from '@shared/colormap';
import { INSPECT_METRICS } from '@shared/inspect';
import { storeSyntheticRun, syntheticSnapshot } from '../../../../src-main/cli/commands/bench-inspect-data';
import { heatmapLayout } from '../../../../src-main/cli/commands/inspect-png';
import { RunStore } from '../../../../src-main/storage/store';
import { referenceCells, referenceMatrix } from '../../../helpers/inspect-reference';
import { useTempDir } from '../../../helpers/temp-dir';
import { tinyConfig } from '../../../helpers/workbench';
import { cli } from '../run-cli';

const N = 48;
const D = 80;
const BLOCK = 16;

/** A run of sBT (d = 80, b = 16, permuted) with snapshots at steps 0 and 10, written through the repository. */
function database(path: string): void {
  const store = RunStore.open(path);
  try {
    storeSyntheticRun(store, {
      n: N,
      d: D,
      featureDim: 12,
      permutation: true,
      seed: 5,
      steps: [0, 10],
      loss: { name: 'fft-bt', blockSize: BLOCK },
    });
  } finally {
    store.close();
  }
}

/** A .npy file's float32 values and shape (the header as numpy writes it, parsed by hand). */
function readNpy(path: string): { shape: number[]; values: Float32Array } {
  const bytes = readFileSync(path);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  expect(header).toContain("'descr': '<f4'");
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(Number);
  const data = bytes.subarray(10 + headerLength);
  return { shape, values: new Float32Array(new Uint8Array(data).buffer) };
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe('inspect (real process, real database file)', () => {
  const tempDir = useTempDir();
  const setup = () => {
    const folder = tempDir();
    const db = join(folder, 'inspect.sqlite');
    database(db);
    return { folder, db };
  };
  /** The same numbers as the database holds (the generator is deterministic). */
  const snapshotOfStep10 = () =>
    syntheticSnapshot({ n: N, d: D, featureDim: 12, permutation: true, seed: 6 });

  it('writes an exact region of view 1 correlation as .npy that numpy reads, equal to a float64 brute force', () => {
    const { folder, db } = setup();
    const out = join(folder, 'corr.npy');
    const result = cli([
      'inspect',
      '1',
      '--view',
      'corr',
      '--region',
      '8:40,30:80',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Step 10 .*correlation of view 1, rows \[8, 40\) x columns \[30, 80\), exact values/,
    );
    const { shape, values } = readNpy(out);
    expect(shape).toEqual([32, 50]);
    const reference = referenceMatrix(snapshotOfStep10(), 'corr1');
    let worst = 0;
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 50; j++)
        worst = Math.max(worst, Math.abs(values[i * 50 + j]! - reference[(8 + i) * D + 30 + j]!));
    expect(worst).toBeLessThan(1e-4);
    if (hasNumpy) {
      const python = `import numpy as np; a = np.load(${JSON.stringify(out)}); print(a.dtype, a.shape, repr(float(a[3, 7])))`;
      const numpy = spawnSync('python3', ['-c', python], { encoding: 'utf8' });
      expect(numpy.stdout.trim().split(' ').slice(0, 3)).toEqual(['float32', '(32,', '50)']);
      expect(Number(numpy.stdout.trim().split(' ')[3])).toBeCloseTo(values[3 * 50 + 7]!, 6);
    }
  });

  it('writes a permuted overview of the cross-correlation as .csv, each cell the extreme of its block', () => {
    const { folder, db } = setup();
    const out = join(folder, 'cross.csv');
    const args = ['inspect', '1', '--step', '0', '--view', 'cross', '--order', 'permuted', '--cells', '16'];
    const result = cli([...args, '--mask-diagonal', '--out', out, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /16 x 16 cells of 5 x 5 entries \(largest \|value\|\), permuted order, diagonal masked/,
    );
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number));
    expect(rows).toHaveLength(16);
    expect(rows.every((row) => row.length === 16)).toBe(true);
    const data = syntheticSnapshot({ n: N, d: D, featureDim: 12, permutation: true, seed: 5 });
    const reference = referenceCells(
      referenceMatrix(data, 'cross', 'permuted'),
      D,
      { rows: [0, D], cols: [0, D] },
      5,
      'extreme',
      true,
    );
    for (let a = 0; a < 16; a++)
      for (let b = 0; b < 16; b++) expect(rows[a]![b]!).toBeCloseTo(reference.values[a * 16 + b]!, 4);
  });

  it('keeps a whole-matrix overview in the database file and reads it back the next time', () => {
    const { folder, db } = setup();
    const args = ['inspect', '1', '--view', 'cov2', '--reduce', 'rms', '--cells', '20', '--db', db, '--json'];
    const first = JSON.parse(cli([...args, '--out', join(folder, 'a.npy')]).stdout);
    const second = JSON.parse(cli([...args, '--out', join(folder, 'b.npy')]).stdout);
    expect([first.cached, second.cached]).toEqual([false, true]);
    expect(readFileSync(join(folder, 'b.npy'))).toEqual(readFileSync(join(folder, 'a.npy')));
  });

  it('writes a .png heatmap of the right size with the colour scale in its legend line', async () => {
    const { folder, db } = setup();
    const out = join(folder, 'cross.png');
    const result = cli([
      'inspect',
      '1',
      '--view',
      'cross',
      '--region',
      '0:64,0:64',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Colour scale: blue -1 \.\. white 0 \.\. red 1/);
    const layout = heatmapLayout(64, 64);
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([layout.width, layout.height, 3]);
    // The top-left cell is C[0][0] in the diverging map (the centre of its square of pixels).
    const reference = referenceMatrix(snapshotOfStep10(), 'cross');
    const x = layout.left + Math.floor(layout.scale / 2);
    const y = layout.top + Math.floor(layout.scale / 2);
    const offset = (y * info.width + x) * info.channels;
    const expected = divergingColor(reference[0]!, 1);
    for (let c = 0; c < 3; c++) expect(Math.abs(data[offset + c]! - expected[c]!)).toBeLessThanOrEqual(1);

    // --grid draws the loss's blocks (b = 16): a line across the picture at feature 16, nothing else moves.
    const gridded = join(folder, 'grid.png');
    const withGrid = cli([
      'inspect',
      '1',
      '--view',
      'cross',
      '--region',
      '0:64,0:64',
      '--grid',
      '--out',
      gridded,
      '--db',
      db,
    ]);
    expect(withGrid.code, withGrid.stderr).toBe(0);
    const grid = await sharp(gridded).raw().toBuffer({ resolveWithObject: true });
    const pixel = (buffer: Buffer, px: number, py: number) => {
      const at = (py * info.width + px) * info.channels;
      return Array.from(buffer.subarray(at, at + 3));
    };
    const lineY = layout.top + 16 * layout.scale;
    expect(pixel(grid.data, x, lineY)).not.toEqual(pixel(data, x, lineY));
    expect(pixel(grid.data, x, y)).toEqual(pixel(data, x, y));
    expect(
      cli(['inspect', '1', '--view', 'cross', '--grid', '--out', join(folder, 'x.npy'), '--db', db]).stderr,
    ).toMatch(/--grid draws on a .png of a matrix view/);
  });

  it('writes the summary map, a pair vector and the spectrum', () => {
    const { folder, db } = setup();
    const summary = join(folder, 'summary.npy');
    let result = cli(['inspect', '1', '--view', 'summary', '--out', summary, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/contributions of the 5 x 5 block pairs \(b = 16, q = 2, permuted\)/);
    const map = readNpy(summary);
    expect(map.shape).toEqual([5, 5]);
    const relaxed = Number(/relaxed penalty (\S+),/.exec(result.stdout)![1]);
    const total = map.values.reduce((sum, value) => sum + value, 0);
    expect(total).toBeCloseTo(relaxed, Math.max(0, 2 - Math.ceil(Math.log10(relaxed))));

    const pair = join(folder, 'pair.csv');
    result = cli(['inspect', '1', '--view', 'summary', '--pair', '1,2', '--out', pair, '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const lines = readFileSync(pair, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('k,r');
    expect(lines).toHaveLength(BLOCK + 1);

    const spectrum = join(folder, 'spectrum.npy');
    result = cli(['inspect', '1', '--view', 'spectrum', '--out', spectrum, '--db', db, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runId: 1, step: 10, format: 'npy', shape: [N] });
    const eigenvalues = readNpy(spectrum).values;
    for (let k = 1; k < eigenvalues.length; k++)
      expect(eigenvalues[k]!).toBeLessThanOrEqual(eigenvalues[k - 1]! * (1 + 1e-5));
  });

  it('with --exact writes every entry of a region wider than one tile, stitched from exact tiles', () => {
    const folder = tempDir();
    const db = join(folder, 'wide.sqlite');
    const store = RunStore.open(db);
    storeSyntheticRun(store, { n: 16, d: 600, seed: 8, loss: { name: 'vicreg' } });
    store.close();
    const out = join(folder, 'cov.npy');
    const result = cli([
      'inspect',
      '1',
      '--view',
      'cov',
      '--exact',
      '--region',
      '10:600,450:600',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rows \[10, 600\) x columns \[450, 600\), exact values/);
    const { shape, values } = readNpy(out);
    expect(shape).toEqual([590, 150]);
    const reference = referenceMatrix(syntheticSnapshot({ n: 16, d: 600, seed: 8 }), 'cov1');
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < 590; i++)
      for (let j = 0; j < 150; j++) {
        const expected = reference[(10 + i) * 600 + 450 + j]!;
        worst = Math.max(worst, Math.abs(values[i * 150 + j]! - expected));
        largest = Math.max(largest, Math.abs(expected));
      }
    expect(worst).toBeLessThan(1e-5 * largest);
    expect(
      cli(['inspect', '1', '--view', 'cov', '--exact', '--cells', '8', '--out', out, '--db', db]).stderr,
    ).toMatch(/--exact writes every entry: leave out --cells/);
  });

  it('with --minus writes the difference to another step, and a PNG on a symmetric scale', async () => {
    const { folder, db } = setup();
    const out = join(folder, 'diff.csv');
    const args = ['inspect', '1', '--view', 'cross', '--minus', '0', '--region', '0:20,60:80', '--db', db];
    let result = cli([...args, '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/exact values, original order, minus snapshot 1;/);
    const now = referenceMatrix(snapshotOfStep10(), 'cross');
    const before = referenceMatrix(
      syntheticSnapshot({ n: N, d: D, featureDim: 12, permutation: true, seed: 5 }),
      'cross',
    );
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(',').map(Number));
    for (let i = 0; i < 20; i++)
      for (let j = 0; j < 20; j++)
        expect(rows[i]![j]!).toBeCloseTo(now[i * D + 60 + j]! - before[i * D + 60 + j]!, 4);
    result = cli([...args, '--out', join(folder, 'diff.png')]);
    expect(result.code, result.stderr).toBe(0);
    const limit = Math.max(...rows.flat().map(Math.abs));
    const legend = /Colour scale: blue (\S+) \.\. white 0 \.\. red (\S+) /.exec(result.stdout)!;
    expect(Number(legend[2])).toBeCloseTo(limit, 2);
    expect(Number(legend[1])).toBe(-Number(legend[2]));
    expect(cli([...args, '--minus', '3:0', '--out', out]).stderr).toMatch(/Run 3 does not exist/);
  });

  it('a run trained from the command line has its inspect/* metrics when train exits', () => {
    const folder = tempDir();
    const db = join(folder, 'trained.sqlite');
    const config = join(folder, 'run.json');
    writeFileSync(
      config,
      JSON.stringify(
        tinyConfig({
          // Large enough that deriving the last snapshot's metrics outlasts the worker's exit.
          model: {
            backbone: 'mlp',
            backboneHiddenDim: 64,
            featureDim: 32,
            projectorHiddenDim: 64,
            projectorOutputDim: 2048,
          },
          loss: { name: 'fft-bt', blockSize: 128 },
          inspect: { probeImages: 512 },
        }),
      ),
    );
    const result = cli(['train', '--config', config, '--db', db, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const store = RunStore.open(db, { access: 'read' });
    try {
      const steps = store.snapshots.list(1).map((snapshot) => snapshot.step);
      expect(steps.length).toBeGreaterThanOrEqual(2);
      for (const name of [
        INSPECT_METRICS.offDiagonalExact,
        INSPECT_METRICS.offDiagonalRelaxed,
        INSPECT_METRICS.rankMeZ,
      ])
        expect(store.metrics.series(1, name).steps).toEqual(steps);
    } finally {
      store.close();
    }
  });

  it('says what is wrong: a region past d, a step without a snapshot, an unknown view', () => {
    const { folder, db } = setup();
    const out = join(folder, 'x.npy');
    let result = cli(['inspect', '1', '--view', 'corr', '--region', '0:81,0:10', '--out', out, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rows \[0, 81\) reach past the matrix: this snapshot has d = 80/);
    result = cli(['inspect', '1', '--step', '7', '--view', 'corr', '--out', out, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /no snapshot at step 7; the nearest is step 10 \(snapshots at steps 0, 10\)/,
    );
    result = cli(['inspect', '1', '--view', 'corelation', '--out', out, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Give --view corr\|corr1\|corr2\|cov\|cov1\|cov2\|cross\|summary\|spectrum, not "corelation"/,
    );
    result = cli(['inspect', '1', '--view', 'corr', '--region', '0-4,0:4', '--out', out, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--region takes R0:R1,C0:C1/);
  });
});
