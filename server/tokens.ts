/**
 * Development tokens of the local server (`POST /local/token`): JWTs signed with HS256 by a key
 * made at start and never written anywhere, carrying the claims a Cognito access token carries
 * (`username`: the Connect login; `cognito:groups`: the supervisor group), so the real API handler
 * reads them exactly as it reads the deployed authorizer's. They are for this machine only: no
 * password, anyone who can reach 127.0.0.1 may have one.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Lifetime of a token, seconds. */
export const TOKEN_LIFETIME_SECONDS = 3_600;
const ISSUER = 'connect-acw-local';
/** The app client id the local "user pool" gives its tokens. */
export const LOCAL_CLIENT_ID = 'connect-acw-local';

/** Who a token is for. */
export interface TokenSubject {
  /** The Connect login (the `username` claim). */
  readonly username: string;
  /** Groups (the `cognito:groups` claim), e.g. `["supervisors"]`. */
  readonly groups: readonly string[];
}

/** The claims of a verified token, as API Gateway's JWT authorizer hands them on: all strings. */
export type Claims = Record<string, string>;

/** Signs and checks the local server's tokens. */
export class DevTokens {
  private readonly key: Buffer;

  constructor(
    private readonly now: () => number = Date.now,
    key: Buffer = randomBytes(32),
  ) {
    this.key = key;
  }

  /** A signed access token for `subject`. */
  issue(subject: TokenSubject): string {
    const issuedAt = Math.floor(this.now() / 1000);
    const payload: Record<string, unknown> = {
      sub: subject.username,
      iss: ISSUER,
      client_id: LOCAL_CLIENT_ID,
      token_use: 'access',
      scope: 'openid',
      username: subject.username,
      iat: issuedAt,
      exp: issuedAt + TOKEN_LIFETIME_SECONDS,
      ...(subject.groups.length === 0 ? {} : { 'cognito:groups': [...subject.groups] }),
    };
    const head = encode({ alg: 'HS256', typ: 'JWT' });
    const body = encode(payload);
    return `${head}.${body}.${this.sign(`${head}.${body}`)}`;
  }

  /**
   * The claims of a valid token (signature, issuer, expiry), flattened as API Gateway's JWT
   * authorizer does (`cognito:groups` `["a","b"]` becomes `"[a b]"`); undefined for anything else.
   */
  verify(token: string): Claims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [head, body, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${head}.${body}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
    const claims = payload as Record<string, unknown>;
    if (claims.iss !== ISSUER || typeof claims.exp !== 'number' || claims.exp * 1000 <= this.now()) {
      return undefined;
    }
    return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, flatten(value)]));
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('base64url');
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** API Gateway hands claims on as strings; an array becomes `[a b]`. */
function flatten(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(String).join(' ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
