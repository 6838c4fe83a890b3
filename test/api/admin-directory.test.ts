/**
 * R20: `GET /v1/admin/directory`: the catalog administrators pick from (queues, agent groups,
 * statuses by name, and when it was listed), for supervisors only; read from the table, listed
 * from Connect on a miss; 503 when neither can answer.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { CatalogListing, CatalogStore, DirectoryCatalog } from '../../lambda/core/ports';
import { makeApiHandler } from '../../lambda/handlers/api';
import { API_ROUTES } from '../../lambda/handlers/api-routes';
import type { App } from '../../lambda/handlers/runtime';
import { FakeUsers } from '../support/api-users';
import { INSTANCE_ARN } from '../support/events';
import {
  FakeClock,
  RecordingAgents,
  RecordingContacts,
  RecordingLog,
  RecordingTimers,
} from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const ROUTE = 'GET /v1/admin/directory';
const LISTING: CatalogListing = {
  queues: [
    { id: 'q-sales', name: 'Sales' },
    { id: 'q-billing', name: 'Billing' },
  ],
  agentGroups: [{ id: 'g-trainees', name: 'Trainees' }],
  statuses: [
    { id: 's-lunch', name: 'Lunch', type: 'CUSTOM' },
    { id: 's-available', name: 'Available', type: 'ROUTABLE' },
  ],
};

let clock: FakeClock;
let kept: DirectoryCatalog | undefined;
let listings: number;
let connectFails: boolean;
let app: App;

beforeEach(() => {
  clock = new FakeClock('2026-03-02T09:00:30.000Z');
  kept = undefined;
  listings = 0;
  connectFails = false;
  const store: CatalogStore = {
    read: async () => kept,
    write: async (_arn, catalog) => {
      kept = catalog;
    },
  };
  const source = {
    list: async (instanceArn: string) => {
      expect(instanceArn).toBe(INSTANCE_ARN);
      listings += 1;
      if (connectFails) throw new Error('AccessDeniedException: not authorized');
      return LISTING;
    },
  };
  app = {
    deps: {
      store: new MemorySessionStore(),
      timers: new RecordingTimers(clock),
      agents: new RecordingAgents(clock),
      contacts: new RecordingContacts(),
      clock,
      log: new RecordingLog(),
      catalog: { source, store },
    },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
  };
});

function event(as: string): APIGatewayProxyEventV2WithJWTAuthorizer {
  return {
    version: '2.0',
    routeKey: ROUTE,
    rawPath: '/v1/admin/directory',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            username: as,
            ...(as === 'sue' ? { 'cognito:groups': '[supervisors]' } : {}),
            ...(as === 'ada' ? { 'cognito:groups': '[admins]' } : {}),
          },
          scopes: [],
        },
      },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'GET',
        path: '/v1/admin/directory',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'test',
      },
      requestId: 'req-1',
      routeKey: ROUTE,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function call(as: string) {
  const handler = makeApiHandler({ app, users: new FakeUsers(), clock });
  const result = (await handler(event(as))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

describe('GET /v1/admin/directory (R20)', () => {
  it('R20: a supervisor gets queues, agent groups and statuses by name, and when they were listed', async () => {
    const { status, body } = await call('sue');

    expect(status).toBe(200);
    expect(body).toEqual({
      queues: [
        { id: 'q-billing', name: 'Billing' },
        { id: 'q-sales', name: 'Sales' },
      ],
      agentGroups: [{ id: 'g-trainees', name: 'Trainees' }],
      statuses: [
        { id: 's-available', name: 'Available', type: 'ROUTABLE' },
        { id: 's-lunch', name: 'Lunch', type: 'CUSTOM' },
      ],
      refreshedAt: '2026-03-02T09:00:30.000Z',
    });
  });

  it('R20: the route is for supervisors and administrators (who need not be Connect users): an agent gets 403', async () => {
    const { status, body } = await call('anna');

    expect(status).toBe(403);
    expect(body.error).toBe('FORBIDDEN');
    expect(listings).toBe(0);
    expect(API_ROUTES).toContainEqual({
      method: 'GET',
      path: '/v1/admin/directory',
      audience: 'policyReader',
    });
    // An administrator, no Connect user (FakeUsers knows no "ada"), picks queues by name.
    expect((await call('ada')).status).toBe(200);
  });

  it('R20: a kept catalog is answered without listing Connect again', async () => {
    await call('sue');
    clock.advance(10 * 60_000);

    const { body } = await call('sue');

    expect(listings).toBe(1);
    expect(body.refreshedAt).toBe('2026-03-02T09:00:30.000Z');
  });

  it('R20: none kept and Connect refusing: 503 DIRECTORY_UNAVAILABLE, nothing of the cause leaks', async () => {
    connectFails = true;

    const { status, body } = await call('sue');

    expect(status).toBe(503);
    expect(body.error).toBe('DIRECTORY_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toContain('AccessDenied');
  });

  it('R20: the answer has exactly the fields the OpenAPI document describes', async () => {
    const doc = JSON.parse(
      readFileSync(fileURLToPath(new URL('../../openapi/acw-api.json', import.meta.url)), 'utf8'),
    ) as { components: { schemas: Record<string, { required: string[] }> } };
    const schemas = doc.components.schemas;

    const { body } = await call('sue');

    expect(Object.keys(body).sort()).toEqual([...(schemas.Directory?.required ?? [])].sort());
    const queue = (body.queues as object[])[0] ?? {};
    const group = (body.agentGroups as object[])[0] ?? {};
    const status = (body.statuses as object[])[0] ?? {};
    expect(Object.keys(queue).sort()).toEqual([...(schemas.DirectoryQueue?.required ?? [])].sort());
    expect(Object.keys(group).sort()).toEqual([...(schemas.DirectoryAgentGroup?.required ?? [])].sort());
    expect(Object.keys(status).sort()).toEqual([...(schemas.DirectoryStatus?.required ?? [])].sort());
  });
});
