/**
 * R20: the local contact center of `npm start` names its queues, agent hierarchy groups and
 * statuses: `GET /v1/admin/directory` through the real API handler, listed from the simulated
 * Connect and kept in the local table (the admin page picks from it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_GROUPS, AGENTS, agentGroupIdsOf, QUEUES, SUPERVISOR, TEST_TIMING } from '../../server/floor';
import { apiEvent, LocalWorld } from '../../server/world';

let world: LocalWorld;

beforeAll(async () => {
  world = await LocalWorld.start({ timing: TEST_TIMING, onHandlerLog: () => {} });
});
afterAll(() => world?.close());

async function directory(username: string, groups: string) {
  const result = await world.api(
    apiEvent({
      method: 'GET',
      routePath: '/v1/admin/directory',
      path: '/v1/admin/directory',
      claims: { username, ...(groups === '' ? {} : { 'cognito:groups': groups }) },
      now: Date.now(),
    }),
  );
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as Record<string, unknown> };
}

describe('the local contact center names its queues, groups and statuses (R20)', () => {
  it('R20: a supervisor lists the local queues, agent groups and statuses by name', async () => {
    const { status, body } = await directory(SUPERVISOR.login, `[${world.config.api.supervisorGroup}]`);

    expect(status).toBe(200);
    expect(body.queues).toEqual(
      Object.values(QUEUES)
        .map(({ id, name }) => ({ id, name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
    expect(body.agentGroups).toEqual([
      { id: AGENT_GROUPS.floor.id, name: 'Floor' },
      { id: AGENT_GROUPS.trainees.id, name: 'Trainees' },
    ]);
    const statuses = (body.statuses as Array<{ name: string; type: string }>).map(
      ({ name, type }) => `${name}:${type}`,
    );
    expect(statuses).toEqual(
      expect.arrayContaining(['Available:ROUTABLE', 'Wrap Up:CUSTOM', 'Offline:OFFLINE']),
    );
    expect(Number.isNaN(Date.parse(String(body.refreshedAt)))).toBe(false);
  });

  it('R20: an agent may not list it', async () => {
    const ana = AGENTS[0];
    if (ana === undefined) throw new Error('no local agent');

    const { status } = await directory(ana.login, '');

    expect(status).toBe(403);
  });

  it('R3: the local agents are on the floor, and two of them trainees one level down', () => {
    const paths = AGENTS.map(agentGroupIdsOf);

    expect(paths.every((path) => path[0] === AGENT_GROUPS.floor.id)).toBe(true);
    expect(paths.filter((path) => path[1] === AGENT_GROUPS.trainees.id)).toHaveLength(2);
  });
});
