/**
 * R20 on the local server (`npm start`): the local administrator's token changes the policies
 * through the real handler and policy store (on dynalite, its transactions run by
 * sim/dynamo.ts); the administrators' page is served like every built page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TIMING } from '../../server/floor';
import { API_PREFIX, type LocalServer, startLocalServer } from '../../server/server';

let server: LocalServer;
let pagesDir: string;

beforeAll(async () => {
  // A stand-in for the built admin page (wt-adminpage builds the real one): served as any page.
  pagesDir = await mkdtemp(path.join(tmpdir(), 'connect-acw-test-admin-pages-'));
  await writeFile(path.join(pagesDir, 'admin.html'), '<!doctype html><title>Policies</title>');
  server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pagesDir });
});
afterAll(async () => {
  await server?.close();
  if (pagesDir !== undefined) await rm(pagesDir, { recursive: true, force: true });
});

async function tokenFor(body: unknown): Promise<string> {
  const response = await fetch(`${server.url}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function api(method: string, route: string, token: string, body?: unknown) {
  const response = await fetch(`${server.url}${API_PREFIX}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('local server: the administrator (R20)', () => {
  it('R20: an admin token (POST /local/token { "admin": true }) can PUT a policy, audited as the local administrator', async () => {
    const admin = await tokenFor({ admin: true });
    const { body: before } = await api('GET', '/v1/admin/policies', admin);

    const put = await api('PUT', '/v1/admin/policies/channel/CHAT', admin, {
      policy: { durationSeconds: 45 },
      version: before.version,
      reason: 'chats wrap up quicker',
    });
    const { body: after } = await api('GET', '/v1/admin/policies', admin);

    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      version: Number(before.version) + 1,
      change: { level: 'channel', key: 'CHAT', by: 'admin:ada', after: { durationSeconds: 45 } },
    });
    expect(after.policies).toContainEqual(
      expect.objectContaining({
        level: 'channel',
        key: 'CHAT',
        policy: { durationSeconds: 45 },
        source: expect.objectContaining({ kind: 'changed', by: 'admin:ada' }),
      }),
    );
  });

  it('R20: of two changes on the same version, exactly one is accepted, the other 409 (the local transactions)', async () => {
    const admin = await tokenFor({ admin: true });
    const { body } = await api('GET', '/v1/admin/policies', admin);
    const change = (key: string) =>
      api('PUT', `/v1/admin/policies/profile/${key}`, admin, {
        policy: { durationSeconds: 200 },
        version: body.version,
        reason: 'race',
      });

    const answers = await Promise.all([change('race-a'), change('race-b')]);

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const { body: history } = await api('GET', '/v1/admin/policies/history?limit=5', admin);
    expect((history.changes as Array<{ key: string }>).filter((c) => c.key.startsWith('race-'))).toHaveLength(
      1,
    );
  });

  it('R20: a supervisor token may read the policies but not change them', async () => {
    const supervisor = await tokenFor({ supervisor: true });

    const read = await api('GET', '/v1/admin/policies', supervisor);
    const write = await api('PUT', '/v1/admin/kill-switch', supervisor, {
      state: 'off',
      version: read.body.version,
      reason: 'not mine to do',
    });

    expect(read.status).toBe(200);
    expect(write).toEqual({
      status: 403,
      body: { error: 'FORBIDDEN', message: 'only members of admins may do this' },
    });
  });

  it('R20: the admin token is issued for JSON only, like every state-changing local route', async () => {
    const response = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ admin: true }),
    });

    expect(response.status).toBe(415);
  });

  it('R20: serves the built admin page', async () => {
    const response = await fetch(`${server.url}/admin.html`);

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Policies</title>');
  });
});
