/**
 * R16 (revised) fuzz: damage confined to the fields no rule needs (the queue, the tags, the
 * channel, timestamps used for reporting, the transfer chain, the envelope fields never read,
 * anything added) never gets a contact event refused. The event is read; each field left out is
 * named by a warning on the line of a damaged path; and no warning ever holds a tag's value (the
 * fixture's `aws:connect:systemEndpoint` is a phone number).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readContactEvent } from '../../lambda/handlers/events';
import { fixture, INSTANCE_ARN, rawDisconnect } from '../support/events';
import { applyMutation, dotted, type Mutation, mutation, onTheLineOf, type Path, runs } from './support';

/** What a rule needs: damage there may be refused (the other fuzz suite covers it). */
const NEEDED_DETAIL = new Set(['eventType', 'contactId', 'instanceArn', 'disconnectTimestamp']);
const NEEDED_ENVELOPE = new Set(['source', 'detail-type', 'time', 'detail']);

/** True when damage at `path` touches only what refines or is ignored. */
function refiningOnly(path: Path): boolean {
  if (path.length === 0) return false;
  const [top, field, sub] = path;
  if (top !== 'detail') return !NEEDED_ENVELOPE.has(String(top));
  if (field === undefined || NEEDED_DETAIL.has(String(field))) return false;
  // agentInfo names the agent of a DISCONNECTED: the object and its ARN are needed, nothing else in it.
  if (field === 'agentInfo') return sub !== undefined && sub !== 'agentArn';
  return true;
}

/** The path a warning names: `detail.tags["k"] ...` is detail / tags / k. */
function warnedPath(warning: string): Path {
  // A tag's key may hold spaces: read the quoted key first.
  const bracket = /^([\w.]+)\[("(?:[^"\\]|\\.)*")\] /.exec(warning);
  if (bracket?.[1] !== undefined && bracket[2] !== undefined) {
    return [...bracket[1].split('.'), JSON.parse(bracket[2]) as string];
  }
  return warning.slice(0, warning.indexOf(' ')).split('.');
}

const PHONE_DIGITS = '1234567890';
const FIXTURES = [
  rawDisconnect(),
  rawDisconnect({ channel: 'CHAT', tags: { acwProfile: 'tier3' } }),
  (() => {
    const event = rawDisconnect() as { detail: Record<string, unknown> };
    event.detail.queueInfo = { queueArn: `${INSTANCE_ARN}/queue/agent/agent-x`, queueType: 'AGENT' };
    return event;
  })(),
  // R20: the agent's hierarchy groups, levels 1-3.
  fixture('contact-event-disconnected-hierarchy-groups.json'),
];

describe('readContactEvent (R16 fuzz: refining fields)', () => {
  it('R16: damage to refining or ignored fields only: never refused, warnings on the damaged lines, no tag value logged', () => {
    let warned = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FIXTURES).chain((valid) =>
          fc
            .array(
              mutation(valid).filter((m: Mutation) => refiningOnly(m.path)),
              { minLength: 1, maxLength: 3 },
            )
            .map((mutations) => ({ valid, mutations })),
        ),
        ({ valid, mutations }) => {
          let value: unknown = structuredClone(valid);
          for (const m of mutations) value = applyMutation(value, m);

          const { event, warnings } = readContactEvent(value);

          expect(event.contactId).toBe('11111111-1111-1111-1111-111111111111');
          expect(event.eventType).toBe('DISCONNECTED');
          expect(event.disconnectedAt).toBeInstanceOf(Date);
          expect(typeof event.channel).toBe('string');
          for (const tag of Object.values(event.tags)) expect(typeof tag).toBe('string');
          for (const warning of warnings) {
            const named = warnedPath(warning);
            expect(
              mutations.some((m) => onTheLineOf(m.path, named)),
              `${warning} for ${JSON.stringify(mutations.map((m) => dotted(m.path)))}`,
            ).toBe(true);
            expect(warning).not.toContain(PHONE_DIGITS);
          }
          warned += warnings.length > 0 ? 1 : 0;
        },
      ),
      runs(600),
    );
    // The damage reached fields the parser reads, not only ones it ignores.
    expect(warned).toBeGreaterThan(50);
  });
});
