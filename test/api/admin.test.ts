/**
 * R20: the administrators' routes of the API (`/v1/admin/`), through the real handler, with R18's
 * kill switch override; every test on two policy stores: DynamoPolicyStore on dynalite (whose
 * missing TransactWriteItems the simulator's and the local server's emulation runs, sim/dynamo.ts), and
 * the adapter's in-memory model, which test/adapters/policy-store-contract.test.ts holds to
 * DynamoPolicyStore on moto (real transactions; moto is too slow to start for this loop).
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { sessionTableDefinition } from '../../lambda/adapters/session-keys';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import type { PolicyConfig } from '../../lambda/core/config';
import { OverridableKillSwitch } from '../../lambda/core/kill-switch';
import { indexPolicies } from '../../lambda/core/policy';
import { LivePolicies } from '../../lambda/core/policy-live';
import type {
  Directory,
  DirectoryNames,
  KillSwitch,
  KillSwitchWrite,
  PolicyChangeRecord,
  PolicyHistoryRecord,
  PolicyImportRecord,
  PolicyOverrides,
  PolicyReplacement,
  PolicyStore,
  PolicyWrite,
} from '../../lambda/core/ports';
import { makeApiHandler } from '../../lambda/handlers/api';
import type { App } from '../../lambda/handlers/runtime';
import { carryOutTransactions } from '../../sim/dynamo';
import { FakeUsers } from '../support/api-users';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { INSTANCE_ARN } from '../support/events';
import { type FakeClock, type RecordingLog, testDeps } from '../support/fakes';
import { MemoryPolicyStore, MemorySessionStore } from '../support/memory-store';

const QUEUE_ARN = `${INSTANCE_ARN}/queue/q-billing`;
const BASELINE: PolicyConfig = parseAcwConfig({
  policies: {
    default: {
      durationSeconds: 120,
      dispositionCodes: [
        { code: 'SALE', label: 'Sale' },
        { code: 'NO_SALE', label: 'No sale' },
      ],
    },
    channels: { CHAT: { durationSeconds: 60 } },
    queues: { [QUEUE_ARN]: { durationSeconds: 300 }, 'q-sales': { maxExtensions: 3 } },
    profiles: { tier3: { durationSeconds: 600 } },
    agentGroups: { 'g-trainees': { extensionSeconds: 90 } },
  },
}).policies;

/** The instance's queue names, as the directory of names gives them. */
class FakeDirectory implements Directory {
  async names(_instanceArn: string, ids: { queueIds: readonly string[] }): Promise<DirectoryNames> {
    const known = new Map([['q-billing', 'Billing']]);
    return {
      queues: new Map(ids.queueIds.flatMap((id) => (known.has(id) ? [[id, known.get(id) ?? '']] : []))),
      agents: new Map(),
    };
  }
}

/** R18: the deployed SSM parameter, as a switch the test sets. */
class ParameterSwitch implements KillSwitch {
  on = true;
  async isOn(): Promise<boolean> {
    return this.on;
  }
}

/** A policy store that counts its document reads (R20: at most one a minute per instance). */
class CountingStore implements PolicyStore {
  reads = 0;
  constructor(private readonly inner: PolicyStore) {}
  read(): Promise<PolicyOverrides> {
    this.reads += 1;
    return this.inner.read();
  }
  write(change: PolicyWrite): Promise<PolicyChangeRecord> {
    return this.inner.write(change);
  }
  history(limit: number): Promise<PolicyHistoryRecord[]> {
    return this.inner.history(limit);
  }
  replaceAll(replacement: PolicyReplacement): Promise<PolicyImportRecord> {
    return this.inner.replaceAll(replacement);
  }
  writeKillSwitch(change: KillSwitchWrite): Promise<PolicyChangeRecord> {
    return this.inner.writeKillSwitch(change);
  }
}

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
  const keys = (sessionTableDefinition('keys').KeySchema ?? []).map((key) => key.AttributeName ?? '');
  carryOutTransactions(dynamo.client, dynamo.raw, keys);
});
afterAll(() => dynamo.close());

const STORES: ReadonlyArray<readonly [string, () => Promise<PolicyStore>]> = [
  [
    'DynamoPolicyStore on dynalite',
    async () => {
      const { tableName } = await dynamo.newStore();
      return new DynamoPolicyStore({ client: dynamo.client, tableName });
    },
  ],
  ['the policy store model', async () => new MemoryPolicyStore()],
];

