/**
 * Setup of the unisolated vitest projects (vitest.config.ts): the test files a worker runs share
 * their modules, so an AWS SDK client that one file mocked with aws-sdk-client-mock
 * (`mockClient(ConnectClient)` stubs `ConnectClient.prototype.send`) is put back after the file,
 * before another file can use it.
 */
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll } from 'vitest';

const CLIENTS = [ConnectClient, DynamoDBClient, SchedulerClient, SQSClient, SSMClient];

afterAll(() => {
  for (const client of CLIENTS) {
    // A sinon stub (what mockClient puts there) has restore(); the SDK's own send has not.
    const send: unknown = client.prototype.send;
    if (typeof send === 'function' && 'restore' in send && typeof send.restore === 'function') send.restore();
  }
});
