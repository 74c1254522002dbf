import { Writable } from 'node:stream';
import { runCommand, type CliCommand } from '../../../src-main/cli/command';

/** A stream that keeps what is written to it. */
function collector(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

/**
 * Runs one command in this process, with the CLI's error handling (exit codes, usage on a usage
 * error), for commands whose backend the test file chooses (one tfjs backend per process).
 */
export async function runInProcess(
  command: CliCommand,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = collector();
  const stderr = collector();
  const code = await runCommand(command, args, { stdout, stderr, buildDir: process.cwd() });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
