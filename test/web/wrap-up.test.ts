import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import type { DirectoryNames } from '../../lambda/core/ports';
import { openSession } from '../../lambda/core/session';
import { view } from '../../lambda/handlers/api-views';
import {
  agentLabel,
  channelLabel,
  MalformedAnswer,
  parseWrapUpList,
  parseWrapUpResult,
  queueLabel,
} from '../../web/src/logic/wrap-up';
import { wrapUpJson } from './fixtures';

const STARTED = new Date('2026-03-02T09:00:00.000Z');

function apiView(policy: Record<string, unknown>, names?: DirectoryNames) {
  const session = openSession({
    contactId: 'contact-1',
    agentId: 'agent-a',
    instanceArn: 'arn:aws:connect:eu-west-2:111122223333:instance/00000000-0000-0000-0000-000000000000',
    channel: 'CHAT',
    queueId: 'q-sales',
    policy: parseAcwConfig({ policies: { default: { durationSeconds: 120, ...policy } } }).policies.default,
    policySource: 'default',
    startedAt: STARTED,
    now: STARTED,
  });
  return view(session, new Date(STARTED.getTime() + 30_000), names);
}

describe('the wrap-up as the API sends it', () => {
  it('reads the real view() of a timed wrap-up with dispositions', () => {
    const body = JSON.parse(
      JSON.stringify({
        serverTime: '2026-03-02T09:00:30.000Z',
        wrapUps: [
          apiView({
            requireDisposition: true,
            dispositionCodes: [{ code: 'SALE', label: 'Sale' }],
            defaultDispositionOnTimeout: 'SALE',
            maxExtensions: 2,
            extensionSeconds: 60,
          }),
        ],
      }),
    );

    const list = parseWrapUpList(body);

    expect(list.wrapUps[0]).toMatchObject({
      contactId: 'contact-1',
      channel: 'CHAT',
      mode: 'timed',
      deadline: '2026-03-02T09:02:00.000Z',
      secondsLeft: 90,
      extensionsUsed: 0,
      extensionsLeft: 2,
      requireDisposition: true,
      dispositionCodes: [{ code: 'SALE', label: 'Sale' }],
      queueName: null,
    });
  });

  it('reads the real view() of an untimed wrap-up (no deadline, no countdown)', () => {
    const result = parseWrapUpResult(
      JSON.parse(
        JSON.stringify({ serverTime: '2026-03-02T09:00:30.000Z', wrapUp: apiView({ mode: 'untimed' }) }),
      ),
    );

    expect(result.wrapUp.deadline).toBeNull();
    expect(result.wrapUp.secondsLeft).toBeNull();
  });

  it('refuses an answer without serverTime or with an unknown mode, naming the field', () => {
    expect(() => parseWrapUpList({ wrapUps: [] })).toThrow(/body.serverTime/);
    expect(() =>
      parseWrapUpList({ serverTime: '2026-03-02T09:00:00Z', wrapUps: [wrapUpJson({ mode: 'relaxed' })] }),
    ).toThrow(MalformedAnswer);
    expect(() =>
      parseWrapUpList({ serverTime: '2026-03-02T09:00:00Z', wrapUps: [wrapUpJson({ extensionsLeft: -1 })] }),
    ).toThrow(/wrapUps\[0\].extensionsLeft/);
  });

  it('takes extensionsUsed as unknown when the API leaves it out, and ignores fields it does not know', () => {
    const { extensionsUsed: _, ...withoutUsed } = wrapUpJson({ somethingNew: 1 });

    const list = parseWrapUpList({ serverTime: '2026-03-02T09:00:00Z', wrapUps: [withoutUsed] });

    expect(list.wrapUps[0]?.extensionsUsed).toBeNull();
  });

  it('R20: shows the agent and queue by the names the real view() carries, else by their ids', () => {
    const named = parseWrapUpResult(
      JSON.parse(
        JSON.stringify({
          serverTime: '2026-03-02T09:00:30.000Z',
          wrapUp: apiView(
            {},
            { agents: new Map([['agent-a', 'Ana Lima']]), queues: new Map([['q-sales', 'Sales']]) },
          ),
        }),
      ),
    ).wrapUp;
    const unnamed = parseWrapUpResult(
      JSON.parse(JSON.stringify({ serverTime: '2026-03-02T09:00:30.000Z', wrapUp: apiView({}) })),
    ).wrapUp;

    expect([agentLabel(named), queueLabel(named)]).toEqual(['Ana Lima', 'Sales']);
    expect([agentLabel(unnamed), queueLabel(unnamed)]).toEqual(['agent-a', 'q-sales']);
  });

  it('shows the queue by name when known, else by id', () => {
    const names = new Map([['q-sales', 'Sales']]);

    expect(queueLabel({ queueId: 'q-sales', queueName: null }, names)).toBe('Sales');
    expect(queueLabel({ queueId: 'q-other', queueName: null }, names)).toBe('q-other');
    expect(queueLabel({ queueId: null, queueName: null })).toBe('No queue');
    expect(channelLabel('VOICE')).toBe('Voice');
  });
});
