/**
 * R16 fuzz: the agent and supervisor HTTP API given generated routes, paths, methods, query
 * strings, bodies and claims. The answer is always a well-formed JSON success or 4xx error, never
 * a 5xx or a throw, and a refused request changes no session.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { DirectoryCatalog } from '../../lambda/core/ports';
import { markHeld, openSession } from '../../lambda/core/session';
import { makeApiHandler } from '../../lambda/handlers/api';
import {
  API_ROUTES,
  type ApiRoute,
  isAdminRoute,
  MAX_REQUEST_BODY_BYTES,
  routeKeyOf,
} from '../../lambda/handlers/api-routes';
import { AGENT_A, AGENT_B, BOSS, FakeUsers } from '../support/api-users';
import { INSTANCE_ARN } from '../support/events';
import { testDeps } from '../support/fakes';
import { MemoryPolicyStore } from '../support/memory-store';
import { oddValue, runs, useFuzzTables } from './support';

const STARTED = new Date('2026-03-02T09:00:00.000Z');
const CODES = [
  { code: 'SALE', label: 'Sale' },
  { code: 'NO_SALE', label: 'No sale' },
];

/** The wrap-ups the requests aim at: each policy shape the actions treat differently. */
const WRAP_UPS = [
  { contactId: 'c-timed', agentId: AGENT_A, policy: { durationSeconds: 120, maxExtensions: 2 } },
  {
    contactId: 'c-disposition',
    agentId: AGENT_A,
    policy: {
      durationSeconds: 120,
      requireDisposition: true,
      dispositionCodes: CODES,
      defaultDispositionOnTimeout: 'SALE',
    },
  },
  { contactId: 'c-forced', agentId: AGENT_B, policy: { durationSeconds: 120, mode: 'forced' as const } },
  { contactId: 'c-untimed', agentId: AGENT_B, policy: { durationSeconds: 60, mode: 'untimed' as const } },
];
const CONTACT_IDS = WRAP_UPS.map((w) => w.contactId);

const tables = useFuzzTables();

async function world() {
  const { store, scan } = await tables.fresh();
  const t = testDeps(store, '2026-03-02T09:00:30.000Z');
  for (const w of WRAP_UPS) {
    const policy = parseAcwConfig({ policies: { default: w.policy } }).policies.default;
    const session = openSession({
      contactId: w.contactId,
      agentId: w.agentId,
      instanceArn: INSTANCE_ARN,
      channel: 'VOICE',
      queueId: 'q-sales',
      policy,
      policySource: 'default',
      startedAt: STARTED,
      now: STARTED,
    });
    await store.create(markHeld(session, STARTED, true, true));
  }
  const catalogPorts = () => {
    let kept: DirectoryCatalog | undefined;
    return {
      source: {
        list: async () => ({ queues: [{ id: 'q-sales', name: 'Sales' }], agentGroups: [], statuses: [] }),
      },
      store: {
        read: async () => kept,
        write: async (_arn: string, catalog: DirectoryCatalog) => {
          kept = catalog;
        },
      },
    };
  };
  const app = {
    // R19: the instance's statuses an agent may choose (the wrap-up status left out).
    deps: {
      ...t.deps,
      statuses: {
        choosable: async () => [
          { name: 'Available', type: 'ROUTABLE' as const },
          { name: 'Lunch', type: 'CUSTOM' as const },
        ],
      },
      // R20: the catalog of names the directory route answers, kept in memory.
      catalog: catalogPorts(),
    },
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
  };
  // R20: the administrator routes, on the policy store's model.
  const admin = { store: new MemoryPolicyStore(), baseline: parseAcwConfig({}).policies };
  return { ...t, scan, handler: makeApiHandler({ app, users: new FakeUsers(), clock: t.clock, admin }) };
}

/** Issue 13's read-only report routes, drawn as a group of their own so the wrap-up actions keep their share. */
const isReportRoute = (route: ApiRoute) =>
  route.path.startsWith('/v1/reports/') || route.path === '/v1/recommendations';
const ROUTE_KEYS = API_ROUTES.filter((route) => !isAdminRoute(route) && !isReportRoute(route)).map(
  routeKeyOf,
);
const ADMIN_ROUTE_KEYS = API_ROUTES.filter(isAdminRoute).map(routeKeyOf);
const REPORT_ROUTE_KEYS = API_ROUTES.filter(isReportRoute).map(routeKeyOf);

const routeKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ROUTE_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom(...ADMIN_ROUTE_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...REPORT_ROUTE_KEYS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'get', ''),
        fc.constantFrom(...API_ROUTES.map((r) => r.path)),
      )
      .map(([method, path]) => `${method} ${path}`),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('$default', 'ANY /{proxy+}', '')),
  },
);

const idLike = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...CONTACT_IDS, AGENT_A, AGENT_B, BOSS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'x'.repeat(257),
      '../c-timed',
      'c-timed/extend',
      '#FLOW',
      'c_timed',
      '😀',
      '%00',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
);

