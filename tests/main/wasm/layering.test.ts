import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/workbench';

describe('the generated WebAssembly code', () => {
  it('lives in src-main/wasm, which imports nothing of ours outside itself', () => {
    const folder = join(ROOT, 'src-main/wasm');
    const imports = readdirSync(folder)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [...readFileSync(join(folder, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map((match) => match[1]!),
      );
    expect(imports.filter((source) => !source.startsWith('./'))).toEqual([]);
  });

  it('is built nowhere else: only src-main/wasm creates FunctionBuilders', () => {
    const builders = readdirSync(join(ROOT, 'src-main'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.startsWith('wasm'))
      .filter((file) => readFileSync(join(ROOT, 'src-main', file), 'utf8').includes('new FunctionBuilder('));
    expect(builders).toEqual([]);
  });
});
