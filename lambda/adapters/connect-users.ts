/**
 * Who a signed-in caller is in Amazon Connect: the token's username claim is the Connect login
 * (documented in the README), resolved to the Connect user id with SearchUsers (an exact match on
 * `Username`) and cached per container for a few minutes, so an agent's widget polling every few
 * seconds costs one Connect call per TTL, not one per request.
 */
import { type ConnectClient, SearchUsersCommand, type UserSearchSummary } from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';

/** Resolves a Connect login to the Connect user id. */
export interface ConnectUsers {
  /** @throws UnknownConnectUser when the instance has no user with that login. */
  userIdOf(username: string): Promise<string>;
}

/** A login that names no user of the instance. */
export class UnknownConnectUser extends Error {
  constructor(
    readonly instanceId: string,
    readonly username: string,
  ) {
    super(`Amazon Connect instance ${instanceId} has no user with the login "${username}"`);
    this.name = 'UnknownConnectUser';
  }
}

export interface ConnectUserDirectoryProps {
  readonly client: ConnectClient;
  readonly instanceArn: string;
  /**
   * How long a resolved id is kept.
   * @default 300_000 (5 minutes)
   */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch; the clock the cache expires on. @default Date.now */
  readonly now?: () => number;
}

/** Default time a resolved login is kept: a deleted user keeps access to the API for at most this long. */
export const USER_CACHE_TTL_MS = 5 * 60 * 1000;

/** ConnectUsers on SearchUsers, cached per login for `ttlMs`. */
export class ConnectUserDirectory implements ConnectUsers {
  private readonly cache = new Map<string, { id: Promise<string>; expires: number }>();
  private readonly instanceId: string;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly props: ConnectUserDirectoryProps) {
    this.instanceId = lastArnSegment(props.instanceArn);
    this.ttlMs = props.ttlMs ?? USER_CACHE_TTL_MS;
    this.now = props.now ?? Date.now;
  }

  async userIdOf(username: string): Promise<string> {
    const key = username.toLowerCase();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.expires > this.now()) return cached.id;
    const id = this.search(username);
    this.cache.set(key, { id, expires: this.now() + this.ttlMs });
    // A failed or empty lookup is not cached: a user created a moment ago can sign in at once.
    id.catch(() => this.cache.delete(key));
    return id;
  }

  private async search(username: string): Promise<string> {
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new SearchUsersCommand({
          InstanceId: this.instanceId,
          MaxResults: 100,
          NextToken: nextToken,
          SearchCriteria: {
            StringCondition: { FieldName: 'Username', Value: username, ComparisonType: 'EXACT' },
          },
        }),
      );
      const match = (page.Users ?? []).find((user) => sameLogin(user, username));
      if (match?.Id !== undefined) return match.Id;
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    throw new UnknownConnectUser(this.instanceId, username);
  }
}

// Connect logins are case-insensitive; the search's EXACT match is too, so compare the same way.
function sameLogin(user: UserSearchSummary, username: string): boolean {
  return user.Username?.toLowerCase() === username.toLowerCase();
}
