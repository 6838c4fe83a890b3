/**
 * R19 through the HTTP API: PUT with `nextStatus` (agent and supervisor), GET /v1/me/statuses,
 * `nextStatus` in the views, 400 UNKNOWN_STATUS naming a status an agent may not choose.
 * The store is the in-memory one that test/adapters/store-contract.test.ts proves equivalent.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { ChoosableStatus, StatusDirectory } from '../../lambda/core/ports';
import { markHeld, openSession } from '../../lambda/core/session';
import { makeApiHandler } from '../../lambda/handlers/api';
import type { App } from '../../lambda/handlers/runtime';
import { AGENT_A, AGENT_B, BOSS, FakeUsers } from '../support/api-users';
import { INSTANCE_ARN } from '../support/events';
import {
  FakeClock,
  RecordingAgents,
  RecordingContacts,
  RecordingLog,
  RecordingTimers,
} from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const STARTED = '2026-03-02T09:00:00.000Z';

/** The instance's enabled statuses but the wrap-up status ("Meeting" is disabled: not listed). */
class FakeDirectory implements StatusDirectory {
  calls = 0;
  async choosable(instanceArn: string): Promise<readonly ChoosableStatus[]> {
    this.calls += 1;
    expect(instanceArn).toBe(INSTANCE_ARN);
    return [
      { name: 'Available', type: 'ROUTABLE' },
      { name: 'Lunch', type: 'CUSTOM' },
      { name: 'Training', type: 'CUSTOM' },
      { name: 'Offline', type: 'OFFLINE' },
    ];
  }
}

let store: MemorySessionStore;
let clock: FakeClock;
let directory: FakeDirectory;
let app: App;
let contactSeq = 0;

beforeEach(() => {
  store = new MemorySessionStore();
  clock = new FakeClock('2026-03-02T09:00:30.000Z');
  directory = new FakeDirectory();
  app = {
    deps: {
      store,
      timers: new RecordingTimers(clock),
      agents: new RecordingAgents(clock),
      contacts: new RecordingContacts(),
      clock,
      log: new RecordingLog(),
      statuses: directory,
    },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
  };
});

async function wrapUp(agentId: string): Promise<string> {
  contactSeq += 1;
  const contactId = `contact-${contactSeq}`;
  const session = openSession({
    contactId,
    agentId,
    instanceArn: INSTANCE_ARN,
    channel: 'VOICE',
    queueId: 'q-sales',
    policy: parseAcwConfig({ policies: { default: { durationSeconds: 120 } } }).policies.default,
    policySource: 'default',
    startedAt: new Date(STARTED),
    now: new Date(STARTED),
  });
  await store.create(markHeld(session, new Date(STARTED), true, true));
  return contactId;
}

interface Call {
  readonly as?: string;
  readonly groups?: string;
  readonly path?: Record<string, string>;
  readonly body?: unknown;
}

function event(routeKey: string, call: Call): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const claims: Record<string, string> = {
    sub: 'sub-1',
    username: call.as ?? 'anna',
    ...(call.groups === undefined ? {} : { 'cognito:groups': call.groups }),
  };
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(call.path === undefined ? {} : { pathParameters: call.path }),
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
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

