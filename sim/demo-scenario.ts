/**
 * The `npm run demo` demo: a quarter of an hour of a small contact center on Monday 2026-03-02.
 *
 * Four agents; policies by queue, channel and profile; a duplicated event (R14); a contact that
 * never reached an agent (R2); a queue whose policy is 0 s (no wrap-up); an outbound call with no
 * queue; and a transfer, where each agent's wrap-up begins when they leave the contact.
 *
 * Agents act on their wrap-ups: Ana extends hers (R5) and is refused a second extension
 * (EXTENSION_LIMIT); Ben may not end his chat wrap-up early, the chat queue being `forced` (R6);
 * Chloé records a disposition and ends hers with All Done (R6); a supervisor ends Dev's. The
 * transfer flow gives the transferred call a 2-minute wrap-up (R3: a contact flow's choice comes
 * before the queue's policy).
 */
import type { AcwConfigInput } from '../lambda/core/config';
import { type ContactEventJson, contactEvent, contactFlowEvent } from './contact-events';

const INSTANCE_ARN = 'arn:aws:connect:eu-west-2:111122223333:instance/0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';

const ANA = '5b1f0c9e-1a2b-4c3d-8e4f-00000000a001';
const BEN = '5b1f0c9e-1a2b-4c3d-8e4f-00000000a002';
const CHLOE = '5b1f0c9e-1a2b-4c3d-8e4f-00000000a003';
const DEV = '5b1f0c9e-1a2b-4c3d-8e4f-00000000a004';
const GENERAL = '9c0d1e2f-0000-4000-8000-00000000a101';
const BILLING = '9c0d1e2f-0000-4000-8000-00000000a102';
const CALLBACKS = '9c0d1e2f-0000-4000-8000-00000000a103';
const CHAT = '9c0d1e2f-0000-4000-8000-00000000a104';

/** Display names of the demo's agents, by Connect user id. */
export const DEMO_AGENTS: Readonly<Record<string, string>> = {
  [ANA]: 'Ana',
  [BEN]: 'Ben',
  [CHLOE]: 'Chloé',
  [DEV]: 'Dev',
};

/** Display names of the demo's queues, by queue id. */
export const DEMO_QUEUES: Readonly<Record<string, string>> = {
  [GENERAL]: 'general',
  [BILLING]: 'billing',
  [CALLBACKS]: 'callbacks',
  [CHAT]: 'chat',
};

const config: AcwConfigInput = {
  connectInstanceArn: INSTANCE_ARN,
  wrapUpStatus: { name: 'Wrap Up' },
  routableStatus: { name: 'Available' },
  policies: {
    default: {
      durationSeconds: 90,
      extensionSeconds: 60,
      maxExtensions: 1,
      dispositionCodes: [
        { code: 'SOLD', label: 'Sale made' },
        { code: 'INFO', label: 'Information given' },
        { code: 'CALLBACK', label: 'Callback promised' },
      ],
    },
    channels: { CHAT: { durationSeconds: 60 } },
    queues: {
      [BILLING]: { durationSeconds: 300 },
      [CALLBACKS]: { durationSeconds: 0 },
      // Chat wrap-ups run their full minute: no All Done.
      [CHAT]: { mode: 'forced' },
    },
    profiles: { tier3: { durationSeconds: 600 } },
  },
};

const DAY = '2026-03-02';
const t = (time: string): number => Date.parse(`${DAY}T${time}Z`);

/** A handled contact: talked from `connected` to `disconnected`; the event arrives `delay` s later. */
function handled(spec: {
  contactId: string;
  agentId: string;
  channel: 'VOICE' | 'CHAT';
  queueId?: string | undefined;
  connected: string;
  disconnected: string;
  initiationMethod?: 'INBOUND' | 'OUTBOUND' | 'TRANSFER';
  previousContactId?: string;
  tags?: Record<string, string>;
}): ContactEventJson {
  const connectedAt = t(spec.connected);
  return contactEvent({
    instanceArn: INSTANCE_ARN,
    contactId: spec.contactId,
    channel: spec.channel,
    initiationMethod: spec.initiationMethod ?? 'INBOUND',
    initiatedAt: connectedAt - 25_000,
    queueId: spec.queueId,
    enqueuedAt: connectedAt - 20_000,
    agentId: spec.agentId,
    connectedToAgentAt: connectedAt,
    disconnectedAt: t(spec.disconnected),
    previousContactId: spec.previousContactId,
    tags: spec.tags,
  });
}

