// Types of local-slurm.mjs for the TypeScript tests that import it.
export declare const SLURM_DIR: string;
export declare const SLURM_CONF: string;
/** The partition the tests submit to. */
export declare const SLURM_PARTITION: string;
/** Why a local Slurm cannot start here, or undefined when it can. */
export declare function slurmUnavailable(): string | undefined;
/** Starts (or reuses) the one-node Slurm; resolves once the node is idle. */
export declare function startLocalSlurm(options?: {
  log?: (line: string) => void;
  timeoutMs?: number;
}): Promise<{ conf: string; reused: boolean }>;
/** Ends slurmd and slurmctld (munged stays). */
export declare function stopLocalSlurm(): void;
