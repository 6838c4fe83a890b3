import { describe, expect, it } from 'vitest';
import { AGENT_HINT_HEADER, ApiClient } from '../../web/src/api';
import { InsightsApi } from '../../web/src/insights-api';
import { ApiError } from '../../web/src/logic/errors';

const BASE = 'https://api.example.com';
const PERIOD = { fromDay: '2026-03-01', toDay: '2026-03-07' };
const RANGE = 'from=2026-03-01T00%3A00%3A00.000Z&to=2026-03-08T00%3A00%3A00.000Z';

/** A fetch that records each request's URL and headers and answers from a script. */
function scriptedFetch(...answers: Response[]) {
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more scripted answers');
    return answer;
  }) as typeof fetch;
  return { sent, fetchImpl };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(fetchImpl: typeof fetch) {
  const api = new ApiClient({
    baseUrl: BASE,
    tokens: { token: async () => 'token-1', renew: async () => undefined },
    agentHint: () => 'agent-a',
    fetch: fetchImpl,
  });
  return new InsightsApi(api);
}

describe('the API client’s Insights routes (issue 13)', () => {
  it('asks for the report of the period, grouped as chosen, with the token and no agent hint', async () => {
    const { sent, fetchImpl } = scriptedFetch(json(200, { from: 'a', to: 'b', groupBy: 'agent', rows: [] }));

    const report = await client(fetchImpl).report(PERIOD, 'agent');

    expect(report.groupBy).toBe('agent');
    expect(sent[0]?.url).toBe(`${BASE}/v1/reports/acw?${RANGE}&groupBy=agent`);
    expect(sent[0]?.headers).toMatchObject({ accept: 'application/json', authorization: 'Bearer token-1' });
    expect(sent[0]?.headers[AGENT_HINT_HEADER]).toBeUndefined();
  });

  it('asks for the CSV with Accept: text/csv and gives back its text', async () => {
    const csv = 'queueId,contacts\r\nq-sales,4\r\n';
    const { sent, fetchImpl } = scriptedFetch(
      new Response(csv, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } }),
    );

    const text = await client(fetchImpl).reportCsv(PERIOD, 'queue');

    expect(text).toBe(csv);
    expect(sent[0]?.headers.accept).toBe('text/csv');
    expect(sent[0]?.url).toBe(`${BASE}/v1/reports/acw?${RANGE}&groupBy=queue`);
  });

  it('refuses a CSV download that came back as something else', async () => {
    const { fetchImpl } = scriptedFetch(json(200, { rows: [] }));

    await expect(client(fetchImpl).reportCsv(PERIOD, 'queue')).rejects.toMatchObject({ code: 'MALFORMED' });
  });

  it('asks for the recommendations and one queue and channel’s distribution', async () => {
    const { sent, fetchImpl } = scriptedFetch(
      json(200, { recommendations: [] }),
      json(200, { queueId: 'q-sales', channel: 'VOICE', currentSeconds: 120, buckets: [], survival: [] }),
    );
    const api = client(fetchImpl);

    expect(await api.recommendations(PERIOD)).toEqual([]);
    expect((await api.distribution(PERIOD, 'q-sales', 'VOICE')).currentSeconds).toBe(120);
    expect(sent.map((s) => s.url)).toEqual([
      `${BASE}/v1/recommendations?${RANGE}`,
      `${BASE}/v1/reports/acw/distribution?${RANGE}&queueId=q-sales&channel=VOICE`,
    ]);
  });

  it('turns a refusal into a typed error and a shape it does not know into MALFORMED', async () => {
    const { fetchImpl } = scriptedFetch(
      json(403, { error: 'FORBIDDEN', message: 'supervisors only' }),
      json(200, { recommendations: [{ channel: 1 }] }),
    );
    const api = client(fetchImpl);

    const refused = await api.report(PERIOD, 'queue').catch((error: unknown) => error);
    const malformed = await api.recommendations(PERIOD).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    expect(malformed).toMatchObject({ code: 'MALFORMED' });
  });
});
