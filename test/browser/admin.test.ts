/**
 * R20: the administrators' page (admin.html) in a real browser (Debian's Chromium,
 * playwright-core) against `npm start`'s server and its real admin API (the local administrator's
 * token, `POST /local/token { "admin": true }`). The local floor's baseline: the default 45 s,
 * sales forced 30 s, support untimed (server/floor.ts).
 *
 * Screenshots go to test/artifacts/ (ignored by git). Not timing tests: waits are generous.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AGENT_GROUPS, QUEUES, TEST_TIMING } from '../../server/floor';
import { type LocalServer, startLocalServer } from '../../server/server';
import { builtPages } from '../server/support';
import { launchChromium } from './chromium';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const UI_TIMEOUT = 15_000;
const SALES = QUEUES.sales;
const GENERAL = QUEUES.general;
const TRAINEES = AGENT_GROUPS.trainees;

interface PoliciesView {
  readonly version: number;
  readonly policies: Array<{
    level: string;
    key: string;
    policy: Record<string, unknown>;
    source: { kind: string };
  }>;
}

describe('R20 the admin page in Chromium', () => {
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
    page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    page.setDefaultTimeout(UI_TIMEOUT);
  });
  afterEach(async () => {
    await page?.close();
    await server?.close();
  });

  /** The local administrator's token, as another administrator at another desk would have it. */
  async function adminToken(): Promise<string> {
    const answer = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ admin: true }),
    });
    expect(answer.status).toBe(200);
    return ((await answer.json()) as { access_token: string }).access_token;
  }

  async function adminApi(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const answer = await fetch(`${server.url}/api${route}`, {
      method,
      headers: {
        authorization: `Bearer ${await adminToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: answer.status, body: await answer.json() };
  }

  async function livePolicies(): Promise<PoliciesView> {
    const answer = await adminApi('GET', '/v1/admin/policies');
    expect(answer.status).toBe(200);
    return answer.body as PoliciesView;
  }

  async function salesPolicy(): Promise<Record<string, unknown> | undefined> {
    return (await livePolicies()).policies.find((p) => p.level === 'queue' && p.key === SALES.id)?.policy;
  }

  const salesRow = (): Locator =>
    page.locator(`[data-testid="policy-row"][data-level="queue"][data-key="${SALES.id}"]`);
  /** What has the focus: its data-testid, aria-label or id. */
  const focused = (attribute: 'data-testid' | 'aria-label' | 'id') =>
    page.locator(':focus').getAttribute(attribute);
  const activeTestId = () => focused('data-testid');

  it("R20: an administrator changes a queue's duration with a reason, confirms, and sees it in the list and the history", async () => {
    await page.goto(`${server.url}/admin.html`);
    const row = salesRow();
    await row.waitFor();
    // Queues by name, with their wrap-up and its source.
    expect(await row.getByTestId('policy-name').textContent()).toContain(`Queue ${SALES.name}`);
    expect(await row.getByTestId('policy-fields').textContent()).toContain('durationSeconds: 30 s');
    expect(await row.getByTestId('policy-source').textContent()).toBe('Deployed (cdk.json)');
    expect(await page.getByTestId('history-empty').isVisible()).toBe(true);

    await row.getByTestId('edit-button').click();
    await page.getByTestId('field-durationSeconds').fill('40');
    await page.getByTestId('field-reason').fill('Sales calls need longer notes');
    await page.getByTestId('review-button').click();

    // Nothing is sent before the dialog says what changes and is confirmed.
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('dialog-changes').textContent()).toContain(
      'durationSeconds: 30 s → 40 s',
    );
    expect((await salesPolicy())?.durationSeconds).toBe(30);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-confirm.png'), fullPage: true });
    await dialog.getByTestId('dialog-confirm').click();

    await expect
      .poll(() => page.getByTestId('result').textContent())
      .toContain(`Changed Queue ${SALES.name}`);
    await expect.poll(() => row.getAttribute('data-source')).toBe('changed');
    expect(await row.getByTestId('policy-fields').textContent()).toContain('durationSeconds: 40 s');
    expect(await row.getByTestId('policy-source').textContent()).toMatch(
      /^Changed by .*admin.*, \d{4}-\d\d-\d\d \d\d:\d\d UTC \(version 1\)$/,
    );
    expect(await salesPolicy()).toMatchObject({ durationSeconds: 40, mode: 'forced' });

    // The history: who, when, what (level/key, before -> after), reason.
    const entry = page.getByTestId('history-row').first();
    expect(await entry.getByTestId('history-who').textContent()).toMatch(/admin/);
    expect(await entry.getByTestId('history-when').textContent()).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await entry.getByTestId('history-what').textContent()).toBe(`Queue ${SALES.name}`);
    // The first override of a deployed policy: the record holds no "before" (the deployed one applied).
    expect(await entry.getByTestId('history-change').textContent()).toBe(
      'no override -> durationSeconds: 40 s, mode: forced',
    );
    expect(await entry.getByTestId('history-reason').textContent()).toBe('Sales calls need longer notes');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-changed.png'), fullPage: true });

    // Removing the override (confirmed, with a reason) brings the deployed policy back.
    await row.getByTestId('remove-button').click();
    await dialog.waitFor();
    expect(await dialog.getByTestId('dialog-changes').textContent()).toContain('durationSeconds: 40 s');
    await dialog.getByTestId('dialog-reason').fill('Back to cdk.json');
    await dialog.getByTestId('dialog-confirm').click();
    await expect.poll(() => row.getAttribute('data-source')).toBe('deployed');
    expect(await row.getByTestId('policy-fields').textContent()).toContain('durationSeconds: 30 s');
    expect(await page.getByTestId('history-row').first().getByTestId('history-change').textContent()).toBe(
      'durationSeconds: 40 s, mode: forced -> no override (the deployed policy applies)',
    );
    expect(await salesPolicy()).toMatchObject({ durationSeconds: 30 });

    // Beside the board: each links to the other.
    await page.getByTestId('board-link').click();
    await page.getByTestId('admin-link').waitFor();
  });

  it('R20: a bad value is refused with an inline error naming the field, and nothing changes', async () => {
    await page.goto(`${server.url}/admin.html`);
    await salesRow().getByTestId('edit-button').click();
    const duration = page.getByTestId('field-durationSeconds');

    // Not a number: refused by the page itself, naming the field.
    await duration.fill('two minutes');
    await page.getByTestId('field-reason').fill('typo test');
    await page.getByTestId('review-button').click();
    await expect
      .poll(() => page.getByTestId('error-durationSeconds').textContent())
      .toContain('durationSeconds');
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);

    // Out of range: sent, and refused by the API (400 INVALID_POLICY) in the schema's words.
    await duration.fill('-5');
    await page.getByTestId('review-button').click();
    await page.getByTestId('dialog-confirm').click();
    await expect
      .poll(() => page.getByTestId('error-durationSeconds').textContent())
      .toMatch(/durationSeconds must be an integer 0-86400/);
    expect(await duration.getAttribute('aria-invalid')).toBe('true');
    expect(await duration.getAttribute('aria-describedby')).toContain('error-durationSeconds');
    // The focus is on the field the error names, the error summary is an alert.
    await expect.poll(activeTestId).toBe('field-durationSeconds');
    expect(await page.getByTestId('form-errors').getAttribute('role')).toBe('alert');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-invalid.png'), fullPage: true });

    expect(await salesPolicy()).toMatchObject({ durationSeconds: 30 });
    expect((await livePolicies()).version).toBe(0);
  });

  it('R20: a change made on a stale version shows the conflict, and the page reads the policies again', async () => {
    await page.goto(`${server.url}/admin.html`);
    await salesRow().getByTestId('edit-button').click();
    await page.getByTestId('field-durationSeconds').fill('40');
    await page.getByTestId('field-reason').fill('mine');

    // Another administrator changes it first.
    const other = await adminApi('PUT', `/v1/admin/policies/queue/${SALES.id}`, {
      policy: { mode: 'forced', durationSeconds: 50 },
      version: 0,
      reason: 'theirs',
    });
    expect(other.status).toBe(200);

    await page.getByTestId('review-button').click();
    await page.getByTestId('dialog-confirm').click();

    await expect
      .poll(() => page.getByTestId('conflict').textContent())
      .toContain('Someone else changed the policies first');
    expect(await page.getByTestId('conflict').getAttribute('role')).toBe('alert');
    // Read again: the other administrator's change is shown, and the form starts from it.
    await expect
      .poll(() => salesRow().getByTestId('policy-fields').textContent())
      .toContain('durationSeconds: 50 s');
    expect(await page.getByTestId('field-durationSeconds').inputValue()).toBe('50');
    expect(await salesPolicy()).toMatchObject({ durationSeconds: 50 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-conflict.png'), fullPage: true });
  });

  it('R20: keyboard only: Tab to a queue, change it, Escape closes the dialog and gives the focus back, confirm with Enter', async () => {
    await page.goto(`${server.url}/admin.html`);
    await salesRow().waitFor();
    const label = `Change Queue ${SALES.name}`;
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focused('aria-label')) === label;
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    // The editor opens with the focus on its heading.
    await expect.poll(() => focused('id')).toBe('editor-title');

    // The first field is the duration.
    await page.keyboard.press('Tab');
    expect(await activeTestId()).toBe('field-durationSeconds');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('35');
    let onReason = false;
    for (let i = 0; i < 15 && !onReason; i++) {
      await page.keyboard.press('Tab');
      onReason = (await activeTestId()) === 'field-reason';
    }
    expect(onReason).toBe(true);
    await page.keyboard.type('Keyboard only');
    await page.keyboard.press('Tab');
    expect(await activeTestId()).toBe('review-button');
    await page.keyboard.press('Enter');

    // The dialog opens on Cancel (Enter never confirms by accident); Tab stays inside it.
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    await expect.poll(activeTestId).toBe('dialog-cancel');
    await page.keyboard.press('Tab');
    expect(await activeTestId()).toBe('dialog-confirm');
    await page.keyboard.press('Tab');
    expect(await activeTestId()).toBe('dialog-cancel');
    await page.keyboard.press('Shift+Tab');
    expect(await activeTestId()).toBe('dialog-confirm');

    // Escape closes it and the focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await activeTestId()).toBe('review-button');
    expect(await salesPolicy()).toMatchObject({ durationSeconds: 30 });

    // Again, and confirm.
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await expect.poll(activeTestId).toBe('dialog-cancel');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // The result is shown, announced and focused.
    await expect.poll(activeTestId).toBe('result');
    expect(await page.getByTestId('result').textContent()).toContain(`Changed Queue ${SALES.name}`);
    await expect
      .poll(() => page.getByTestId('announcer').textContent())
      .toContain(`Changed Queue ${SALES.name}`);
    expect(await salesPolicy()).toMatchObject({ durationSeconds: 35 });
  });

  it('R20: queues and agent groups are picked by name (GET /v1/admin/directory), and the preview resolves by them', async () => {
    await page.goto(`${server.url}/admin.html`);
    await salesRow().waitFor();
    // The queue "general" has no policy: only the directory names it.
    const key = page.getByTestId('add-key');
    await expect.poll(() => key.locator('option').allTextContents()).toContain(GENERAL.name);
    expect(await page.getByTestId('directory-problem').count()).toBe(0);

    // A group override, picked by name: Trainees get 60 s more to write up.
    await page.getByTestId('add-level').selectOption('agentGroup');
    await page.getByTestId('add-key').selectOption({ label: TRAINEES.name });
    await page.getByTestId('add-button').click();
    expect(await page.locator('#editor-title').textContent()).toContain(`Agent group ${TRAINEES.name}`);
    await page.getByTestId('field-durationSeconds').fill('105');
    await page.getByTestId('field-reason').fill('Trainees need longer');
    await page.getByTestId('review-button').click();
    expect(await page.getByTestId('dialog-changes').textContent()).toContain(
      'durationSeconds: inherited → 105 s',
    );
    await page.getByTestId('dialog-confirm').click();
    const row = page.locator(
      `[data-testid="policy-row"][data-level="agentGroup"][data-key="${TRAINEES.id}"]`,
    );
    await row.waitFor();
    expect(await row.getByTestId('policy-name').textContent()).toContain(`Agent group ${TRAINEES.name}`);
    expect(await page.getByTestId('history-row').first().getByTestId('history-what').textContent()).toBe(
      `Agent group ${TRAINEES.name}`,
    );

    // A VOICE contact in queue general, its agent a trainee (under the floor).
    await page.getByTestId('preview-queue').selectOption({ label: GENERAL.name });
    await page.getByTestId('preview-group').selectOption({ label: AGENT_GROUPS.floor.name });
    await page.getByTestId('preview-deeper-group').selectOption({ label: TRAINEES.name });
    await page.getByTestId('preview-button').click();
    await expect
      .poll(() => page.getByTestId('preview-sentence').textContent())
      .toBe(
        `A VOICE contact in queue ${GENERAL.name} handled by an agent in group ${AGENT_GROUPS.floor.name} > ${TRAINEES.name} gets 105 s of timed wrap-up, up to 1 extension of 30 s.`,
      );
    const duration = page.locator('[data-testid="preview-field"][data-field="durationSeconds"]');
    expect(await duration.textContent()).toContain(`agent group ${TRAINEES.name}`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-by-name.png'), fullPage: true });
  });

  it('R20: a supervisor sees the policies, the kill switch and the history, read-only', async () => {
    const change = await adminApi('PUT', `/v1/admin/policies/queue/${SALES.id}`, {
      policy: { mode: 'forced', durationSeconds: 40 },
      version: 0,
      reason: 'longer',
    });
    expect(change.status).toBe(200);

    await page.goto(`${server.url}/admin.html?as=supervisor`);
    await salesRow().waitFor();
    expect(await salesRow().getByTestId('policy-fields').textContent()).toContain('durationSeconds: 40 s');
    expect(await page.getByTestId('history-row').count()).toBe(1);
    expect(await page.getByTestId('kill-switch-state').getAttribute('data-state')).toBe('on');
    await expect.poll(() => page.getByTestId('admin-summary').textContent()).toContain('Read-only');
    expect(await page.getByTestId('edit-button').count()).toBe(0);
    expect(await page.getByTestId('remove-button').count()).toBe(0);
    expect(await page.getByTestId('kill-switch-button').count()).toBe(0);
    expect(await page.getByTestId('add-level').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-supervisor.png'), fullPage: true });
  });

  it('R18/R20: the kill switch is flipped after a confirm with a reason; the preview says what a contact gets', async () => {
    await page.goto(`${server.url}/admin.html`);
    await page.getByTestId('kill-switch-button').click();
    const dialog = page.getByTestId('confirm-dialog');
    // A reason is needed.
    await dialog.getByTestId('dialog-confirm').click();
    await expect.poll(() => dialog.getByTestId('dialog-error').textContent()).toContain('reason');
    await dialog.getByTestId('dialog-reason').fill('Incident: Connect status API failing');
    await dialog.getByTestId('dialog-confirm').click();
    await expect.poll(() => page.getByTestId('kill-switch-state').getAttribute('data-state')).toBe('off');
    expect(await page.getByTestId('history-row').first().getByTestId('history-what').textContent()).toBe(
      'Kill switch',
    );

    // Back to the deployed setting.
    await page.getByTestId('kill-switch-reset').click();
    await dialog.getByTestId('dialog-reason').fill('Incident over');
    await dialog.getByTestId('dialog-confirm').click();
    await expect.poll(() => page.getByTestId('kill-switch-state').getAttribute('data-state')).toBe('on');

    await page.getByTestId('preview-channel').selectOption('CHAT');
    await page.getByTestId('preview-queue').selectOption(SALES.id);
    await page.getByTestId('preview-button').click();
    await expect
      .poll(() => page.getByTestId('preview-sentence').textContent())
      .toBe(`A CHAT contact in queue ${SALES.name} gets 30 s of forced wrap-up, up to 1 extension of 30 s.`);
    const duration = page.locator('[data-testid="preview-field"][data-field="durationSeconds"]');
    expect(await duration.textContent()).toContain(`queue ${SALES.name}`);
    const extension = page.locator('[data-testid="preview-field"][data-field="extensionSeconds"]');
    expect(await extension.textContent()).toContain('the default');
    await page.screenshot({ path: path.join(ARTIFACTS, 'admin-preview.png'), fullPage: true });
  });
});
