import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { benchLossCommand } from '../../../../src-main/cli/commands/bench-loss';
import { benchTrainCommand } from '../../../../src-main/cli/commands/bench-train';
import { lossVectorsCommand } from '../../../../src-main/cli/commands/loss-vectors';
import type { CliCommand } from '../../../../src-main/cli/command';

const fixturePath = resolve(import.meta.dirname, '../../../fixtures/official-vectors-n16-d48.json');
const folder = mkdtempSync(join(tmpdir(), 'decorbench-loss-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function run(command: CliCommand, args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await command.run(args, {
    stdout: sink((text) => (stdout += text)),
    stderr: sink((text) => (stderr += text)),
    buildDir: folder,
  });
  return { code, stdout, stderr };
}

describe('loss-vectors command', () => {
  it('checks every entry, writes our values in the file layout and exits 0', async () => {
    const out = join(folder, 'report.json');
    const result = await run(lossVectorsCommand, [fixturePath, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/42 of 42 entries within tolerance on cpu/);
    expect(result.stdout).toMatch(/fft_bt_q2_b16_perm-fixed\s+\S+e-\d+/);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const entry = report.cases[0].results.find(
      (item: { id: string }) => item.id === 'fft_vicreg_q1_b48_perm-none',
    );
    expect(Object.keys(entry).sort()).toEqual(['components', 'grad_z1', 'grad_z2', 'id', 'kind', 'loss']);
    expect(entry.loss).toBeCloseTo(21.4840183221585, 3);
    expect(Object.keys(entry.components).sort()).toEqual(['cov_z1', 'cov_z2', 'sim', 'var_z1', 'var_z2']);
    expect(entry.grad_z1).toHaveLength(16);
    expect(entry.grad_z1[0]).toHaveLength(48);
  });

  it('exits 1 when an entry is beyond tolerance, and prints JSON lines with --json', async () => {
    const fixture = JSON.parse(readFileSync(fixturePath, 'utf8'));
    fixture.cases[0].results[5].grad_z2[3][7] += 1;
    const tampered = join(folder, 'tampered.json');
    writeFileSync(tampered, JSON.stringify(fixture));
    const result = await run(lossVectorsCommand, [tampered, '--json']);
    expect(result.code).toBe(1);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows).toHaveLength(42);
    expect(rows.filter((row) => !row.pass).map((row) => row.entryId)).toEqual([
      fixture.cases[0].results[5].id,
    ]);
  });

  it('rejects bad arguments', async () => {
    await expect(run(lossVectorsCommand, [])).rejects.toThrow('loss-vectors takes exactly one FILE');
    await expect(run(lossVectorsCommand, [join(folder, 'missing.json')])).rejects.toThrow(/cannot read/);
    await expect(run(lossVectorsCommand, [fixturePath, '--backend', 'gpu'])).rejects.toThrow(
      '--backend must be one of',
    );
  });
});

describe('bench loss command', () => {
  it('prints one JSON object per configuration, and skips exact losses that cannot fit', async () => {
    const result = await run(benchLossCommand, [
      ...['--n', '8', '--d', '16', '--losses', 'bt,fft-bt,fft-vicreg', '--b', 'd,5,100000', '--q', '1,2'],
      ...['--reps', '2', '--warmup', '0', '--backend', 'cpu', '--json'],
    ]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const small = lines.filter((line) => !line.skipped);
    expect(small).toHaveLength(1 + 2 * 2 * 2);
    for (const line of small) {
      for (const key of ['loss', 'n', 'd', 'b', 'q', 'perm', 'backend', 'medianMs', 'minMs', 'peakBytes'])
        expect(line).toHaveProperty(key);
      expect(line.backend).toBe('cpu');
      expect(line.medianMs).toBeGreaterThan(0);
    }
    // A block larger than d is capped at d, as in a cost study, so b = 100000 measures b = d once.
    expect(lines.some((line) => line.b === 100000)).toBe(false);
    expect(small.filter((line) => line.loss === 'fft-bt').map((line) => line.b)).toEqual([16, 16, 5, 5]);
    const large = await run(benchLossCommand, [
      '--d',
      '200000',
      '--losses',
      'bt,vicreg,fft-bt',
      '--b',
      '2',
      '--backend',
      'cpu',
      '--json',
    ]);
    const skipped = large.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(skipped.map((line) => line.skipped)).toEqual([
      expect.stringMatching(/^bt at d = 200000 needs ~\d+\.\d GB of d x d matrices/),
      expect.stringMatching(/^vicreg at d = 200000 needs/),
      expect.stringMatching(/^fft-bt at d = 200000, b = 2 needs ~\d+\.\d GB of pair summaries/),
    ]);
  }, 120_000);

  it('rejects bad arguments', async () => {
    await expect(run(benchLossCommand, ['--losses', 'bt,nope'])).rejects.toThrow(
      "--losses: unknown loss 'nope'",
    );
    await expect(run(benchLossCommand, ['--q', '3'])).rejects.toThrow('--q takes 1, 2 or 1,2');
    await expect(run(benchLossCommand, ['--d', '0'])).rejects.toThrow(
      '--d must be a comma-separated list of positive integers',
    );
  });
});

describe('bench train command', () => {
  it('times real steps of each loss and, with --profile, lists the slowest kernels', async () => {
    const result = await run(benchTrainCommand, [
      ...['--preset', 'smoke', '--loss', 'bt,fft-bt', '--d', '32', '--batch', '16', '--synthetic'],
      ...['--steps', '2', '--warmup', '1', '--backend', 'wasm', '--profile', '--json'],
    ]);
    expect(result.code).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(rows.map((row) => [row.loss, row.d, row.batchSize, row.backend])).toEqual([
      ['bt', 32, 16, 'wasm'],
      ['fft-bt', 32, 16, 'wasm'],
    ]);
    for (const row of rows) {
      expect(row.medianStepMs).toBeGreaterThan(0);
      expect(row.lossShare).toBeGreaterThan(0);
      expect(row.lossShare).toBeLessThan(1);
      expect(row.kernels.length).toBeGreaterThan(3);
      const times = row.kernels.map((kernel: { ms: number }) => kernel.ms);
      expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
      expect(row.kernels.map((kernel: { kernel: string }) => kernel.kernel)).toContain('BatchMatMul');
    }
  });
});
