import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, vi } from 'vitest';
import type { ServeHost, ServeHostOptions } from '../../../../src-main/host/http/serve-host';
import type { Workbench } from '../../../../src-main/services/workbench';
import { useTempDir } from '../../../helpers/temp-dir';
import { serveWorkbench, testWorkbench } from '../../../helpers/workbench';

/**
 * A serve host per test over a fresh database. After each test the raw sockets the test pushed to
 * `sockets` are destroyed (a stalled client would keep the server open), then the host and the
 * workbench close, and console spies are restored.
 */
export function useServeHost() {
  const tempDir = useTempDir();
  const sockets: Socket[] = [];
  let workbench: Workbench | undefined;
  let host: ServeHost | undefined;
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await host?.close();
    await workbench?.close();
    host = undefined;
    workbench = undefined;
    vi.restoreAllMocks();
  });

  async function start(options: Partial<Omit<ServeHostOptions, 'workbench'>> = {}) {
    workbench = testWorkbench(join(tempDir(), 'serve.sqlite'));
    host = await serveWorkbench(workbench, options);
    return { workbench, host, port: (host.server.address() as AddressInfo).port };
  }

  return { sockets, start };
}
