/**
 * The API tests' floor: two agents and a supervisor, their Connect logins, and `ConnectUsers`
 * answering from them (what SearchUsers would).
 */
import { type ConnectUsers, UnknownConnectUser } from '../../lambda/adapters/connect-users';

export const AGENT_A = 'aaaaaaaa-0000-0000-0000-00000000000a';
export const AGENT_B = 'bbbbbbbb-0000-0000-0000-00000000000b';
export const BOSS = 'cccccccc-0000-0000-0000-00000000000c';
/** Connect user ids by login. */
export const USERS: Readonly<Record<string, string>> = { anna: AGENT_A, ben: AGENT_B, sue: BOSS };

/** The Connect users of the instance, by login. */
export class FakeUsers implements ConnectUsers {
  async userIdOf(username: string): Promise<string> {
    const id = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
    if (id === undefined) throw new UnknownConnectUser('instance', username);
    return id;
  }
}
