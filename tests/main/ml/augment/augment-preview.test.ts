import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { augmentPreviewCommand } from '../../../../src-main/cli/commands/augment-preview';
import type { CliContext } from '../../../../src-main/cli/command';
import { writeCifar10 } from '../../datasets/fixtures';
import { useTempDir } from '../../../helpers/temp-dir';
import { BUILD_DIR } from '../../../helpers/workbench';

function context(): CliContext & { output: () => string } {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (chunk) => chunks.push(String(chunk)));
  return { stdout, stderr: new PassThrough(), buildDir: BUILD_DIR, output: () => chunks.join('') };
}

describe('augment-preview', () => {
  const tempDir = useTempDir();

  it('writes a grid of original | view 1 | view 2 rows for the embedded data', async () => {
    const out = join(tempDir(), 'nested', 'views.png');
    const cli = context();
    const code = await augmentPreviewCommand.run(
      ['--dataset', 'embedded', '--count', '3', '--out', out],
      cli,
    );
    expect(code).toBe(0);
    expect(cli.output().trim()).toBe(out);
    // 28 px images scaled 5x into 140 px cells, 3 columns and 3 rows with 4 px gaps.
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([4 + 3 * 144, 4 + 3 * 144, 3]);
  });

  it('previews CIFAR-format data with a named preset', async () => {
    const root = tempDir();
    writeCifar10(root, 4, 2);
    const out = join(tempDir(), 'cifar.png');
    const args = ['--dataset', `cifar10:${root}`, '--preset', 'vicreg-cifar', '--count', '2', '--out', out];
    expect(await augmentPreviewCommand.run(args, context())).toBe(0);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([4 + 3 * 132, 4 + 2 * 132]);
  });

  it('refuses bad arguments as usage errors', async () => {
    const run = (args: string[]) => augmentPreviewCommand.run(args, context());
    await expect(run(['--out', 'x.png'])).rejects.toThrow(/Give --dataset/);
    await expect(run(['--dataset', 'embedded'])).rejects.toThrow(/Give --out/);
    await expect(run(['--dataset', 'svhn:/data', '--out', 'x.png'])).rejects.toThrow(
      /expected embedded, idx:PATH/,
    );
    await expect(run(['--dataset', 'embedded', '--preset', 'nope', '--out', 'x.png'])).rejects.toThrow(
      /Unknown preset "nope"/,
    );
    await expect(run(['--dataset', 'embedded', '--count', '0', '--out', 'x.png'])).rejects.toThrow(
      /--count must be between 1 and 256/,
    );
  });
});
