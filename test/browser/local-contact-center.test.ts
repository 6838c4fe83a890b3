/**
 * The widget and the supervisor board in a real browser (Debian's Chromium, playwright-core)
 * against `npm start`'s server, with the tests' floor (server/floor.ts TEST_TIMING): every agent
 * gets one contact in the first seconds, and nobody but the test acts on a wrap-up.
 *
 * Screenshots go to test/artifacts/ (ignored by git). These are not timing tests: waits are
 * generous, and only the deadlines the API returns are compared exactly.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENTS, type LocalAgent, TEST_TIMING } from '../../server/floor';
import { type LocalServer, startLocalServer } from '../../server/server';
import { builtPages } from '../server/support';
import { launchChromium } from './chromium';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
/** Wrap-ups start about 3 s after the server; the UI polls every few seconds. */
const UI_TIMEOUT = 15_000;

const agentNamed = (name: string): LocalAgent => {
  const agent = AGENTS.find((candidate) => candidate.name === name);
  if (agent === undefined) throw new Error(`no agent ${name}`);
  return agent;
};
const ANA = agentNamed('Ana');
const BEN = agentNamed('Ben');
const CHLOE = agentNamed('Chloe');
const EVE = agentNamed('Eve');
const FINN = agentNamed('Finn');

interface WrapUpView {
  readonly contactId: string;
  readonly deadline: string | null;
}