async function call(routeKey: string, options: Call = {}) {
  const handler = makeApiHandler({ app, users: new FakeUsers(), clock });
  const result = (await handler(event(routeKey, options))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

const PUT_MINE = 'PUT /v1/me/wrap-ups/{contactId}';
const PUT_ANY = 'PUT /v1/wrap-ups/{contactId}/{agentId}';

describe('R19 GET /v1/me/statuses', () => {
  it('R19: lists the statuses an agent may choose, by name and type', async () => {
    const { status, body } = await call('GET /v1/me/statuses');

    expect(status).toBe(200);
    expect(body).toEqual({
      serverTime: '2026-03-02T09:00:30.000Z',
      statuses: [
        { name: 'Available', type: 'ROUTABLE' },
        { name: 'Lunch', type: 'CUSTOM' },
        { name: 'Training', type: 'CUSTOM' },
        { name: 'Offline', type: 'OFFLINE' },
      ],
    });
  });

  it('R19: a login that is no Connect user gets 403 and no list', async () => {
    const { status } = await call('GET /v1/me/statuses', { as: 'mallory' });

    expect(status).toBe(403);
    expect(directory.calls).toBe(0);
  });
});

describe('R19 PUT nextStatus', () => {
  it('R19: the agent chooses Lunch: 200, the wrap-up stays open, and the views carry it', async () => {
    const contactId = await wrapUp(AGENT_A);

    const put = await call(PUT_MINE, { path: { contactId }, body: { nextStatus: 'Lunch' } });
    const mine = await call('GET /v1/me/wrap-ups');
    const board = await call('GET /v1/wrap-ups', { as: 'sue', groups: '[supervisors]' });

    expect(put.status).toBe(200);
    expect(put.body.wrapUp).toMatchObject({ contactId, state: 'WRAP_UP', nextStatus: 'Lunch' });
    expect(mine.body.wrapUps).toEqual([expect.objectContaining({ contactId, nextStatus: 'Lunch' })]);
    expect(board.body.wrapUps).toEqual([expect.objectContaining({ contactId, nextStatus: 'Lunch' })]);
  });

  it('R19: views show nextStatus null when none was chosen', async () => {
    const contactId = await wrapUp(AGENT_A);

    const mine = await call('GET /v1/me/wrap-ups');

    expect(mine.body.wrapUps).toEqual([expect.objectContaining({ contactId, nextStatus: null })]);
  });

  it('R19: null goes back to the routable status', async () => {
    const contactId = await wrapUp(AGENT_A);
    await call(PUT_MINE, { path: { contactId }, body: { nextStatus: 'Lunch' } });

    const put = await call(PUT_MINE, { path: { contactId }, body: { nextStatus: null } });

    expect(put.status).toBe(200);
    expect(put.body.wrapUp).toMatchObject({ nextStatus: null });
  });

  it.each([
    ['an unknown status', 'Gardening'],
    ['a disabled status', 'Meeting'],
    ['the wrap-up status', 'Wrap Up'],
  ])('R19: %s is 400 UNKNOWN_STATUS naming it, and nothing changes', async (_what, nextStatus) => {
    const contactId = await wrapUp(AGENT_A);

    const put = await call(PUT_MINE, { path: { contactId }, body: { nextStatus, notes: 'dropped' } });

    expect(put.status).toBe(400);
    expect(put.body.error).toBe('UNKNOWN_STATUS');
    expect(put.body.message).toContain(`"${nextStatus}"`);
    expect(put.body.message).toContain('Available, Lunch, Training, Offline');
    const stored = await store.get(contactId, AGENT_A);
    expect(stored?.nextStatus).toBeUndefined();
    expect(stored?.notes).toBeUndefined();
  });

  it.each([
    ['a number', 7],
    ['an empty name', ''],
    ['a name over 127 characters', 'x'.repeat(128)],
  ])('R19: nextStatus as %s is 400 naming the field', async (_what, nextStatus) => {
    const contactId = await wrapUp(AGENT_A);

    const put = await call(PUT_MINE, { path: { contactId }, body: { nextStatus } });

    expect(put).toMatchObject({ status: 400, body: { error: 'BAD_REQUEST' } });
    expect(put.body.message).toMatch(/^nextStatus must be an agent status name/);
  });

  it("R19: another agent's wrap-up is 404 and keeps its choice", async () => {
    const contactId = await wrapUp(AGENT_B);

    const put = await call(PUT_MINE, { as: 'anna', path: { contactId }, body: { nextStatus: 'Lunch' } });

    expect(put.status).toBe(404);
    expect((await store.get(contactId, AGENT_B))?.nextStatus).toBeUndefined();
  });
});

describe('R19 PUT /v1/wrap-ups/{contactId}/{agentId} (supervisors)', () => {
  it("R19: a supervisor sets an agent's status after wrap-up, recorded as theirs", async () => {
    const contactId = await wrapUp(AGENT_B);

    const put = await call(PUT_ANY, {
      as: 'sue',
      groups: '[supervisors]',
      path: { contactId, agentId: AGENT_B },
      body: { nextStatus: 'Training', notes: 'coaching' },
    });

    expect(put.status).toBe(200);
    expect(put.body.wrapUp).toMatchObject({ agentId: AGENT_B, nextStatus: 'Training', notes: 'coaching' });
    const stored = await store.get(contactId, AGENT_B);
    expect(stored?.history.at(-1)).toMatchObject({
      what: 'NEXT_STATUS_CHOSEN',
      by: `supervisor:${BOSS}`,
      detail: 'Training',
    });
  });

  it('R19: an agent is 403 on the supervisor route, and nothing changes', async () => {
    const contactId = await wrapUp(AGENT_B);

    const put = await call(PUT_ANY, {
      as: 'anna',
      path: { contactId, agentId: AGENT_B },
      body: { nextStatus: 'Lunch' },
    });

    expect(put.status).toBe(403);
    expect((await store.get(contactId, AGENT_B))?.nextStatus).toBeUndefined();
  });

  it('R19: the supervisor route refuses an unknown status like the agent route', async () => {
    const contactId = await wrapUp(AGENT_B);

    const put = await call(PUT_ANY, {
      as: 'sue',
      groups: '[supervisors]',
      path: { contactId, agentId: AGENT_B },
      body: { nextStatus: 'Gardening' },
    });

    expect(put).toMatchObject({ status: 400, body: { error: 'UNKNOWN_STATUS' } });
  });
});
