import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { type AcwConfigInput, parseAcwConfig } from '../../lambda/config/acw-config';
import { MAX_NOTES_LENGTH } from '../../lambda/core/actions';
import { indexPolicies } from '../../lambda/core/policy';
import { markHeld, openSession } from '../../lambda/core/session';
import { makeApiHandler } from '../../lambda/handlers/api';
import { groupsOf } from '../../lambda/handlers/api-claims';
import type { App } from '../../lambda/handlers/runtime';
import { AGENT_A, AGENT_B, BOSS, FakeUsers } from '../support/api-users';
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

let dynamo: TestDynamo;
let store: DynamoSessionStore;
let clock: FakeClock;
let timers: RecordingTimers;
let agents: RecordingAgents;
let log: RecordingLog;
let app: App;
let contactSeq = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  // A table per test: the open-session listings see only this test's sessions.
  ({ store } = await dynamo.newStore());
  clock = new FakeClock('2026-03-02T09:00:30.000Z');
  timers = new RecordingTimers(clock);
  agents = new RecordingAgents(clock);
  log = new RecordingLog();
  app = {
    deps: { store, timers, agents, contacts: new RecordingContacts(), clock, log },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
  };
});

type PolicyInput = NonNullable<NonNullable<AcwConfigInput['policies']>['default']>;

/** An open, held wrap-up of `agentId` started at STARTED with `policy` on top of a 120 s default. */
async function wrapUp(
  agentId: string,
  policy: Partial<PolicyInput> = {},
  queueId = 'q-sales',
): Promise<string> {
  contactSeq += 1;
  const contactId = `contact-${contactSeq}`;
  const resolved = parseAcwConfig({ policies: { default: { durationSeconds: 120, ...policy } } }).policies
    .default;
  const session = openSession({
    contactId,
    agentId,
    instanceArn: INSTANCE_ARN,
    channel: 'VOICE',
    queueId,
    policy: resolved,
    policySource: 'default',
    startedAt: new Date(STARTED),
    now: new Date(STARTED),
  });
  await store.create(markHeld(session, new Date(STARTED), true, true));
  return contactId;
}

const CODES = [
  { code: 'SALE', label: 'Sale' },
  { code: 'NO_SALE', label: 'No sale' },
];

interface Call {
  readonly as?: string;
  readonly groups?: string | string[];
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly claims?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
}

function event(routeKey: string, call: Call = {}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const claims =
    call.claims ??
    ({
      sub: 'sub-1',
      username: call.as ?? 'anna',
      ...(call.groups === undefined ? {} : { 'cognito:groups': call.groups }),
    } as Record<string, string | string[]>);
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(call.headers ?? {}) },
    ...(call.query === undefined ? {} : { queryStringParameters: call.query }),
    ...(call.path === undefined ? {} : { pathParameters: call.path }),
    ...(call.body === undefined
      ? {}
      : { body: typeof call.body === 'string' ? call.body : JSON.stringify(call.body) }),
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

describe('GET /v1/me/wrap-ups', () => {
  it("lists only the caller's open wrap-ups, with countdown, extensions and dispositions, and the server time", async () => {
    const mine = await wrapUp(AGENT_A, { maxExtensions: 2, dispositionCodes: CODES, showCountdown: true });
    await wrapUp(AGENT_B);

    const { status, body } = await call('GET /v1/me/wrap-ups', { as: 'anna' });

    expect(status).toBe(200);
    expect(body.serverTime).toBe('2026-03-02T09:00:30.000Z');
    expect(body.wrapUps).toEqual([
      expect.objectContaining({
        contactId: mine,
        agentId: AGENT_A,
        channel: 'VOICE',
        queueId: 'q-sales',
        mode: 'timed',
        deadline: '2026-03-02T09:02:00.000Z',
        secondsLeft: 90,
        extensionsLeft: 2,
        dispositionCodes: CODES,
        requireDisposition: false,
        showCountdown: true,
        disposition: null,
        notes: null,
      }),
    ]);
  });

  it('R3: an untimed wrap-up has no deadline and no seconds left', async () => {
    await wrapUp(AGENT_A, { mode: 'untimed' });

    const { body } = await call('GET /v1/me/wrap-ups', { as: 'anna' });

    expect(body.wrapUps).toEqual([
      expect.objectContaining({ mode: 'untimed', deadline: null, secondsLeft: null }),
    ]);
  });
});

