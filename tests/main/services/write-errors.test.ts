import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../helpers/temp-dir';
import { hasProgress, hasStatus, tinyConfig, waitForRun } from '../../helpers/workbench';
import { useWorkbenches } from '../../helpers/workbenches';
import { longConfig } from '../host/host-process';

describe('a store write that fails while a run trains', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('fails that run with the reason (SQLITE_FULL on whichever write comes first), kills its worker, and the host goes on', async () => {
    const workbench = workbenchAt(join(tempDir(), 'full.sqlite'));
    const run = await workbench.handlers['runs:create']({ config: longConfig(), start: true });
    await waitForRun(workbench, run.id, hasProgress(2));
    const worker = workbench.supervisor.workerPid(run.id)!;
    // A real full disk, as SQLite sees it: the file may not grow by a single page.
    const { database } = workbench.store;
    const pages = database.pragma('page_count', { simple: true }) as number;
    database.pragma(`max_page_count = ${pages}`);
    const failed = await waitForRun(workbench, run.id, hasStatus('failed', 'completed', 'stopped'), 30_000);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(
      /The run's (metrics|log lines|progress|snapshot) could not be stored \(SQLITE_FULL: database or disk is full\); the run was ended/,
    );
    await expect.poll(() => workbench.supervisor.isRunning(run.id)).toBe(false);
    expect(() => process.kill(worker, 0)).toThrow(); // the worker is gone
    expect(workbench.store.leases.leases()).toEqual([]); // its slot is free

    // Room again: the same host trains the next run to the end.
    database.pragma('max_page_count = 1073741823');
    const next = await workbench.handlers['runs:create']({
      config: tinyConfig({ name: 'after' }),
      start: true,
    });
    expect((await waitForRun(workbench, next.id, hasStatus('completed', 'failed'))).status).toBe('completed');
  });
});
