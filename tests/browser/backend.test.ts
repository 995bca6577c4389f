// The backend line and note of a training cell, on a page that is NOT cross-origin isolated (the test
// server sends no COOP/COEP here; isolated.test.ts covers the isolated site): one thread, and why; and a
// backend forced with ?backend=webgpu that cannot start here is named, with the reason and what runs instead.
import { expect, it } from 'vitest';
import { useSite } from './harness';

const site = useSite();

it('says one thread because the page is not isolated, and that a requested WebGPU is not available here', async () => {
  const { page, context, problems } = await site.open('/mlp/?backend=webgpu');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  const webgpu = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  });
  const cell = page.locator('mlp-train');
  await cell.scrollIntoViewIfNeeded();
  const backend = cell.locator('output[data-role="backend"]');
  await expect.poll(() => backend.textContent(), { timeout: 60_000 }).not.toMatch(/starts when/);
  const note = (await cell.locator('[data-role="backend-why"]').textContent()) ?? '';
  if (webgpu) {
    // A machine where WebGPU starts: the reader's choice is honoured.
    expect(await backend.textContent()).toBe('WebGPU');
    expect(note).toBe('Chosen in the address (?backend=webgpu).');
  } else {
    expect(await backend.textContent()).toBe('WebAssembly, 1 thread: this page is not cross-origin isolated');
    expect(note).toMatch(/^WebGPU was requested \(\?backend=webgpu\) but is not available here: (this browser has no WebGPU|the browser found no GPU it can use for WebGPU, or WebGPU is turned off)\. Running on WebAssembly instead\.$/);
  }
  // The cell still computes on what runs instead.
  await expect.poll(() => cell.locator('output[data-role="score"]').textContent(), { timeout: 60_000 }).toMatch(/% \(base model\)$/);
  expect(problems).toEqual([]);
  await context.close();
});
