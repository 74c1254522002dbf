/**
 * Runs one of Slurm's client commands (sbatch, squeue, scontrol, scancel, sinfo, sacct) the way
 * the Slurm client needs: never through a shell (arguments are data, not code), with a time
 * limit (a controller that does not answer must not hang a run's submission), and with failures
 * turned into Slurm's own words.
 */
import { execFile } from 'node:child_process';
import { AppFailure } from '@shared/errors';

/**
 * Slurm refused, failed or did not answer. The message is Slurm's own stderr line(s), e.g.
 * `sbatch: error: invalid partition specified: nope`, so the user reads what the cluster said.
 * An AppFailure (`unavailable`), so it crosses the API boundary as a message, not as a bug.
 */
export class SlurmError extends AppFailure {
  constructor(
    message: string,
    /** The command that failed (`sbatch`). */
    readonly command: string,
    /** Its exit status; null when it did not run or was killed. */
    readonly exitCode: number | null,
    /** Its stderr as written (trimmed). */
    readonly stderr: string,
    /** It did not answer within the time limit: it may still have done what it was asked. */
    readonly timedOut = false,
  ) {
    super('unavailable', message);
    this.name = 'SlurmError';
  }
}

export interface SlurmCommandOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Written to the command's stdin (sbatch reads the script there); stdin is closed either way. */
  input?: string;
}

export interface SlurmCommandResult {
  stdout: string;
  stderr: string;
}

/** The Debian package that carries each client command, for the "not installed" message. */
const PACKAGES: Record<string, string> = {
  sacct: 'slurm-client',
  sbatch: 'slurm-client',
  scancel: 'slurm-client',
  scontrol: 'slurm-client',
  sinfo: 'slurm-client',
  squeue: 'slurm-client',
};

function missingCommand(command: string): string {
  const pkg = PACKAGES[command] ?? 'slurm-client';
  return (
    `${command} was not found on PATH: Slurm's client commands are not installed on this machine ` +
    `(on Debian or Ubuntu: apt-get install ${pkg}; elsewhere, run Decorbench where \`${command}\` works, e.g. a login node)`
  );
}

/** Runs `command args`; resolves with its output when it exits 0, else rejects with a SlurmError. */
export function runSlurmCommand(
  command: string,
  args: string[],
  options: SlurmCommandOptions,
): Promise<SlurmCommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        env: options.env,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const err = stderr.trim();
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          reject(new SlurmError(missingCommand(command), command, null, ''));
          return;
        }
        if (error.killed || (error as { signal?: string }).signal) {
          const seconds = Math.round(options.timeoutMs / 100) / 10;
          const said = err ? `; it said: ${err}` : '';
          const message = error.killed
            ? `${command} did not answer within ${seconds} s (is slurmctld reachable from this machine?)${said}`
            : `${command} was ended by ${String((error as { signal?: string }).signal)}${said}`;
          reject(new SlurmError(message, command, null, err, error.killed === true));
          return;
        }
        const exitCode = typeof code === 'number' ? code : null;
        const message =
          err || stdout.trim() || `${command} ${args.join(' ')} exited with code ${exitCode ?? 'unknown'}`;
        reject(new SlurmError(message, command, exitCode, err));
      },
    );
    // An error writing stdin (the command exited before reading it) shows up in the callback.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}
