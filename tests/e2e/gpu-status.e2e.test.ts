import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '@shared/config/run-config';
import { adapterLabel } from '@shared/gpu';
import type { ServeHost } from '../../src-main/host/http/serve-host';
import type { Workbench } from '../../src-main/services/workbench';
import { closeE2e, e2eFolder, SCREENSHOTS, serveInBrowser } from '../helpers/browser';
import { useSoftwareVulkan } from '../helpers/webgpu';
import { BUILD_DIR, testWorkbench, tinyConfig } from '../helpers/workbench';

/**
 * The GPU as the app shows it, with the host's probe (a child process of the built CLI) finding
 * SwiftShader, the software Vulkan device: it is listed, but auto never trains on it.
 */
describe('the GPU in the status bar, the New-run form and the run header (Chromium, serve mode)', () => {
  let folder: string;
  let workbench: Workbench;
  let host: ServeHost;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    // The probe child inherits VK_ICD_FILENAMES from this process.
    useSoftwareVulkan();
    folder = e2eFolder('gpu-');
    workbench = testWorkbench(join(folder, 'e2e.sqlite'), { cliEntry: join(BUILD_DIR, 'cli.js') });
    ({ host, context, page, errors: pageErrors } = await serveInBrowser(workbench, folder));
  });

  afterAll(() => closeE2e({ context, host, workbench, folder }));

  it('shows the software adapter as no GPU (why on hover) and as a forced-only webgpu choice', async () => {
    await page.goto(`${host.url}#/runs/new`);
    const gpu = page.getByTestId('gpu-status');
    await gpu.waitFor({ timeout: 20_000 });
    expect(await gpu.textContent()).toBe('GPU: none — software only');
    expect(await gpu.getAttribute('data-kind')).toBe('software');
    const title = (await gpu.getAttribute('title')) ?? '';
    expect(title).toMatch(/never picked automatically/);
    expect(title).toContain('SwiftShader Device (Subzero) (Vulkan, software): google / swiftshader');
    expect(title).toContain(
      'Why: the Vulkan drivers found (vk_swiftshader_icd.json) offer only a software device',
    );
    const webgpuChip = page.getByTestId('backends').locator('.backend', { hasText: 'webgpu' });
    expect(await webgpuChip.getAttribute('class')).toContain('unavailable');
    expect(await webgpuChip.getAttribute('title')).toMatch(/^only a software adapter, SwiftShader/);

    const backend = page.locator('[name="backend"]');
    const labels = await backend.locator('option').allTextContents();
    expect(labels.map((label) => label.trim())).toContain('webgpu — software adapter only (forced)');
    const hint = page.locator('[data-testid="field-hint"][data-field="backend"]');
    expect(await hint.textContent()).toMatch(/no hardware GPU here, so not webgpu/);
    await backend.selectOption('webgpu');
    await expect.poll(() => hint.textContent()).toMatch(/^Only a software adapter exists/);
    await page.screenshot({ path: join(SCREENSHOTS, 'gpu-new-run.png') });
    await page.getByTestId('status-bar').screenshot({ path: join(SCREENSHOTS, 'gpu-status-bar.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows the device a webgpu run recorded, with the adapter details on hover', async () => {
    const info = await workbench.handlers['system:info']({});
    const adapter = info.webgpu.adapters[0]!;
    const config = runConfigSchema.parse(tinyConfig({ name: 'forced webgpu', backend: 'webgpu' }));
    const { id } = workbench.store.runs.create(config, Date.now());
    // As the worker records it (selectBackend's device and adapter); training itself is tested elsewhere.
    workbench.store.runs.setBackend(id, 'webgpu', adapterLabel(adapter), [], adapter);
    await page.goto(`${host.url}#/runs/${id}`);
    const device = page.getByTestId('run-device');
    await device.waitFor({ timeout: 15_000 });
    expect((await page.getByTestId('run-backend').textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      'webgpu · SwiftShader Device (Subzero) (Vulkan, software)',
    );
    expect(await device.getAttribute('title')).toMatch(
      /driver "SwiftShader driver 5\.0\.0"; software .*; max buffer 1 GiB/,
    );
    await page.locator('.run-header').screenshot({ path: join(SCREENSHOTS, 'gpu-run-header.png') });
    expect(pageErrors).toEqual([]);
  });
});
