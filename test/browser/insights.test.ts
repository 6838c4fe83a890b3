/**
 * The board's Insights view (issue 13, R22) in a real browser (Debian's Chromium, playwright-core)
 * against `npm start`'s server: a supervisor opens Insights from the board with the keyboard,
 * sees the report and the recommendations (a withheld one with its reason), the distribution
 * chart with the current window drawn on its canvas, the wrap-up trend, the data tables behind
 * both charts, changes the grouping with the keyboard, and downloads the CSV.
 *
 * The reports routes are answered in the browser (page.route) from sessions whose answers the
 * core's own calibration (lambda/core/calibration.ts) computes: see FAKE_REPORTS below.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaplanMeier, outcomeOf, recommend, type WrapUpRecord } from '../../lambda/core/calibration';
import { QUEUES, TEST_TIMING } from '../../server/floor';
import { type LocalServer, startLocalServer } from '../../server/server';
import { builtPages } from '../server/support';
import { launchChromium } from './chromium';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const UI_TIMEOUT = 15_000;
/** The window's colour on the canvas (Insights.tsx WINDOW_COLOR, #b3261e). */
const WINDOW_RGB = [0xb3, 0x26, 0x1e] as const;

// ---------------------------------------------------------------------------------------------
// FAKE_REPORTS: the reports routes (wt-reports) answered from known sessions.
//
// general, voice (two days): timed 45 s; 40 agents a day needing 5, 7, ... 83 s, of whom the 19
//   needing more than 45 s were cut off by the timer at 45 s (censored): median 43 s, given.
// sales, voice: forced 30 s; every one of 35 ended by the timer: withheld (all censored).

const DAY = '2026-03-02';
const at = (seconds: number, day = DAY) =>
  new Date(Date.parse(`${day}T09:00:00.000Z`) + seconds * 1000).toISOString();

function generalSessions(day = DAY): WrapUpRecord[] {
  return Array.from({ length: 40 }, (_, i) => {
    const needed = 5 + 2 * i;
    const timer = needed > 45;
    return {
      queueId: QUEUES.general.id,
      channel: 'VOICE',
      startedAt: at(0, day),
      endedAt: at(timer ? 45 : needed, day),
      endReason: timer ? 'TIMER' : 'AGENT_DONE',
      deadline: at(45, day),
      extensionsUsed: 0,
    };
  });
}

function salesSessions(day = DAY): WrapUpRecord[] {
  return Array.from({ length: 35 }, () => ({
    queueId: QUEUES.sales.id,
    channel: 'VOICE',
    startedAt: at(0, day),
    endedAt: at(30, day),
    endReason: 'TIMER' as const,
    deadline: at(30, day),
    extensionsUsed: 0,
  }));
}

const SESSIONS = [...generalSessions(), ...salesSessions(), ...generalSessions('2026-03-03')];
const NAMES = new Map<string, string>([
  [QUEUES.general.id, QUEUES.general.name],
  [QUEUES.sales.id, QUEUES.sales.name],
]);

const secondsOf = (r: WrapUpRecord) =>
  (Date.parse(r.endedAt ?? r.startedAt) - Date.parse(r.startedAt)) / 1000;

function reportRows(groupBy: string): Record<string, unknown>[] {
  const groups = new Map<string, WrapUpRecord[]>();
  for (const record of SESSIONS) {
    const key =
      groupBy === 'queue'
        ? (record.queueId ?? '')
        : groupBy === 'day'
          ? record.startedAt.slice(0, 10)
          : record.channel;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups].map(([key, records]) => {
    const total = records.reduce((sum, r) => sum + secondsOf(r), 0);
    const rec = recommend(
      records.map((r) => ({ ...r, queueId: 'any', channel: 'any' })),
      { minSample: 1 },
    )[0];
    return {
      ...(groupBy === 'queue' ? { queueId: key, queueName: NAMES.get(key) } : {}),
      ...(groupBy === 'day' ? { day: key } : {}),
      ...(groupBy === 'agent' ? { agentId: `agent-${key}`, agentName: `Agent ${key}` } : {}),
      ...(groupBy === 'channel' ? { channel: key } : {}),
      contacts: records.length,
      totalWrapUpSeconds: total,
      averageWrapUpSeconds: total / records.length,
      medianNeededSeconds: rec?.medianSeconds ?? null,
      p80NeededSeconds: rec?.p80Seconds ?? null,
      extensionsPerContact: 0,
      systemEndedShare: records.filter((r) => r.endReason === 'TIMER').length / records.length,
    };
  });
}

