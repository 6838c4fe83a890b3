/**
 * R16 fuzz: the event, timer and configuration parsers, given arbitrary JSON and mutations of
 * valid fixtures, either return a well-formed result or refuse with their own error naming the
 * damaged field; never another exception.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import type { ZodMiniType } from 'zod/mini';
import { type AcwConfig, ConfigError, parseAcwConfig } from '../../lambda/config/acw-config';
import type { AgentEvent } from '../../lambda/core/agent-events';
import type { ContactEvent } from '../../lambda/core/contact';
import { indexPolicies } from '../../lambda/core/policy';
import type { TimerPayload } from '../../lambda/core/ports';
import {
  agentEventSchema,
  BadInput,
  contactEventSchema,
  parseAgentEvent,
  parseContactEvent,
  parseTimerPayload,
  timerPayloadSchema,
} from '../../lambda/handlers/events';
import { fixture, rawDisconnect } from '../support/events';
import {
  anyInput,
  dotted,
  expectDate,
  type Mutated,
  mutated,
  onTheLineOf,
  type Path,
  parsesOrRefuses,
  runs,
} from './support';

/**
 * One parser under test: how to call it, its schema (for the issues its error must name), the
 * prefix of its error, valid inputs to mutate, and what a well-formed result is. Fuzzing another
 * parser is one more of these (see `agentEvents` below).
 */
interface ParserCase<T> {
  readonly name: string;
  readonly parse: (input: unknown) => T;
  readonly schema: ZodType | ZodMiniType;
  /** How its BadInput begins, e.g. `Not a wrap-up timer: `. */
  readonly what: string;
  readonly valid: readonly unknown[];
  readonly wellFormed: (result: T) => void;
}

/** Fuzzes one parser: arbitrary input, and 1-3 mutations of each valid fixture. */
function fuzzParser<T>(c: ParserCase<T>, numRuns = 600): void {
  describe(`${c.name} (R16 fuzz)`, () => {
    it(`R16: ${c.name} parses the valid fixtures`, () => {
      for (const input of c.valid) c.wellFormed(c.parse(input));
    });

    it(`R16: ${c.name}, given arbitrary input, returns a well-formed result or a BadInput naming each bad field`, () => {
      const seen = { parsed: 0, refused: 0 };
      fc.assert(
        fc.property(anyInput, (input) => {
          seen[check(c, input)] += 1;
        }),
        runs(numRuns),
      );
      expect(seen.refused).toBeGreaterThan(numRuns / 2);
    });

    it(`R16: ${c.name}, given a valid input with fields removed, retyped, badly timed or added, refuses naming the damaged field`, () => {
      const seen = { parsed: 0, refused: 0 };
      fc.assert(
        fc.property(fc.constantFrom(...c.valid).chain(mutated), (m) => {
          seen[check(c, m.value, m)] += 1;
        }),
        runs(numRuns),
      );
      // Both ends are reached: some mutations touch only fields the parser ignores.
      expect(seen.refused).toBeGreaterThan(numRuns / 5);
      expect(seen.parsed).toBeGreaterThan(0);
    });
  });
}

