/**
 * The local server's own routes: what changes state takes JSON only (no cross-site POST), and
 * what config.json and /local/agents serve is what the README's "Trying it locally" documents.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AGENTS, TEST_TIMING } from '../../server/floor';
import { type LocalServer, startLocalServer } from '../../server/server';

const [, BEN] = AGENTS as [(typeof AGENTS)[number], (typeof AGENTS)[number]];

let server: LocalServer;
let pagesDir: string;

beforeAll(async () => {
  // These routes need no pages: an empty directory spares the build.
  pagesDir = await mkdtemp(path.join(tmpdir(), 'connect-acw-test-no-pages-'));
  server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pagesDir });
});
afterAll(async () => {
  await server?.close();
  if (pagesDir !== undefined) await rm(pagesDir, { recursive: true, force: true });
});

/** A POST as a page on another site can send one without a CORS preflight, or with JSON. */
function post(route: string, body: string | Blob, contentType?: string): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method: 'POST',
    ...(contentType === undefined ? {} : { headers: { 'content-type': contentType } }),
    body,
  });
}

describe('local server: state-changing routes take JSON only (no cross-site POST)', () => {
  const chosen = JSON.stringify({ agentId: BEN.id, status: 'Lunch' });

  it.each([
    ['text/plain (a cross-site fetch or form)', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['a multipart form', 'multipart/form-data; boundary=x'],
    ['no content type', undefined],
  ])('POST /local/status with %s: 415, and the agent keeps their status', async (_what, contentType) => {
    const choose = vi.spyOn(server.world, 'chooseStatus');
    try {
      const response = await post(
        '/local/status',
        contentType === undefined ? new Blob([chosen]) : chosen,
        contentType,
      );

      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(choose).not.toHaveBeenCalled();
    } finally {
      choose.mockRestore();
    }
  });

  it('POST /local/token with text/plain: 415, no token', async () => {
    const response = await post('/local/token', JSON.stringify({ supervisor: true }), 'text/plain');

    expect(response.status).toBe(415);
    expect(await response.json()).not.toHaveProperty('access_token');
  });

  it('POST /local/status with application/json: the agent chooses that status', async () => {
    const response = await post('/local/status', chosen, 'application/json; charset=utf-8');

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'Lunch' });
    expect(server.world.statusOf(BEN.id)).toMatchObject({ name: 'Lunch' });
  });
});

describe("local server: config.json and /local/agents serve what the README's route table says", () => {
  /** The cell after `route` in the README's route table of "Trying it locally". */
  async function documented(route: string): Promise<string> {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${route}\` |`));
    if (row === undefined) throw new Error(`the README has no route table row for ${route}`);
    return row.split('|')[2] ?? '';
  }

  it('GET /config.json: the documented JSON, exactly', async () => {
    const cell = await documented('GET /config.json');
    const example = /`(\{.*\})`/.exec(cell)?.[1];

    const served: unknown = await (await fetch(`${server.url}/config.json`)).json();

    expect(example, cell).toBeDefined();
    expect(served).toEqual(JSON.parse(String(example)));
  });

  it('GET /local/agents: each agent has exactly the documented fields', async () => {
    const cell = await documented('GET /local/agents');
    const fields = /`\[\{ (.*) \}\]`/
      .exec(cell)?.[1]
      ?.split(', ')
      .map((field) => JSON.parse(field) as string);

    const agents = (await (await fetch(`${server.url}/local/agents`)).json()) as Array<
      Record<string, unknown>
    >;

    expect(fields, cell).toBeDefined();
    expect(agents).toHaveLength(AGENTS.length);
    for (const agent of agents) expect(Object.keys(agent).sort()).toEqual([...(fields ?? [])].sort());
  });
});