describe('agent actions', () => {
  it('R5: extends the caller own wrap-up by extensionSeconds and arms the new timer', async () => {
    const contactId = await wrapUp(AGENT_A, { extensionSeconds: 60, maxExtensions: 1 });

    const { status, body } = await call('POST /v1/me/wrap-ups/{contactId}/extend', { path: { contactId } });

    expect(status).toBe(200);
    expect(body.wrapUp).toMatchObject({
      deadline: '2026-03-02T09:03:00.000Z',
      secondsLeft: 150,
      extensionsLeft: 0,
    });
    expect(timers.armed.map((a) => a.payload.deadline)).toEqual(['2026-03-02T09:03:00.000Z']);
    expect((await store.get(contactId, AGENT_A))?.history.at(-2)).toMatchObject({
      what: 'EXTENDED',
      by: `agent:${AGENT_A}`,
    });
  });

  it("agent A acting on agent B's wrap-up gets 404 and changes nothing, on every /me action", async () => {
    const theirs = await wrapUp(AGENT_B, { dispositionCodes: CODES });
    const before = await store.get(theirs, AGENT_B);

    const answers = await Promise.all([
      call('POST /v1/me/wrap-ups/{contactId}/extend', { as: 'anna', path: { contactId: theirs } }),
      call('POST /v1/me/wrap-ups/{contactId}/done', { as: 'anna', path: { contactId: theirs }, body: {} }),
      call('PUT /v1/me/wrap-ups/{contactId}', {
        as: 'anna',
        path: { contactId: theirs },
        body: { notes: 'x' },
      }),
    ]);

    expect(answers).toEqual(Array(3).fill({ status: 404, body: { error: 'NOT_FOUND' } }));
    expect(await store.get(theirs, AGENT_B)).toEqual(before);
  });

  it('R6: All Done with a disposition and notes closes the wrap-up and puts the agent back to routable', async () => {
    const contactId = await wrapUp(AGENT_A, {
      dispositionCodes: CODES,
      requireDisposition: true,
      mode: 'untimed',
    });

    const { status, body } = await call('POST /v1/me/wrap-ups/{contactId}/done', {
      path: { contactId },
      body: { disposition: 'SALE', notes: 'renewal' },
    });

    expect(status).toBe(200);
    expect(body.wrapUp).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'AGENT_DONE',
      disposition: 'SALE',
      notes: 'renewal',
    });
    expect(agents.calls).toEqual([expect.objectContaining({ agentId: AGENT_A, status: 'ROUTABLE' })]);
  });

  it('PUT sets the disposition and notes of an open wrap-up and keeps it open', async () => {
    const contactId = await wrapUp(AGENT_A, { dispositionCodes: CODES });

    const { status, body } = await call('PUT /v1/me/wrap-ups/{contactId}', {
      path: { contactId },
      body: { disposition: 'NO_SALE', notes: 'call back Tuesday' },
    });

    expect(status).toBe(200);
    expect(body.wrapUp).toMatchObject({
      state: 'WRAP_UP',
      disposition: 'NO_SALE',
      notes: 'call back Tuesday',
    });
    expect((await store.get(contactId, AGENT_A))?.notes).toBe('call back Tuesday');
  });
});

describe('refusals: 409 with the reason code', () => {
  it.each([
    ['EXTENSION_LIMIT', { maxExtensions: 0 }, 'POST /v1/me/wrap-ups/{contactId}/extend', undefined],
    ['NOT_EXTENDABLE', { mode: 'untimed' }, 'POST /v1/me/wrap-ups/{contactId}/extend', undefined],
    ['EARLY_END_FORBIDDEN', { mode: 'forced' }, 'POST /v1/me/wrap-ups/{contactId}/done', {}],
    [
      'DISPOSITION_REQUIRED',
      { mode: 'untimed', requireDisposition: true, dispositionCodes: CODES },
      'POST /v1/me/wrap-ups/{contactId}/done',
      {},
    ],
    [
      'UNKNOWN_DISPOSITION',
      { dispositionCodes: CODES },
      'PUT /v1/me/wrap-ups/{contactId}',
      { disposition: 'NOPE' },
    ],
  ] as const)('%s', async (code, policy, routeKey, body) => {
    const contactId = await wrapUp(AGENT_A, policy as Partial<PolicyInput>);
    const before = await store.get(contactId, AGENT_A);

    const answer = await call(routeKey, { path: { contactId }, ...(body === undefined ? {} : { body }) });

    expect(answer.status).toBe(409);
    expect(answer.body.error).toBe(code);
    expect(await store.get(contactId, AGENT_A)).toEqual(before);
  });

  it('SESSION_CLOSED: a second All Done on the same wrap-up', async () => {
    const contactId = await wrapUp(AGENT_A);
    await call('POST /v1/me/wrap-ups/{contactId}/done', { path: { contactId } });

    const again = await call('POST /v1/me/wrap-ups/{contactId}/done', { path: { contactId } });

    expect(again).toMatchObject({ status: 409, body: { error: 'SESSION_CLOSED' } });
  });
});

