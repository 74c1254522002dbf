import { describe, expect, it } from 'vitest';
import { cli } from '../run-cli';

interface Check {
  name: string;
  status: 'ok' | 'missing' | 'info';
}

describe('doctor (real process)', () => {
  it('marks each check as passed or missing, as its --json says, and tallies them', () => {
    const text = cli(['doctor']);
    expect(text.code, text.stderr).toBe(0);
    const json = JSON.parse(cli(['doctor', '--json']).stdout) as {
      backend: { name: string; skipped: string[] };
      machine: Check[];
      gpu: Check[];
    };
    const lines = text.stdout.split('\n');
    for (const check of [...json.machine, ...json.gpu]) {
      // "  <mark, 9 wide>  <name> <detail>"
      const line = lines.find((candidate) => candidate.slice(13).startsWith(`${check.name} `));
      expect(line, check.name).toBeDefined();
      const mark = { ok: '✓ ok', missing: '✗ missing', info: '  info' }[check.status];
      expect(line!.startsWith(`  ${mark}`), line).toBe(true);
    }
    expect(text.stdout).toContain(`  ✓ ok       ${json.backend.name} (`);
    expect(lines.filter((line) => line.startsWith('  ✗ missing')).length).toBe(
      [...json.machine, ...json.gpu].filter((check) => check.status === 'missing').length +
        json.backend.skipped.length,
    );
    const passed = json.gpu.filter((check) => check.status === 'ok').length;
    expect(text.stdout).toMatch(
      new RegExp(
        `Summary: training uses ${json.backend.name};.* GPU path: ${passed} of ${json.gpu.length} checks passed`,
      ),
    );
  });
});