/** One input: parsed and well-formed, or refused with an error naming every issue of the schema. */
function check<T>(c: ParserCase<T>, input: unknown, m?: Mutated): 'parsed' | 'refused' {
  return parsesOrRefuses(
    () => c.parse(input),
    BadInput,
    c.wellFormed,
    (error) => {
      expect(error.message.startsWith(c.what), error.message).toBe(true);
      const issues =
        c.schema.safeParse(typeof input === 'string' ? jsonOrText(input) : input).error?.issues ?? [];
      expect(issues.length, error.message).toBeGreaterThan(0);
      for (const issue of issues) {
        const path = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
        // The error names the field: the dotted path, or (root) for a value that is not even an object.
        expect(error.message, JSON.stringify(issue)).toContain(
          path.length === 0 ? '(root) ' : `${dotted(path)} `,
        );
        // And it is where the damage is: each named field is on the line of a mutated one.
        if (m !== undefined) {
          expect(
            m.mutations.some((mutation) => onTheLineOf(mutation.path, path as Path)),
            `${dotted(path)} named for ${JSON.stringify(m.mutations)}`,
          ).toBe(true);
        }
      }
    },
  );
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function expectOptionalDate(value: unknown): void {
  if (value !== undefined) expectDate(value);
}

function expectId(value: unknown, max = 256): void {
  expect(typeof value).toBe('string');
  expect((value as string).length).toBeGreaterThan(0);
  expect((value as string).length).toBeLessThanOrEqual(max);
}

const contactEvents: ParserCase<ContactEvent> = {
  name: 'parseContactEvent',
  parse: parseContactEvent,
  schema: contactEventSchema,
  what: 'Not an Amazon Connect contact event: ',
  valid: [
    fixture('contact-event-disconnected.json'),
    fixture('contact-event-completed.json'),
    fixture('contact-event-disconnected-hierarchy-groups.json'),
    rawDisconnect({ queueId: null, agentId: null, channel: 'CHAT', tags: { acwProfile: 'tier3' } }),
    rawDisconnect({ eventType: 'CONNECTED_TO_AGENT', connected: true }),
    // R16: an agent's own queue (a quick-connect transfer), a field Connect may add later.
    {
      ...rawDisconnect(),
      detail: {
        ...(rawDisconnect().detail as object),
        queueInfo: {
          queueArn:
            'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012/queue/agent/a-1',
          queueType: 'AGENT',
        },
        someFutureField: { nested: [1] },
      },
    },
  ],
  wellFormed: (event) => {
    expect(event.eventType.length).toBeGreaterThan(0);
    expectId(event.contactId);
    expect(event.instanceArn.startsWith('arn:')).toBe(true);
    expect(event.channel).toBe(event.channel.trim().toUpperCase());
    if (event.agentId !== undefined) expectId(event.agentId);
    if (event.queueId !== undefined) expectId(event.queueId);
    if (event.agentQueueOf !== undefined) expectId(event.agentQueueOf);
    // R20: at most one group per hierarchy level, none empty; absent rather than an empty list.
    if (event.agentGroupIds !== undefined) {
      expect(event.agentGroupIds.length).toBeGreaterThan(0);
      expect(event.agentGroupIds.length).toBeLessThanOrEqual(5);
      for (const id of event.agentGroupIds) expect(id).toMatch(/^[^/]+$/);
    }
    if (event.previousContactId !== undefined) expectId(event.previousContactId);
    if (event.initialContactId !== undefined) expectId(event.initialContactId);
    // R16: a DISCONNECTED is read only with its disconnect time (R1).
    if (event.eventType === 'DISCONNECTED') expectDate(event.disconnectedAt);
    expectOptionalDate(event.connectedToAgentAt);
    expectOptionalDate(event.initiatedAt);
    expectOptionalDate(event.disconnectedAt);
    expectDate(event.eventTime);
    for (const value of Object.values(event.tags)) expect(typeof value).toBe('string');
  },
};

const timerPayloads: ParserCase<TimerPayload> = {
  name: 'parseTimerPayload',
  parse: parseTimerPayload,
  schema: timerPayloadSchema,
  what: 'Not a wrap-up timer: ',
  valid: [
    { contactId: 'c-1', agentId: '87654321-4321-4321-4321-210987654321', deadline: '2026-03-02T09:01:30Z' },
    JSON.stringify({ contactId: 'c-2', agentId: 'a', deadline: '2026-03-02T09:01:30.250Z' }),
  ],
  wellFormed: (payload) => {
    expect(Object.keys(payload).sort()).toEqual(['agentId', 'contactId', 'deadline']);
    expectId(payload.contactId);
    expectId(payload.agentId);
    // Normalised, so it compares equal to the session's stored deadline (R13).
    expect(new Date(payload.deadline).toISOString()).toBe(payload.deadline);
  },
};

const agentEvents: ParserCase<AgentEvent> = {
  name: 'parseAgentEvent',
  parse: parseAgentEvent,
  schema: agentEventSchema,
  what: 'Not an Amazon Connect agent event: ',
  valid: [
    fixture('agent-event-state-change.json'),
    { ...fixture('agent-event-state-change.json'), EventType: 'HEART_BEAT', CurrentAgentSnapshot: null },
  ],
  wellFormed: (event) => {
    expectId(event.eventId);
    expectId(event.eventType);
    expectId(event.agentId);
    expect(event.instanceArn.startsWith('arn:')).toBe(true);
    expectDate(event.eventTime);
    if (event.status !== undefined) {
      expect(event.status.name.length).toBeGreaterThan(0);
      expectDate(event.status.since);
    }
  },
};

fuzzParser(contactEvents, 800);
fuzzParser(timerPayloads, 800);
fuzzParser(agentEvents, 800);

describe('parseAcwConfig (R16 fuzz)', () => {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: { acw: unknown };
  };
  const everything = {
    connectInstanceArn:
      'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
    wrapUpStatus: { name: 'Wrap Up', create: true },
    routableStatus: { id: 'routable-1' },
    policies: {
      default: {
        durationSeconds: 90,
        mode: 'timed',
        requireDisposition: true,
        dispositionCodes: [{ code: 'SALE', label: 'Sale' }],
        defaultDispositionOnTimeout: 'SALE',
      },
      channels: { CHAT: { durationSeconds: 60 } },
      queues: {
        'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012/queue/q-1': {
          durationSeconds: 300,
          maxExtensions: 2,
        },
      },
      profiles: { tier3: { durationSeconds: 600, mode: 'untimed' } },
    },
    sessionRetentionDays: 30,
    alarmEmail: 'ops@example.com',
    api: { corsOrigins: ['https://example.my.connect.aws'], throttle: { rateLimit: 5, burstLimit: 10 } },
  };
  const valid: unknown[] = [cdkJson.context.acw, {}, everything];
  const ACW_PATH = /^acw([.[]| )/;

  function checkConfig(input: unknown): 'parsed' | 'refused' {
    return parsesOrRefuses(
      () => parseAcwConfig(input),
      ConfigError,
      (config: AcwConfig) => {
        // Well-formed: parsing it again changes nothing, and the policies index.
        expect(parseAcwConfig(structuredClone(config))).toEqual(config);
        expect(() => indexPolicies(config.policies)).not.toThrow();
      },
      (error) => {
        expect(error.problems.length).toBeGreaterThan(0);
        for (const problem of error.problems) expect(problem, problem).toMatch(ACW_PATH);
      },
    );
  }

  it('R16: parses the valid configurations', () => {
    for (const input of valid) expect(checkConfig(input)).toBe('parsed');
  });

  it('R16: given arbitrary input, returns a configuration or a ConfigError whose every problem names an acw field', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        checkConfig(input);
      }),
      runs(600),
    );
  });

  it('R16: given a valid configuration with fields removed, retyped or added, every problem names an acw field', () => {
    const seen = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(fc.constantFrom(...valid).chain(mutated), (m) => {
        seen[checkConfig(m.value)] += 1;
      }),
      runs(600),
    );
    expect(seen.refused).toBeGreaterThan(200);
  });
});
