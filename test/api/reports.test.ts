import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { Directory } from '../../lambda/core/ports';
import type { AgentCell, QueueCell, ReportSession, ReportStore } from '../../lambda/core/reports';
import { makeApiHandler } from '../../lambda/handlers/api';
import type { ReportsParts } from '../../lambda/handlers/api-reports';
import { API_ROUTES } from '../../lambda/handlers/api-routes';
import type { App } from '../../lambda/handlers/runtime';
import { FakeUsers } from '../support/api-users';
import { useSessionStore } from '../support/dynamo';
import { INSTANCE_ARN } from '../support/events';
import {
  FakeClock,
  RecordingAgents,
  RecordingContacts,
  RecordingLog,
  RecordingTimers,
} from '../support/fakes';

const store = useSessionStore();

/** Two complete sessions of 2026-03-02 (raw: nothing is rolled up in these tests). */
const SESSIONS: ReportSession[] = [
  {
    agentId: 'a-1',
    queueId: 'q-billing',
    channel: 'VOICE',
    startedAt: '2026-03-02T09:00:00.000Z',
    endedAt: '2026-03-02T09:00:30.000Z',
    endReason: 'AGENT_DONE',
    systemWrapUp: false,
    extensionsUsed: 0,
    policy: { durationSeconds: 60, mode: 'timed' },
  },
  {
    agentId: 'a-2',
    queueId: 'q-billing',
    channel: 'VOICE',
    startedAt: '2026-03-02T10:00:00.000Z',
    endedAt: '2026-03-02T10:01:00.000Z',
    endReason: 'TIMER',
    systemWrapUp: true,
    extensionsUsed: 1,
    policy: { durationSeconds: 60, mode: 'timed' },
  },
];

/** Raw sessions only: what the report routes read before the first roll-up. */
class RawOnlyStore implements ReportStore {
  readonly reads: [string | null, string][] = [];
  async rolledThrough() {
    return undefined;
  }
  async queueCells(): Promise<QueueCell[]> {
    return [];
  }
  async agentCells(): Promise<AgentCell[]> {
    return [];
  }
  async sessionsOf(queueId: string | null, day: string) {
    this.reads.push([queueId, day]);
    return SESSIONS.filter((s) => (s.queueId ?? null) === queueId && s.startedAt.startsWith(day));
  }
  async putDay() {}
  async partial() {
    return undefined;
  }
  async putPartial() {}
  async lateDays() {
    return [];
  }
  async rewriteDay() {}
  async clearLateDay() {}
}

let clock: FakeClock;
let reports: ReportsParts;
let raw: RawOnlyStore;
let app: App;
let log: RecordingLog;
let directory: Directory;

beforeEach(() => {
  clock = new FakeClock('2026-03-03T12:00:00.000Z');
  raw = new RawOnlyStore();
  log = new RecordingLog();
  directory = {
    names: async () => ({ queues: new Map([['q-billing', 'Billing']]), agents: new Map([['a-1', 'Ada']]) }),
  };
  reports = {
    ports: { store: raw, catalog: { queueIds: async () => ['q-billing'] } },
    settings: parseAcwConfig({}).reports,
  };
  app = {
    deps: {
      store: store.store,
      timers: new RecordingTimers(clock),
      agents: new RecordingAgents(clock),
      contacts: new RecordingContacts(),
      clock,
      log,
      directory,
    },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
  };
});

function event(
  routeKey: string,
  query: Record<string, string>,
  options: { groups?: string[]; headers?: Record<string, string>; username?: string } = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const claims = {
    sub: 'sub-1',
    username: options.username ?? 'sue',
    'cognito:groups': options.groups ?? ['supervisors'],
  };
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: options.headers ?? {},
    queryStringParameters: query,
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

async function call(
  routeKey: string,
  query: Record<string, string>,
  options: { groups?: string[]; headers?: Record<string, string>; username?: string } = {},
) {
  const handler = makeApiHandler({ app, users: new FakeUsers(), clock, reports });
  const result = (await handler(event(routeKey, query, options))) as APIGatewayProxyStructuredResultV2;
  const text = String(result.body);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    text,
    body: (String(result.headers?.['content-type']).startsWith('application/json')
      ? JSON.parse(text)
      : {}) as Record<string, unknown>,
  };
}

const REPORT = 'GET /v1/reports/acw';

