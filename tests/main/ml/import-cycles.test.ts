import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/workbench';

/** Relative imports (type-only ones too: they still tie the files together) of each .ts file. */
function importGraph(folder: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  for (const file of files.map((name) => join(folder, name))) {
    const source = readFileSync(file, 'utf8');
    const targets = [...source.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)].map((match) => {
      const base = resolve(dirname(file), match[1]!);
      return existsSync(`${base}.ts`) ? `${base}.ts` : join(base, 'index.ts');
    });
    graph.set(file, targets);
  }
  return graph;
}

/** One import cycle, as file paths relative to the root, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done' || !graph.has(file)) return null;
    if (state.get(file) === 'open') return path.slice(path.indexOf(file)).concat(file);
    state.set(file, 'open');
    path.push(file);
    for (const target of graph.get(file)!) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle.map((item) => relative(ROOT, item));
  }
  return null;
}

describe('the ML core and the generated WebAssembly', () => {
  it.each(['src-main/ml', 'src-main/wasm', 'src-main/compute', 'src-shared'])(
    '%s has no import cycle',
    (folder) => {
      expect(findCycle(importGraph(join(ROOT, folder)))).toBeNull();
    },
  );
});