let store: CountingStore;
let clock: FakeClock;
let log: RecordingLog;
let deployed: ParameterSwitch;
let app: App;

beforeEach(() => {
  const built = testDeps(new MemorySessionStore(), '2026-03-02T09:00:00.000Z');
  clock = built.clock;
  log = built.log;
  deployed = new ParameterSwitch();
  app = {
    deps: { ...built.deps, directory: new FakeDirectory() },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(BASELINE) },
  };
});

interface Call {
  /** The username claim. @default jo@example.com, an administrator who is no Connect user */
  readonly as?: string;
  /** @default ['admins'] */
  readonly groups?: readonly string[];
  readonly path?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
}

function event(routeKey: string, call: Call): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const groups = call.groups ?? ['admins'];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(call.query === undefined ? {} : { queryStringParameters: call.query }),
    ...(call.path === undefined ? {} : { pathParameters: call.path }),
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      authorizer: {
        principalId: '',
        integrationLatency: 0,
        jwt: {
          claims: {
            sub: 'sub-1',
            username: call.as ?? 'jo@example.com',
            // As API Gateway flattens Cognito's array.
            ...(groups.length === 0 ? {} : { 'cognito:groups': `[${groups.join(' ')}]` }),
          },
          scopes: [],
        },
      },
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

// biome-ignore lint/suspicious/noExplicitAny: answers are read as loose JSON, checked field by field
type Body = Record<string, any>;

async function call(routeKey: string, options: Call = {}): Promise<{ status: number; body: Body }> {
  const handler = makeApiHandler({
    app,
    users: new FakeUsers(),
    clock,
    admin: { store, baseline: BASELINE, deployedSwitch: deployed },
  });
  const result = (await handler(event(routeKey, options))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: JSON.parse(String(result.body)) as Body };
}

const PUT = 'PUT /v1/admin/policies/{level}/{key}';
const DELETE = 'DELETE /v1/admin/policies/{level}/{key}';
const KILL_SWITCH = 'PUT /v1/admin/kill-switch';

function put(level: string, key: string, body: unknown, as: Partial<Call> = {}) {
  return call(PUT, { path: { level, key }, body, ...as });
}

