import { describe, expect, it } from 'vitest';
import { AGENT_HINT_HEADER as API_HINT_HEADER } from '../../lambda/handlers/api';
import { AGENT_HINT_HEADER, ApiClient, type TokenSource } from '../../web/src/api';
import { ApiError } from '../../web/src/logic/errors';
import { wrapUpJson } from './fixtures';

const BASE = 'https://api.example.com';
const SERVER_TIME = '2026-03-02T09:00:30.000Z';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** A fetch that records requests and answers from a script, one answer per call. */
function scriptedFetch(...answers: Array<Response | Error>) {
  const sent: Sent[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more scripted answers');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function tokens(renewed: string | undefined = undefined): TokenSource & { renewals: number } {
  const source = {
    renewals: 0,
    token: async () => 'token-1',
    renew: async () => {
      source.renewals++;
      return renewed;
    },
  };
  return source;
}

function client(fetchImpl: typeof fetch, options: { hint?: string; source?: TokenSource } = {}) {
  let time = 1_000;
  return new ApiClient({
    baseUrl: BASE,
    tokens: options.source ?? tokens(),
    agentHint: () => options.hint,
    fetch: fetchImpl,
    now: () => {
      time += 100;
      return time;
    },
  });
}

describe('the API client', () => {
  it('calls the API under a base URL given with a trailing slash (as the stack writes it) without a double slash', async () => {
    const { sent, fetchImpl } = scriptedFetch(json(200, { serverTime: SERVER_TIME, wrapUps: [] }));
    const api = new ApiClient({ baseUrl: `${BASE}/`, tokens: tokens(), fetch: fetchImpl, now: () => 1_000 });

    await api.myWrapUps();

    expect(sent.map((s) => s.url)).toEqual([`${BASE}/v1/me/wrap-ups`]);
  });

  it('sends the bearer token and the desktop’s agent as the hint header the API reads', async () => {
    const { sent, fetchImpl } = scriptedFetch(
      json(200, { serverTime: SERVER_TIME, wrapUps: [wrapUpJson()] }),
    );

    const answer = await client(fetchImpl, {
      hint: 'arn:aws:connect:eu-west-2:1:instance/i/agent/agent-a',
    }).myWrapUps();

    expect(AGENT_HINT_HEADER).toBe(API_HINT_HEADER);
    expect(sent[0]).toMatchObject({
      url: `${BASE}/v1/me/wrap-ups`,
      method: 'GET',
      headers: {
        authorization: 'Bearer token-1',
        [AGENT_HINT_HEADER]: 'arn:aws:connect:eu-west-2:1:instance/i/agent/agent-a',
      },
    });
    expect(answer.data.wrapUps).toHaveLength(1);
  });

  it('measures the round trip around each request for the skew correction', async () => {
    const { fetchImpl } = scriptedFetch(json(200, { serverTime: SERVER_TIME, wrapUps: [] }));

    const answer = await client(fetchImpl).myWrapUps();

    expect(answer.clock).toEqual({ serverTime: Date.parse(SERVER_TIME), sentAt: 1_100, receivedAt: 1_200 });
  });

  it('calls each agent route with its method, path and body', async () => {
    const result = () => json(200, { serverTime: SERVER_TIME, wrapUp: wrapUpJson() });
    const { sent, fetchImpl } = scriptedFetch(result(), result(), result());
    const api = client(fetchImpl);

    await api.extend('contact-1');
    await api.done('contact-1', { disposition: 'SALE', notes: 'ok' });
    await api.update('contact-1', { notes: 'later' });

    expect(sent.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', `${BASE}/v1/me/wrap-ups/contact-1/extend`, undefined],
      ['POST', `${BASE}/v1/me/wrap-ups/contact-1/done`, '{"disposition":"SALE","notes":"ok"}'],
      ['PUT', `${BASE}/v1/me/wrap-ups/contact-1`, '{"notes":"later"}'],
    ]);
    expect(sent[1]?.headers['content-type']).toBe('application/json');
  });

  it('calls the supervisor routes without the agent hint, with the queue filter encoded', async () => {
    const result = () => json(200, { serverTime: SERVER_TIME, wrapUp: wrapUpJson() });
    const { sent, fetchImpl } = scriptedFetch(
      json(200, { serverTime: SERVER_TIME, wrapUps: [] }),
      result(),
      result(),
    );
    const api = client(fetchImpl, { hint: 'agent-a' });

    await api.allWrapUps('q sales');
    await api.extendFor('contact-1', 'agent-b');
    await api.doneFor('contact-1', 'agent-b');

    expect(sent.map((s) => [s.method, s.url])).toEqual([
      ['GET', `${BASE}/v1/wrap-ups?queueId=q%20sales`],
      ['POST', `${BASE}/v1/wrap-ups/contact-1/agent-b/extend`],
      ['POST', `${BASE}/v1/wrap-ups/contact-1/agent-b/done`],
    ]);
    expect(sent.every((s) => s.headers[AGENT_HINT_HEADER] === undefined)).toBe(true);
  });

  it('R5: a refusal comes back as an ApiError with the API’s code', async () => {
    const { fetchImpl } = scriptedFetch(
      json(409, {
        error: 'EXTENSION_LIMIT',
        message: 'EXTENSION_LIMIT: contact c, agent a: already used 2 of 2',
      }),
    );

    const error = await client(fetchImpl)
      .extend('contact-1')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('EXTENSION_LIMIT');
  });

  it('reads BUSY’s Retry-After and API Gateway’s bare 429', async () => {
    const { fetchImpl } = scriptedFetch(
      json(503, { error: 'BUSY' }, { 'retry-after': '1' }),
      json(429, { message: 'Too Many Requests' }),
    );
    const api = client(fetchImpl);

    const busy = (await api.extend('c').catch((e: unknown) => e)) as ApiError;
    const throttled = (await api.extend('c').catch((e: unknown) => e)) as ApiError;

    expect(busy.failure).toMatchObject({ status: 503, code: 'BUSY', retryAfterSeconds: 1 });
    expect(throttled.code).toBe('THROTTLED');
  });

  it('after a 401 asks for a new token once and repeats the request with it', async () => {
    const source = tokens('token-2');
    const { sent, fetchImpl } = scriptedFetch(
      json(401, { message: 'Unauthorized' }),
      json(200, { serverTime: SERVER_TIME, wrapUps: [] }),
    );

    await client(fetchImpl, { source }).myWrapUps();

    expect(source.renewals).toBe(1);
    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives up with UNAUTHORIZED when no new token can be had without the user', async () => {
    const { sent, fetchImpl } = scriptedFetch(json(401, { message: 'Unauthorized' }));

    const error = (await client(fetchImpl)
      .myWrapUps()
      .catch((e: unknown) => e)) as ApiError;

    expect(error.code).toBe('UNAUTHORIZED');
    expect(sent).toHaveLength(1);
  });

  it('turns a failed fetch into NETWORK and an unknown answer into MALFORMED', async () => {
    const { fetchImpl } = scriptedFetch(
      new TypeError('Failed to fetch'),
      json(200, { serverTime: SERVER_TIME, wrapUps: [{ contactId: 1 }] }),
    );
    const api = client(fetchImpl);

    expect(((await api.myWrapUps().catch((e: unknown) => e)) as ApiError).code).toBe('NETWORK');
    expect(((await api.myWrapUps().catch((e: unknown) => e)) as ApiError).code).toBe('MALFORMED');
  });

  it('abandons a request that takes too long as TIMEOUT', async () => {
    const hanging = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      })) as typeof fetch;
    const api = new ApiClient({ baseUrl: BASE, tokens: tokens(), fetch: hanging, timeoutMs: 20 });

    expect(((await api.myWrapUps().catch((e: unknown) => e)) as ApiError).code).toBe('TIMEOUT');
  });
});
