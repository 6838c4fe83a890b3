/**
 * R20 in the simulator: `adminAction` steps change the run-time policies through the policy store
 * on the simulated table, as the admin API does. The functions read them through their live
 * policies (at most a minute old): contacts that disconnect 60 s or more after a change get it,
 * open sessions keep the policy they started with, a removal brings the baseline back, and a
 * refused change is an `errors` entry whose code names the field.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { POLICY_PARTITION_KEY, policyChangeSortKey, SESSION_TABLE } from '../../lambda/adapters/session-keys';
import { NO_OVERRIDES } from '../../lambda/core/policy-overrides';
import { PolicyVersionConflict, type PolicyWrite } from '../../lambda/core/ports';
import { startDynamo } from '../../sim/dynamo';
import { runSimulation, SIM_ADMIN } from '../../sim/engine';
import { DISCONNECTED_AT, disconnected, INSTANCE_ARN, QUEUE_ID, scenarioOf } from './support';

const GROUP = 'aaaaaaaa-1111-2222-3333-444444444444';
/** Agents enough for one contact each. */
const AGENTS = Array.from({ length: 6 }, (_, i) => `agent-${i}`);

/** A DISCONNECTED of its own contact for `agentId` at `disconnectAt`, changed by `change`. */
function disconnect(
  contactId: string,
  agentId: string,
  disconnectAt: string,
  change: (detail: Record<string, unknown>) => void = () => {},
): Record<string, unknown> {
  return disconnected((detail) => {
    detail.contactId = contactId;
    detail.initialContactId = contactId;
    delete detail.previousContactId;
    detail.disconnectTimestamp = disconnectAt;
    detail.agentInfo = {
      agentArn: `${INSTANCE_ARN}/agent/${agentId}`,
      connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z',
    };
    change(detail);
  });
}

/** Seconds from `startedAt` to `deadline` of each session, and its policy's source, by contact. */
function policiesOf(
  sessions: ReadonlyArray<{
    contactId: string;
    startedAt: string;
    deadline?: string | undefined;
    policySource: string;
  }>,
): Record<string, { seconds: number | null; source: string }> {
  return Object.fromEntries(
    sessions.map((session) => [
      session.contactId,
      {
        seconds:
          session.deadline === undefined
            ? null
            : (Date.parse(session.deadline) - Date.parse(session.startedAt)) / 1000,
        source: session.policySource,
      },
    ]),
  );
}

const agents = AGENTS.map((id) => ({ id, status: 'Available' }));

