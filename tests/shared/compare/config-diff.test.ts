import { describe, expect, it } from 'vitest';
import { cellKey, cellText, diffConfigs, flattenConfig } from '@shared/compare/config-diff';

const runA = { name: 'a', loss: { name: 'bt', lambda: 0.005 }, model: { dims: [32, 64] }, extra: null };
const runB = { name: 'b', loss: { name: 'bt' }, model: { dims: [32, 64] }, extra: null, optimizer: {} };
const runC = { name: 'c', loss: { name: 'vicreg', lambda: 0.005 }, model: { dims: [32] } };

describe('flattenConfig', () => {
  it('walks nested objects into dotted paths, in the configuration order', () => {
    const flat = flattenConfig({ a: 1, b: { c: 'x', d: { e: true } }, f: 2 });
    expect([...flat.entries()]).toEqual([
      ['a', 1],
      ['b.c', 'x'],
      ['b.d.e', true],
      ['f', 2],
    ]);
  });

  it('keeps an array as one value and an empty object as a leaf', () => {
    const flat = flattenConfig(runB);
    expect(flat.get('model.dims')).toEqual([32, 64]);
    expect(flat.has('model.dims.0')).toBe(false);
    expect(flat.get('optimizer')).toEqual({});
  });

  it('keeps null and undefined values as present fields', () => {
    const flat = flattenConfig({ a: null, b: undefined });
    expect(flat.has('a') && flat.has('b')).toBe(true);
    expect(flat.get('a')).toBeNull();
  });
});

describe('diffConfigs', () => {
  it('has a row per path across the runs, with absent cells where a run lacks a field', () => {
    const rows = diffConfigs([runA, runB, runC]);
    expect(rows.map((row) => row.path)).toEqual([
      'name',
      'loss.name',
      'loss.lambda',
      'model.dims',
      'extra',
      'optimizer',
    ]);
    const lambda = rows.find((row) => row.path === 'loss.lambda')!;
    expect(lambda.cells).toEqual([
      { present: true, value: 0.005 },
      { present: false },
      { present: true, value: 0.005 },
    ]);
    expect(lambda.differs).toBe(true);
    expect(lambda.cells.map((cell) => cellText(cell))).toEqual(['0.005', '—', '0.005']);
  });

  it('tells null apart from absent, and an array of another length apart', () => {
    const rows = diffConfigs([runA, runB, runC]);
    const extra = rows.find((row) => row.path === 'extra')!;
    expect(extra.cells.map((cell) => cellText(cell))).toEqual(['null', 'null', '—']);
    expect(extra.differs).toBe(true);
    const dims = rows.find((row) => row.path === 'model.dims')!;
    expect(dims.cells.map((cell) => cellText(cell))).toEqual(['[32,64]', '[32,64]', '[32]']);
    expect(dims.differs).toBe(true);
  });

  it('keeps only differing rows with differencesOnly (equal values, nulls and arrays drop out)', () => {
    const rows = diffConfigs([runA, runB], { differencesOnly: true });
    expect(rows.map((row) => row.path)).toEqual(['name', 'loss.lambda', 'optimizer']);
    expect(rows.every((row) => row.differs)).toBe(true);
    expect(diffConfigs([runA, runB]).find((row) => row.path === 'loss.name')!.differs).toBe(false);
  });

  it('compares by type and value: 1 is not "1", null is not undefined, -0 equals 0', () => {
    const differs = (a: unknown, b: unknown) => diffConfigs([{ x: a }, { x: b }])[0]!.differs;
    expect(differs(1, '1')).toBe(true);
    expect(differs(null, undefined)).toBe(true);
    expect(differs(true, 'true')).toBe(true);
    expect(differs(-0, 0)).toBe(false);
    expect(differs([1, { a: 2 }], [1, { a: 2 }])).toBe(false);
    expect(cellKey({ present: false })).not.toBe(cellKey({ present: true, value: null }));
  });

  it('has nothing to differ with one run, and no rows without runs', () => {
    expect(diffConfigs([runA]).every((row) => !row.differs)).toBe(true);
    expect(diffConfigs([runA], { differencesOnly: true })).toEqual([]);
    expect(diffConfigs([])).toEqual([]);
  });
});
