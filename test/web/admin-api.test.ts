import { describe, expect, it } from 'vitest';
import { AdminApi, PolicyInvalid, VersionConflict } from '../../web/src/admin-api';
import type { TokenSource } from '../../web/src/api';
import { ApiError } from '../../web/src/logic/errors';

const BASE = 'https://api.example.com/';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

function scriptedFetch(...answers: Response[]) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more scripted answers');
    return answer;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function tokens(renewed?: string): TokenSource {
  return { token: async () => 'tok-1', renew: async () => renewed };
}

function client(...answers: Response[]) {
  const { sent, fetchImpl } = scriptedFetch(...answers);
  return { sent, api: new AdminApi({ baseUrl: BASE, tokens: tokens('tok-2'), fetch: fetchImpl }) };
}

describe('the admin API client (R20)', () => {
  it("R20: PUT sends the level's whole override, the version it was made on and the reason", async () => {
    const { sent, api } = client(json(200, { version: 5, change: {} }));

    const answer = await api.setPolicy(
      'queue',
      'q-billing',
      { durationSeconds: 120 },
      { version: 4, reason: 'long calls' },
    );

    expect(answer).toEqual({ version: 5 });
    expect(sent).toEqual([
      {
        url: 'https://api.example.com/v1/admin/policies/queue/q-billing',
        method: 'PUT',
        headers: {
          accept: 'application/json',
          authorization: 'Bearer tok-1',
          'content-type': 'application/json',
        },
        body: { policy: { durationSeconds: 120 }, version: 4, reason: 'long calls' },
      },
    ]);
  });

  it('R20: DELETE removes an override with the version and reason; the default is "-"', async () => {
    const { sent, api } = client(json(200, { version: 6 }));

    await api.removePolicy('default', 'ignored', { version: 5, reason: 'back to cdk.json' });

    expect(sent[0]).toMatchObject({
      url: 'https://api.example.com/v1/admin/policies/default/-',
      method: 'DELETE',
      body: { version: 5, reason: 'back to cdk.json' },
    });
  });

  it('R18/R20: the kill switch takes on, off or null (the deployed setting)', async () => {
    const { sent, api } = client(json(200, { version: 7 }));

    await api.setKillSwitch(null, { version: 6, reason: 'incident over' });

    expect(sent[0]).toMatchObject({
      url: 'https://api.example.com/v1/admin/kill-switch',
      method: 'PUT',
      body: { state: null, version: 6, reason: 'incident over' },
    });
  });

  it('R20: the preview sends only what was chosen', async () => {
    const { sent, api } = client(
      json(200, { policy: { durationSeconds: 90 }, fieldSources: { durationSeconds: 'default' } }),
    );

    const result = await api.preview({
      channel: 'VOICE',
      queueId: 'q-1',
      profile: undefined,
      agentGroups: ['', 'g-2'],
    });

    expect(sent[0]?.body).toEqual({ channel: 'VOICE', queueId: 'q-1', agentGroups: ['g-2'] });
    expect(result.fieldSources).toEqual({ durationSeconds: 'default' });
  });

  it('R20: a 400 INVALID_POLICY carries the problems naming the fields', async () => {
    const { api } = client(
      json(400, {
        error: 'INVALID_POLICY',
        message: 'the policy is not valid',
        problems: ['acw.policies.queues["q-1"].durationSeconds must be an integer 0-86400, got -1'],
      }),
    );

    const error = await api
      .setPolicy('queue', 'q-1', { durationSeconds: -1 }, { version: 1, reason: 'r' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PolicyInvalid);
    expect((error as PolicyInvalid).problems).toEqual([
      'acw.policies.queues["q-1"].durationSeconds must be an integer 0-86400, got -1',
    ]);
  });

  it('R20: a 409 VERSION_CONFLICT carries the version now in force', async () => {
    const { api } = client(json(409, { error: 'VERSION_CONFLICT', message: 'stale', version: 9 }));

    const error = await api
      .setPolicy('channel', 'CHAT', {}, { version: 8, reason: 'r' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VersionConflict);
    expect((error as VersionConflict).version).toBe(9);
  });

  it('a 403 is a FORBIDDEN ApiError (a supervisor reads, only administrators change)', async () => {
    const { api } = client(json(403, { error: 'FORBIDDEN', message: 'admins only' }));

    const error = await api.setKillSwitch('off', { version: 1, reason: 'r' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('FORBIDDEN');
  });

  it('asks for a new token once after a 401', async () => {
    const { sent, api } = client(json(401, { message: 'Unauthorized' }), json(200, { changes: [] }));

    expect(await api.history(20)).toEqual([]);
    expect(sent.map((s) => [s.url, s.headers.authorization])).toEqual([
      ['https://api.example.com/v1/admin/policies/history?limit=20', 'Bearer tok-1'],
      ['https://api.example.com/v1/admin/policies/history?limit=20', 'Bearer tok-2'],
    ]);
  });

  it('an answer of the wrong shape is MALFORMED', async () => {
    const { api } = client(json(200, { version: 1, policies: [] }));

    const error = await api.policies().catch((e: unknown) => e);

    expect((error as ApiError).code).toBe('MALFORMED');
  });
});