describe('GET /v1/reports/acw (issue 13)', () => {
  it('R22: answers { from, to, groupBy, rows } for a date range (to included), queues named', async () => {
    const { status, body } = await call(REPORT, { from: '2026-03-02', to: '2026-03-02', groupBy: 'queue' });

    expect(status).toBe(200);
    expect(body).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
      groupBy: 'queue',
      rows: [
        {
          // 30 s + 60 s over 2; KM: 30 seen (1/2 left, median 30), 60 censored: no p80.
          queueId: 'q-billing',
          queueName: 'Billing',
          contacts: 2,
          totalWrapUpSeconds: 90,
          averageWrapUpSeconds: 45,
          medianNeededSeconds: 30,
          p80NeededSeconds: null,
          extensionsPerContact: 0.5,
          systemEndedShare: 0.5,
        },
      ],
    });
    // Nothing rolled up: every queue's day read raw, the catalog's and no queue.
    expect(raw.reads).toEqual([
      ['q-billing', '2026-03-02'],
      [null, '2026-03-02'],
    ]);
  });

  it('answers CSV with Accept: text/csv: a header row and the same columns', async () => {
    const { status, headers, text } = await call(
      REPORT,
      { from: '2026-03-02', to: '2026-03-02', groupBy: 'agent' },
      { headers: { Accept: 'text/csv' } },
    );

    expect(status).toBe(200);
    expect(headers['content-type']).toMatch(/^text\/csv/);
    expect(text).toBe(
      'agentId,agentName,contacts,totalWrapUpSeconds,averageWrapUpSeconds,medianNeededSeconds,p80NeededSeconds,extensionsPerContact,systemEndedShare\r\n' +
        'a-1,Ada,1,30,30,30,30,0,0\r\n' +
        'a-2,,1,60,60,,,1,1\r\n',
    );
  });

  it('R20: answers with ids only, and a warning, when the directory fails', async () => {
    directory.names = async () => {
      throw new Error('ThrottlingException');
    };
    const { status, body } = await call(REPORT, { from: '2026-03-02', to: '2026-03-02', groupBy: 'queue' });
    expect(status).toBe(200);
    expect(body.rows).toEqual([expect.objectContaining({ queueId: 'q-billing', queueName: null })]);
    expect(log.lines.some((line) => line.level === 'warn')).toBe(true);
  });

  it.each([
    [{ to: '2026-03-02', groupBy: 'queue' }, 'from is required'],
    [{ from: '2026-03-02', groupBy: 'queue' }, 'to is required'],
    [{ from: '02/03/2026', to: '2026-03-02', groupBy: 'queue' }, 'from must be an ISO-8601 UTC date'],
    [
      { from: '2026-03-02', to: '2026-03-02T10:00:00+01:00', groupBy: 'queue' },
      'to must be an ISO-8601 UTC date',
    ],
    [{ from: '2026-02-30', to: '2026-03-02', groupBy: 'queue' }, 'from is not a date of the calendar'],
    [
      { from: '2026-03-02', to: '2026-03-02', groupBy: 'month' },
      'groupBy must be one of queue, agent, channel, day',
    ],
    [{ from: '2026-03-02', to: '2026-03-02' }, 'groupBy must be one of'],
    [{ from: '2026-03-02T10:00:00Z', to: '2026-03-02T10:00:00Z', groupBy: 'day' }, 'to must be after from'],
    [{ from: '2026-01-01', to: '2026-04-03', groupBy: 'day' }, 'from-to must span at most 92 days'],
    [{ from: '2026-03-02', to: '2026-03-02', groupBy: 'day', sort: 'x' }, 'unknown parameter "sort"'],
  ])('refuses %j with 400 naming the parameter', async (query, message) => {
    const { status, body } = await call(REPORT, query as Record<string, string>);
    expect(status).toBe(400);
    expect(body.error).toBe('BAD_REQUEST');
    expect(String(body.message)).toContain(message);
  });

  it('accepts 92 days (to included), and times to the minute', async () => {
    // 31 + 28 + 31 + 2 days.
    expect((await call(REPORT, { from: '2026-01-01', to: '2026-04-02', groupBy: 'day' })).status).toBe(200);
    const { body } = await call(REPORT, {
      from: '2026-03-02T09:30Z',
      to: '2026-03-02T12:00:00.000Z',
      groupBy: 'day',
    });
    // Only the 10:00 session started in the range.
    expect(body.rows).toEqual([expect.objectContaining({ day: '2026-03-02', contacts: 1 })]);
  });
});

describe('the report routes are for supervisors and administrators', () => {
  const reportRoutes = API_ROUTES.filter(
    (r) => r.path.startsWith('/v1/reports') || r.path === '/v1/recommendations',
  );

  it('declares the three routes, each for readers (supervisors and administrators)', () => {
    expect(reportRoutes.map((r) => `${r.method} ${r.path} ${r.audience}`)).toEqual([
      'GET /v1/reports/acw reader',
      'GET /v1/reports/acw/distribution reader',
      'GET /v1/recommendations reader',
    ]);
  });

  it.each(reportRoutes.map((r) => `${r.method} ${r.path}`))(
    '%s answers an administrator who is no Connect user',
    async (routeKey) => {
      const { status } = await call(
        routeKey,
        routeKey === 'GET /v1/reports/acw'
          ? { from: '2026-03-02', to: '2026-03-02', groupBy: 'day' }
          : { from: '2026-03-02', to: '2026-03-02' },
        { groups: ['admins'], username: 'ada@example.com' },
      );
      expect(status).toBe(200);
    },
  );

  it.each(reportRoutes.map((r) => `${r.method} ${r.path}`))(
    '%s refuses an agent with 403',
    async (routeKey) => {
      const { status, body } = await call(
        routeKey,
        { from: '2026-03-02', to: '2026-03-02', groupBy: 'day' },
        { groups: [] },
      );
      expect(status).toBe(403);
      expect(body.error).toBe('FORBIDDEN');
      expect(raw.reads).toEqual([]);
    },
  );
});

