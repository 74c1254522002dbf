import { describe, expect, it } from 'vitest';
import { commandWords, editDistance, nearestCommands } from '../../../src-main/cli/suggest';

const NAMES = ['train', 'resume', 'runs list', 'runs show', 'runs export', 'export', 'import', 'doctor'];

describe('command suggestions', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('trian', 'train')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('export', 'export')).toBe(0);
  });

  it('takes the words before the first option as the command', () => {
    expect(commandWords(['trian', '--preset', 'quickstart'], 2)).toEqual(['trian']);
    expect(commandWords(['runs', 'show', '3'], 2)).toEqual(['runs', 'show']);
    expect(commandWords(['--db', 'x'], 2)).toEqual([]);
  });

  it('ranks near names first and offers a group for its first word', () => {
    expect(nearestCommands(['trian'], NAMES)).toEqual(['train']);
    expect(nearestCommands(['runs', 'shwo'], NAMES)[0]).toBe('runs show');
    expect(nearestCommands(['runs'], NAMES)).toEqual(['runs list', 'runs show', 'runs export']);
    expect(nearestCommands(['xyzzy'], NAMES)).toEqual([]);
    expect(nearestCommands(['dctr'], NAMES)).toEqual(['doctor']);
    // Short words tolerate one edit only: "rn" is not "runs".
    expect(nearestCommands(['rn'], NAMES)).toEqual([]);
  });
});
