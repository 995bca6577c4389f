// Site chrome: the theme control is remembered, the chapter list links every chapter.
import { expect, it } from 'vitest';
import { useSite, sitePaths } from './harness';

const site = useSite();

it('remembers the theme chosen with the labelled control', async () => {
  const { page, context, problems } = await site.open('/', { colorScheme: 'light' });
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const light = await bg();
  await page.getByLabel('Theme').selectOption('dark');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  const dark = await bg();
  expect(dark).not.toBe(light);
  await page.reload();
  expect(await bg()).toBe(dark);
  expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
  await page.getByLabel('Theme').selectOption('system');
  expect(await bg()).toBe(light);
  expect(problems).toEqual([]);
  await context.close();
});

it('lists every chapter in the header and on the contents page', async () => {
  const { page, context } = await site.open('/');
  const chapters = sitePaths().filter((p) => p !== '/');
  await page.getByText('Chapters', { exact: true }).click();
  for (const path of chapters) {
    await expect.poll(() => page.locator(`header nav a[href="${path}"]`).isVisible()).toBe(true);
    expect(await page.locator(`main .contents a[href="${path}"]`).count()).toBe(1);
  }
  await context.close();
});
