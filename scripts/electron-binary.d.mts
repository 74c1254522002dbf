// Types of electron-binary.mjs for the TypeScript tests that import it.
export declare const RETRY_OPTION: string;
export declare function defaultMarkerFile(root: string): string;
export interface DownloadFailure {
  version: string;
  at: string;
  why: string;
}
export declare function readDownloadFailure(markerFile: string, version: string): DownloadFailure | undefined;
export declare function findElectronBinary(options: {
  packageDir?: string;
  markerFile: string;
  retry?: boolean;
  log?: (line: string) => void;
  timeoutMs?: number;
}):
  | { binary: string; reason?: undefined; hint?: undefined }
  | { binary?: undefined; reason: string; hint?: string };