function distribution(queueId: string, channel: string): Record<string, unknown> {
  const records = SESSIONS.filter((r) => r.queueId === queueId && r.channel === channel);
  const ends = records.map((r) => ({
    seconds: secondsOf(r),
    observed: outcomeOf(r.endReason ?? 'TIMER') === 'observed',
  }));
  const buckets = Array.from({ length: 6 }, (_, i) => ({
    fromSeconds: i * 15,
    toSeconds: (i + 1) * 15,
    ended: ends.filter((e) => e.observed && e.seconds >= i * 15 && e.seconds < (i + 1) * 15).length,
    censored: ends.filter((e) => !e.observed && e.seconds >= i * 15 && e.seconds < (i + 1) * 15).length,
  }));
  const current = recommend(records)[0]?.currentSeconds ?? null;
  return { queueId, channel, currentSeconds: current, buckets, survival: kaplanMeier(ends) };
}

const CSV = 'queueId,queueName,contacts\r\ngeneral,general,80\r\n';

/** Answers the reports routes like the API; remembers what was asked. */
async function fakeReports(route: Route, asked: URL[]): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  asked.push(url);
  const json = (body: unknown) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  if (request.headers().authorization?.startsWith('Bearer ') !== true) {
    return route.fulfill({
      status: 401,
      contentType: 'application/json',
      body: '{"message":"Unauthorized"}',
    });
  }
  // A period before 2025 has no wrap-ups.
  const empty = Date.parse(url.searchParams.get('from') ?? '') < Date.parse('2025-01-01');
  if (url.pathname.endsWith('/v1/recommendations')) {
    return json({ recommendations: empty ? [] : recommend(SESSIONS, { periodDays: 7 }) });
  }
  if (url.pathname.endsWith('/v1/reports/acw/distribution')) {
    return json(distribution(url.searchParams.get('queueId') ?? '', url.searchParams.get('channel') ?? ''));
  }
  const groupBy = url.searchParams.get('groupBy') ?? '';
  if (request.headers().accept === 'text/csv') {
    return route.fulfill({ status: 200, contentType: 'text/csv; charset=utf-8', body: CSV });
  }
  return json({
    from: url.searchParams.get('from'),
    to: url.searchParams.get('to'),
    groupBy,
    rows: empty ? [] : reportRows(groupBy),
  });
}

// ---------------------------------------------------------------------------------------------