describe('bad requests: 400 naming the field', () => {
  it.each([
    ['not JSON', '{"notes": ', /body must be JSON/],
    ['an array', '[1]', /body must be a JSON object/],
    ['an unknown field', { notes: 'x', priority: 1 }, /unknown field "priority"/],
    ['a disposition that is not a string', { disposition: 7 }, /disposition must be a string/],
    ['a disposition with spaces', { disposition: 'no sale' }, /disposition must be a code/],
    ['notes that are not a string', { notes: ['x'] }, /notes must be a string/],
    [
      'notes over the limit',
      { notes: 'n'.repeat(MAX_NOTES_LENGTH + 1) },
      /notes must be at most 2000 characters/,
    ],
    ['a body over 8 KB', { notes: 'n'.repeat(9000) }, /body must be at most 8192 bytes/],
    ['nothing to set', {}, /body must set disposition, notes or nextStatus/],
  ])('PUT with %s', async (_name, body, message) => {
    const contactId = await wrapUp(AGENT_A, { dispositionCodes: CODES });

    const answer = await call('PUT /v1/me/wrap-ups/{contactId}', { path: { contactId }, body });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('BAD_REQUEST');
    expect(answer.body.message).toMatch(message);
  });

  it('extend with a body field is refused, naming it', async () => {
    const contactId = await wrapUp(AGENT_A);

    const answer = await call('POST /v1/me/wrap-ups/{contactId}/extend', {
      path: { contactId },
      body: { seconds: 600 },
    });

    expect(answer).toEqual({
      status: 400,
      body: { error: 'BAD_REQUEST', message: 'unknown field "seconds"' },
    });
  });

  it('a malformed contact id is refused, naming contactId', async () => {
    const answer = await call('POST /v1/me/wrap-ups/{contactId}/extend', { path: { contactId: 'a/b' } });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^contactId /);
  });

  it('a malformed queueId filter is refused, naming queueId', async () => {
    const answer = await call('GET /v1/wrap-ups', {
      as: 'sue',
      groups: '[supervisors]',
      query: { queueId: 'a b' },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^queueId /);
  });
});

describe('supervisors', () => {
  it.each([
    ['GET /v1/wrap-ups', {}],
    ['POST /v1/wrap-ups/{contactId}/{agentId}/extend', { contactId: 'c', agentId: AGENT_B }],
    ['POST /v1/wrap-ups/{contactId}/{agentId}/done', { contactId: 'c', agentId: AGENT_B }],
  ])('a caller outside the supervisors group gets 403 on %s', async (routeKey, path) => {
    const answer = await call(routeKey, { as: 'anna', groups: '[agents]', path });

    expect(answer.status).toBe(403);
    expect(answer.body.error).toBe('FORBIDDEN');
  });

  it('lists everyone open wrap-ups, filtered by queue', async () => {
    const sales = await wrapUp(AGENT_A, {}, 'q-sales');
    await wrapUp(AGENT_B, {}, 'q-support');

    const all = await call('GET /v1/wrap-ups', { as: 'sue', groups: '[supervisors]' });
    const filtered = await call('GET /v1/wrap-ups', {
      as: 'sue',
      groups: ['supervisors'],
      query: { queueId: 'q-sales' },
    });

    expect(all.status).toBe(200);
    expect((all.body.wrapUps as unknown[]).length).toBe(2);
    expect(filtered.body.wrapUps).toEqual([expect.objectContaining({ contactId: sales, agentId: AGENT_A })]);
  });

  it("extends and ends any agent's wrap-up, recorded as the supervisor", async () => {
    const contactId = await wrapUp(AGENT_B);

    const extended = await call('POST /v1/wrap-ups/{contactId}/{agentId}/extend', {
      as: 'sue',
      groups: '[agents supervisors]',
      path: { contactId, agentId: AGENT_B },
    });
    const done = await call('POST /v1/wrap-ups/{contactId}/{agentId}/done', {
      as: 'sue',
      groups: '[agents supervisors]',
      path: { contactId, agentId: AGENT_B },
    });

    expect(extended.status).toBe(200);
    expect(done.body.wrapUp).toMatchObject({ state: 'CLOSED_COMPLETE', endReason: 'AGENT_DONE' });
    const history = (await store.get(contactId, AGENT_B))?.history ?? [];
    expect(history.filter((h) => h.by === `supervisor:${BOSS}`).map((h) => h.what)).toEqual([
      'EXTENDED',
      'CLOSED',
    ]);
  });

  it('an unknown contact or agent is 404', async () => {
    const answer = await call('POST /v1/wrap-ups/{contactId}/{agentId}/done', {
      as: 'sue',
      groups: ['supervisors'],
      path: { contactId: 'nope', agentId: AGENT_B },
    });

    expect(answer).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
  });
});

