/**
 * Headless serve mode: `npm run serve -- [--port N] [--db PATH] [--host H --token T]`.
 * Serves the workbench to a browser over HTTP + Server-Sent Events, with the same services
 * as the desktop app.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHeadlessWorkbench } from './host/headless';
import { startServeHost } from './host/http/serve-host';
import { isLoopback } from './host/http/security';
import { handleShutdownSignals } from './host/shutdown';
import { DatabaseOpenError } from './storage/database';

const USAGE = `Usage: npm run serve -- [options]

  --port N                  port to listen on (default 4317; 0 picks a free one)
  --db PATH                 database file (default: DECORBENCH_DB or the app's data folder)
  --host H                  interface to bind (default 127.0.0.1). Anything else needs a token
  --token T                 access token every API request must carry (generated if --host is not loopback)
  --max-concurrent-runs N   workers at the same time on this database, counting other hosts' (default 1)
  --stop-timeout S          seconds a worker may take to save its checkpoint and stop before it is killed (default 10)
  --help                    show this help`;

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '4317' },
        db: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        token: { type: 'string' },
        'max-concurrent-runs': { type: 'string', default: '1' },
        'stop-timeout': { type: 'string', default: '10' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  const maxConcurrentRuns = Number(values['max-concurrent-runs']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be an integer from 0 to 65535, not "${values.port}"`);
    return 2;
  }
  if (!Number.isInteger(maxConcurrentRuns) || maxConcurrentRuns < 1) {
    console.error(`--max-concurrent-runs must be a positive integer, not "${values['max-concurrent-runs']}"`);
    return 2;
  }
  const stopTimeoutS = Number(values['stop-timeout']);
  if (!Number.isFinite(stopTimeoutS) || stopTimeoutS <= 0 || stopTimeoutS > 3600) {
    console.error(
      `--stop-timeout must be a number of seconds from 0 to 3600, not "${values['stop-timeout']}"`,
    );
    return 2;
  }
  if (values.token !== undefined && values.token.length < 16) {
    console.error('--token must be at least 16 characters long');
    return 2;
  }
  let workbench;
  try {
    workbench = createHeadlessWorkbench({
      buildDir: import.meta.dirname,
      host: 'serve',
      databasePath: values.db,
      maxConcurrentRuns,
      stopTimeoutMs: stopTimeoutS * 1000,
    });
  } catch (error) {
    // A database it cannot use (not SQLite, newer schema, read-only) is the user's to fix: no stack.
    if (!(error instanceof DatabaseOpenError)) throw error;
    console.error(error.message);
    return 1;
  }
  let host;
  try {
    host = await startServeHost({
      workbench,
      rendererDir: join(import.meta.dirname, '../renderer'),
      host: values.host,
      port,
      token: values.token,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Port ${port} is already in use; choose another with --port`
        : `Could not listen on ${values.host}:${port}: ${(error as Error).message}`,
    );
    await workbench.close();
    return 1;
  }
  if (workbench.interruptedAtStart.length > 0) {
    console.log(
      `Marked ${workbench.interruptedAtStart.length} run(s) interrupted: ${workbench.interruptedAtStart.join(', ')}`,
    );
  }
  console.log(`Decorbench is serving at ${host.url}`);
  console.log(`Database: ${workbench.store.path}`);
  if (!isLoopback(values.host)) console.log(`Access token: ${host.token} (every API request must carry it)`);
  console.log('Press Ctrl-C to stop (running workers save a checkpoint first; twice to kill them).');
  const servedHost = host;
  handleShutdownSignals({
    workbench,
    say: (line) => console.log(line),
    beforeClose: () => servedHost.close(),
    exit: (code) => process.exit(code),
  });
  // Never settles: the shutdown handler ends the process once everything is closed.
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then((code) => process.exit(code));