describe('the local contact center in Chromium', () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof builtPages>>;
  let server: LocalServer;
  let page: Page;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    pages = await builtPages();
  });
  afterAll(async () => {
    await browser?.close();
    await pages?.remove();
  });
  beforeEach(async () => {
    server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    // The Agent Workspace side panel's width.
    page = await browser.newPage({ viewport: { width: 360, height: 900 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  /** The agent's open wrap-ups as the API returns them, with their exact deadlines. */
  async function wrapUpsOf(agent: LocalAgent): Promise<WrapUpView[]> {
    const token = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: agent.id }),
    }).then((response) => response.json() as Promise<{ access_token: string }>);
    const answer = await fetch(`${server.url}/api/v1/me/wrap-ups`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    }).then((response) => response.json() as Promise<{ wrapUps: WrapUpView[] }>);
    return answer.wrapUps;
  }

  async function secondsLeft(page: Page): Promise<number> {
    const value = await page.getByTestId('countdown').getAttribute('data-seconds-left');
    return Number(value);
  }

  it('an agent enters wrap-up, the countdown goes down, Extend adds the policy 30 s once, All Done with a disposition ends it and they are Available', async () => {
    await page.goto(`${server.url}/?agent=${ANA.id}`);
    const card = page.getByTestId('wrap-up-card');
    await card.waitFor();
    await expect
      .poll(() => page.getByTestId('agent-status').textContent(), { timeout: UI_TIMEOUT })
      .toContain('Wrap Up');
    expect(await card.getAttribute('data-mode')).toBe('timed');
    expect(await page.getByTestId('queue').textContent()).toBe('general');
    // R20: the agent by name (from the API's agentName), not "Agent 00000000-...".
    expect(await page.getByTestId('agent-status').textContent()).toContain(`Agent ${ANA.name}.`);

    // The countdown goes down.
    const first = await secondsLeft(page);
    expect(first).toBeGreaterThan(30);
    expect(first).toBeLessThanOrEqual(45);
    await expect.poll(() => secondsLeft(page), { timeout: 5_000 }).toBeLessThan(first);

    // Extend moves the deadline by the policy's 30 s, then there is no extension left.
    const [before] = await wrapUpsOf(ANA);
    const shownBefore = await secondsLeft(page);
    await page.getByTestId('extend-button').click();
    await expect.poll(() => secondsLeft(page)).toBeGreaterThan(shownBefore + 25);
    const [after] = await wrapUpsOf(ANA);
    expect(Date.parse(String(after?.deadline)) - Date.parse(String(before?.deadline))).toBe(30_000);
    expect(await secondsLeft(page)).toBeLessThanOrEqual(shownBefore + 30);
    await expect.poll(() => page.getByTestId('extend-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('extend-reason').textContent()).not.toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-wrap-up.png'), fullPage: true });

    // All Done with a disposition ends it; the system puts the agent back in Available.
    await page.getByTestId('disposition-picker').selectOption('RESOLVED');
    await page.getByTestId('done-button').click();
    await page.getByTestId('no-wrap-up').waitFor();
    await expect
      .poll(() => page.getByTestId('agent-status').textContent(), { timeout: UI_TIMEOUT })
      .toContain('Available');
    expect(await wrapUpsOf(ANA)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-available.png'), fullPage: true });
  });

  it('All Done is disabled in forced mode, and while a required disposition is missing', async () => {
    // Forced (sales): runs its full 30 s.
    await page.goto(`${server.url}/?agent=${CHLOE.id}`);
    const forced = page.getByTestId('wrap-up-card');
    await forced.waitFor();
    expect(await forced.getAttribute('data-mode')).toBe('forced');
    expect(await page.getByTestId('done-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('done-reason').textContent()).not.toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-forced.png'), fullPage: true });

    // Untimed (support), disposition required: no countdown, no Extend, All Done once one is chosen.
    await page.goto(`${server.url}/?agent=${EVE.id}`);
    const untimed = page.getByTestId('wrap-up-card');
    await untimed.waitFor();
    expect(await untimed.getAttribute('data-mode')).toBe('untimed');
    expect(await page.getByTestId('countdown').getAttribute('data-seconds-left')).toBe('');
    expect(await page.getByTestId('extend-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('done-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('done-reason').textContent()).not.toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-disposition-required.png'), fullPage: true });

    await page.getByTestId('disposition-picker').selectOption('ESCALATED');
    await expect.poll(() => page.getByTestId('done-button').isDisabled()).toBe(false);
    await page.getByTestId('done-button').click();
    await page.getByTestId('no-wrap-up').waitFor();
    await expect
      .poll(() => page.getByTestId('agent-status').textContent(), { timeout: UI_TIMEOUT })
      .toContain('Available');
  });

  it("the supervisor board shows everyone's wrap-up and ends another agent's", async () => {
    // Every agent of the floor is in wrap-up a few seconds after the start (an empty board only
    // looks again every 30 s, so it is opened once they are).
    await expect
      .poll(async () => (await Promise.all(AGENTS.map(wrapUpsOf))).flat().length, { timeout: UI_TIMEOUT })
      .toBe(AGENTS.length);
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.goto(`${server.url}/board.html`);
    const rows = page.getByTestId('board-row');
    await expect.poll(() => rows.count(), { timeout: UI_TIMEOUT }).toBe(AGENTS.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'board.png'), fullPage: true });

    // A timed wrap-up: End.
    const ben = page.locator(`[data-testid="board-row"][data-agent-id="${BEN.id}"]`);
    // R20: agents and queues by name.
    expect(await ben.getByTestId('agent').textContent()).toBe(BEN.name);
    expect(await ben.getByTestId('queue').textContent()).toBe(BEN.queue.name);
    await ben.getByTestId('done-button').click();
    await expect.poll(() => ben.count(), { timeout: UI_TIMEOUT }).toBe(0);
    expect(await wrapUpsOf(BEN)).toEqual([]);
    await expect.poll(() => server.world.statusOf(BEN.id).name, { timeout: UI_TIMEOUT }).toBe('Available');

    // An untimed one needs its disposition first, as it would for the agent.
    const finn = page.locator(`[data-testid="board-row"][data-agent-id="${FINN.id}"]`);
    expect(await finn.getAttribute('data-mode')).toBe('untimed');
    await finn.getByTestId('disposition-picker').selectOption('RESOLVED');
    await finn.getByTestId('done-button').click();
    await expect.poll(() => finn.count(), { timeout: UI_TIMEOUT }).toBe(0);
    expect(await wrapUpsOf(FINN)).toEqual([]);
    await expect.poll(() => rows.count()).toBe(AGENTS.length - 2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'board-after-end.png'), fullPage: true });
  });
});