describe('R20: admin actions in a simulated contact center', () => {
  it('R20: a contact disconnecting 60 s after setPolicy gets the new policy; an open session keeps its own', async () => {
    const { result, storedSessions, policyHistory } = await runSimulation(
      scenarioOf(
        [
          { at: '2021-08-04T17:38:40Z', contactEvent: disconnect('c-open', 'agent-0', DISCONNECTED_AT) },
          {
            at: '2021-08-04T17:39:00Z',
            adminAction: {
              action: 'setPolicy',
              level: 'queue',
              key: QUEUE_ID,
              policy: { durationSeconds: 300, extensionSeconds: 600 },
            },
          },
          // The open session extends by its own policy's 60 s, not the new 600 s.
          { at: '2021-08-04T17:39:30Z', agentAction: { agentId: 'agent-0', action: 'extend' } },
          {
            at: '2021-08-04T17:40:00Z',
            contactEvent: disconnect('c-after', 'agent-1', '2021-08-04T17:39:58.000Z'),
          },
        ],
        { config: { policies: { default: { durationSeconds: 90 } } }, agents },
      ),
      { quiet: true },
    );

    expect(result.errors).toEqual([]);
    expect(policiesOf(storedSessions)).toEqual({
      'c-open': { seconds: 150, source: 'default' },
      'c-after': { seconds: 300, source: `queue:${QUEUE_ID}` },
    });
    expect(policyHistory).toEqual([
      {
        version: 1,
        at: '2021-08-04T17:39:00.000Z',
        by: SIM_ADMIN,
        reason: `scenario steps[1]: setPolicy queue ${QUEUE_ID}`,
        level: 'queue',
        key: QUEUE_ID,
        after: { durationSeconds: 300, extensionSeconds: 600 },
      },
    ]);
    expect(result.stuck).toEqual([]);
  });

  it('R20: removePolicy falls back to the baseline for contacts a minute later', async () => {
    const { result, storedSessions, policyHistory } = await runSimulation(
      scenarioOf(
        [
          {
            at: '2021-08-04T17:38:00Z',
            adminAction: {
              action: 'setPolicy',
              level: 'queue',
              key: QUEUE_ID,
              policy: { durationSeconds: 300 },
            },
          },
          {
            at: '2021-08-04T17:39:00Z',
            contactEvent: disconnect('c-set', 'agent-0', '2021-08-04T17:38:58.000Z'),
          },
          {
            at: '2021-08-04T17:40:00Z',
            adminAction: { action: 'removePolicy', level: 'queue', key: QUEUE_ID },
          },
          {
            at: '2021-08-04T17:41:00Z',
            contactEvent: disconnect('c-removed', 'agent-1', '2021-08-04T17:40:58.000Z'),
          },
        ],
        {
          config: {
            policies: { default: { durationSeconds: 90 }, queues: { [QUEUE_ID]: { durationSeconds: 120 } } },
          },
          agents,
        },
      ),
      { quiet: true },
    );

    expect(result.errors).toEqual([]);
    expect(policiesOf(storedSessions)).toEqual({
      'c-set': { seconds: 300, source: `queue:${QUEUE_ID}` },
      'c-removed': { seconds: 120, source: `queue:${QUEUE_ID}` },
    });
    expect(
      policyHistory.map((record) => [record.version, record.level, record.before, record.after]),
    ).toEqual([
      [2, 'queue', { durationSeconds: 300 }, undefined],
      [1, 'queue', undefined, { durationSeconds: 300 }],
    ]);
  });

  it('R20: a refused change is an errors entry whose code names the field, and changes nothing', async () => {
    const { result, storedSessions, policyHistory } = await runSimulation(
      scenarioOf(
        [
          {
            at: '2021-08-04T17:38:00Z',
            adminAction: {
              action: 'setPolicy',
              level: 'queue',
              key: QUEUE_ID,
              policy: { durationSeconds: -1 },
            },
          },
          // A cross-field rule against the policies in force: no codes to require.
          {
            at: '2021-08-04T17:38:10Z',
            adminAction: { action: 'setPolicy', level: 'default', policy: { requireDisposition: true } },
          },
          {
            at: '2021-08-04T17:38:20Z',
            adminAction: {
              action: 'setPolicy',
              level: 'channel',
              key: 'FAX',
              policy: { durationSeconds: 5 },
            },
          },
          {
            at: '2021-08-04T17:39:30Z',
            contactEvent: disconnect('c-1', 'agent-0', '2021-08-04T17:39:28.000Z'),
          },
        ],
        { config: { policies: { default: { durationSeconds: 90 } } }, agents },
      ),
      { quiet: true },
    );

    expect(result.errors).toEqual([
      {
        at: '2021-08-04T17:38:00.000Z',
        agentId: null,
        contactId: null,
        code: `INVALID_POLICY:acw.policies.queues["${QUEUE_ID}"].durationSeconds`,
      },
      {
        at: '2021-08-04T17:38:10.000Z',
        agentId: null,
        contactId: null,
        code: 'INVALID_POLICY:acw.policies.default.requireDisposition',
      },
      {
        at: '2021-08-04T17:38:20.000Z',
        agentId: null,
        contactId: null,
        code: 'INVALID_POLICY:acw.policies.channels',
      },
    ]);
    expect(policyHistory).toEqual([]);
    expect(policiesOf(storedSessions)).toEqual({ 'c-1': { seconds: 90, source: 'default' } });
  });

  it('R20: every level, agentGroup included, can be set by a step and applies to contacts a minute later', async () => {
    const levels = [
      { level: 'default', seconds: 100, source: 'default' },
      { level: 'channel', key: 'VOICE', seconds: 110, source: 'channel:VOICE' },
      { level: 'queue', key: QUEUE_ID, seconds: 120, source: `queue:${QUEUE_ID}` },
      { level: 'agentGroup', key: GROUP, seconds: 130, source: `agentGroup:${GROUP}` },
      { level: 'profile', key: 'vip', seconds: 140, source: 'profile:vip' },
    ];
    const steps = levels.flatMap(({ level, key, seconds }, index) => {
      const changeAt = Date.parse('2021-08-04T17:40:00Z') + index * 120_000;
      const contactId = `c-${level}`;
      return [
        {
          at: new Date(changeAt).toISOString(),
          adminAction: {
            action: 'setPolicy',
            level,
            ...(key === undefined ? {} : { key }),
            policy: { durationSeconds: seconds },
          },
        },
        {
          at: new Date(changeAt + 60_000).toISOString(),
          // Every contact is the same kind: a VOICE contact in the queue, its agent in the group, tagged vip.
          contactEvent: disconnect(
            contactId,
            AGENTS[index] ?? 'agent-x',
            new Date(changeAt + 58_000).toISOString(),
            (detail) => {
              (detail.agentInfo as Record<string, unknown>).hierarchyGroups = {
                level1: { arn: `${INSTANCE_ARN}/agent-group/${GROUP}` },
              };
              detail.tags = { acwProfile: 'vip' };
            },
          ),
        },
      ];
    });

    const { result, storedSessions, policyHistory } = await runSimulation(
      scenarioOf(steps, {
        config: { policies: { default: { durationSeconds: 90 } } },
        agents,
        until: '2021-08-04T18:10:00Z',
      }),
      { quiet: true },
    );

    expect(result.errors).toEqual([]);
    expect(policiesOf(storedSessions)).toEqual(
      Object.fromEntries(levels.map(({ level, seconds, source }) => [`c-${level}`, { seconds, source }])),
    );
    expect(policyHistory.map((record) => record.level).reverse()).toEqual(levels.map(({ level }) => level));
  });

  it('R20: a run with a baseline of 2,000 queue policies in the scenario config applies a change to one of them', async () => {
    const queues: Record<string, { durationSeconds: number }> = {};
    for (let i = 0; i < 1999; i++)
      queues[`q-${String(i).padStart(4, '0')}`] = { durationSeconds: 100 + (i % 50) };
    queues[QUEUE_ID] = { durationSeconds: 200 };
    const otherQueue = `${INSTANCE_ARN}/queue/q-0007`;

    const { result, storedSessions, policyHistory } = await runSimulation(
      scenarioOf(
        [
          {
            at: '2021-08-04T17:38:00Z',
            adminAction: {
              action: 'setPolicy',
              level: 'queue',
              key: QUEUE_ID,
              policy: { durationSeconds: 250 },
            },
          },
          {
            at: '2021-08-04T17:39:00Z',
            contactEvent: disconnect('c-changed', 'agent-0', '2021-08-04T17:38:58.000Z'),
          },
          {
            at: '2021-08-04T17:39:00Z',
            contactEvent: disconnect('c-baseline', 'agent-1', '2021-08-04T17:38:58.000Z', (detail) => {
              (detail.queueInfo as Record<string, unknown>).queueArn = otherQueue;
            }),
          },
        ],
        { config: { policies: { default: { durationSeconds: 90 }, queues } }, agents },
      ),
      { quiet: true },
    );

    expect(Object.keys(queues)).toHaveLength(2000);
    expect(result.errors).toEqual([]);
    expect(policiesOf(storedSessions)).toEqual({
      'c-changed': { seconds: 250, source: `queue:${QUEUE_ID}` },
      'c-baseline': { seconds: 107, source: 'queue:q-0007' },
    });
    expect(policyHistory).toHaveLength(1);
  });

  it("R20: the simulated table carries out the policy store's transactions all or nothing (dynalite has none)", async () => {
    const dynamo = await startDynamo();
    try {
      const store = new DynamoPolicyStore({ client: dynamo.doc, tableName: dynamo.tableName });
      const change: PolicyWrite = {
        level: 'queue',
        key: 'q-1',
        policy: { durationSeconds: 30 },
        expectedVersion: 0,
        by: 'a',
        reason: 'r',
        at: '2021-08-04T17:00:00.000Z',
      };
      // A stray audit record for version 1: the document's Put passes, the record's fails.
      await dynamo.doc.send(
        new PutCommand({
          TableName: dynamo.tableName,
          Item: {
            [SESSION_TABLE.partitionKey]: POLICY_PARTITION_KEY,
            [SESSION_TABLE.sortKey]: policyChangeSortKey(1),
          },
        }),
      );
      await expect(store.write(change)).rejects.toBeInstanceOf(PolicyVersionConflict);
      expect(await store.read()).toEqual(NO_OVERRIDES);

      const strayKey = {
        [SESSION_TABLE.partitionKey]: POLICY_PARTITION_KEY,
        [SESSION_TABLE.sortKey]: policyChangeSortKey(1),
      };
      await dynamo.doc.send(new DeleteCommand({ TableName: dynamo.tableName, Key: strayKey }));
      await store.write(change);
      await expect(store.write(change)).rejects.toBeInstanceOf(PolicyVersionConflict);
      expect((await store.read()).version).toBe(1);
      expect(await store.history(10)).toHaveLength(1);
    } finally {
      await dynamo.close();
    }
  });
});
