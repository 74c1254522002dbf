import { AppFailure } from '@shared/errors';

/** What every CLI command gets besides its own arguments. */
export interface CliContext {
  /** Human output (tables, progress). */
  stdout: NodeJS.WritableStream;
  /** Progress bars and diagnostics, so `--json` output on stdout stays clean. */
  stderr: NodeJS.WritableStream;
  /** The folder of the built entry files (out/main), where the worker entry lives. */
  buildDir: string;
}

/** One `npm run cli -- <name> ...` command. `run` resolves to the process exit code. */
export interface CliCommand {
  /** Words that select it, e.g. `runs list` or `bench loss`. */
  name: string;
  summary: string;
  /** Full help text shown by `<name> --help`. */
  usage: string;
  run(args: string[], context: CliContext): Promise<number>;
}

/** A user mistake on the command line: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Runs a command with the CLI's error handling: a usage error prints the message and the usage
 * (exit 2), an expected failure (unknown run, no checkpoint, ...) just its message (exit 1), and
 * anything else the stack (exit 1), since that is a bug.
 */
export async function runCommand(command: CliCommand, args: string[], context: CliContext): Promise<number> {
  try {
    return await command.run(args, context);
  } catch (error) {
    const isUsage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    if (isUsage) {
      context.stderr.write(`${(error as Error).message}\n\n${command.usage}\n`);
      return 2;
    }
    if (error instanceof AppFailure && error.code !== 'internal') {
      context.stderr.write(`${error.message}\n`);
      return 1;
    }
    context.stderr.write(`${command.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    return 1;
  }
}

/** A run id from the command line. */
export function parseRunId(text: string | undefined): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id < 1) {
    throw new UsageError(`Give a run id (a positive integer), not "${text ?? ''}"`);
  }
  return id;
}