describe("the desktop's agent hint", () => {
  it('a hint naming the signed-in agent (ARN or id) is accepted; extensionsUsed is in the view', async () => {
    const mine = await wrapUp(AGENT_A, { maxExtensions: 2 });
    for (const hint of [`${INSTANCE_ARN}/agent/${AGENT_A}`, AGENT_A]) {
      const { status, body } = await call('GET /v1/me/wrap-ups', {
        as: 'anna',
        headers: { 'X-Acw-Agent-Hint': hint },
      });
      expect(status).toBe(200);
      expect(body.wrapUps).toEqual([
        expect.objectContaining({ contactId: mine, extensionsUsed: 0, extensionsLeft: 2 }),
      ]);
    }
  });

  it('a hint naming another agent is refused (403 AGENT_MISMATCH) and changes nothing', async () => {
    const mine = await wrapUp(AGENT_A);
    const { status, body } = await call('POST /v1/me/wrap-ups/{contactId}/done', {
      as: 'anna',
      path: { contactId: mine },
      body: {},
      headers: { 'x-acw-agent-hint': `${INSTANCE_ARN}/agent/${AGENT_B}` },
    });
    expect(status).toBe(403);
    expect(body.error).toBe('AGENT_MISMATCH');
    expect((await store.get(mine, AGENT_A))?.state).toBe('WRAP_UP');
  });

  it('supervisor routes ignore the hint', async () => {
    await wrapUp(AGENT_A);
    const { status } = await call('GET /v1/wrap-ups', {
      as: 'sue',
      groups: ['supervisors'],
      headers: { 'x-acw-agent-hint': 'someone-else' },
    });
    expect(status).toBe(200);
  });
});

describe('caller identity', () => {
  it('a token without the username claim is 401', async () => {
    const answer = await call('GET /v1/me/wrap-ups', { claims: { sub: 'x' } });

    expect(answer).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
  });

  it('a login that is no Connect user of the instance is 403', async () => {
    const answer = await call('GET /v1/me/wrap-ups', { as: 'mallory' });

    expect(answer).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
  });

  it.each([
    ['[supervisors agents]', ['supervisors', 'agents']],
    ['supervisors,agents', ['supervisors', 'agents']],
    [['supervisors'], ['supervisors']],
    ['', []],
    [undefined, []],
  ])('reads the groups claim %j as %j', (claim, groups) => {
    expect(groupsOf(claim)).toEqual(groups);
  });
});

describe('errors', () => {
  it('an unexpected failure is a 500 with a generic message and the request id; the cause is only logged', async () => {
    const contactId = await wrapUp(AGENT_A);
    app = {
      ...app,
      deps: {
        ...app.deps,
        // The real store, but its reads fail the way an SDK error would.
        store: Object.assign(Object.create(store) as DynamoSessionStore, {
          get: async () => Promise.reject(new Error('DynamoDB secret detail')),
        }),
      },
    };

    const answer = await call('POST /v1/me/wrap-ups/{contactId}/extend', { path: { contactId } });

    expect(answer).toEqual({
      status: 500,
      body: { error: 'INTERNAL', message: 'something went wrong; request id req-1' },
    });
    expect(JSON.stringify(answer)).not.toMatch(/secret/);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ error: expect.stringMatching(/secret/) }),
      }),
    ]);
  });

  it('an unknown route is 404', async () => {
    const answer = await call('DELETE /v1/me/wrap-ups/{contactId}');

    expect(answer).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
  });
});
