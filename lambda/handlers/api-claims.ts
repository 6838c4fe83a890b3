/**
 * Who calls the API, from the claims of the token API Gateway's JWT authorizer has checked: the
 * username claim is the Connect login, the groups claim says whether they are a supervisor.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { AcwConfig } from '../config/acw-config';
import { HttpError } from './api-errors';

/** The claim names and the supervisor group (`acw.api`). */
export type ClaimSettings = Pick<AcwConfig['api'], 'usernameClaim' | 'groupsClaim' | 'supervisorGroup'>;

/** The caller as the token names them. */
export interface Caller {
  /** The Connect login. */
  readonly username: string;
  readonly supervisor: boolean;
}

/** The caller of a request; 401 when the token has no username. */
export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer, api: ClaimSettings): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const username = claims?.[api.usernameClaim];
  if (typeof username !== 'string' || username === '') {
    throw new HttpError(401, 'UNAUTHORIZED', `the token has no ${api.usernameClaim} claim`);
  }
  return { username, supervisor: groupsOf(claims?.[api.groupsClaim]).includes(api.supervisorGroup) };
}

/**
 * The groups claim: a JSON array, or how API Gateway flattens Cognito's array into a string
 * (`[supervisors agents]`), or a comma- or space-separated string.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((group) => group.replace(/^"|"$/g, ''))
    .filter((group) => group !== '');
}
