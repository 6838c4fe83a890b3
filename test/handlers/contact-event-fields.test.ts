/**
 * R16 (revised): a contact event is refused only when a field a rule needs is missing or wrong;
 * every other field in a shape the parser does not know is left out with a warning naming its
 * path (never its value), and the event is handled. Every queue type, channel and initiation
 * method Connect documents parses.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import { makeContactEventsHandler } from '../../lambda/handlers/contact-events';
import { BadInput, readContactEvent } from '../../lambda/handlers/events';
import type { App } from '../../lambda/handlers/runtime';
import { RecordingDeadLetters } from '../support/dead-letters';
import { fixture, INSTANCE_ARN, rawDisconnect } from '../support/events';
import { type RecordingLog, testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';
import { sqsRecord } from '../support/sqs';

const AGENT = '87654321-4321-4321-4321-210987654321';
const PHONE = '+11234567890';

/** The DISCONNECTED fixture with `change` applied to its detail. */
function withDetail(change: (detail: Record<string, unknown>) => void): Record<string, unknown> {
  const event = rawDisconnect() as { detail: Record<string, unknown> };
  const detail = structuredClone(event.detail);
  change(detail);
  return { ...event, detail };
}

/** Documented by Connect (contact records, contact events, the API's ContactInitiationMethod). */
const INITIATION_METHODS = [
  'INBOUND',
  'OUTBOUND',
  'TRANSFER',
  'QUEUE_TRANSFER',
  'CALLBACK',
  'API',
  'DISCONNECT',
  'MONITOR',
  'EXTERNAL_OUTBOUND',
  'WEBRTC_API',
  'AGENT_REPLY',
  'FLOW',
];

