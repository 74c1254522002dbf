import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { RunStore } from '../../../src-main/storage/store';
import { useTempDir } from '../../helpers/temp-dir';
import { useWorkbenches } from '../../helpers/workbenches';

describe('what a host takes back when it opens the database', () => {
  const tempDir = useTempDir();
  const workbenchAt = useWorkbenches();

  it('fails evaluations no host runs or queues, and leaves one a live host runs', () => {
    const path = join(tempDir(), 'evaluations.sqlite');
    const store = RunStore.open(path);
    const run = store.runs.create(runConfigSchema.parse({ name: 'evaluated' }));
    const other = store.runs.create(runConfigSchema.parse({ name: 'evaluated elsewhere' }));
    const lost = store.evaluations.create(run.id, 'knn', 10, {});
    const held = store.evaluations.create(other.id, 'knn', 10, {});
    const live = { token: 'live', pid: 4242, kind: 'cli', claims: 'own' as const };
    store.leases.registerHost(live);
    store.leases.enqueue(other.id, 'live', true, { evaluation: { id: held.id } });
    store.leases.claimNext(live, 1, () => undefined);
    store.close();

    const workbench = workbenchAt(path, { isHostAlive: (pid) => pid === 4242 });
    expect(workbench.store.evaluations.get(lost.id)).toMatchObject({
      status: 'failed',
      error: 'Interrupted: the host that ran this evaluation ended',
    });
    expect(workbench.store.evaluations.get(held.id)!.status).toBe('running');
    expect(workbench.store.leases.lease(other.id)).toMatchObject({ ownerPid: 4242, evaluationId: held.id });
  });
});
