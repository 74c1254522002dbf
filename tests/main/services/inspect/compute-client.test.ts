import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callInputSchemas } from '@shared/api/schemas';
import { storeSyntheticRun } from '../../../../src-main/cli/commands/bench-inspect-data';
import { InspectComputeClient } from '../../../../src-main/services/inspect/compute-client';
import { matrixKey, resolveRegion } from '../../../../src-main/services/inspect/view-keys';
import { RunStore } from '../../../../src-main/storage/store';
import { useTempDir } from '../../../helpers/temp-dir';
import { INSPECT_WORKER_ENTRY, requireBuild } from '../../../helpers/workbench';

const D = 4096;

describe('the compute thread client', () => {
  const tempDir = useTempDir();
  const clients: InspectComputeClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  const matrix = (snapshotId: number, extra: object = {}) => {
    const input = callInputSchemas['inspect:matrix'].parse({ snapshotId, ...extra });
    return { key: matrixKey(input, resolveRegion(input, D)), request: { kind: 'matrix' as const, ...input } };
  };

  it('pauses a background derivation for a view someone waits for, then finishes it', async () => {
    requireBuild();
    const databasePath = join(tempDir(), 'client.sqlite');
    const store = RunStore.open(databasePath);
    const { snapshotIds } = storeSyntheticRun(store, { n: 256, d: D, seed: 4 });
    store.close();
    const client = new InspectComputeClient(INSPECT_WORKER_ENTRY, { databasePath });
    clients.push(client);
    const snapshotId = snapshotIds[0]!;
    // Warm the thread and the decoded snapshot, so the overview below starts at once.
    const warm = matrix(snapshotId, { region: { rows: [0, 8], cols: [0, 8] } });
    await client.compute(warm.key, warm.request);

    const finished: string[] = [];
    const overview = matrix(snapshotId);
    const background = client
      .compute(overview.key, overview.request, { priority: 'background' })
      .then((cells) => (finished.push('overview'), cells));
    // Long enough for the thread to pick the overview up, short of its ~150 ms on a quiet machine
    // (it then finished before the tile was even asked for).
    await new Promise((resolve) => setTimeout(resolve, 30));
    const tile = matrix(snapshotId, { view: 'corr2', region: { rows: [100, 164], cols: [0, 64] } });
    const exact = await client
      .compute(tile.key, tile.request)
      .then((cells) => (finished.push('tile'), cells));
    expect(exact).toMatchObject({ rows: 64, cols: 64, cellRows: 1 });
    const cells = await background;
    expect(finished).toEqual(['tile', 'overview']);
    expect(cells).toMatchObject({ rows: 512, cols: 512, cellRows: 8, cached: false });
  });

  it('fails a request clearly when the built thread is missing', async () => {
    const client = new InspectComputeClient(join(tempDir(), 'missing-worker.js'), {
      databasePath: ':memory:',
    });
    clients.push(client);
    const { key, request } = matrix(1);
    await expect(client.compute(key, request)).rejects.toThrow(
      /compute thread is missing .*build the app first/,
    );
  });
});
