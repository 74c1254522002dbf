import { Writable } from 'node:stream';
import {
  runCommand as runWithErrorHandling,
  type CliCommand,
  type CliContext,
} from '../../../src-main/cli/command';
import { BUILD_DIR } from '../../helpers/workbench';

const collector = (sink: string[]) =>
  new Writable({
    write(chunk, _encoding, done) {
      sink.push(String(chunk));
      done();
    },
  });

/** Runs a CLI command in this process and collects what it prints. */
export async function runCommand(
  command: CliCommand,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context: CliContext = { stdout: collector(stdout), stderr: collector(stderr), buildDir: BUILD_DIR };
  const code = await runWithErrorHandling(command, args, context);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}