describe.each(STORES)('R20 administrator routes on %s', (_name, makeStore) => {
  beforeEach(async () => {
    store = new CountingStore(await makeStore());
  });

  describe('R20: who may call the administrator routes', () => {
    const routes: ReadonlyArray<readonly [string, Call]> = [
      ['GET /v1/admin/policies', {}],
      ['GET /v1/admin/policies/history', {}],
      ['POST /v1/admin/policies/preview', { body: { channel: 'VOICE' } }],
      [PUT, { path: { level: 'queue', key: 'q-1' }, body: { policy: {}, version: 0, reason: 'r' } }],
      [DELETE, { path: { level: 'queue', key: 'q-1' }, body: { version: 0, reason: 'r' } }],
      [KILL_SWITCH, { body: { state: 'off', version: 0, reason: 'r' } }],
    ];

    it.each(routes)(
      'R20: an agent gets 403 on %s, the message naming the group',
      async (routeKey, options) => {
        const answer = await call(routeKey, { ...options, as: 'anna', groups: ['agents'] });

        expect(answer.status).toBe(403);
        expect(answer.body.error).toBe('FORBIDDEN');
        expect(answer.body.message).toContain('admins');
      },
    );

    it.each(routes.slice(0, 3))('R20: a supervisor may read: %s', async (routeKey, options) => {
      const answer = await call(routeKey, { ...options, as: 'sue', groups: ['supervisors'] });

      expect(answer.status).toBe(200);
    });

    it.each(routes.slice(3))(
      'R20: a supervisor may not change: %s is 403 naming the admins group',
      async (routeKey, options) => {
        const answer = await call(routeKey, { ...options, as: 'sue', groups: ['supervisors'] });

        expect(answer).toEqual({
          status: 403,
          body: { error: 'FORBIDDEN', message: 'only members of admins may do this' },
        });
        expect((await store.read()).version).toBe(0);
      },
    );

    it('R20: an administrator need not be a Connect user (the admin routes never look the caller up)', async () => {
      const answer = await put('queue', 'q-1', {
        policy: { durationSeconds: 200 },
        version: 0,
        reason: 'longer',
      });

      expect(answer.status).toBe(200);
      expect(answer.body.change.by).toBe('admin:jo@example.com');
    });

    it('R20: the administrator group is acw.api.adminGroup', async () => {
      const api = parseAcwConfig({ api: { adminGroup: 'acw-admins' } }).api;
      const handler = makeApiHandler({
        app,
        users: new FakeUsers(),
        clock,
        api,
        admin: { store, baseline: BASELINE },
      });

      const refused = await handler(event('GET /v1/admin/policies', { groups: ['admins'] }));
      const allowed = await handler(event('GET /v1/admin/policies', { groups: ['acw-admins'] }));

      expect((refused as APIGatewayProxyStructuredResultV2).statusCode).toBe(403);
      expect((allowed as APIGatewayProxyStructuredResultV2).statusCode).toBe(200);
    });
  });

  describe('R20: GET /v1/admin/policies', () => {
    it('R20: lists every level and key in force, default first, queues by id and name, each deployed', async () => {
      const { status, body } = await call('GET /v1/admin/policies');

      expect(status).toBe(200);
      expect(body.version).toBe(0);
      expect(body.killSwitch).toEqual({ state: 'on', source: { kind: 'deployed' } });
      expect(body.policies.map((p: Body) => `${p.level}:${p.key}`)).toEqual([
        'default:-',
        'channel:CHAT',
        'queue:q-billing',
        'queue:q-sales',
        'profile:tier3',
        'agentGroup:g-trainees',
      ]);
      expect(body.policies[0]).toEqual({
        level: 'default',
        key: '-',
        policy: BASELINE.default,
        source: { kind: 'deployed' },
      });
      expect(body.policies[2]).toEqual({
        level: 'queue',
        key: 'q-billing',
        name: 'Billing',
        policy: { durationSeconds: 300 },
        source: { kind: 'deployed' },
      });
      // A queue the directory cannot name has no name.
      expect(body.policies[3]).not.toHaveProperty('name');
    });

    it('R20: a changed level shows who changed it, when, and on which version', async () => {
      await put('queue', 'q-new', { policy: { durationSeconds: 45 }, version: 0, reason: 'new queue' });
      clock.advance(1_000);
      await put('default', '-', { policy: { durationSeconds: 100 }, version: 1, reason: 'shorter' });

      const { body } = await call('GET /v1/admin/policies', { as: 'sue', groups: ['supervisors'] });

      expect(body.version).toBe(2);
      expect(body.policies[0]).toEqual({
        level: 'default',
        key: '-',
        policy: { ...BASELINE.default, durationSeconds: 100 },
        source: { kind: 'changed', by: 'admin:jo@example.com', at: '2026-03-02T09:00:01.000Z', version: 2 },
      });
      expect(body.policies.find((p: Body) => p.key === 'q-new')).toEqual({
        level: 'queue',
        key: 'q-new',
        policy: { durationSeconds: 45 },
        source: { kind: 'changed', by: 'admin:jo@example.com', at: '2026-03-02T09:00:00.000Z', version: 1 },
      });
    });
  });

  describe('R20: PUT /v1/admin/policies/{level}/{key}', () => {
    it("R20: sets the level's whole override on the version, answering the new version and the change", async () => {
      const { status, body } = await put('queue', 'q-billing', {
        policy: { mode: 'untimed' },
        version: 0,
        reason: 'billing agents end their own wrap-up',
      });

      expect(status).toBe(200);
      expect(body).toEqual({
        version: 1,
        change: {
          version: 1,
          at: '2026-03-02T09:00:00.000Z',
          by: 'admin:jo@example.com',
          reason: 'billing agents end their own wrap-up',
          level: 'queue',
          key: 'q-billing',
          after: { mode: 'untimed' },
        },
      });
      // The whole override: the baseline's durationSeconds 300 for the queue is gone, the default's applies.
      const preview = await call('POST /v1/admin/policies/preview', {
        body: { channel: 'VOICE', queueId: 'q-billing' },
      });
      expect(preview.body.policy.durationSeconds).toBe(120);
      expect(preview.body.policy.mode).toBe('untimed');
    });

    it('R20: a policy the deploy-time schema refuses is 400 INVALID_POLICY, each problem naming the field', async () => {
      const { status, body } = await put('queue', 'q-billing', {
        policy: { durationSeconds: -1, mode: 'sometimes' },
        version: 0,
        reason: 'typo',
      });

      expect(status).toBe(400);
      expect(body.error).toBe('INVALID_POLICY');
      expect(body.problems).toHaveLength(2);
      expect(body.problems[0]).toContain('acw.policies.queues["q-billing"].durationSeconds');
      expect(body.problems[1]).toContain('acw.policies.queues["q-billing"].mode');
      expect(body.message).toContain('durationSeconds');
      expect((await store.read()).version).toBe(0);
    });

    it('R20: a cross-field rule is checked against the policies in force (a timeout code must be one of the codes)', async () => {
      const { status, body } = await put('channel', 'CHAT', {
        policy: { defaultDispositionOnTimeout: 'MISSING' },
        version: 0,
        reason: 'timeouts',
      });

      expect(status).toBe(400);
      expect(body.problems).toEqual([
        expect.stringContaining(
          'acw.policies.channels["CHAT"].defaultDispositionOnTimeout "MISSING" is not one',
        ),
      ]);
    });

    it('R20: a change on a stale version is 409 VERSION_CONFLICT with the current version, and changes nothing', async () => {
      await put('queue', 'q-1', { policy: { durationSeconds: 200 }, version: 0, reason: 'first' });

      const { status, body } = await put('queue', 'q-2', {
        policy: { durationSeconds: 50 },
        version: 0,
        reason: 'second',
      });

      expect(status).toBe(409);
      expect(body).toMatchObject({ error: 'VERSION_CONFLICT', version: 1 });
      expect(body.message).toContain('version 0');
      expect(Object.keys((await store.read()).queues)).toEqual(['q-1']);
    });

    it.each([
      [
        'an unknown level, named',
        { level: 'team', key: 'x' },
        'level "team" is not one of default, channel, queue, profile, agentGroup',
      ],
      ['the default under another key', { level: 'default', key: 'x' }, `the default level's key is "-"`],
      [
        '"-" for a keyed level',
        { level: 'queue', key: '-' },
        'key "-" is the default level\'s: name the queue',
      ],
    ])('R20: %s is 400', async (_name, path, message) => {
      const { status, body } = await call(PUT, { path, body: { policy: {}, version: 0, reason: 'r' } });

      expect(status).toBe(400);
      expect(body).toEqual({ error: 'BAD_REQUEST', message });
    });

    it.each([
      ['no reason', { policy: {}, version: 0 }, 'reason is required'],
      ['a blank reason', { policy: {}, version: 0, reason: '  ' }, 'reason must say why the policies change'],
      ['no version', { policy: {}, reason: 'r' }, 'version is required'],
      [
        'a policy that is no object',
        { policy: 5, version: 0, reason: 'r' },
        'policy must be an object of policy fields',
      ],
      ['an unknown field', { policy: {}, version: 0, reason: 'r', force: true }, 'unknown field "force"'],
    ])('R20: a body with %s is 400 naming the field', async (_name, requestBody, message) => {
      const { status, body } = await put('queue', 'q-1', requestBody);

      expect(status).toBe(400);
      expect(body).toEqual({ error: 'BAD_REQUEST', message });
    });
  });

  describe('R20: DELETE /v1/admin/policies/{level}/{key}', () => {
    it('R20: removing an override falls back to the deployed policy', async () => {
      await put('queue', 'q-billing', { policy: { durationSeconds: 900 }, version: 0, reason: 'storm' });

      const removed = await call(DELETE, {
        path: { level: 'queue', key: 'q-billing' },
        body: { version: 1, reason: 'storm over' },
      });
      const { body } = await call('GET /v1/admin/policies');
      const preview = await call('POST /v1/admin/policies/preview', {
        body: { channel: 'VOICE', queueId: 'q-billing' },
      });

      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({
        version: 2,
        change: { level: 'queue', key: 'q-billing', before: { durationSeconds: 900 } },
      });
      expect(removed.body.change).not.toHaveProperty('after');
      expect(body.policies.find((p: Body) => p.key === 'q-billing')).toMatchObject({
        policy: { durationSeconds: 300 },
        source: { kind: 'deployed' },
      });
      expect(preview.body.policy.durationSeconds).toBe(300);
    });

    it('R20: removing an override that is not there is 404, and a stale version 409', async () => {
      const missing = await call(DELETE, {
        path: { level: 'profile', key: 'tier3' },
        body: { version: 0, reason: 'r' },
      });
      const stale = await call(DELETE, {
        path: { level: 'profile', key: 'tier3' },
        body: { version: 4, reason: 'r' },
      });

      expect(missing.status).toBe(404);
      expect(missing.body.message).toBe('there is no override at profile tier3 to remove');
      expect(stale).toMatchObject({ status: 409, body: { error: 'VERSION_CONFLICT', version: 0 } });
    });
  });

  describe('R20: GET /v1/admin/policies/history', () => {
    it('R20: audits who, when, before, after and the reason of every change, newest first', async () => {
      await put('queue', 'q-1', { policy: { durationSeconds: 200 }, version: 0, reason: 'longer' });
      clock.advance(60_000);
      await put(
        'queue',
        'q-1',
        { policy: { durationSeconds: 250 }, version: 1, reason: 'longer still' },
        { as: 'max' },
      );
      clock.advance(60_000);
      await call(KILL_SWITCH, { body: { state: 'off', version: 2, reason: 'incident 42' } });

      const { status, body } = await call('GET /v1/admin/policies/history', {
        as: 'sue',
        groups: ['supervisors'],
      });

      expect(status).toBe(200);
      expect(body.changes).toEqual([
        {
          version: 3,
          at: '2026-03-02T09:02:00.000Z',
          by: 'admin:jo@example.com',
          reason: 'incident 42',
          level: 'killSwitch',
          key: '-',
          after: { state: 'off' },
        },
        {
          version: 2,
          at: '2026-03-02T09:01:00.000Z',
          by: 'admin:max',
          reason: 'longer still',
          level: 'queue',
          key: 'q-1',
          before: { durationSeconds: 200 },
          after: { durationSeconds: 250 },
        },
        {
          version: 1,
          at: '2026-03-02T09:00:00.000Z',
          by: 'admin:jo@example.com',
          reason: 'longer',
          level: 'queue',
          key: 'q-1',
          after: { durationSeconds: 200 },
        },
      ]);
    });

    it('R20: limit takes the newest changes; outside 1-200 it is 400', async () => {
      await put('queue', 'q-1', { policy: { durationSeconds: 200 }, version: 0, reason: 'a' });
      await put('queue', 'q-2', { policy: { durationSeconds: 200 }, version: 1, reason: 'b' });

      const one = await call('GET /v1/admin/policies/history', { query: { limit: '1' } });
      const zero = await call('GET /v1/admin/policies/history', { query: { limit: '0' } });
      const many = await call('GET /v1/admin/policies/history', { query: { limit: '201' } });

      expect(one.body.changes.map((c: Body) => c.version)).toEqual([2]);
      expect(zero).toEqual({
        status: 400,
        body: { error: 'BAD_REQUEST', message: 'limit must be an integer 1-200' },
      });
      expect(many.status).toBe(400);
    });
  });

  describe('R20: POST /v1/admin/policies/preview', () => {
    it('R3, R20: resolves as a contact would be, naming the level each field came from', async () => {
      const { status, body } = await call('POST /v1/admin/policies/preview', {
        body: { channel: 'CHAT', queueId: 'q-sales', profile: 'tier3', agentGroups: ['g-trainees'] },
      });

      expect(status).toBe(200);
      expect(body).toEqual({
        version: 0,
        policy: { ...BASELINE.default, durationSeconds: 600, maxExtensions: 3, extensionSeconds: 90 },
        source: 'profile:tier3',
        fields: {
          durationSeconds: 'profile:tier3',
          mode: 'default',
          extensionSeconds: 'agentGroup:g-trainees',
          maxExtensions: 'queue:q-sales',
          requireDisposition: 'default',
          dispositionCodes: 'default',
          showCountdown: 'default',
        },
      });
    });

    it('R20: shows a change at once, and names a profile no policy has', async () => {
      await put('channel', 'VOICE', { policy: { durationSeconds: 30 }, version: 0, reason: 'short calls' });

      const { body } = await call('POST /v1/admin/policies/preview', {
        body: { channel: 'VOICE', profile: 'vip' },
      });

      expect(body).toMatchObject({ version: 1, source: 'channel:VOICE', unknownProfile: 'vip' });
      expect(body.fields.durationSeconds).toBe('channel:VOICE');
    });

    it('R20: a channel that is not one is 400 naming it', async () => {
      const { status, body } = await call('POST /v1/admin/policies/preview', { body: { channel: 'FAX' } });

      expect(status).toBe(400);
      expect(body.message).toBe('channel must be one of VOICE, CHAT, TASK, EMAIL');
    });
  });

  describe('R18, R20: PUT /v1/admin/kill-switch', () => {
    it('R18, R20: an override wins over the deployed parameter; null brings the parameter back', async () => {
      const off = await call(KILL_SWITCH, { body: { state: 'off', version: 0, reason: 'incident 42' } });
      const whileOff = await call('GET /v1/admin/policies');
      const back = await call(KILL_SWITCH, { body: { state: null, version: 1, reason: 'incident over' } });
      deployed.on = false;
      const deployedOff = await call('GET /v1/admin/policies');

      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({
        version: 1,
        change: { level: 'killSwitch', key: '-', after: { state: 'off' }, reason: 'incident 42' },
        killSwitch: { state: 'off', source: { kind: 'changed', by: 'admin:jo@example.com', version: 1 } },
      });
      expect(whileOff.body.killSwitch).toMatchObject({ state: 'off', source: { kind: 'changed' } });
      expect(back.body).toMatchObject({
        version: 2,
        change: { level: 'killSwitch', before: { state: 'off' } },
        killSwitch: { state: 'on', source: { kind: 'deployed' } },
      });
      expect(back.body.change).not.toHaveProperty('after');
      expect(deployedOff.body.killSwitch).toEqual({ state: 'off', source: { kind: 'deployed' } });
    });

    it("R18, R20: the functions that read the switch see the override within 60 s, with the policies' own read", async () => {
      const live = new LivePolicies({ store, baseline: BASELINE, clock, log });
      const killSwitch = new OverridableKillSwitch({ overrides: live, deployed, log });
      expect(await killSwitch.isOn()).toBe(true);

      await call(KILL_SWITCH, { body: { state: 'off', version: 0, reason: 'incident 42' } });
      const reads = store.reads;
      clock.advance(59_000);
      const before = await killSwitch.isOn();
      clock.advance(1_000);

      expect(before).toBe(true);
      expect(await killSwitch.isOn()).toBe(false);
      await live.index();
      // One read of the document in that minute, for the switch and the policies together.
      expect(store.reads - reads).toBe(1);
    });

    it('R20: a stale version is 409, removing no override is 404, a bad state 400', async () => {
      await call(KILL_SWITCH, { body: { state: 'off', version: 0, reason: 'a' } });

      const stale = await call(KILL_SWITCH, { body: { state: 'on', version: 0, reason: 'b' } });
      await call(KILL_SWITCH, { body: { state: null, version: 1, reason: 'c' } });
      const none = await call(KILL_SWITCH, { body: { state: null, version: 2, reason: 'd' } });
      const bad = await call(KILL_SWITCH, { body: { state: 'maybe', version: 2, reason: 'e' } });

      expect(stale).toMatchObject({ status: 409, body: { error: 'VERSION_CONFLICT', version: 1 } });
      expect(none).toMatchObject({
        status: 404,
        body: { message: 'the kill switch has no override to remove' },
      });
      expect(bad).toEqual({
        status: 400,
        body: { error: 'BAD_REQUEST', message: 'state must be "on", "off" or null' },
      });
    });
  });
});

describe('R20: what the admin page is told about the caller', () => {
  it('R20: GET /v1/admin/policies says canChange: true for an administrator, false for a supervisor (who reads only)', async () => {
    const admin = await call('GET /v1/admin/policies');
    const supervisor = await call('GET /v1/admin/policies', { as: 'sue', groups: ['supervisors'] });

    expect(admin).toMatchObject({ status: 200, body: { canChange: true } });
    expect(supervisor).toMatchObject({ status: 200, body: { canChange: false } });
  });
});
