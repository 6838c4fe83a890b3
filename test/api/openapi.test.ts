import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { MAX_NOTES_LENGTH, REFUSAL_CODES } from '../../lambda/core/actions';
import { POLICY_LEVELS } from '../../lambda/core/ports';
import { END_REASONS, openSession } from '../../lambda/core/session';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../lambda/handlers/api-admin';
import { API_ROUTES, MAX_REQUEST_BODY_BYTES } from '../../lambda/handlers/api-routes';
import { view } from '../../lambda/handlers/api-views';

interface Operation {
  readonly security?: unknown;
  readonly tags?: string[];
  readonly responses: Record<
    string,
    { $ref?: string; content?: Record<string, { schema: { $ref?: string } }> }
  >;
}
interface Schema {
  readonly required?: string[];
  readonly properties?: Record<string, { enum?: unknown[]; maxLength?: number }>;
}
interface OpenApi {
  readonly openapi: string;
  readonly security: unknown;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly securitySchemes: Record<string, { type: string; scheme: string; bearerFormat: string }>;
    readonly schemas: Record<string, Schema>;
    readonly responses: Record<string, { description: string }>;
  };
}

const doc = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../openapi/acw-api.json', import.meta.url)), 'utf8'),
) as OpenApi;

function operations(): Array<{ method: string; path: string; operation: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

describe('openapi/acw-api.json', () => {
  it('is OpenAPI 3.1 and documents exactly the routes the construct declares and the handler serves', () => {
    const documented = operations().map(({ method, path }) => `${method} ${path}`);

    expect(doc.openapi).toBe('3.1.0');
    expect(documented.sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
  });

  it('requires a bearer JWT on every route', () => {
    expect(doc.components.securitySchemes.bearerJwt).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(doc.security).toEqual([{ bearerJwt: [] }]);
    for (const { operation } of operations()) expect(operation.security).toBeUndefined();
  });

  it('documents 401, 403, 429 and 500 on every route, and 400, 404 and 409 on every action', () => {
    for (const { method, path, operation } of operations()) {
      const codes = Object.keys(operation.responses);
      expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['200', '401', '403', '429', '500']));
      if (method !== 'GET' && !path.startsWith('/v1/admin/')) {
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['400', '404', '409']));
      }
    }
  });

  it('lists as 409 codes exactly the refusal codes of the core', () => {
    const refusal = doc.components.schemas.Refusal?.properties?.error?.enum;

    expect([...(refusal ?? [])].sort()).toEqual([...REFUSAL_CODES].sort());
  });

  it('states the notes and body limits the handler enforces', () => {
    expect(doc.components.schemas.WrapUpBody?.properties?.notes?.maxLength).toBe(MAX_NOTES_LENGTH);
    expect(doc.components.responses.BadRequest?.description).toContain(String(MAX_REQUEST_BODY_BYTES));
  });

  it('describes a wrap-up with exactly the fields the handler returns', () => {
    const policy = parseAcwConfig({}).policies.default;
    const session = openSession({
      contactId: 'c',
      agentId: 'a',
      instanceArn: 'arn',
      channel: 'VOICE',
      policy,
      policySource: 'default',
      startedAt: new Date(0),
      now: new Date(0),
    });

    const fields = Object.keys(view(session, new Date(0)));

    expect(fields.sort()).toEqual([...(doc.components.schemas.WrapUp?.required ?? [])].sort());
    expect(Object.keys(doc.components.schemas.WrapUp?.properties ?? {}).sort()).toEqual(fields.sort());
  });

  it('R20: documents 400 on every administrator route, and 404 and 409 (with the current version) on every change', () => {
    // The catalog of names (GET /v1/admin/directory) takes no input, so it has no 400.
    const policyRoutes = operations().filter(
      (op) => op.path.startsWith('/v1/admin/') && op.path !== '/v1/admin/directory',
    );
    for (const { method, path, operation } of policyRoutes) {
      const codes = Object.keys(operation.responses);
      expect(codes, `${method} ${path}`).toContain('400');
      if (method === 'PUT' || method === 'DELETE') {
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['404', '409']));
        expect(operation.responses['409']?.content?.['application/json']?.schema.$ref).toBe(
          '#/components/schemas/VersionConflict',
        );
      }
    }
    expect(doc.components.schemas.VersionConflict?.required).toEqual(['error', 'message', 'version']);
    expect(doc.components.schemas.PolicyError?.properties?.error?.enum).toContain('INVALID_POLICY');
  });

  it('R20: states the history limits and the policy levels the handler takes', () => {
    const history = doc.paths['/v1/admin/policies/history']?.get as unknown as {
      parameters: Array<{ schema: { maximum: number; default: number } }>;
    };
    const put = doc.paths['/v1/admin/policies/{level}/{key}']?.put as unknown as {
      parameters: Array<{ name: string; schema: { enum?: string[] } }>;
    };

    expect(history.parameters[0]?.schema).toMatchObject({
      maximum: HISTORY_MAX_LIMIT,
      default: HISTORY_DEFAULT_LIMIT,
    });
    expect(put.parameters.find((p) => p.name === 'level')?.schema.enum).toEqual([...POLICY_LEVELS]);
  });

  it('lists every end reason the core has (R8-R11, R15, R18 included)', () => {
    expect(doc.components.schemas.WrapUp?.properties?.endReason?.enum).toEqual([...END_REASONS, null]);
  });
});
