import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterProfile } from '@shared/cluster/types';
import { SCREENSHOTS, serveWorkbenchSuite } from '../helpers/browser';

/**
 * Slurm placement from the desktop (issue 15), in Debian Chromium against serve mode: a profile
 * added in Settings (refused first with a relative run folder), checked against the host's Slurm.
 */
describe('Slurm profiles and placed runs (Chromium, serve mode)', () => {
  const e2e = serveWorkbenchSuite('cluster-', { width: 1440, height: 900 });
  const message = (field: string) =>
    e2e.page.locator(`[data-testid="cluster-profile-form"] .message[data-field="${field}"]`);

  it('refuses a profile whose run folder is relative, with the message on its field', async () => {
    await e2e.page.goto(`${e2e.host.url}#/settings`);
    await e2e.page.getByTestId('settings-page').waitFor({ timeout: 15_000 });
    expect(await e2e.page.getByTestId('nav-settings').getAttribute('aria-current')).toBe('page');
    await e2e.page.getByTestId('empty-state').waitFor();
    await e2e.page.getByTestId('profile-name').fill('local');
    await e2e.page.getByTestId('profile-runFolder').fill('runs/here');
    await e2e.page.getByTestId('cluster-profile-save').click();
    await expect
      .poll(() => message('runFolder').textContent())
      .toBe('An absolute path on shared storage, the same on this machine and the nodes');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-settings-invalid.png'), fullPage: true });
    const listed = await e2e.workbench.dispatch('cluster:profiles', {});
    expect(listed.ok && listed.value).toEqual([]);
  });

  it('adds the profile once the folder is absolute, and lists it', async () => {
    await e2e.page.getByTestId('profile-runFolder').fill(join(e2e.folder, 'runs'));
    await e2e.page.getByTestId('profile-partition').fill('debug');
    await e2e.page.getByTestId('profile-timeLimit').fill('10');
    await expect.poll(() => message('runFolder').count()).toBe(0);
    await e2e.page.getByTestId('cluster-profile-save').click();
    const row = e2e.page.locator('[data-testid="cluster-profile-row"][data-profile="local"]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('debug');
    const listed = await e2e.workbench.dispatch('cluster:profiles', {});
    expect(listed.ok && (listed.value as ClusterProfile[]).map((profile) => profile.settings)).toEqual([
      expect.objectContaining({
        name: 'local',
        partition: 'debug',
        timeLimit: '10',
        runFolder: join(e2e.folder, 'runs'),
      }),
    ]);
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-settings.png'), fullPage: true });
  });

  it('shows the profile in the Cluster view, which says how to place a run while no job exists', async () => {
    await e2e.page.getByTestId('nav-cluster').click();
    await e2e.page.getByTestId('cluster-page').waitFor();
    const card = e2e.page.locator('[data-testid="cluster-profile-cards"] [data-profile="local"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('debug');
    expect(await e2e.page.getByTestId('empty-state').textContent()).toContain('No job submitted yet');
    await e2e.page.screenshot({ path: join(SCREENSHOTS, 'cluster-empty.png'), fullPage: true });
    expect(e2e.errors).toEqual([]);
  });
});
