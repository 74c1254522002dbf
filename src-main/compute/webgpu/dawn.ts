import { tmpdir } from 'node:os';

/**
 * Loads Dawn's Node binding (npm `webgpu`, an optional dependency) once per process. It is
 * loaded by name so bundlers leave it alone, and only when a process asks for WebGPU: its
 * `dawn.node` links glibc >= 2.34 and GCC 12's libstdc++, and opens `libvulkan.so.1` at run time.
 */

/** The parts of the `webgpu` package we use. */
export interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

export type DawnLoad = { ok: true; module: DawnModule; gpu: GPU } | { ok: false; reason: string };

let loading: Promise<DawnLoad> | undefined;

/** Why `import('webgpu')` failed, in the words a user can act on. */
export function explainLoadFailure(message: string): string {
  if (/Cannot find (package|module)/.test(message) && /webgpu/.test(message))
    return 'the optional package webgpu (Dawn for Node) is not installed (npm install webgpu@0.6.2)';
  const glibc = /GLIBC_(\d+\.\d+)' not found/.exec(message);
  if (glibc) return `dawn.node needs glibc >= ${glibc[1]} (GLIBC_${glibc[1]}); this system's glibc is older`;
  const cxx = /GLIBCXX_(\d+\.\d+\.\d+)' not found/.exec(message);
  if (cxx) return `dawn.node needs GCC 12's libstdc++ (GLIBCXX_${cxx[1]}); install a newer libstdc++6`;
  if (/No such file|cannot open shared object|not a valid Win32|incompatible architecture/i.test(message))
    return `dawn.node does not load on this system: ${message.split('\n')[0]}`;
  return `webgpu failed to load: ${message.split('\n')[0]}`;
}

/** Dawn's module and its GPU entry point, or why not. */
export function loadDawn(): Promise<DawnLoad> {
  loading ??= (async (): Promise<DawnLoad> => {
    let module: DawnModule;
    // Vulkan drivers probe for a Wayland display; without XDG_RUNTIME_DIR libwayland prints
    // "error: XDG_RUNTIME_DIR is invalid" into every worker's log. A headless worker has no display
    // to find either way, so point the probe at the temporary folder.
    if (process.platform === 'linux' && !process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = tmpdir();
    try {
      module = (await import(/* @vite-ignore */ 'webgpu' as string)) as DawnModule;
    } catch (error) {
      return {
        ok: false,
        reason: explainLoadFailure(error instanceof Error ? error.message : String(error)),
      };
    }
    try {
      return { ok: true, module, gpu: module.create([]) };
    } catch (error) {
      return {
        ok: false,
        reason: `Dawn could not start: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  })();
  return loading;
}