/** Path parameters: mostly a wrap-up that exists (contact and its agent), sometimes anything. */
const pathParameters = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(...WRAP_UPS).map((w) => ({ contactId: w.contactId, agentId: w.agentId })),
  },
  {
    // R20: a policy level and key.
    weight: 1,
    arbitrary: fc.record({
      level: fc.constantFrom('default', 'channel', 'queue', 'profile', 'agentGroup', 'team', ''),
      key: fc.oneof(fc.constantFrom('-', 'VOICE', 'FAX', 'q-sales', 'tier3', 'g-1', ''), idLike),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({ contactId: idLike }, { requiredKeys: [] }),
      fc.record({ contactId: idLike, agentId: idLike }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const queryStringParameters = fc.option(
  fc.oneof(
    fc.record({
      queueId: fc.oneof(
        fc.constantFrom('q-sales', '', 'q sales', 'x'.repeat(129)),
        fc.string({ maxLength: 20 }),
      ),
    }),
    fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
  ),
  { nil: undefined },
);

const wrapUpBody = fc.record(
  {
    disposition: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('SALE', 'NO_SALE', 'OTHER', '', 'sale', 'x'.repeat(65)) },
      { weight: 1, arbitrary: oddValue },
    ),
    notes: fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.oneof(fc.constant('n'.repeat(2_001)), oddValue) },
    ),
    nextStatus: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('Lunch', 'Available', 'Wrap Up', 'Gardening', null, '') },
      { weight: 1, arbitrary: oddValue },
    ),
    extra: oddValue,
  },
  { requiredKeys: [] },
);

/** A body and how it is sent (plain or base64, as API Gateway may). */
const body = fc.oneof(
  fc.constant({ text: undefined, base64: false }),
  fc
    .oneof(
      { weight: 4, arbitrary: wrapUpBody.map((value) => JSON.stringify(value)) },
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', '{', 'null', '[]', '{}', `{"notes":"${'n'.repeat(MAX_REQUEST_BODY_BYTES)}"}`),
    )
    .chain((text) =>
      fc.oneof(
        fc.constant({ text, base64: false }),
        fc.constant({ text: Buffer.from(text, 'utf8').toString('base64'), base64: true }),
        fc.constant({ text, base64: true }),
      ),
    ),
);

/** Claims: mostly a known user (the supervisor with the group), sometimes anything, or none. */
const claims = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      { username: 'anna' },
      { username: 'ben', 'cognito:groups': '[agents]' },
      { username: 'sue', 'cognito:groups': '[supervisors agents]' },
      { username: 'sue', 'cognito:groups': ['supervisors'] },
    ),
  },
  // R20: an administrator, who need not be a Connect user.
  { weight: 1, arbitrary: fc.constant({ username: 'jo@example.com', 'cognito:groups': '[admins]' }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        username: fc.oneof(
          fc.constantFrom('anna', 'ben', 'sue', 'nobody', '', '__proto__', 'constructor', 'hasOwnProperty'),
          fc.string({ maxLength: 10 }),
          oddValue,
        ),
        'cognito:groups': fc.oneof(
          fc.constantFrom(
            'supervisors',
            '[supervisors agents]',
            '[agents]',
            '',
            'supervisors,agents',
            '["supervisors"]',
          ),
          fc.array(fc.constantFrom('supervisors', 'agents', ''), { maxLength: 3 }),
          oddValue,
        ),
        sub: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const request = fc.record({ routeKey, pathParameters, queryStringParameters, body, claims });
type Request = typeof request extends fc.Arbitrary<infer R> ? R : never;

function event(r: Request): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = 'GET', path = '/'] = r.routeKey.split(' ');
  return {
    version: '2.0',
    routeKey: r.routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    ...(r.queryStringParameters === undefined ? {} : { queryStringParameters: r.queryStringParameters }),
    ...(r.pathParameters === undefined ? {} : { pathParameters: r.pathParameters as Record<string, string> }),
    ...(r.body.text === undefined ? {} : { body: r.body.text }),
    isBase64Encoded: r.body.base64,
    requestContext: {
      accountId: '111122223333',
      apiId: 'api',
      // Without claims, no authorizer context at all (a misconfigured route).
      authorizer:
        r.claims === undefined
          ? (undefined as unknown as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']['authorizer'])
          : {
              principalId: '',
              integrationLatency: 0,
              jwt: { claims: r.claims as Record<string, string>, scopes: [] },
            },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'fuzz' },
      requestId: 'req-fuzz',
      routeKey: r.routeKey,
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

const STATUSES = new Set([200, 400, 401, 403, 404, 409]);

describe('HTTP API (R16 fuzz)', () => {
  it('R16: any request is answered with JSON, 200 or a 4xx naming the error, never a 5xx or a throw; a refused request changes no session, nor does a read', async () => {
    const w = await world();
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const before = await w.scan();

        const result = (await w.handler(event(r))) as APIGatewayProxyStructuredResultV2;

        const status = result.statusCode ?? 0;
        seen.set(status, (seen.get(status) ?? 0) + 1);
        expect(STATUSES, `${status} for ${JSON.stringify(r)}: ${result.body}`).toContain(status);
        expect(result.headers?.['content-type']).toBe('application/json');
        const answer = JSON.parse(String(result.body)) as Record<string, unknown>;
        expect(typeof answer).toBe('object');
        if (status === 200 && !r.routeKey.includes(' /v1/admin/')) {
          expect(answer.serverTime).toEqual(expect.any(String));
        } else if (status !== 200) {
          expect(answer.error).toMatch(/^[A-Z_]+$/);
          if (status === 400) expect(answer.message).toEqual(expect.any(String));
        }
        if (status !== 200 || r.routeKey.startsWith('GET ')) expect(await w.scan()).toEqual(before);
      }),
      runs(200),
    );
    // The generators reach past validation into the actions, and refuse at each step.
    for (const status of [200, 400, 401, 403, 404, 409])
      expect(seen.get(status), `status ${status}`).toBeGreaterThan(0);
    expect(w.log.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
