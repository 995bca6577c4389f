// The /mlp/ training cell on the GPU backends a reader can force with ?backend= (software renderers here:
// SwiftShader WebGL, and WebGPU's fallback adapter with --enable-unsafe-webgpu). Short runs: the numbers
// themselves are held against WASM in backends.test.ts; here the page must train, say which backend it
// used and how far backends may differ, and log no error.
import { describe, expect, it } from 'vitest';
import { useSite, WEBGPU_ARGS } from './harness';

const site = useSite({ args: WEBGPU_ARGS });
const T = 'mlp-train';

describe.each([
  ['webgl', 'WebGL', 3],
  ['webgpu', 'WebGPU', 1],
] as const)('/mlp/?backend=%s', (backend, label, steps) => {
  it(`trains ${steps} step(s) on ${label} with no console error`, async () => {
    const { page, context, problems } = await site.open(`/mlp/?backend=${backend}&mt.steps=${steps}`);
    await page.locator(T).scrollIntoViewIfNeeded();
    const out = (role: string) => page.locator(`${T} output[data-role="${role}"]`);
    await expect.poll(() => out('score').textContent(), { timeout: 150_000 }).toMatch(/% \(base model\)$/);
    expect(await out('backend').textContent()).toBe(label);
    await expect.poll(() => page.locator(`${T} .backend`).textContent()).toMatch(/Backends differ only by rounding/);
    await page.getByRole('button', { name: 'Train' }).click();
    await expect.poll(() => out('progress').textContent(), { timeout: 150_000 }).toBe(String(steps));
    await expect.poll(() => out('score').textContent(), { timeout: 150_000 }).not.toMatch(/base model/);
    expect(await page.locator('body').innerText()).not.toMatch(/\bNaN\b/);
    expect(problems).toEqual([]);
    await context.close();
  }, 400_000);
});
