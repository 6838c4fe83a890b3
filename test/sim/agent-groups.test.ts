/**
 * R3/R20 in the simulator: contact events carry the agent's hierarchy groups as Connect sends them
 * (`agentInfo.hierarchyGroups.levelN.arn`), and the groups' policies apply between the queue's and
 * the profile's, a deeper group over a shallower one.
 */
import { describe, expect, it } from 'vitest';
import { readContactEvent } from '../../lambda/handlers/events';
import { contactEvent } from '../../sim/contact-events';
import { runSimulation } from '../../sim/engine';
import {
  AGENT_ID,
  DISCONNECTED_AT,
  disconnected,
  INSTANCE_ARN,
  OTHER_AGENT_ID,
  QUEUE_ID,
  scenarioOf,
} from './support';

const TRAINEES = 'aaaaaaaa-1111-2222-3333-444444444444';
const TEAM = 'bbbbbbbb-1111-2222-3333-444444444444';
const THIRD_AGENT_ID = '99998888-7777-6666-5555-444433332222';
const ARRIVES = '2021-08-04T17:38:40Z';

const config = {
  policies: {
    default: { durationSeconds: 90 },
    queues: { [QUEUE_ID]: { durationSeconds: 120 } },
    agentGroups: {
      [TRAINEES]: { durationSeconds: 300 },
      // A team under the trainees: more extensions, the trainees' duration kept.
      [TEAM]: { maxExtensions: 2 },
    },
  },
};

/** The fixture's DISCONNECTED for `agentId` on its own contact, the agent in `groups` (level 1 first). */
function disconnectOf(
  agentId: string,
  contactId: string,
  groups: readonly string[],
): Record<string, unknown> {
  return disconnected((detail) => {
    detail.contactId = contactId;
    detail.agentInfo = {
      agentArn: `${INSTANCE_ARN}/agent/${agentId}`,
      connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z',
      ...(groups.length === 0
        ? {}
        : {
            hierarchyGroups: Object.fromEntries(
              groups.map((id, index) => [`level${index + 1}`, { arn: `${INSTANCE_ARN}/agent-group/${id}` }]),
            ),
          }),
    };
  });
}

describe('R3/R20: agent groups in a simulated contact center', () => {
  it("R20: a trainee gets the trainees' longer wrap-up; a team under the trainees keeps it and gets more extensions; others get the queue's", async () => {
    const { result, storedSessions } = await runSimulation(
      scenarioOf(
        [
          { at: ARRIVES, contactEvent: disconnectOf(AGENT_ID, 'c-trainee', [TRAINEES]) },
          { at: ARRIVES, contactEvent: disconnectOf(THIRD_AGENT_ID, 'c-team', [TRAINEES, TEAM]) },
          { at: ARRIVES, contactEvent: disconnectOf(OTHER_AGENT_ID, 'c-regular', []) },
          { at: '2021-08-04T17:39:00Z', agentAction: { agentId: THIRD_AGENT_ID, action: 'extend' } },
          { at: '2021-08-04T17:39:10Z', agentAction: { agentId: THIRD_AGENT_ID, action: 'extend' } },
          { at: '2021-08-04T17:39:20Z', agentAction: { agentId: AGENT_ID, action: 'extend' } },
          { at: '2021-08-04T17:39:30Z', agentAction: { agentId: AGENT_ID, action: 'extend' } },
        ],
        {
          config,
          agents: [
            { id: AGENT_ID, status: 'Available' },
            { id: OTHER_AGENT_ID, status: 'Available' },
            { id: THIRD_AGENT_ID, status: 'Available' },
          ],
        },
      ),
      { quiet: true },
    );

    const byContact = Object.fromEntries(result.sessions.map((session) => [session.contactId, session]));
    expect(byContact['c-regular']).toMatchObject({
      startedAt: DISCONNECTED_AT,
      deadline: '2021-08-04T17:40:37.000Z', // the queue's 120 s
      endReason: 'TIMER',
    });
    expect(byContact['c-trainee']).toMatchObject({
      startedAt: DISCONNECTED_AT,
      deadline: '2021-08-04T17:44:37.000Z', // the trainees' 300 s, one extension of 60 s (the default's 1)
      endReason: 'TIMER',
      extensionsUsed: 1,
    });
    expect(byContact['c-team']).toMatchObject({
      startedAt: DISCONNECTED_AT,
      deadline: '2021-08-04T17:45:37.000Z', // the trainees' 300 s, two extensions (the team's 2)
      endReason: 'TIMER',
      extensionsUsed: 2,
    });
    expect(result.errors).toEqual([
      { at: '2021-08-04T17:39:30.000Z', agentId: AGENT_ID, contactId: 'c-trainee', code: 'EXTENSION_LIMIT' },
    ]);
    expect(
      Object.fromEntries(storedSessions.map((session) => [session.contactId, session.policySource])),
    ).toEqual({
      'c-regular': `queue:${QUEUE_ID}`,
      'c-trainee': `agentGroup:${TRAINEES}`,
      'c-team': `agentGroup:${TEAM}`,
    });
    expect(result.stuck).toEqual([]);
  });

  it("R20: after a transfer, the next agent's own groups apply, not the first agent's", async () => {
    const transferred = disconnectOf(OTHER_AGENT_ID, 'c-second-leg', []);
    const detail = transferred.detail as Record<string, unknown>;
    detail.previousContactId = 'c-first-leg';
    detail.initialContactId = 'c-first-leg';
    detail.disconnectTimestamp = '2021-08-04T17:48:37.000Z';

    const { storedSessions } = await runSimulation(
      scenarioOf(
        [
          { at: ARRIVES, contactEvent: disconnectOf(AGENT_ID, 'c-first-leg', [TRAINEES]) },
          { at: '2021-08-04T17:48:40Z', contactEvent: transferred },
        ],
        { config },
      ),
      { quiet: true },
    );

    expect(
      Object.fromEntries(storedSessions.map((session) => [session.contactId, session.policySource])),
    ).toEqual({ 'c-first-leg': `agentGroup:${TRAINEES}`, 'c-second-leg': `queue:${QUEUE_ID}` });
  });

  it('R20: the simulator builds contact events with the hierarchy groups in the shape Connect sends', () => {
    const event = contactEvent({
      instanceArn: INSTANCE_ARN,
      contactId: 'c-built',
      channel: 'VOICE',
      initiatedAt: Date.parse('2021-08-04T17:17:53Z'),
      queueId: QUEUE_ID,
      agentId: AGENT_ID,
      connectedToAgentAt: Date.parse('2021-08-04T17:29:09Z'),
      disconnectedAt: Date.parse(DISCONNECTED_AT),
      agentGroupIds: [TRAINEES, TEAM],
    });
    expect((event.detail as { agentInfo: unknown }).agentInfo).toMatchObject({
      hierarchyGroups: {
        level1: { arn: `${INSTANCE_ARN}/agent-group/${TRAINEES}` },
        level2: { arn: `${INSTANCE_ARN}/agent-group/${TEAM}` },
      },
    });
    const { event: read, warnings } = readContactEvent(event);
    expect(read.agentGroupIds).toEqual([TRAINEES, TEAM]);
    expect(warnings).toEqual([]);
  });
});
