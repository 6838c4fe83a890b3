/**
 * R19 in a real browser (Debian's Chromium, playwright-core) against `npm start`'s server with the
 * tests' floor (server/floor.ts TEST_TIMING): an agent chooses Lunch in the widget's "After
 * wrap-up" picker, the board shows it, the wrap-up ends by itself, and the agent lands in Lunch.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, TEST_TIMING } from '../../server/floor';
import { type LocalServer, startLocalServer } from '../../server/server';
import { builtPages } from '../server/support';
import { launchChromium } from './chromium';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const UI_TIMEOUT = 15_000;
/** Dev works the sales queue: forced 30 s, so the wrap-up can only end by itself. */
const DEV = AGENTS.find((agent) => agent.name === 'Dev');

describe('R19 the status after wrap-up in Chromium', () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof builtPages>>;
  let server: LocalServer;
  const opened: Page[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    pages = await builtPages();
    server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
  });
  afterAll(async () => {
    for (const page of opened) await page.close();
    await server?.close();
    await browser?.close();
    await pages?.remove();
  });

  async function open(url: string, width: number): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
    opened.push(page);
    await page.goto(url);
    return page;
  }

  it('R19: the agent chooses Lunch during wrap-up, the board shows it, and when the wrap-up ends they land in Lunch', async () => {
    if (DEV === undefined) throw new Error('the floor has no agent Dev');
    const widget = await open(`${server.url}/?agent=${DEV.id}`, 360);
    await widget.getByTestId('wrap-up-card').waitFor();
    expect(await widget.getByTestId('wrap-up-card').getAttribute('data-mode')).toBe('forced');

    // The picker is found by its label (accessible name); its default is the routable status.
    const picker = widget.getByLabel('After wrap-up');
    await expect.poll(() => picker.isEnabled()).toBe(true);
    expect(await picker.locator('option:checked').textContent()).toBe('Available');
    expect(await picker.locator('option').allTextContents()).toEqual(
      expect.arrayContaining(['Available', 'Lunch', 'Break', 'Training', 'Offline']),
    );
    expect(await picker.locator('option').allTextContents()).not.toContain('Wrap Up');

    // Keyboard only: focus the picker, move to Lunch.
    await picker.focus();
    await picker.selectOption({ label: 'Lunch' });
    await expect
      .poll(() => widget.getByTestId('action-message').textContent())
      .toContain('After wrap-up: Lunch');
    expect(await widget.getByTestId('next-status-hint').textContent()).toContain('Lunch');
    // Choosing did not end the wrap-up.
    expect(await widget.getByTestId('wrap-up-card').count()).toBe(1);
    expect(server.world.statusOf(DEV.id).name).toBe('Wrap Up');
    await widget.screenshot({ path: path.join(ARTIFACTS, 'widget-next-status.png'), fullPage: true });

    // The supervisor board shows Dev's choice.
    const board = await open(`${server.url}/board.html`, 1100);
    const row = board.locator(`[data-testid="board-row"][data-agent-id="${DEV.id}"]`);
    await expect
      .poll(() => row.getByTestId('next-status').textContent(), { timeout: UI_TIMEOUT })
      .toBe('Lunch');

    // The forced wrap-up ends by itself (30 s); the system puts Dev in Lunch, not Available.
    await expect
      .poll(() => server.world.statusOf(DEV.id).name, { timeout: 45_000, interval: 500 })
      .toBe('Lunch');
    await widget.getByTestId('no-wrap-up').waitFor({ timeout: UI_TIMEOUT });
    await expect
      .poll(() => widget.getByTestId('agent-status').textContent(), { timeout: UI_TIMEOUT })
      .toContain('Lunch');
  }, 90_000);
});