describe('issue 13 the Insights view in Chromium', () => {
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof builtPages>>;
  let server: LocalServer;
  let page: Page;
  const asked: URL[] = [];
  const scripts: string[] = [];

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
    pages = await builtPages();
    server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, acceptDownloads: true });
    page.setDefaultTimeout(UI_TIMEOUT);
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.route(/\/api\/v1\/(reports|recommendations)/, (route) => fakeReports(route, asked));
    await page.goto(`${server.url}/board.html`);
    await page.getByTestId('board-summary').waitFor();
  });
  afterAll(async () => {
    await page?.close();
    await server?.close();
    await browser?.close();
    await pages?.remove();
  });

  /** The canvas pixels of a column, as [r, g, b] triples. */
  async function columnColours(testId: string, x: number): Promise<number[][]> {
    return page.getByTestId(testId).evaluate((host, column) => {
      const canvas = host.querySelector('canvas');
      const context = canvas?.getContext('2d');
      if (canvas === null || canvas === undefined || context === null || context === undefined) return [];
      const pixels = context.getImageData(column, 0, 1, canvas.height).data;
      const colours: number[][] = [];
      for (let i = 0; i < pixels.length; i += 4)
        colours.push([pixels[i] ?? 0, pixels[i + 1] ?? 0, pixels[i + 2] ?? 0]);
      return colours;
    }, x);
  }

  it('keeps uPlot out of the board: the Insights chunk is fetched only when Insights opens', async () => {
    expect(scripts.some((script) => /\/chunks\/Insights-/.test(script))).toBe(false);

    // Keyboard only: focus the view link and press Enter.
    await page.getByTestId('nav-insights').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('report-table').waitFor();

    expect(new URL(page.url()).hash).toBe('#insights');
    expect(scripts.some((script) => /\/chunks\/Insights-/.test(script))).toBe(true);
    // The new view's heading has the focus, so a screen reader says where the user is.
    expect(await page.locator(':focus').getAttribute('id')).toBe('insights-title');
    expect(await page.getByTestId('nav-insights').getAttribute('aria-current')).toBe('page');
  });

  it('shows the report of the last seven days by queue, and the recommendations, one withheld with its reason', async () => {
    const rows = page.getByTestId('report-row');
    await expect.poll(() => rows.count()).toBe(2);
    const general = page.getByTestId('report-row').filter({ hasText: 'general' });
    // 2 days x 40 wrap-ups of general.
    expect(await general.locator('td').first().textContent()).toBe('80');

    const asks = asked.filter((url) => url.pathname.endsWith('/v1/reports/acw'));
    const period = asks[0];
    expect(period?.searchParams.get('groupBy')).toBe('queue');
    const from = Date.parse(period?.searchParams.get('from') ?? '');
    const to = Date.parse(period?.searchParams.get('to') ?? '');
    expect(to - from).toBe(7 * 86_400_000);

    const recommendations = page.getByTestId('recommendation-row');
    await expect.poll(() => recommendations.count()).toBe(2);
    const given = page.locator(`[data-testid="recommendation-row"][data-queue-id="${QUEUES.general.id}"]`);
    const withheld = page.locator(`[data-testid="recommendation-row"][data-queue-id="${QUEUES.sales.id}"]`);
    expect(await given.getAttribute('data-withheld')).toBe('false');
    expect(await given.getByTestId('recommendation-words').textContent()).toMatch(/the window from 45 s to /);
    expect(await withheld.getAttribute('data-withheld')).toBe('true');
    expect(await withheld.getByTestId('recommendation-words').textContent()).toMatch(
      /^Withheld: .*ended by the system.*cannot be estimated/,
    );
  });

  it('R22: draws the time needed with the current window marked, named in words, with a data table', async () => {
    const chart = page.getByTestId('distribution-chart');
    await chart.locator('canvas').waitFor();

    expect(await chart.getAttribute('role')).toBe('img');
    const label = (await chart.getAttribute('aria-label')) ?? '';
    expect(label).toMatch(/^Time agents needed in general, voice: 80 wrap-ups, 38 ended by the system/);
    expect(label).toContain('The current window, 45 s, is marked');
    expect(await chart.getAttribute('data-marker-at')).toBe('45');

    // The dashed window line is on the canvas where the chart says it drew it.
    await expect.poll(() => chart.getAttribute('data-marker-x')).not.toBeNull();
    const x = Number(await chart.getAttribute('data-marker-x'));
    const column = await columnColours('distribution-chart', x);
    const isWindow = ([r = 0, g = 0, b = 0]: number[]) =>
      Math.abs(r - WINDOW_RGB[0]) < 40 &&
      Math.abs(g - WINDOW_RGB[1]) < 40 &&
      Math.abs(b - WINDOW_RGB[2]) < 40;
    expect(column.filter(isWindow).length).toBeGreaterThan(20);
    // ...and only there: a column well left of it has none of the window's colour.
    expect((await columnColours('distribution-chart', Math.max(1, x - 60))).filter(isWindow)).toEqual([]);

    // The data table alternative: opened from the keyboard.
    const table = page.getByTestId('distribution-table');
    expect(await table.isVisible()).toBe(false);
    await page.getByText('The distribution as a table').focus();
    await page.keyboard.press('Enter');
    await table.waitFor({ state: 'visible' });
    const firstBucket = page.getByTestId('distribution-row').first();
    expect(await firstBucket.locator('th').textContent()).toBe('0 s to 15 s');

    await page.screenshot({ path: path.join(ARTIFACTS, 'insights.png'), fullPage: true });
  });

  it('draws wrap-up per contact day by day, named in words, with a data table', async () => {
    const chart = page.getByTestId('trend-chart');
    await chart.locator('canvas').waitFor();

    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Wrap-up per contact over 2 days, 2 Mar 2026 to 3 Mar 2026/,
    );
    expect(await page.getByTestId('trend-row').count()).toBe(2);
    const byDay = asked.filter((url) => url.searchParams.get('groupBy') === 'day');
    expect(byDay.length).toBeGreaterThan(0);
  });

  it('is usable from the keyboard: labelled pickers, Tab order, Enter applies the grouping', async () => {
    expect(await page.getByLabel('First day').getAttribute('type')).toBe('date');
    expect(await page.getByLabel('Last day').getAttribute('type')).toBe('date');

    await page.getByLabel('Group the report by').focus();
    await page.keyboard.press('ArrowDown'); // Queue -> Agent
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('data-testid')).toBe('show-button');
    // The focus ring is visible on the focused control.
    expect(
      await page
        .getByTestId('show-button')
        .evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).outlineStyle),
    ).toBe('solid');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.locator('#report-title').textContent()).toBe('Report by agent');
    await expect
      .poll(() => page.getByTestId('report-row').first().locator('th').textContent())
      .toBe('Agent VOICE');
    expect(asked.at(-1)?.searchParams.get('groupBy')).toBeDefined();
    expect(asked.some((url) => url.searchParams.get('groupBy') === 'agent')).toBe(true);
  });

  it('downloads the report as CSV (Accept: text/csv) under a name that says what it is', async () => {
    const answered = page.waitForResponse((response) => response.request().headers().accept === 'text/csv');
    const downloaded = page.waitForEvent('download');
    await page.getByTestId('csv-download').focus();
    await page.keyboard.press('Enter');

    const response = await answered;
    const download = await downloaded;

    expect(response.headers()['content-type']).toMatch(/^text\/csv/);
    expect(new URL(response.url()).searchParams.get('groupBy')).toBe('agent');
    expect(download.suggestedFilename()).toMatch(
      /^wrap-up-report-by-agent-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    expect(await readFile(await download.path(), 'utf8')).toBe(CSV);
    await expect
      .poll(() => page.getByTestId('csv-message').textContent())
      .toContain('Saved wrap-up-report-by-agent');
  });

  it('says what is wrong with a period instead of asking for it', async () => {
    const before = asked.length;
    await page.getByLabel('First day').fill('2026-03-09');
    await page.getByLabel('Last day').fill('2026-03-01');
    await page.getByTestId('show-button').click();

    expect(await page.getByTestId('form-problem').textContent()).toBe(
      'The last day is before the first day.',
    );
    expect(asked.length).toBe(before);
  });

  it('says so in words when the period has no wrap-ups, instead of empty charts', async () => {
    await page.getByLabel('First day').fill('2020-03-01');
    await page.getByLabel('Last day').fill('2020-03-07');
    await page.getByTestId('show-button').click();

    await page.getByTestId('report-empty').waitFor();
    await page.getByTestId('recommendations-empty').waitFor();
    expect(await page.getByTestId('trend-empty').textContent()).toBe(
      'Wrap-up per contact over time: no contacts in this period.',
    );
    expect(await page.getByTestId('form-problem').count()).toBe(0);
    expect(await page.locator('canvas').count()).toBe(0);
  });
});
