import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from '@shared/edit-distance';

describe('edit distance and the nearest name', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('lamda', 'lambda')).toBe(1);
    expect(editDistance('lambda', 'lamda')).toBe(1);
    expect(editDistance('optimiser', 'optimizer')).toBe(1);
    expect(editDistance('trian', 'train')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a name within a few edits, ignoring case, and nothing when none is close', () => {
    const known = ['name', 'lambda', 'scale', 'q', 'blockSize', 'permutation'];
    expect(nearestName('blocksize', known)).toBe('blockSize');
    expect(nearestName('BLOCK_SIZE', known)).toBe('blockSize');
    expect(nearestName('lamda', known)).toBe('lambda');
    expect(nearestName('permutaton', known)).toBe('permutation');
    expect(nearestName('weights', known)).toBeUndefined();
    expect(nearestName('x', known)).toBe('q'); // one edit from a one-letter name
    expect(nearestName('optimiser', ['optimizer', 'schedule'])).toBe('optimizer');
  });
});