const anaBilling = handled({
  contactId: 'c0000001-0000-4000-8000-000000000001',
  agentId: ANA,
  channel: 'VOICE',
  queueId: BILLING,
  connected: '08:55:40',
  disconnected: '09:00:03',
});
const benChat = handled({
  contactId: 'c0000001-0000-4000-8000-000000000002',
  agentId: BEN,
  channel: 'CHAT',
  queueId: CHAT,
  connected: '08:58:00',
  disconnected: '09:01:08',
});
const chloeGeneral = handled({
  contactId: 'c0000001-0000-4000-8000-000000000003',
  agentId: CHLOE,
  channel: 'VOICE',
  queueId: GENERAL,
  connected: '08:57:12',
  disconnected: '09:01:28',
});
const abandoned = contactEvent({
  instanceArn: INSTANCE_ARN,
  contactId: 'c0000001-0000-4000-8000-000000000004',
  channel: 'VOICE',
  initiatedAt: t('09:01:20'),
  queueId: GENERAL,
  enqueuedAt: t('09:01:25'),
  disconnectedAt: t('09:02:00'),
});
const devTier3 = handled({
  contactId: 'c0000001-0000-4000-8000-000000000005',
  agentId: DEV,
  channel: 'VOICE',
  queueId: GENERAL,
  connected: '08:52:30',
  disconnected: '09:02:15',
  tags: { acwProfile: 'tier3' },
});
const benCallback = handled({
  contactId: 'c0000001-0000-4000-8000-000000000006',
  agentId: BEN,
  channel: 'VOICE',
  queueId: CALLBACKS,
  connected: '09:02:30',
  disconnected: '09:03:40',
});
const chloeOutbound = handled({
  contactId: 'c0000001-0000-4000-8000-000000000007',
  agentId: CHLOE,
  channel: 'VOICE',
  connected: '09:04:10',
  disconnected: '09:06:20',
  initiationMethod: 'OUTBOUND',
});
const benTransfers = handled({
  contactId: 'c0000001-0000-4000-8000-000000000008',
  agentId: BEN,
  channel: 'VOICE',
  queueId: GENERAL,
  connected: '09:04:05',
  disconnected: '09:08:10',
});
const anaTakesTransfer = handled({
  contactId: 'c0000001-0000-4000-8000-000000000009',
  agentId: ANA,
  channel: 'VOICE',
  queueId: GENERAL,
  connected: '09:07:40',
  disconnected: '09:11:30',
  initiationMethod: 'TRANSFER',
  previousContactId: 'c0000001-0000-4000-8000-000000000008',
});

/** The demo scenario, in the simulator's public format. */
export const demoScenario = {
  seed: 5,
  config,
  agents: Object.keys(DEMO_AGENTS).map((id) => ({ id, status: 'Available' })),
  steps: [
    { at: `${DAY}T09:00:05Z`, contactEvent: anaBilling },
    { at: `${DAY}T09:01:10Z`, contactEvent: benChat },
    { at: `${DAY}T09:01:30Z`, contactEvent: chloeGeneral },
    // EventBridge delivers at least once: the same event again.
    { at: `${DAY}T09:01:34Z`, contactEvent: chloeGeneral },
    { at: `${DAY}T09:02:01Z`, contactEvent: abandoned },
    { at: `${DAY}T09:02:17Z`, contactEvent: devTier3 },
    { at: `${DAY}T09:03:42Z`, contactEvent: benCallback },
    { at: `${DAY}T09:06:22Z`, contactEvent: chloeOutbound },
    { at: `${DAY}T09:08:12Z`, contactEvent: benTransfers },
    { at: `${DAY}T09:11:32Z`, contactEvent: anaTakesTransfer },
    // The transfer flow ("Invoke AWS Lambda function" block) chooses the transferred call's wrap-up.
    {
      at: `${DAY}T09:07:20Z`,
      contactFlowEvent: contactFlowEvent({
        instanceArn: INSTANCE_ARN,
        contactId: 'c0000001-0000-4000-8000-000000000009',
        queueId: GENERAL,
        queueName: 'general',
        parameters: { durationSeconds: '120' },
      }),
    },
    // What the agents (and a supervisor) do from the desktop.
    { at: `${DAY}T09:01:40Z`, agentAction: { agentId: BEN, action: 'allDone' } },
    {
      at: `${DAY}T09:02:20Z`,
      agentAction: { agentId: CHLOE, action: 'update', notes: 'Upgraded to fibre' },
    },
    { at: `${DAY}T09:02:30Z`, agentAction: { agentId: CHLOE, action: 'allDone', disposition: 'SOLD' } },
    { at: `${DAY}T09:03:10Z`, agentAction: { agentId: ANA, action: 'extend' } },
    { at: `${DAY}T09:04:30Z`, agentAction: { agentId: ANA, action: 'extend' } },
    {
      at: `${DAY}T09:09:00Z`,
      agentAction: { agentId: DEV, action: 'allDone', disposition: 'INFO', as: 'supervisor' },
    },
  ],
  until: `${DAY}T09:15:00Z`,
};
