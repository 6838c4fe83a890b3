import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { SESSION_TABLE, sessionTableDefinition } from '../../lambda/adapters/session-keys';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { ENV } from '../../lambda/handlers/env';
import { AcwFunction, handlerEntry } from '../../lib/acw-function';
import { SessionTable } from '../../lib/session-table';
import {
  EXAMPLE_ACW,
  exampleWith,
  logicalId,
  propertiesOf,
  resourcesAllowed,
  statementsAllowing,
  statementsOfRole,
  synth,
  testApp,
} from './support';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/connect-agent-events';

describe('SessionTable', () => {
  it('R4: sessions are keyed by contactId and agentId, on demand', () => {
    const { stack, template } = synth();

    const table = propertiesOf(template, logicalId(stack.sessions.table));

    expect(table.KeySchema).toEqual([
      { AttributeName: SESSION_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: SESSION_TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('R17: the table keeps point-in-time recovery, is encrypted, and is retained when the stack goes', () => {
    const { stack, template } = synth();
    const id = logicalId(stack.sessions.table);

    const resource = template.toJSON().Resources[id];

    expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(resource.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('the table CloudFormation creates is the one the tests and the simulator create in DynamoDB', () => {
    const { stack, template } = synth();

    const table = propertiesOf(template, logicalId(stack.sessions.table));
    const declared = sessionTableDefinition('any');

    expect(table.KeySchema).toEqual(declared.KeySchema);
    expect(table.GlobalSecondaryIndexes).toEqual(declared.GlobalSecondaryIndexes);
    expect(new Set(table.AttributeDefinitions as unknown[])).toEqual(new Set(declared.AttributeDefinitions));
    expect(declared.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      SESSION_TABLE.openByAgentIndex,
      SESSION_TABLE.byQueueDayIndex,
    ]);
  });

  it('R17: closed sessions expire through the expiresAt TTL attribute', () => {
    const { stack, template } = synth();

    const table = propertiesOf(template, logicalId(stack.sessions.table));

    expect(table.TimeToLiveSpecification).toEqual({
      AttributeName: SESSION_TABLE.ttlAttribute,
      Enabled: true,
    });
  });

  it('each function may only GetItem and PutItem on the table and Query its open-by-agent index (R12), and is given its name; the intake also reads a transfer chain (R3, R10: BatchGetItem, Query on the table) and updates interruption records (R9, R10: UpdateItem)', () => {
    const { stack, template } = synth();
    const tableArn = { 'Fn::GetAtt': [logicalId(stack.sessions.table), 'Arn'] };

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      const tableActions =
        fn === stack.intake.function
          ? [
              'dynamodb:BatchGetItem',
              'dynamodb:GetItem',
              'dynamodb:PutItem',
              'dynamodb:Query',
              'dynamodb:UpdateItem',
            ]
          : ['dynamodb:GetItem', 'dynamodb:PutItem'];
      const dynamo = statementsOfRole(template, logicalId(fn.role)).filter((s) =>
        [s.Action].flat().some((action) => action.startsWith('dynamodb:')),
      );
      const env = (
        propertiesOf(template, logicalId(fn.function)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      expect(dynamo, fn.node.path).toEqual([
        { Effect: 'Allow', Action: tableActions, Resource: tableArn },
        {
          Effect: 'Allow',
          Action: 'dynamodb:Query',
          Resource: { 'Fn::Join': ['', [tableArn, '/index/openByAgent']] },
        },
      ]);
      expect(env[ENV.tableName], fn.node.path).toEqual({ Ref: logicalId(stack.sessions.table) });
    }
  });

  it("R9, R10: only the contact events' consumer (the worker) may update an item in place: the interruption records", () => {
    const { stack, template } = synth(exampleWith({ agentEventStream: { streamArn: STREAM_ARN } }));
    const others = [
      ...stack.timers.functions,
      stack.sweep.function,
      stack.agentApi.function,
      stack.contactFlow.function,
      stack.agentEvents?.function,
    ];
    for (const fn of others) {
      if (fn === undefined) throw new Error('a function is missing');
      expect(statementsAllowing(template, logicalId(fn.role), 'dynamodb:UpdateItem'), fn.node.path).toEqual(
        [],
      );
    }
    expect(
      statementsAllowing(template, logicalId(stack.intake.function.role), 'dynamodb:UpdateItem'),
    ).toHaveLength(1);
  });

  it('with a customer managed key, encrypts the table with it and lets the functions use that key', () => {
    const stack = new Stack(testApp(), 'Keyed');
    const key = new Key(stack, 'Key', { enableKeyRotation: true });
    const settings = {
      config: parseAcwConfig(EXAMPLE_ACW),
      instanceArn: 'arn:aws:connect:x',
      defaultDurationSeconds: '90',
    };
    const sessions = new SessionTable(stack, 'Sessions', { encryptionKey: key });
    const fn = new AcwFunction(stack, 'Fn', { settings, entry: handlerEntry('worker'), description: 'x' });

    sessions.grantSessions(fn);
    const template = Template.fromStack(stack);

    expect(propertiesOf(template, logicalId(sessions.table)).SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(key), 'Arn'] },
    });
    expect(resourcesAllowed(template, logicalId(fn.role), 'kms:Decrypt')).toEqual([
      { 'Fn::GetAtt': [logicalId(key), 'Arn'] },
    ]);
  });
});