describe('GET /v1/reports/acw/distribution and GET /v1/recommendations', () => {
  it('R22: the distribution of a queue and channel: buckets, KM steps, the window, days', async () => {
    const { status, body } = await call('GET /v1/reports/acw/distribution', {
      from: '2026-03-02',
      to: '2026-03-02',
      queueId: 'q-billing',
      channel: 'VOICE',
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-03T00:00:00.000Z',
      queueId: 'q-billing',
      channel: 'VOICE',
      contacts: 2,
      bucketSeconds: 2,
      survival: [{ seconds: 30, survival: 0.5 }],
      medianNeededSeconds: 30,
      p80NeededSeconds: null,
      currentSeconds: 60,
      days: [{ day: '2026-03-02', contacts: 2, averageWrapUpSeconds: 45 }],
    });
    expect(body.buckets).toContainEqual({ fromSeconds: 60, toSeconds: 62, ended: 0, censored: 1 });
  });

  it('refuses a channel that is not a channel name', async () => {
    const { status, body } = await call('GET /v1/reports/acw/distribution', {
      from: '2026-03-02',
      to: '2026-03-02',
      channel: 'voice;drop',
    });
    expect(status).toBe(400);
    expect(body.message).toContain('channel must be');
  });

  it('R22: recommendations withheld below the configured minimum sample (default 30)', async () => {
    const { status, body } = await call('GET /v1/recommendations', { from: '2026-03-02', to: '2026-03-02' });
    expect(status).toBe(200);
    expect(body).toEqual({
      recommendations: [
        {
          queueId: 'q-billing',
          channel: 'VOICE',
          sampleSize: 2,
          censored: 1,
          medianSeconds: null,
          p80Seconds: null,
          currentSeconds: 60,
          agentHoursPerDayChange: null,
          withheld: true,
          reason:
            'only 2 ended wrap-ups say how long the agent needed (of 2 sessions); at least 30 are needed',
        },
      ],
    });
  });

  it('R22: the minimum sample comes from acw.reports.minSample', async () => {
    reports = { ...reports, settings: parseAcwConfig({ reports: { minSample: 2 } }).reports };
    const { body } = await call('GET /v1/recommendations', { from: '2026-03-02', to: '2026-03-02' });
    expect(body.recommendations).toEqual([
      expect.objectContaining({ withheld: false, medianSeconds: 30, currentSeconds: 60 }),
    ]);
  });
});

describe('the answers are what openapi/acw-api.json documents', () => {
  const schemas = JSON.parse(readFileSync(new URL('../../openapi/acw-api.json', import.meta.url), 'utf8'))
    .components.schemas as Record<string, { properties: Record<string, unknown>; required: string[] }>;
  const fieldsOf = (name: string) => Object.keys(schemas[name]?.properties ?? {}).sort();

  it('a report and each groupBy row have only documented fields, every required one', async () => {
    for (const groupBy of ['queue', 'agent', 'channel', 'day']) {
      const { body } = await call(REPORT, { from: '2026-03-02', to: '2026-03-02', groupBy });
      expect(Object.keys(body).sort()).toEqual(fieldsOf('AcwReport'));
      for (const row of body.rows as Record<string, unknown>[]) {
        expect(fieldsOf('AcwReportRow')).toEqual(expect.arrayContaining(Object.keys(row)));
        expect(Object.keys(row)).toEqual(expect.arrayContaining(schemas.AcwReportRow?.required ?? []));
      }
    }
  });

  it('the distribution and the recommendations have exactly the documented fields', async () => {
    const distribution = await call('GET /v1/reports/acw/distribution', {
      from: '2026-03-02',
      to: '2026-03-02',
    });
    expect(Object.keys(distribution.body).sort()).toEqual(fieldsOf('AcwDistribution'));
    const { body } = await call('GET /v1/recommendations', { from: '2026-03-02', to: '2026-03-02' });
    const [first] = body.recommendations as Record<string, unknown>[];
    expect(Object.keys(first ?? {}).sort()).toEqual(fieldsOf('Recommendation'));
  });
});

describe('acw.reports', () => {
  it('defaults to a minimum sample of 30 and ranges of 92 days', () => {
    expect(parseAcwConfig({}).reports).toEqual({ minSample: 30, maxRangeDays: 92 });
  });

  it.each([
    [{ minSample: 0 }, 'acw.reports.minSample'],
    [{ maxRangeDays: 400 }, 'acw.reports.maxRangeDays'],
    [{ days: 3 }, 'acw.reports'],
  ])('refuses %j naming the field', (reports, field) => {
    expect(() => parseAcwConfig({ reports })).toThrow(field);
  });
});
