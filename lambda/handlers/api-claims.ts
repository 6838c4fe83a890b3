/**
 * Who calls the API, from the claims of the token API Gateway's JWT authorizer has checked: the
 * username claim is the Connect login, the groups claim says whether they are a supervisor or (R20)
 * an administrator.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { AcwConfig } from '../config/acw-config';
import { HttpError } from './api-errors';

/** The claim names, the supervisor group and the administrator group (`acw.api`). */
export type ClaimSettings = Pick<
  AcwConfig['api'],
  'usernameClaim' | 'groupsClaim' | 'supervisorGroup' | 'adminGroup'
>;

/** The caller as the token names them. */
export interface Caller {
  /** The Connect login (an administrator's need not be one: R20's routes never resolve it). */
  readonly username: string;
  readonly supervisor: boolean;
  /** R20: a member of `acw.api.adminGroup`, who may change the policies. */
  readonly admin: boolean;
}

/** The caller of a request; 401 when the token has no username. */
export function callerOf(event: APIGatewayProxyEventV2WithJWTAuthorizer, api: ClaimSettings): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const username = claims?.[api.usernameClaim];
  if (typeof username !== 'string' || username === '') {
    throw new HttpError(401, 'UNAUTHORIZED', `the token has no ${api.usernameClaim} claim`);
  }
  const groups = groupsOf(claims?.[api.groupsClaim]);
  return {
    username,
    supervisor: groups.includes(api.supervisorGroup),
    admin: groups.includes(api.adminGroup),
  };
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
