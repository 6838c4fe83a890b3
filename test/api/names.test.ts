/**
 * R20: the API's views carry `agentName` and `queueName` from the instance's directory; null when
 * it cannot name them, and a failing directory never fails the request (a warning is logged).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { Directory, DirectoryNames } from '../../lambda/core/ports';
import { markHeld, openSession } from '../../lambda/core/session';
import { makeApiHandler } from '../../lambda/handlers/api';
import type { App } from '../../lambda/handlers/runtime';
import { AGENT_A, AGENT_B, FakeUsers } from '../support/api-users';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { INSTANCE_ARN } from '../support/events';
import {
  FakeClock,
  RecordingAgents,
  RecordingContacts,
  RecordingLog,
  RecordingTimers,
} from '../support/fakes';

const STARTED = '2026-03-02T09:00:00.000Z';

/** Names AGENT_A and q-sales only; records what it was asked. */
class FakeDirectory implements Directory {
  readonly asked: Array<{ instanceArn: string; queueIds: readonly string[]; agentIds: readonly string[] }> =
    [];
  failWith: Error | undefined;
  async names(
    instanceArn: string,
    ids: { queueIds: readonly string[]; agentIds: readonly string[] },
  ): Promise<DirectoryNames> {
    this.asked.push({ instanceArn, ...ids });
    if (this.failWith !== undefined) throw this.failWith;
    return {
      queues: new Map(
        [['q-sales', 'Sales']].filter(([id]) => ids.queueIds.includes(id ?? '')) as [string, string][],
      ),
      agents: new Map(
        [[AGENT_A, 'Anna Lima']].filter(([id]) => ids.agentIds.includes(id ?? '')) as [string, string][],
      ),
    };
  }
}

let dynamo: TestDynamo;
let store: DynamoSessionStore;
let clock: FakeClock;
let log: RecordingLog;
let directory: FakeDirectory;
let app: App;
let contactSeq = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  ({ store } = await dynamo.newStore());
  clock = new FakeClock('2026-03-02T09:00:30.000Z');
  log = new RecordingLog();
  directory = new FakeDirectory();
  app = {
    deps: {
      store,
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

async function wrapUp(agentId: string, queueId: string | undefined): Promise<string> {
  contactSeq += 1;
  const contactId = `contact-${contactSeq}`;
  const session = openSession({
    contactId,
    agentId,
    instanceArn: INSTANCE_ARN,
    channel: 'VOICE',
    ...(queueId === undefined ? {} : { queueId }),
    policy: parseAcwConfig({ policies: { default: { durationSeconds: 120 } } }).policies.default,
    policySource: 'default',
    startedAt: new Date(STARTED),
    now: new Date(STARTED),
  });
  await store.create(markHeld(session, new Date(STARTED), true, true));
  return contactId;
}

function event(routeKey: string, as: string, extra: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {}) {
  const supervisor = as === 'sue';
  return {
    version: '2.0',
    routeKey,
    rawPath: '/',
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
          claims: { username: as, ...(supervisor ? { 'cognito:groups': '[supervisors]' } : {}) },
          scopes: [],
        },
      },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    ...extra,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

async function call(
  routeKey: string,
  as: string,
  extra: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {},
) {
  const handler = makeApiHandler({ app, users: new FakeUsers(), clock });
  const result = (await handler(event(routeKey, as, extra))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

describe('R20: names in the API views', () => {
  it('R20: the supervisor list names agents and queues, null where the directory cannot, in one directory call', async () => {
    const named = await wrapUp(AGENT_A, 'q-sales');
    const unnamed = await wrapUp(AGENT_B, 'q-unknown');
    const outbound = await wrapUp(AGENT_A, undefined);

    const { status, body } = await call('GET /v1/wrap-ups', 'sue');

    expect(status).toBe(200);
    const byContact = new Map((body.wrapUps as Array<Record<string, unknown>>).map((w) => [w.contactId, w]));
    expect(byContact.get(named)).toMatchObject({
      agentName: 'Anna Lima',
      queueName: 'Sales',
      queueId: 'q-sales',
    });
    expect(byContact.get(unnamed)).toMatchObject({ agentName: null, queueName: null, queueId: 'q-unknown' });
    expect(byContact.get(outbound)).toMatchObject({ agentName: 'Anna Lima', queueName: null, queueId: null });
    expect(directory.asked).toHaveLength(1);
    expect(directory.asked[0]?.instanceArn).toBe(INSTANCE_ARN);
    expect([...(directory.asked[0]?.agentIds ?? [])].sort()).toEqual([AGENT_A, AGENT_B]);
    expect([...(directory.asked[0]?.queueIds ?? [])].sort()).toEqual(['q-sales', 'q-unknown']);
  });

  it("R20: the agent's own list and a changed wrap-up carry the names too", async () => {
    const contactId = await wrapUp(AGENT_A, 'q-sales');

    const own = await call('GET /v1/me/wrap-ups', 'anna');
    const extended = await call('POST /v1/me/wrap-ups/{contactId}/extend', 'anna', {
      pathParameters: { contactId },
    });

    expect(own.body.wrapUps).toEqual([
      expect.objectContaining({ agentName: 'Anna Lima', queueName: 'Sales' }),
    ]);
    expect(extended.status).toBe(200);
    expect(extended.body.wrapUp).toMatchObject({ agentName: 'Anna Lima', queueName: 'Sales' });
  });

  it('R20: a failing directory does not fail the request: names are null and a warning is logged', async () => {
    await wrapUp(AGENT_A, 'q-sales');
    directory.failWith = new Error('Rate exceeded');

    const { status, body } = await call('GET /v1/me/wrap-ups', 'anna');

    expect(status).toBe(200);
    expect(body.wrapUps).toEqual([
      expect.objectContaining({ agentName: null, queueName: null, queueId: 'q-sales' }),
    ]);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: { error: 'Error: Rate exceeded' } }),
    );
  });

  it('R20: without a directory (or with no wrap-ups) nothing is asked and names are null', async () => {
    const { status, body } = await call('GET /v1/me/wrap-ups', 'anna');
    expect(status).toBe(200);
    expect(body.wrapUps).toEqual([]);
    expect(directory.asked).toHaveLength(0);

    app = { ...app, deps: { ...app.deps, directory: undefined } };
    await wrapUp(AGENT_A, 'q-sales');
    const without = await call('GET /v1/me/wrap-ups', 'anna');
    expect(without.body.wrapUps).toEqual([expect.objectContaining({ agentName: null, queueName: null })]);
  });
});
