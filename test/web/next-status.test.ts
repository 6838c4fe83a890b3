/**
 * R19 in the pages: the "After wrap-up" choices (GET /v1/me/statuses), the picker's options, the
 * saving request (PUT nextStatus), the board's words, and the refusal's words.
 */
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../web/src/api';
import { failureWords } from '../../web/src/logic/errors';
import {
  MalformedAnswer,
  nextStatusLabel,
  nextStatusOptions,
  parseStatusList,
  parseWrapUp,
  type StatusChoice,
} from '../../web/src/logic/wrap-up';
import { wrapUpJson } from './fixtures';

const SERVER_TIME = '2026-03-02T09:00:30.000Z';
const STATUSES: StatusChoice[] = [
  { name: 'Available', type: 'ROUTABLE' },
  { name: 'Lunch', type: 'CUSTOM' },
  { name: 'Training', type: 'CUSTOM' },
  { name: 'Offline', type: 'OFFLINE' },
];

function recordingFetch(answer: unknown) {
  const sent: Array<{ url: string; method: string; body: string | undefined }> = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return new Response(JSON.stringify(answer), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { sent, fetchImpl };
}

function client(fetchImpl: typeof fetch): ApiClient {
  return new ApiClient({
    baseUrl: 'https://api.example.com',
    tokens: { token: async () => 'token-1', renew: async () => undefined },
    fetch: fetchImpl,
    now: () => 1_000,
  });
}

describe('R19 the status list', () => {
  it('R19: GET /v1/me/statuses is called and its answer checked', async () => {
    const { sent, fetchImpl } = recordingFetch({ serverTime: SERVER_TIME, statuses: STATUSES });

    const answer = await client(fetchImpl).statuses();

    expect(sent).toEqual([{ url: 'https://api.example.com/v1/me/statuses', method: 'GET', body: undefined }]);
    expect(answer.data.statuses).toEqual(STATUSES);
  });

  it.each([
    [{ serverTime: SERVER_TIME }, 'body.statuses must be a list'],
    [{ serverTime: SERVER_TIME, statuses: [{ name: 'Lunch', type: 'AWAY' }] }, 'statuses[0].type must be'],
    [{ serverTime: SERVER_TIME, statuses: [{ type: 'CUSTOM' }] }, 'statuses[0].name must be a string'],
  ])('R19: an answer the page does not understand is refused, naming the field (%#)', (body, message) => {
    expect(() => parseStatusList(body)).toThrow(MalformedAnswer);
    expect(() => parseStatusList(body)).toThrow(message);
  });
});

describe('R19 the "After wrap-up" picker', () => {
  it('R19: the routable status comes first as the default (no choice), then the other statuses', () => {
    expect(nextStatusOptions(STATUSES, null)).toEqual([
      { value: null, label: 'Available' },
      { value: 'Lunch', label: 'Lunch' },
      { value: 'Training', label: 'Training' },
      { value: 'Offline', label: 'Offline' },
    ]);
  });

  it('R19: without a list (not loaded, or failed) only the routable status is offered', () => {
    expect(nextStatusOptions([], null)).toEqual([{ value: null, label: 'Available' }]);
  });

  it('R19: a saved choice the list no longer has stays shown, never silently replaced', () => {
    const options = nextStatusOptions(STATUSES, 'Break');

    expect(options.at(-1)).toEqual({ value: 'Break', label: 'Break' });
  });

  it('R19: choosing saves with PUT nextStatus, and the routable status with null', async () => {
    const answer = { serverTime: SERVER_TIME, wrapUp: wrapUpJson({ nextStatus: 'Lunch' }) };
    const { sent, fetchImpl } = recordingFetch(answer);
    const api = client(fetchImpl);

    const saved = await api.update('contact-1', { nextStatus: 'Lunch' });
    await api.update('contact-1', { nextStatus: null });

    expect(sent.map(({ method, url, body }) => [method, url, body])).toEqual([
      ['PUT', 'https://api.example.com/v1/me/wrap-ups/contact-1', '{"nextStatus":"Lunch"}'],
      ['PUT', 'https://api.example.com/v1/me/wrap-ups/contact-1', '{"nextStatus":null}'],
    ]);
    expect(saved.data.wrapUp.nextStatus).toBe('Lunch');
  });

  it('R19: a wrap-up carries nextStatus; one from an API without it means the routable status', () => {
    expect(parseWrapUp(wrapUpJson({ nextStatus: 'Training' })).nextStatus).toBe('Training');
    const { nextStatus: _none, ...older } = wrapUpJson();
    expect(parseWrapUp(older).nextStatus).toBeNull();
    expect(() => parseWrapUp(wrapUpJson({ nextStatus: 3 }))).toThrow(
      'wrapUp.nextStatus must be a string or null',
    );
  });

  it('R19: the board says each agent choice, or the routable status by default', () => {
    expect(nextStatusLabel({ nextStatus: 'Lunch' })).toBe('Lunch');
    expect(nextStatusLabel({ nextStatus: null })).toBe('Available (default)');
  });

  it('R19: a refused status is said in words', () => {
    const words = failureWords({
      kind: 'http',
      status: 400,
      code: 'UNKNOWN_STATUS',
      message: 'nextStatus "Lunch"',
    });

    expect(words.code).toBe('UNKNOWN_STATUS');
    expect(words.text).toMatch(/cannot be chosen any more/);
  });
});
