// Types of ensure-test-deps.mjs for the TypeScript tests that import it.
export interface TestPackage {
  name: string;
  why: string;
  present: () => boolean;
  /** Installed with --no-install-recommends. */
  noRecommends?: boolean;
}
export declare const TEST_PACKAGES: TestPackage[];
/** Whether the dynamic linker finds `soname` (its cache, or the usual library folders). */
export declare function hasSharedLibrary(soname: string): boolean;
export declare function ensureTestPackages(options?: {
  packages?: TestPackage[];
  isRoot?: boolean;
  hasAptGet?: boolean;
  run?: (command: string) => boolean;
  log?: (line: string) => void;
}): string[];