describe('R16: every shape Connect sends parses', () => {
  it('R16: a STANDARD queue gives the queue id', () => {
    const { event, warnings } = readContactEvent(rawDisconnect({ queueId: 'q-standard' }));
    expect(event.queueId).toBe('q-standard');
    expect(event.agentQueueOf).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("R16: an AGENT queue (.../queue/agent/AGENT_ID) parses as that agent's queue, not a queue id", () => {
    const { event, warnings } = readContactEvent(
      withDetail((detail) => {
        detail.queueInfo = {
          queueArn: `${INSTANCE_ARN}/queue/agent/agent-x`,
          queueType: 'AGENT',
          enqueueTimestamp: '2021-08-04T17:29:04.000Z',
        };
      }),
    );
    expect(event.agentQueueOf).toBe('agent-x');
    expect(event.queueId).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it.each(['VOICE', 'CHAT', 'TASK', 'EMAIL'])('R16: the %s channel parses', (channel) => {
    const { event, warnings } = readContactEvent(rawDisconnect({ channel }));
    expect(event.channel).toBe(channel);
    expect(warnings).toEqual([]);
  });

  it.each(INITIATION_METHODS)('R16: the %s initiation method parses as it is', (method) => {
    const { event, warnings } = readContactEvent(
      withDetail((detail) => {
        detail.initiationMethod = method;
      }),
    );
    expect(event.initiationMethod).toBe(method);
    expect(warnings).toEqual([]);
  });

  it('R16: an event type this system does not know is read, not refused', () => {
    const { event } = readContactEvent(rawDisconnect({ eventType: 'CONTACT_DATA_UPDATED' }));
    expect(event.eventType).toBe('CONTACT_DATA_UPDATED');
  });

  it('R16: fields Connect may add later, anywhere, are ignored without a warning', () => {
    const { event, warnings } = readContactEvent({
      ...withDetail((detail) => {
        detail.newTopLevelField = { nested: [1, 2] };
        detail.agentInfo = { ...(detail.agentInfo as object), hierarchyGroups: { level1: {} }, extra: 1 };
        detail.queueInfo = { ...(detail.queueInfo as object), queueType: 'SOMETHING_NEW', more: null };
        detail.contactDetails = { name: 'x' };
      }),
      'a-new-envelope-field': true,
    });
    expect(event.agentId).toBe(AGENT);
    expect(event.queueId).toBe('12345678-1234-1234-1234-123456789012');
    expect(warnings).toEqual([]);
  });

  it('R2: an event with no agentInfo at all (null) is valid and names no agent', () => {
    const { event } = readContactEvent(
      withDetail((detail) => {
        detail.agentInfo = null;
      }),
    );
    expect(event.agentId).toBeUndefined();
    expect(event.connectedToAgent).toBe(false);
  });

  it('R2: the transfer chain is read', () => {
    const { event } = readContactEvent(
      withDetail((detail) => {
        detail.previousContactId = 'c-previous';
        detail.initialContactId = 'c-initial';
      }),
    );
    expect(event).toMatchObject({ previousContactId: 'c-previous', initialContactId: 'c-initial' });
  });
});

describe("R3/R20: the agent's hierarchy groups are read from agentInfo.hierarchyGroups", () => {
  const L1 = 'aaaaaaaa-1111-2222-3333-444444444444';
  const L2 = 'bbbbbbbb-1111-2222-3333-444444444444';
  const L3 = 'cccccccc-1111-2222-3333-444444444444';
  const groupArn = (id: string) => `${INSTANCE_ARN}/agent-group/${id}`;

  /** The DISCONNECTED fixture whose agentInfo carries `hierarchyGroups`. */
  function withGroups(hierarchyGroups: unknown): Record<string, unknown> {
    return withDetail((detail) => {
      detail.agentInfo = { ...(detail.agentInfo as object), hierarchyGroups };
    });
  }

  it('R20: the fixture shape (level1-level3, each { arn }) gives the group ids, shallowest first', () => {
    const { event, warnings } = readContactEvent(fixture('contact-event-disconnected-hierarchy-groups.json'));
    expect(event.agentGroupIds).toEqual([L1, L2, L3]);
    expect(event.agentId).toBe(AGENT);
    expect(warnings).toEqual([]);
  });

  it('R20: the levels are read in level order, whatever their order in the JSON, all five', () => {
    const { event } = readContactEvent(
      withGroups({
        level5: { arn: groupArn('g5') },
        level3: { arn: groupArn('g3') },
        level1: { arn: groupArn('g1') },
        level4: { arn: groupArn('g4') },
        level2: { arn: groupArn('g2') },
      }),
    );
    expect(event.agentGroupIds).toEqual(['g1', 'g2', 'g3', 'g4', 'g5']);
  });

  it('R20: missing, null and arn-less levels are simply not there, without a warning', () => {
    const { event, warnings } = readContactEvent(
      withGroups({ level1: { arn: groupArn(L1) }, level2: null, level3: {}, level4: { arn: groupArn(L3) } }),
    );
    expect(event.agentGroupIds).toEqual([L1, L3]);
    expect(warnings).toEqual([]);
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['empty', {}],
    ['all levels null', { level1: null, level2: null }],
  ])('R20: hierarchyGroups %s: no groups, no warning', (_name, hierarchyGroups) => {
    const { event, warnings } = readContactEvent(withGroups(hierarchyGroups));
    expect(event.agentGroupIds).toBeUndefined();
    expect('agentGroupIds' in event).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('R16/R20: an unparseable group ARN leaves that level out with a warning naming its path, never its value; the other levels still apply', () => {
    const { event, warnings } = readContactEvent(
      withGroups({
        level1: { arn: groupArn(L1) },
        level2: { arn: `${INSTANCE_ARN}/queue/not-a-group` },
        level3: { arn: 7 },
        level4: 'level-4',
        level5: { arn: groupArn(L3) },
      }),
    );
    expect(event.agentGroupIds).toEqual([L1, L3]);
    expect(warnings).toEqual([
      'detail.agentInfo.hierarchyGroups.level2.arn is not an agent hierarchy group ARN (.../agent-group/ID): that group is left out',
      'detail.agentInfo.hierarchyGroups.level3.arn is not an agent hierarchy group ARN (.../agent-group/ID): that group is left out',
      'detail.agentInfo.hierarchyGroups.level4 is not an object: that group is left out',
    ]);
    expect(warnings.join(' ')).not.toContain('not-a-group');
  });

  it('R16/R20: a hierarchyGroups that is not an object is left out with a warning; the event is not refused', () => {
    const { event, warnings } = readContactEvent(withGroups([groupArn(L1)]));
    expect(event.agentGroupIds).toBeUndefined();
    expect(event.agentId).toBe(AGENT);
    expect(warnings).toEqual([
      'detail.agentInfo.hierarchyGroups is not an object: left out (no agent group policy)',
    ]);
  });

  it('R20: keys Connect may add beside level1-level5 are ignored', () => {
    const { event, warnings } = readContactEvent(
      withGroups({ level1: { arn: groupArn(L1), name: 'x' }, level6: { arn: 'odd' }, path: 'p' }),
    );
    expect(event.agentGroupIds).toEqual([L1]);
    expect(warnings).toEqual([]);
  });
});

describe('R16: a refining field in a shape the parser does not know is left out, with a warning', () => {
  it.each([
    [
      'an odd queue ARN',
      (d: Record<string, unknown>) => (d.queueInfo = { queueArn: 'queue-1' }),
      'queueInfo.queueArn',
    ],
    ['a queueInfo that is not an object', (d: Record<string, unknown>) => (d.queueInfo = 'q'), 'queueInfo'],
    ['a channel that is not a string', (d: Record<string, unknown>) => (d.channel = 7), 'channel'],
    ['a missing channel', (d: Record<string, unknown>) => delete d.channel, 'channel'],
    [
      'a numeric initiation method',
      (d: Record<string, unknown>) => (d.initiationMethod = 1),
      'initiationMethod',
    ],
    [
      'an unreadable initiation timestamp',
      (d: Record<string, unknown>) => (d.initiationTimestamp = 'yesterday'),
      'initiationTimestamp',
    ],
    [
      'a previous contact id that is not one',
      (d: Record<string, unknown>) => (d.previousContactId = 5),
      'previousContactId',
    ],
    ['tags that are not an object', (d: Record<string, unknown>) => (d.tags = ['a']), 'tags'],
  ])('R16: %s: handled, the field left out, a warning names it', (_name, change, path) => {
    const { event, warnings } = readContactEvent(withDetail(change));
    expect(event.contactId).toBe('11111111-1111-1111-1111-111111111111');
    expect(event.agentId).toBe(AGENT);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^detail\\.${path.replace('.', '\\.')} `));
  });

  it('R16: an unknown channel is kept as named (the default policy applies); an unreadable one is UNKNOWN', () => {
    expect(readContactEvent(rawDisconnect({ channel: 'SMS' })).event.channel).toBe('SMS');
    expect(
      readContactEvent(
        withDetail((d) => {
          d.channel = {};
        }),
      ).event.channel,
    ).toBe('UNKNOWN');
  });

  it('R16: a tag whose value is not a string is ignored, that tag only, and its value is never in the warning', () => {
    const { event, warnings } = readContactEvent(
      withDetail((detail) => {
        detail.tags = {
          acwProfile: 'tier3',
          'aws:connect:systemEndpoint': { number: PHONE },
          customerEndpoint: 11234567890,
        };
      }),
    );
    expect(event.tags).toEqual({ acwProfile: 'tier3' });
    expect(warnings).toEqual([
      'detail.tags["aws:connect:systemEndpoint"] is not a string: that tag is left out',
      'detail.tags["customerEndpoint"] is not a string: that tag is left out',
    ]);
    expect(warnings.join(' ')).not.toContain('1234567890');
  });

  it('R2: an unreadable connectedToAgentTimestamp still says the agent was connected; its time is left out', () => {
    const { event, warnings } = readContactEvent(
      withDetail((detail) => {
        detail.agentInfo = {
          agentArn: `${INSTANCE_ARN}/agent/${AGENT}`,
          connectedToAgentTimestamp: 1628099349,
        };
      }),
    );
    expect(event.connectedToAgent).toBe(true);
    expect(event.connectedToAgentAt).toBeUndefined();
    expect(warnings).toEqual([
      'detail.agentInfo.connectedToAgentTimestamp is not an ISO-8601 timestamp: counted as present, its time left out',
    ]);
  });

  it('R21: connectedToSystemTimestamp is read by its presence', () => {
    expect(readContactEvent(rawDisconnect()).event.connectedToSystem).toBe(true);
    const unanswered = withDetail((detail) => {
      delete detail.connectedToSystemTimestamp;
    });
    expect(readContactEvent(unanswered).event.connectedToSystem).toBe(false);
  });

  it('R16: an event type that needs no agent keeps going without an unreadable agent ARN', () => {
    const { event, warnings } = readContactEvent(
      withDetail((detail) => {
        detail.eventType = 'QUEUED';
        detail.agentInfo = { agentArn: 'bob' };
      }),
    );
    expect(event.agentId).toBeUndefined();
    expect(warnings).toEqual([
      'detail.agentInfo.agentArn must be an agent ARN (arn:aws:connect:...:instance/ID/agent/ID): left out',
    ]);
  });
});

describe('R16: a needed field missing or wrong is refused, naming it', () => {
  it.each([
    [
      'DISCONNECTED',
      'an agentInfo with no agent ARN',
      (d: Record<string, unknown>) => (d.agentInfo = {}),
      /detail\.agentInfo\.agentArn must be an agent ARN/,
    ],
    [
      'CONNECTED_TO_AGENT',
      'an agent queue ARN as agent',
      (d: Record<string, unknown>) => (d.agentInfo = { agentArn: `${INSTANCE_ARN}/queue/agent/x` }),
      /detail\.agentInfo\.agentArn/,
    ],
    [
      'DISCONNECTED',
      'no disconnect time',
      (d: Record<string, unknown>) => delete d.disconnectTimestamp,
      /detail\.disconnectTimestamp must be an ISO-8601 timestamp/,
    ],
    [
      'DISCONNECTED',
      'no instance ARN',
      (d: Record<string, unknown>) => delete d.instanceArn,
      /detail\.instanceArn/,
    ],
    [
      'DISCONNECTED',
      'a contact id longer than 256 characters',
      (d: Record<string, unknown>) => (d.contactId = 'c'.repeat(257)),
      /detail\.contactId/,
    ],
    [
      'DISCONNECTED',
      'an empty event type',
      (d: Record<string, unknown>) => (d.eventType = ''),
      /detail\.eventType/,
    ],
  ])('R16: a %s event with %s', (eventType, _name, change, message) => {
    const input = withDetail((detail) => {
      detail.eventType = eventType;
      change(detail);
    });
    expect(() => readContactEvent(input)).toThrow(BadInput);
    expect(() => readContactEvent(input)).toThrow(message);
  });

  it('R16: a CONNECTED_TO_AGENT needs no disconnect time', () => {
    const input = withDetail((detail) => {
      detail.eventType = 'CONNECTED_TO_AGENT';
      delete detail.disconnectTimestamp;
    });
    expect(readContactEvent(input).event.disconnectedAt).toBeUndefined();
  });
});

describe('R16: the intake handler logs the fields it left out, and handles the event', () => {
  let log: RecordingLog;
  let app: App;
  let store: MemorySessionStore;
  const deadLetters = new RecordingDeadLetters();

  beforeEach(() => {
    store = new MemorySessionStore();
    const made = testDeps(store, '2026-03-02T09:00:02.000Z');
    log = made.log;
    app = {
      deps: made.deps,
      config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
      deadLetters,
    };
  });

  it('R16: an odd queue and a non-string phone tag: one warning naming both paths, no phone number, and the wrap-up starts on the default policy', async () => {
    const body = withDetail((detail) => {
      detail.contactId = 'c-odd';
      detail.disconnectTimestamp = '2026-03-02T09:00:00.000Z';
      detail.queueInfo = { queueArn: 42 };
      detail.tags = { 'aws:connect:systemEndpoint': [PHONE] };
    });

    const response = await makeContactEventsHandler(app)({ Records: [sqsRecord('m-1', body)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.kept).toEqual([]);
    const session = await store.get('c-odd', AGENT);
    expect(session).toMatchObject({ state: 'WRAP_UP', policySource: 'default' });
    expect(session?.queueId).toBeUndefined();
    const warned = log.lines.filter((line) => line.message === 'Contact event fields left out');
    expect(warned).toHaveLength(1);
    expect(warned[0]?.fields).toEqual({
      contactId: 'c-odd',
      eventType: 'DISCONNECTED',
      fields: [
        expect.stringMatching(/^detail\.queueInfo\.queueArn /),
        expect.stringMatching(/^detail\.tags\["aws:connect:systemEndpoint"\] /),
      ],
    });
    expect(JSON.stringify(log.lines)).not.toContain('1234567890');
  });

  it("R3/R20: the agent's groups choose the wrap-up; an unparseable level is warned about and the event still gets it", async () => {
    app = {
      ...app,
      config: {
        instanceArn: INSTANCE_ARN,
        policies: indexPolicies(
          parseAcwConfig({
            policies: {
              queues: { '12345678-1234-1234-1234-123456789012': { durationSeconds: 120 } },
              agentGroups: {
                trainees: { durationSeconds: 300, maxExtensions: 3 },
                team: { maxExtensions: 2 },
              },
            },
          }).policies,
        ),
      },
    };
    const body = withDetail((detail) => {
      detail.contactId = 'c-trainee';
      detail.disconnectTimestamp = '2026-03-02T09:00:00.000Z';
      detail.agentInfo = {
        ...(detail.agentInfo as object),
        hierarchyGroups: {
          level1: { arn: `${INSTANCE_ARN}/agent-group/trainees` },
          level2: { arn: 'agent-group/team' },
        },
      };
    });

    const response = await makeContactEventsHandler(app)({ Records: [sqsRecord('m-1', body)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.kept).toEqual([]);
    const session = await store.get('c-trainee', AGENT);
    expect(session).toMatchObject({
      state: 'WRAP_UP',
      policySource: 'agentGroup:trainees',
      policy: { durationSeconds: 300, maxExtensions: 3 },
      deadline: '2026-03-02T09:05:00.000Z',
    });
    const warned = log.lines.filter((line) => line.message === 'Contact event fields left out');
    expect(warned.map((line) => line.fields?.fields)).toEqual([
      [expect.stringMatching(/^detail\.agentInfo\.hierarchyGroups\.level2\.arn /)],
    ]);
  });
});
